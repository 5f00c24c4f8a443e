/**
 * A parsed JSON answer as tests read it: any member may be indexed further. The one loose type of the test
 * code (answers are checked field by field with expect, and against their schemas in the OpenAPI test).
 */
export type JsonDocument = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

import { describe, expect, it } from "vitest";
import { ConfigError, envAddressList, envBool, envInt, envString, loadConfig, serviceEnv } from "./config.js";

describe("loadConfig", () => {
  const shape = {
    PORT: envInt({ default: 8080, min: 0, max: 65535 }),
    DEV: envBool({ default: false }),
    NAME: envString({ default: "x", pattern: /^[a-z]+$/, form: "lower-case letters" }),
    ADDRS: envAddressList({ default: ["127.0.0.1:1"] }),
  };

  it("applies defaults for unset and empty variables", () => {
    expect(loadConfig(shape, { PORT: "", DEV: undefined })).toEqual({ PORT: 8080, DEV: false, NAME: "x", ADDRS: ["127.0.0.1:1"] });
  });

  it("parses values", () => {
    expect(loadConfig(shape, { PORT: "9000", DEV: "1", NAME: "abc", ADDRS: "a:1, b:2" })).toEqual({ PORT: 9000, DEV: true, NAME: "abc", ADDRS: ["a:1", "b:2"] });
  });

  it("reports every bad variable by name with the expected form", () => {
    try {
      loadConfig(shape, { PORT: "80a", DEV: "yes", NAME: "ABC", ADDRS: "nohost" });
      throw new Error("no error");
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      expect(problems).toHaveLength(4);
      expect(problems).toContain('PORT: expected an integer from 0 to 65535, got "80a"');
      expect(problems).toContain('DEV: expected 1, 0, true or false, got "yes"');
      expect(problems).toContain('NAME: expected lower-case letters, got "ABC"');
      expect(problems.some((p) => p.startsWith("ADDRS: expected a comma-separated list of host:port"))).toBe(true);
    }
  });

  it("refuses out-of-range integers", () => {
    expect(() => loadConfig(shape, { PORT: "70000" })).toThrow(/PORT/);
  });

  it("rejects a NATS_URL that is not a nats URL", () => {
    expect(() => loadConfig(serviceEnv({ defaultPort: 1 }), { NATS_URL: "localhost:4222" })).toThrow(/NATS_URL: expected a nats:\/\/ URL/);
  });

  it("refuses an idempotency window under 24 hours", () => {
    expect(() => loadConfig(serviceEnv({ defaultPort: 1 }), { IDEMPOTENCY_TTL_MS: "3600000" })).toThrow(/IDEMPOTENCY_TTL_MS/);
  });
});

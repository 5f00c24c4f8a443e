import { ITEM_TYPES, PRIORITIES, STATUSES, type ItemType, type Priority, type Status } from "./work-item.js";

/**
 * The search query language, small on purpose: whitespace-separated terms, each one of
 *   word            full text over titles and descriptions (every word must match; the last also as a prefix)
 *   "a phrase"      full text, the words in this order
 *   field=v1,v2     a filter; any of the values matches; values may be "quoted"
 *   PAY-42          one item by its key
 * Fields: status, type, priority, assignee, sprint, label, project (a key), parent (an id). A query that
 * does not parse names the 1-based position of the problem: "at 17: expected a value after '='".
 */

/** Most characters a query may have. */
export const MAX_QUERY_CHARS = 1000;
/** Most terms a query may have. */
export const MAX_QUERY_TERMS = 32;

export const QUERY_FIELDS = ["status", "type", "priority", "assignee", "sprint", "label", "project", "parent"] as const;
export type QueryField = (typeof QUERY_FIELDS)[number];

/** A parsed query. */
export interface SearchQuery {
  /** Full-text terms: words and phrases, in order. */
  text: { value: string; phrase: boolean }[];
  statuses: Status[];
  types: ItemType[];
  priorities: Priority[];
  assignees: string[];
  sprints: string[];
  labels: string[];
  projectKeys: string[];
  parents: string[];
  /** Items named by key. */
  keys: { projectKey: string; number: number }[];
}

/** A query that does not parse: `position` is 1-based. */
export class QueryError extends Error {
  override readonly name = "QueryError";
  constructor(
    readonly position: number,
    readonly problem: string,
  ) {
    super(`at ${position}: ${problem}`);
  }
}

const ITEM_KEY = /^((?=[A-Z0-9]*[A-Z])[A-Z0-9]{2,10})-([1-9][0-9]{0,15})$/;
const FIELD_NAME = /^[a-z_]+$/;

const ENUMS: Partial<Record<QueryField, readonly string[]>> = { status: STATUSES, type: ITEM_TYPES, priority: PRIORITIES };

/** Parses a query; throws QueryError naming the position of the first problem. */
export function parseSearchQuery(input: string): SearchQuery {
  const q: SearchQuery = { text: [], statuses: [], types: [], priorities: [], assignees: [], sprints: [], labels: [], projectKeys: [], parents: [], keys: [] };
  if (input.length > MAX_QUERY_CHARS) throw new QueryError(MAX_QUERY_CHARS + 1, `a query has at most ${MAX_QUERY_CHARS} characters`);
  let i = 0;
  let terms = 0;
  const at = () => i + 1;
  const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);

  /** A quoted string starting at i (on the quote); returns its content. */
  const readQuoted = (): string => {
    const start = at();
    i++;
    let out = "";
    while (i < input.length && input[i] !== '"') out += input[i++];
    if (i >= input.length) throw new QueryError(start, "unterminated quote");
    i++;
    return out;
  };
  /** A bare run of characters up to whitespace or one of `stops`. */
  const readBare = (stops: string): string => {
    let out = "";
    while (i < input.length && !isSpace(input[i]) && !stops.includes(input[i] as string)) out += input[i++];
    return out;
  };

  while (i < input.length) {
    if (isSpace(input[i])) {
      i++;
      continue;
    }
    if (++terms > MAX_QUERY_TERMS) throw new QueryError(at(), `a query has at most ${MAX_QUERY_TERMS} terms`);
    if (input[i] === '"') {
      const phrase = readQuoted();
      if (i < input.length && !isSpace(input[i])) throw new QueryError(at(), "expected a space after the closing quote");
      if (phrase.trim()) q.text.push({ value: phrase, phrase: true });
      continue;
    }
    if (input[i] === "=") throw new QueryError(at(), "expected a field name before '='");
    const start = at();
    const word = readBare('="');
    if (input[i] === '"') throw new QueryError(at(), "a quote must start a term or a value");
    if (input[i] !== "=") {
      const key = ITEM_KEY.exec(word);
      if (key) q.keys.push({ projectKey: key[1] as string, number: Number(key[2]) });
      else q.text.push({ value: word, phrase: false });
      continue;
    }
    if (!FIELD_NAME.test(word) || !(QUERY_FIELDS as readonly string[]).includes(word)) {
      throw new QueryError(start, `unknown field '${word}'; use one of ${QUERY_FIELDS.join(", ")}`);
    }
    const field = word as QueryField;
    i++;
    for (;;) {
      if (i >= input.length || isSpace(input[i]) || input[i] === ",") {
        throw new QueryError(at(), `expected a value after '${input[i - 1] === "," ? "," : "="}'`);
      }
      const valueAt = at();
      const value = input[i] === '"' ? readQuoted() : readBare(',="');
      if (input[i] === "=" || input[i] === '"') throw new QueryError(at(), `unexpected '${input[i] as string}' in a value; quote values that hold it`);
      addFilter(q, field, value, valueAt);
      if (input[i] !== ",") break;
      i++;
    }
    if (i < input.length && !isSpace(input[i])) throw new QueryError(at(), "expected a space after the value");
  }
  return q;
}

function addFilter(q: SearchQuery, field: QueryField, value: string, position: number): void {
  const allowed = ENUMS[field];
  if (allowed && !allowed.includes(value)) throw new QueryError(position, `unknown ${field} '${value}'; use one of ${allowed.join(", ")}`);
  switch (field) {
    case "status":
      q.statuses.push(value as Status);
      return;
    case "type":
      q.types.push(value as ItemType);
      return;
    case "priority":
      q.priorities.push(value as Priority);
      return;
    case "assignee":
      q.assignees.push(value);
      return;
    case "sprint":
      q.sprints.push(value);
      return;
    case "label":
      q.labels.push(value);
      return;
    case "project":
      if (!/^[A-Z0-9]{2,10}$/.test(value)) throw new QueryError(position, `'${value}' is not a project key (2-10 upper-case letters or digits)`);
      q.projectKeys.push(value);
      return;
    case "parent":
      q.parents.push(value);
      return;
  }
}

/**
 * The FTS5 match expression of the full-text terms: each word or phrase quoted (so no character is an
 * operator), all of them required, the last bare word also matching as a prefix. Terms without a letter or
 * digit match nothing in the index and are left out; undefined when no term is left.
 */
export function ftsMatchExpression(text: SearchQuery["text"]): string | undefined {
  const terms = text.filter((t) => /[\p{L}\p{N}]/u.test(t.value));
  if (terms.length === 0) return undefined;
  return terms
    .map((t, index) => {
      const quoted = `"${t.value.replace(/"/g, '""')}"`;
      return !t.phrase && index === terms.length - 1 ? `${quoted}*` : quoted;
    })
    .join(" ");
}

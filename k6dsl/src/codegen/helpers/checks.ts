// The checks of checks.js in TypeScript, for a project's scripts/lib/checks.ts.
// tsc --strict and prettier check this file as it is (tests/generated/helper_files.rs);
// items as in utils.js.

// For tsc only: the generated module imports the types its checks name.
import type { JSONValue } from "k6";
import type { Response } from "k6/http";

// k6dsl:items

export function statusIs(code: number) {
  return (r: Response) => r.status === code;
}

export function statusIn(codes: number[]) {
  return (r: Response) => codes.includes(r.status);
}

export function hasHeader(name: string) {
  return (r: Response) => r.headers[name] !== undefined;
}

export function headerContains(name: string, text: string) {
  return (r: Response) => (r.headers[name] || "").includes(text);
}

export function bodyContains(text: string) {
  return (r: Response) => String(r.body).includes(text);
}

export function bodyMatches(pattern: string) {
  const regex = new RegExp(pattern);
  return (r: Response) => regex.test(String(r.body));
}

export function hasJson(path: string) {
  return (r: Response) => r.json(path) !== undefined;
}

export function jsonEquals(path: string, expected: JSONValue) {
  return (r: Response) => r.json(path) === expected;
}

export function respondsWithin(ms: number) {
  return (r: Response) => r.timings.duration < ms;
}

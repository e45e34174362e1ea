// The reusable checks of a project's scripts/lib/checks.js, each written only
// when a check uses it; each returns a predicate for check(). node and prettier
// check this file as it is (tests/generated/helper_files.rs); items as in utils.js.

// k6dsl:items

export function statusIs(code) {
  return (r) => r.status === code;
}

export function statusIn(codes) {
  return (r) => codes.includes(r.status);
}

export function hasHeader(name) {
  return (r) => r.headers[name] !== undefined;
}

export function headerContains(name, text) {
  return (r) => (r.headers[name] || "").includes(text);
}

export function bodyContains(text) {
  return (r) => String(r.body).includes(text);
}

export function bodyMatches(pattern) {
  const regex = new RegExp(pattern);
  return (r) => regex.test(r.body);
}

export function hasJson(path) {
  return (r) => r.json(path) !== undefined;
}

export function jsonEquals(path, expected) {
  return (r) => r.json(path) === expected;
}

export function respondsWithin(ms) {
  return (r) => r.timings.duration < ms;
}

// The helpers of utils.js in TypeScript, typed against @types/k6: inline in a
// single script (without `export`), exported from a project's
// scripts/lib/utils.ts. tsc --strict and prettier check this file as it is
// (tests/generated/helper_files.rs); items as in utils.js.

// k6dsl:items

// k6's end-of-test summary data, as far as summaryText reads it
// (@types/k6 has no type for it).
export interface SummaryData {
  metrics: {
    [name: string]: {
      values: { [stat: string]: number };
      thresholds?: { [expression: string]: { ok: boolean } };
    };
  };
}

// A whole number between min and max, inclusive (as jslib's k6-utils).
export function randomIntBetween(min: number, max: number): number {
  return Math.floor(Math.random() * (max - min + 1) + min);
}

// A number between min and max.
export function randomBetween(min: number, max: number): number {
  return min + Math.random() * (max - min);
}

// One of the items, at random.
export function randomItem<T>(items: T[]): T {
  return items[Math.floor(Math.random() * items.length)];
}

// A random version 4 UUID (as jslib's uuidv4, made here: no network).
export function uuidv4(): string {
  return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(
    /[xy]/g,
    (c: string) => {
      const r = Math.floor(Math.random() * 16);
      return (c === "x" ? r : (r % 4) + 8).toString(16);
    },
  );
}

// The first value of the cookie `name` a VU's jar (http.cookieJar()) holds
// for a URL, or undefined.
export function cookieValue(
  jar: { cookiesForURL(url: string): { [name: string]: string[] } },
  url: string,
  name: string,
): string | undefined {
  const values = jar.cookiesForURL(url)[name];
  return values === undefined ? undefined : values[0];
}

// The text between two markers, or undefined (as jslib's findBetween).
export function findBetween(
  content: unknown,
  left: string,
  right: string,
): string | undefined {
  const start = String(content).indexOf(left);
  if (start === -1) {
    return undefined;
  }
  const from = start + left.length;
  const end = String(content).indexOf(right, from);
  return end === -1 ? undefined : String(content).substring(from, end);
}

// A capture group of the first match of pattern in text, or undefined.
export function matchGroup(
  text: unknown,
  pattern: string,
  index: number,
): string | undefined {
  const found = new RegExp(pattern).exec(String(text));
  return found === null ? undefined : found[index];
}

// The URL with user and password in its userinfo, as k6's digest and NTLM auth want.
export function withCredentials(url: string, user: string, password: string) {
  const credentials = `${encodeURIComponent(user)}:${encodeURIComponent(password)}@`;
  return url.replace("://", `://${credentials}`);
}

// Rows of a CSV file with a header line, as objects keyed by the header.
// Handles quoted fields with commas, quotes and line breaks (RFC 4180).
export function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") {
        i++;
      }
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else {
      field += c;
    }
  }
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const [header, ...rows] = records;
  return rows.map((row) =>
    Object.fromEntries(header.map((name, i) => [name, row[i] ?? ""])),
  );
}

// A short end-of-test summary: thresholds and checks (the full summary is in JSON).
export function summaryText(data: SummaryData, path: string): string {
  const lines = [""];
  for (const [name, metric] of Object.entries(data.metrics)) {
    const thresholds = metric.thresholds || {};
    for (const [expression, result] of Object.entries(thresholds)) {
      lines.push(`${result.ok ? "✓" : "✗"} ${name}: ${expression}`);
    }
  }
  const checks = data.metrics.checks;
  if (checks) {
    const { passes, fails } = checks.values;
    lines.push(`checks: ${passes} passed, ${fails} failed`);
  }
  // Only the target: k6 writes the file after this, into a folder that exists.
  lines.push(
    `full summary: ${path}, if its folder exists (k6 creates none)`,
    "",
  );
  return lines.join("\n");
}

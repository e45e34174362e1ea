import exec from "k6/execution";
import http from "k6/http";
import type { Options } from "k6/options";

const BASE_URL = __ENV.BASE_URL || "http://127.0.0.1:3300";

// Secrets are read at run time, never written here: each VU stops when one is
// missing (k6 inspect, which runs this as VU 0, works without them).
if (__VU !== 0 && !__ENV.SHOP_PASSWORD) {
  throw new Error("SHOP_PASSWORD is not set: run k6 with -e SHOP_PASSWORD=...");
}

export const options: Options = {
  vus: 1,
  iterations: 2,
  thresholds: {
    checks: ["rate===1"],
  },
};

export default function () {
  const loginRes = http.post(
    `${BASE_URL}/auth/login`,
    JSON.stringify({ username: "user7", password: __ENV.SHOP_PASSWORD }),
    {
      headers: { "Content-Type": "application/json" },
      tags: { name: "login", endpoint: "login" },
    },
  );
  const token = loginRes.json("token");
  const userId = loginRes.json("user.id");
  const meRes = http.get(`${BASE_URL}/users/me`, {
    headers: { Authorization: `Bearer ${token}` },
    tags: { name: "me", endpoint: "me" },
  });
  const name = meRes.json("name");
  const contentType = meRes.headers["Content-Type"];
  const extracted = findBetween(meRes.body, '"username":"', '"');
  const matched = matchGroup(meRes.body, '"id":(\\d+)', 1);
  http.post(
    `${BASE_URL}/echo/${encodeURIComponent(String(userId))}/${encodeURIComponent(String(matched))}`,
    JSON.stringify({ between: extracted, token: token }),
    {
      headers: {
        "Content-Type": "application/json",
        "X-Name": String(name),
        "X-Type": contentType,
        "X-Where": `${exec.scenario.name}-${__VU}-${__ITER}`,
      },
      tags: { name: "echo", endpoint: "echo" },
    },
  );
}

// The text between two markers, or undefined (as jslib's findBetween).
function findBetween(
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
function matchGroup(
  text: unknown,
  pattern: string,
  index: number,
): string | undefined {
  const found = new RegExp(pattern).exec(String(text));
  return found === null ? undefined : found[index];
}

import { check } from "k6";
import encoding from "k6/encoding";
import http from "k6/http";
import type { Options } from "k6/options";

const BASE_URL = __ENV.BASE_URL || "http://127.0.0.1:3300";

// Secrets are read at run time, never written here: each VU stops when one is
// missing (k6 inspect, which runs this as VU 0, works without them).
if (__VU !== 0 && !__ENV.BASIC_PASSWORD) {
  throw new Error(
    "BASIC_PASSWORD is not set: run k6 with -e BASIC_PASSWORD=...",
  );
}
if (__VU !== 0 && !__ENV.P) {
  throw new Error("P is not set: run k6 with -e P=...");
}

export const options: Options = {
  vus: 1,
  iterations: 2,
  thresholds: {
    checks: ["rate===1"],
    "http_reqs{critical:true}": ["count===1"],
  },
};

export default function () {
  const headersRes = http.get(`${BASE_URL}/echo/headers`, {
    headers: { "X-Custom": "one" },
    tags: { name: "headers", endpoint: "headers", critical: "true" },
    timeout: "5s",
    cookies: { session: "abc" },
  });
  check(headersRes, {
    "status is 200": (r) => r.status === 200,
  });
  http.get(`${BASE_URL}/basic-auth/alice/${__ENV.BASIC_PASSWORD}`, {
    headers: {
      Authorization: `Basic ${encoding.b64encode(`alice:${__ENV.BASIC_PASSWORD}`)}`,
    },
    tags: { name: "basic", endpoint: "basic" },
  });
  http.get(withCredentials(`${BASE_URL}/digest`, "alice", __ENV.P), {
    tags: { name: "digest", endpoint: "digest" },
    auth: "digest",
  });
  http.get(withCredentials(`${BASE_URL}/ntlm`, "bob", __ENV.P), {
    tags: { name: "ntlm", endpoint: "ntlm" },
    auth: "ntlm",
  });
  http.get(`${BASE_URL}/redirect/3`, {
    tags: { name: "follow", endpoint: "follow" },
    redirects: 5,
  });
  http.get(`${BASE_URL}/products`, {
    tags: { name: "discarded", endpoint: "discarded" },
    responseType: "none",
  });
  http.post(
    `${BASE_URL}/echo/gzip`,
    JSON.stringify({
      big: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    }),
    {
      headers: { "Content-Type": "application/json" },
      tags: { name: "gzip", endpoint: "gzip" },
      compression: "gzip",
    },
  );
}

// The URL with user and password in its userinfo, as k6's digest and NTLM auth want.
function withCredentials(url: string, user: string, password: string) {
  const credentials = `${encodeURIComponent(user)}:${encodeURIComponent(password)}@`;
  return url.replace("://", `://${credentials}`);
}

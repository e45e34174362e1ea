import http from "k6/http";

const SHOP_URL = __ENV.SHOP_URL || "https://shop.example.com/api";
const SHOP_USER = __ENV.SHOP_USER || "user1";

// Secrets are read at run time, never written here: each VU stops when one is
// missing (k6 inspect, which runs this as VU 0, works without them).
if (__VU !== 0 && !__ENV.SHOP_PASSWORD) {
  throw new Error("SHOP_PASSWORD is not set: run k6 with -e SHOP_PASSWORD=...");
}

let token;

export const options = {
  scenarios: {
    shoppers: {
      executor: "per-vu-iterations",
      vus: 3,
      iterations: 4,
      exec: "shopper",
    },
  },
};

export function setup() {
  const setupLoginRes = http.post(
    `${SHOP_URL}/auth/login`,
    JSON.stringify({ username: SHOP_USER, password: __ENV.SHOP_PASSWORD }),
    {
      headers: { "Content-Type": "application/json" },
      tags: { name: "setup_login", endpoint: "setup_login" },
    },
  );
  const token = setupLoginRes.json("token");
  return { token };
}

export function shopper(data) {
  if (token === undefined) {
    const vuLoginRes = http.post(
      `${SHOP_URL}/auth/login`,
      JSON.stringify({ username: `user${__VU}` }),
      {
        headers: { "Content-Type": "application/json" },
        tags: { name: "vu_login", endpoint: "vu_login" },
      },
    );
    token = vuLoginRes.json("token");
  }
  http.get(`${SHOP_URL}/users/me`, {
    headers: { Authorization: `Bearer ${data.token}` },
    tags: { name: "me_shared", endpoint: "me_shared" },
  });
  http.get(`${SHOP_URL}/cart`, {
    headers: { Authorization: `Bearer ${token}` },
    tags: { name: "cart_own", endpoint: "cart_own" },
  });
}

export function teardown(data) {
  http.del(`${SHOP_URL}/cart`, null, {
    headers: { Authorization: `Bearer ${data.token}` },
    tags: { name: "cleanup", endpoint: "cleanup" },
  });
}

export function handleSummary(data) {
  return {
    "results/summary.json": JSON.stringify(data, null, 2),
    stdout: summaryText(data, "results/summary.json"),
  };
}

// A short end-of-test summary: thresholds and checks (the full summary is in JSON).
function summaryText(data, path) {
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

import { check } from "k6";
import http from "k6/http";
import { Counter, Gauge, Rate, Trend } from "k6/metrics";
import type { Options } from "k6/options";

const BASE_URL = __ENV.BASE_URL || "http://127.0.0.1:3300";

const lookupOk = new Rate("lookup_ok");
const lookupFailures = new Counter("lookup_failures");
const lookupTime = new Trend("lookup_time", true);
const level = new Gauge("level");

export const options: Options = {
  vus: 1,
  iterations: 2,
  thresholds: {
    checks: ["rate===1"],
    lookup_ok: ["rate===0.5"],
    lookup_failures: ["count===3"],
    lookup_time: ["max<5000"],
  },
};

export default function () {
  const productRes = http.get(`${BASE_URL}/products/1`, {
    tags: { name: "product", endpoint: "product" },
  });
  const productOk = check(productRes, {
    "status is 200": (r) => r.status === 200,
    "status is one of 200, 204": (r) => [200, 204].includes(r.status),
    "has header content-type": (r) => r.headers["Content-Type"] !== undefined,
    "Content-Type contains json": (r) =>
      (r.headers["Content-Type"] || "").includes("json"),
    'body contains "id":1': (r) => String(r.body).includes('"id":1'),
    'body matches "price":\\s*[0-9.]+': (r) =>
      new RegExp('"price":\\s*[0-9.]+').test(String(r.body)),
    "body has name": (r) => r.json("name") !== undefined,
    "id is 1": (r) => r.json("id") === 1,
    "price is 9.99": (r) => r.json("price") === 9.99,
    "sale is false": (r) => r.json("sale") === false,
    "response time < 2s": (r) => r.timings.duration < 2000,
    "raw body length": (r) => r.body.length > 10,
    "again 200": (r) => r.status === 200,
  });
  lookupOk.add(productOk);
  if (!productOk) {
    lookupFailures.add(1);
    console.error(`product failed: status ${productRes.status}`);
  }
  lookupTime.add(productRes.timings.duration);
  const stock = productRes.json("stock");
  level.add(Number(stock));
}

import { group, sleep } from "k6";
import http from "k6/http";

const BASE_URL = __ENV.BASE_URL || "http://127.0.0.1:3300";

export const options = {
  vus: 1,
  iterations: 2,
  thresholds: {
    checks: ["rate===1"],
    "group_duration{group:::E2E Purchase::Browse}": ["max<5000"],
  },
};

export default function () {
  const iterationStart = Date.now();
  group("E2E Purchase", function () {
    group("Browse", function () {
      http.get(`${BASE_URL}/products`, {
        tags: { name: "products", endpoint: "products" },
      });
    });
  });
  sleep(randomBetween(0.1, 0.2));
  sleep(0.1);
  sleep(1);
  const elapsed = (Date.now() - iterationStart) / 1000;
  if (elapsed < 0.7) {
    sleep(0.7 - elapsed);
  }
}

// A number between min and max.
function randomBetween(min, max) {
  return min + Math.random() * (max - min);
}

import { check } from "k6";
import http from "k6/http";

const BASE_URL = __ENV.BASE_URL || "http://127.0.0.1:3300";

export const options = {
  vus: 1,
  iterations: 2,
  thresholds: {
    checks: ["rate===1"],
  },
};

export default function () {
  const getRes = http.get(`${BASE_URL}/echo/get`, {
    tags: { name: "get", endpoint: "get" },
  });
  check(getRes, {
    "status is 200 (get)": (r) => r.status === 200,
  });
  const jsonRes = http.post(
    `${BASE_URL}/echo/json`,
    JSON.stringify({
      b: [1, 2.5, null, -3, 1e300, true],
      a: "x",
      n: { deep: [{}] },
    }),
    {
      headers: { "Content-Type": "application/json" },
      tags: { name: "json", endpoint: "json" },
    },
  );
  check(jsonRes, {
    "method is POST": (r) => r.json("method") === "POST",
  });
  const formRes = http.put(
    `${BASE_URL}/echo/form`,
    { user: "a b", pass: "ü&=" },
    {
      tags: { name: "form", endpoint: "form" },
    },
  );
  check(formRes, {
    "status is 200 (form)": (r) => r.status === 200,
  });
  const textRes = http.patch(`${BASE_URL}/echo/text`, "plain text", {
    headers: { "Content-Type": "text/plain" },
    tags: { name: "text", endpoint: "text" },
  });
  check(textRes, {
    "status is 200 (text)": (r) => r.status === 200,
  });
  http.del(`${BASE_URL}/echo/del`, null, {
    tags: { name: "del", endpoint: "del" },
  });
  http.head(`${BASE_URL}/echo/head`, {
    tags: { name: "head", endpoint: "head" },
  });
  http.options(`${BASE_URL}/echo/options`, null, {
    tags: { name: "options", endpoint: "options" },
  });
  http.request("PURGE", `${BASE_URL}/echo/purge`, null, {
    tags: { name: "purge", endpoint: "purge" },
  });
  const [batchOneRes, batchTwoRes] = http.batch([
    {
      method: "GET",
      url: `${BASE_URL}/products/1`,
      params: {
        tags: { name: "batch_one", endpoint: "batch_one" },
      },
    },
    {
      method: "GET",
      url: `${BASE_URL}/products/2`,
      params: {
        tags: { name: "batch_two", endpoint: "batch_two" },
      },
    },
  ]);
  check(batchOneRes, {
    "status is 200 (batch_one)": (r) => r.status === 200,
  });
}

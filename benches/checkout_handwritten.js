// The checkout test as a k6 expert writes it by hand: the benchmark's yardstick for
// the script k6dsl generates from src/checkout.rs (same requests, checks, groups and
// metrics, no think time). The benchmark sets BENCH_VUS and BENCH_DURATION to match
// the generated script's scenarios.
import { check, group } from "k6";
import http from "k6/http";
import { Counter, Gauge, Rate, Trend } from "k6/metrics";

const BASE_URL = __ENV.BASE_URL || "http://127.0.0.1:3300";
const SHOP_USER = __ENV.SHOP_USER || "user1";
const VUS = Number(__ENV.BENCH_VUS || 5);
const DURATION = __ENV.BENCH_DURATION || "10s";

const cartSize = new Gauge("cart_size");
const checkoutSuccess = new Rate("checkout_success");
const checkoutErrors = new Counter("checkout_errors");
const checkoutDuration = new Trend("checkout_duration", true);

export const options = {
  scenarios: {
    browse: {
      executor: "constant-vus",
      vus: VUS,
      duration: DURATION,
      exec: "browse",
    },
    purchase: {
      executor: "constant-vus",
      vus: VUS,
      duration: DURATION,
      exec: "purchase",
    },
  },
  userAgent: "k6dsl-checkout/1.0",
};

const JSON_HEADERS = { "Content-Type": "application/json" };

export function setup() {
  const res = http.post(
    `${BASE_URL}/auth/login`,
    JSON.stringify({ username: SHOP_USER, password: __ENV.SHOP_PASSWORD }),
    { headers: JSON_HEADERS, tags: { name: "login", endpoint: "login" } },
  );
  check(res, {
    "status is 200": (r) => r.status === 200,
    "body has token": (r) => r.json("token") !== undefined,
  });
  return { token: res.json("token") };
}

export function browse(data) {
  group("Browse Products", function () {
    const list = http.get(`${BASE_URL}/products?limit=20`, {
      tags: { name: "products", endpoint: "products" },
    });
    check(list, {
      "status is 200": (r) => r.status === 200,
      "body has products.0.id": (r) => r.json("products.0.id") !== undefined,
      "response time < 500ms": (r) => r.timings.duration < 500,
    });
    const productId = list.json("products.0.id");
    const product = http.get(`${BASE_URL}/products/${productId}`, {
      tags: { name: "product", endpoint: "product" },
    });
    check(product, {
      "status is 200": (r) => r.status === 200,
      "Content-Type contains application/json": (r) =>
        (r.headers["Content-Type"] || "").includes("application/json"),
    });
  });
  group("Account", function () {
    const me = http.get(`${BASE_URL}/users/me`, {
      headers: { Authorization: `Bearer ${data.token}` },
      tags: { name: "profile", endpoint: "profile" },
    });
    check(me, { "status is 200": (r) => r.status === 200 });
  });
}

let token;

export function purchase() {
  if (!token) {
    const res = http.post(
      `${BASE_URL}/auth/login`,
      JSON.stringify({ username: `user${__VU}`, password: __ENV.SHOP_PASSWORD }),
      { headers: JSON_HEADERS, tags: { name: "login", endpoint: "login" } },
    );
    check(res, { "status is 200": (r) => r.status === 200 });
    token = res.json("token");
  }
  const auth = { Authorization: `Bearer ${token}` };
  group("Cart", function () {
    const res = http.post(
      `${BASE_URL}/cart/items`,
      JSON.stringify({ product_id: 7, quantity: 2 }),
      {
        headers: { ...JSON_HEADERS, ...auth },
        tags: { name: "add_to_cart", endpoint: "add_to_cart" },
      },
    );
    check(res, { "status is 201": (r) => r.status === 201 });
    cartSize.add(res.json("items.#"));
  });
  group("Checkout", function () {
    const res = http.post(`${BASE_URL}/checkout`, null, {
      headers: auth,
      tags: { name: "checkout", endpoint: "checkout" },
    });
    const ok = check(res, {
      "status is 201": (r) => r.status === 201,
      "body has order_id": (r) => r.json("order_id") !== undefined,
    });
    checkoutSuccess.add(ok);
    if (!ok) {
      checkoutErrors.add(1);
      console.error(`checkout failed: status ${res.status}`);
    }
    checkoutDuration.add(res.timings.duration);
    const order = http.get(`${BASE_URL}/orders/${res.json("order_id")}`, {
      headers: auth,
      tags: { name: "order", endpoint: "order" },
    });
    check(order, { "status is 200": (r) => r.status === 200 });
  });
}

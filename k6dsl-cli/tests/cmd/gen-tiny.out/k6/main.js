import { check } from "k6";
import http from "k6/http";

const BASE_URL = __ENV.BASE_URL || "http://127.0.0.1:3300";

export const options = {
  scenarios: {
    browse: {
      executor: "constant-vus",
      vus: 1,
      duration: "10s",
      exec: "browse",
    },
  },
};

export function browse() {
  const productsRes = http.get(`${BASE_URL}/products`, {
    tags: { name: "products", endpoint: "products" },
  });
  check(productsRes, {
    "status is 200": (r) => r.status === 200,
  });
}

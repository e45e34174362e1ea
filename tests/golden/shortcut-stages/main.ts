import type { Options } from "k6/options";

export const options: Options = {
  vus: 0,
  stages: [
    { duration: "30s", target: 20 },
    { duration: "1m", target: 20 },
    { duration: "30s", target: 0 },
  ],
};

export default function () {}

import type { Options } from "k6/options";

export const options: Options = {
  vus: 5,
  iterations: 50,
  duration: "2m",
};

export default function () {}

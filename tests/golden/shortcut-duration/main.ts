import type { Options } from "k6/options";

export const options: Options = {
  vus: 10,
  duration: "30s",
};

export default function () {}

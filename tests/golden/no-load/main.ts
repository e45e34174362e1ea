import type { Options } from "k6/options";

export const options: Options = {};

export default function () {}

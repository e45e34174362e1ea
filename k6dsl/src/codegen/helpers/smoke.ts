// smoke.js in TypeScript, for a project's scripts/lib/config.ts (where `Options`
// becomes `TestOptions` when the options need the extended type). tsc --strict
// and prettier check this file as it is (tests/generated/helper_files.rs); items as in
// utils.js.

// For tsc only: the generated module imports these and declares `load` above.
import type { Options, Scenario } from "k6/options";

declare const load: Options;

// k6dsl:items

// k6 run -e SMOKE=true: every scenario's function once, by one VU, to check
// that the test works before putting load on anything.
export const options: Options = __ENV.SMOKE === "true" ? smoke(load) : load;

function smoke(options: Options): Options {
  const { scenarios, duration, iterations, stages, vus, ...rest } = options;
  if (scenarios === undefined) {
    return { ...rest, vus: 1, iterations: 1 };
  }
  const once: { [name: string]: Scenario } = {};
  for (const [name, { exec, env, tags }] of Object.entries(scenarios)) {
    // k6 reads a field set to undefined as a field left out.
    once[name] = {
      executor: "per-vu-iterations",
      vus: 1,
      iterations: 1,
      exec,
      env,
      tags,
    };
  }
  return { ...rest, scenarios: once };
}

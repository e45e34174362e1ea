// The end of a project's scripts/lib/config.js, after the test's options
// (`const load = { ... };`): `options` as k6 reads them, and the smoke variant.
// node and prettier check this file as it is (tests/generated/helper_files.rs); items as
// in utils.js.

// k6dsl:items

// k6 run -e SMOKE=true: every scenario's function once, by one VU, to check
// that the test works before putting load on anything.
export const options = __ENV.SMOKE === "true" ? smoke(load) : load;

function smoke(options) {
  const { scenarios, duration, iterations, stages, vus, ...rest } = options;
  if (scenarios === undefined) {
    return { ...rest, vus: 1, iterations: 1 };
  }
  const once = {};
  for (const [name, scenario] of Object.entries(scenarios)) {
    once[name] = { executor: "per-vu-iterations", vus: 1, iterations: 1 };
    for (const key of ["exec", "env", "tags"]) {
      if (scenario[key] !== undefined) {
        once[name][key] = scenario[key];
      }
    }
  }
  return { ...rest, scenarios: once };
}

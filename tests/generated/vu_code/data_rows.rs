//! Data rows are picked as asked: per iteration, unique across VUs, per VU, random.

use demo_shop::RecordedRequest;
use k6dsl::prelude::*;

use super::{assert_passed, header, once, run_against};
use crate::shop;

#[derive(serde::Serialize)]
struct Item {
    id: u32,
    quantity: u32,
}

#[test]
fn data_rows_are_picked_as_asked() {
    let shop = shop();
    let items = DataSet::json_rows(
        "items",
        &[
            Item { id: 1, quantity: 1 },
            Item { id: 2, quantity: 2 },
            Item { id: 3, quantity: 3 },
        ],
    );
    let codes = DataSet::csv_rows(
        "codes",
        ["code", "label"],
        [["a,1", "quoted \"x\""], ["b", "plain"]],
    );
    let flow = Flow::new("data").steps(|f| {
        let item = f.row(&items, RowSelection::PerIteration);
        f.request(
            Request::get(text!["/echo/item/", item.field("id")])
                .name("item")
                .check(Check::status(200)),
        );
        let unique = f.row(&items, RowSelection::Unique);
        f.request(Request::get(text!["/echo/unique/", unique.field("id")]).name("unique"));
        let random = f.row(&items, RowSelection::Random);
        f.request(Request::get(text!["/echo/random/", random.field("id")]).name("random"));
        let per_vu = f.row(&items, RowSelection::PerVu);
        f.request(Request::get(text!["/echo/vu/", per_vu.field("id")]).name("vu"));
        let code = f.row(&codes, RowSelection::PerIteration);
        f.request(
            Request::post("/echo/code")
                .name("code")
                .json_object([("code", code.field("code")), ("label", code.field("label"))]),
        );
    });
    let run = run_against(&once(&flow, 4), &shop, &[]);
    assert_passed(&run, "data");
    let seen = shop.requests();
    let with = |prefix: &str| -> Vec<String> {
        seen.iter()
            .filter_map(|r| r.path.strip_prefix(prefix).map(str::to_owned))
            .collect()
    };
    assert_eq!(with("/echo/item/"), ["1", "2", "3", "1"]);
    assert_eq!(with("/echo/unique/"), ["1", "2", "3", "1"]);
    assert_eq!(with("/echo/vu/"), ["1", "1", "1", "1"]);
    assert!(with("/echo/random/")
        .iter()
        .all(|id| ["1", "2", "3"].contains(&id.as_str())));
    let codes: Vec<serde_json::Value> = seen
        .iter()
        .filter(|r| r.path == "/echo/code")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(codes[0]["code"], "a,1");
    assert_eq!(codes[0]["label"], "quoted \"x\"");
    assert_eq!(codes[1]["code"], "b");
}
/// Per request to `/echo/rows/...`: (VU, iteration, Unique id, PerVu id, PerIteration id).
fn row_picks(requests: &[RecordedRequest]) -> Vec<(u32, u32, u32, u32, u32)> {
    let number = |r: &RecordedRequest, name: &str| -> u32 {
        let value = header(r, name).unwrap_or_else(|| panic!("{name} missing: {r:?}"));
        std::str::from_utf8(value).unwrap().parse().unwrap()
    };
    requests
        .iter()
        .filter_map(|r| {
            let unique = r.path.strip_prefix("/echo/rows/")?.parse().unwrap();
            Some((
                number(r, "x-vu"),
                number(r, "x-iter"),
                unique,
                number(r, "x-per-vu"),
                number(r, "x-per-iteration"),
            ))
        })
        .collect()
}

#[test]
fn rows_are_unique_across_vus_and_fixed_per_vu() {
    const ROWS: u32 = 12;
    let shop = shop();
    let rows: Vec<Item> = (1..=ROWS).map(|id| Item { id, quantity: 1 }).collect();
    let items = DataSet::json_rows("items", &rows);
    let flow = Flow::new("rows").steps(|f| {
        let unique = f.row(&items, RowSelection::Unique);
        let per_vu = f.row(&items, RowSelection::PerVu);
        let per_iteration = f.row(&items, RowSelection::PerIteration);
        f.request(
            Request::get(text!["/echo/rows/", unique.field("id")])
                .name("rows")
                .header("X-Vu", text![Value::vu()])
                .header("X-Iter", text![Value::iteration()])
                .header("X-Per-Vu", text![per_vu.field("id")])
                .header("X-Per-Iteration", text![per_iteration.field("id")])
                .check(Check::status(200)),
        );
        // Long enough that every VU gets iterations of the shared pool.
        f.sleep(millis(50));
    });
    let vus = 3;
    let shared = Script::new()
        .scenario(
            Scenario::new(
                "shared",
                SharedIterations::new()
                    .vus(nz!(3))
                    .iterations(u64::from(ROWS).try_into().unwrap()),
            )
            .exec(&flow),
        )
        .threshold(CHECKS.rate().eq(1));
    let per_vu = Script::new()
        .scenario(
            Scenario::new(
                "per_vu",
                PerVuIterations::new().vus(nz!(3)).iterations(nz!(4)),
            )
            .exec(&flow),
        )
        .threshold(CHECKS.rate().eq(1));
    let js = shared.to_javascript().unwrap();
    assert!(
        js.contains("items[exec.scenario.iterationInTest % items.length]"),
        "{js}"
    );
    assert!(
        js.contains("items[(exec.vu.idInTest - 1) % items.length]"),
        "{js}"
    );
    assert!(js.contains("items[__ITER % items.length]"), "{js}");

    for (label, script) in [
        ("shared-iterations", &shared),
        ("per-vu-iterations", &per_vu),
    ] {
        let run = run_against(script, &shop, &[]);
        assert_passed(&run, label);
        let picks = row_picks(&shop.requests());
        shop.clear_requests();
        assert_eq!(picks.len(), ROWS as usize, "{label}: {picks:?}");
        // Unique: as many rows as iterations, so every iteration of every VU has its own.
        let mut unique: Vec<u32> = picks.iter().map(|p| p.2).collect();
        unique.sort_unstable();
        assert_eq!(unique, (1..=ROWS).collect::<Vec<_>>(), "{label}: {picks:?}");
        let mut seen_vus: Vec<u32> = picks.iter().map(|p| p.0).collect();
        seen_vus.sort_unstable();
        seen_vus.dedup();
        assert_eq!(
            seen_vus,
            (1..=vus).collect::<Vec<_>>(),
            "{label}: {picks:?}"
        );
        for vu in 1..=vus {
            let own: Vec<_> = picks.iter().filter(|p| p.0 == vu).collect();
            // PerVu: VU n always has row n - 1 (ids start at 1), so VUs differ.
            assert!(own.iter().all(|p| p.3 == vu), "{label}, VU {vu}: {own:?}");
            // PerIteration: each VU walks the rows from the first, by its own __ITER.
            let walked: Vec<(u32, u32)> = own.iter().map(|p| (p.1, p.4)).collect();
            let expected: Vec<(u32, u32)> = (0..own.len() as u32).map(|i| (i, i + 1)).collect();
            assert_eq!(walked, expected, "{label}, VU {vu}");
            if label == "per-vu-iterations" {
                assert_eq!(own.len(), 4, "{label}, VU {vu}: each VU runs 4 iterations");
            }
        }
    }
}

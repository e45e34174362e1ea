//! The JavaScript and TypeScript that generated code copies as it is: the small
//! helpers scripts call (`utils`), a project's reusable checks (`checks`) and its
//! smoke options (`smoke`).
//!
//! They live in real `.js`/`.ts` files beside this one, so that node, tsc and
//! prettier check them as they are (`tests/generated/helper_files.rs`), and are compiled in
//! with `include_str!`. Each file is a module the tools accept on its own: above the
//! line `// k6dsl:items` it may import or declare, for the tools only, what the
//! generated file around the items provides; below it come the items, each a
//! declaration with the comment above it, separated by blank lines. An item is
//! found by the name it declares and written in the file's order.
//!
//! ```text
//! // k6dsl:items
//!
//! // A number between min and max.
//! export function randomBetween(min, max) {
//!   return min + Math.random() * (max - min);
//! }
//! ```

use std::collections::BTreeSet;
use std::sync::OnceLock;

use super::Target;

/// The line after which a helper file's items start.
const ITEMS_MARKER: &str = "// k6dsl:items";

/// One declaration of a helper file, with the comment above it.
#[derive(Debug)]
pub(crate) struct Item {
    /// The name it declares (`randomBetween`, `SummaryData`, `options`).
    pub name: &'static str,
    /// As written in the file: exported when the file exports it.
    pub exported: &'static str,
    /// Without the `export` of its declaration, for a single script.
    pub local: String,
}

/// The items of a helper file, in the file's order.
///
/// # Panics
///
/// When the file has no items marker or an item declares no name: the files are
/// part of k6dsl, and its unit tests read every one.
fn items(file: &'static str, source: &'static str) -> Vec<Item> {
    let (_, items) = source
        .split_once(&format!("\n{ITEMS_MARKER}\n"))
        .unwrap_or_else(|| panic!("helpers/{file} has no `{ITEMS_MARKER}` line"));
    items
        .split("\n\n")
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            let declaration = item
                .lines()
                .find(|line| !line.starts_with("//"))
                .unwrap_or_else(|| panic!("an item of helpers/{file} declares nothing:\n{item}"));
            let name = declared_name(declaration)
                .unwrap_or_else(|| panic!("helpers/{file}: no name in `{declaration}`"));
            let local = match declaration.strip_prefix("export ") {
                Some(rest) => item.replacen(declaration, rest, 1),
                None => item.to_owned(),
            };
            Item {
                name,
                exported: item,
                local,
            }
        })
        .collect()
}

/// `name` of `export function name(`, `interface name {`, `export const name =`.
fn declared_name(declaration: &str) -> Option<&str> {
    let rest = declaration.strip_prefix("export ").unwrap_or(declaration);
    let rest = ["function ", "interface ", "const "]
        .iter()
        .find_map(|keyword| rest.strip_prefix(keyword))?;
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

macro_rules! helper_file {
    ($(#[$doc:meta])* $name:ident, $file:literal) => {
        $(#[$doc])*
        fn $name() -> &'static [Item] {
            static ITEMS: OnceLock<Vec<Item>> = OnceLock::new();
            ITEMS.get_or_init(|| items($file, include_str!($file)))
        }
    };
}

helper_file!(
    /// The helpers in JavaScript.
    utils_js,
    "utils.js"
);
helper_file!(
    /// The helpers in TypeScript, with the `SummaryData` type `summaryText` takes.
    utils_ts,
    "utils.ts"
);
helper_file!(
    /// A project's reusable checks in JavaScript.
    checks_js,
    "checks.js"
);
helper_file!(
    /// A project's reusable checks in TypeScript.
    checks_ts,
    "checks.ts"
);
helper_file!(
    /// The end of a project's `lib/config.js`: `options`, and `smoke`.
    smoke_js,
    "smoke.js"
);
helper_file!(
    /// The end of a project's `lib/config.ts`.
    smoke_ts,
    "smoke.ts"
);

/// The helpers scripts call, in `target`'s language (TypeScript's with the
/// `SummaryData` interface `summaryText` takes).
pub(crate) fn utils(target: Target) -> &'static [Item] {
    match target {
        Target::JavaScript => utils_js(),
        Target::TypeScript => utils_ts(),
    }
}

/// The names of the helpers: no generated variable may take one.
pub(crate) fn helper_names() -> impl Iterator<Item = &'static str> {
    utils_js().iter().map(|item| item.name)
}

/// The names of a project's reusable checks.
pub(crate) fn check_names() -> impl Iterator<Item = &'static str> {
    checks_js().iter().map(|item| item.name)
}

/// The named helpers, in the files' order: `local` for a single script (no
/// `export`), else as a project's `lib/utils` exports them.
pub(crate) fn helper_code(
    names: &BTreeSet<&str>,
    target: Target,
    exported: bool,
) -> Vec<&'static str> {
    utils(target)
        .iter()
        .filter(|item| names.contains(item.name))
        .map(|item| {
            if exported {
                item.exported
            } else {
                item.local.as_str()
            }
        })
        .collect()
}

/// The TypeScript type of `handleSummary`'s data, as far as `summaryText` reads
/// it: exported from a project's `lib/utils.ts`, else local.
pub(crate) fn summary_data(exported: bool) -> &'static str {
    let item = utils_ts()
        .iter()
        .find(|item| item.name == "SummaryData")
        .expect("helpers/utils.ts declares SummaryData");
    if exported {
        item.exported
    } else {
        &item.local
    }
}

/// The reusable checks of a project's `lib/checks` that `names` lists, in a fixed
/// order.
pub(crate) fn shared_checks(names: &BTreeSet<&str>, target: Target) -> Vec<&'static str> {
    let file = match target {
        Target::JavaScript => checks_js(),
        Target::TypeScript => checks_ts(),
    };
    file.iter()
        .filter(|item| names.contains(item.name))
        .map(|item| item.exported)
        .collect()
}

/// The end of a project's `lib/config`: `export const options` (the smoke options
/// when `SMOKE=true`, else `load`) and the `smoke` function, as one section.
pub(crate) fn smoke(target: Target) -> String {
    let file = match target {
        Target::JavaScript => smoke_js(),
        Target::TypeScript => smoke_ts(),
    };
    let items: Vec<&str> = file.iter().map(|item| item.exported).collect();
    items.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(items: &[Item]) -> Vec<&str> {
        items.iter().map(|item| item.name).collect()
    }

    #[test]
    fn every_file_declares_its_items_in_order() {
        let helpers = [
            "randomIntBetween",
            "randomBetween",
            "randomItem",
            "uuidv4",
            "cookieValue",
            "findBetween",
            "matchGroup",
            "withCredentials",
            "parseCsv",
            "summaryText",
        ];
        assert_eq!(names(utils_js()), helpers);
        assert_eq!(names(&utils_ts()[1..]), helpers);
        assert_eq!(names(&utils_ts()[..1]), ["SummaryData"]);
        let checks = [
            "statusIs",
            "statusIn",
            "hasHeader",
            "headerContains",
            "bodyContains",
            "bodyMatches",
            "hasJson",
            "jsonEquals",
            "respondsWithin",
        ];
        assert_eq!(names(checks_js()), checks);
        assert_eq!(names(checks_ts()), checks);
        assert_eq!(names(smoke_js()), ["options", "smoke"]);
        assert_eq!(names(smoke_ts()), ["options", "smoke"]);
    }

    /// A generated variable or flow named like a helper would clash with it in the
    /// module both live in (a metric `parse_csv` becomes `parseCsv`): every helper
    /// a script or the project's shared modules define is a reserved name.
    #[test]
    fn every_helper_name_is_reserved() {
        let helpers = [utils_js(), utils_ts(), checks_js(), checks_ts()];
        for item in helpers.iter().flat_map(|items| items.iter()) {
            assert!(
                k6dsl_facts::names::RESERVED_NAMES.contains(&item.name)
                    || item.name == "SummaryData", // a type: TypeScript's other namespace
                "helper `{}` is missing from k6dsl_facts::names::MODULE_NAMES",
                item.name
            );
        }
    }

    #[test]
    fn local_items_drop_only_the_export_of_their_declaration() {
        let random = &utils_js()[1];
        assert_eq!(
            random.local,
            "// A number between min and max.\nfunction randomBetween(min, max) {\n  return min + Math.random() * (max - min);\n}"
        );
        assert_eq!(random.exported.replacen("export ", "", 1), random.local);
        assert!(summary_data(false).contains("\ninterface SummaryData {"));
        assert!(summary_data(true).contains("\nexport interface SummaryData {"));
    }

    #[test]
    fn declared_names() {
        assert_eq!(
            declared_name("export function statusIs(code) {"),
            Some("statusIs")
        );
        assert_eq!(
            declared_name("interface SummaryData {"),
            Some("SummaryData")
        );
        assert_eq!(
            declared_name("export const options = load;"),
            Some("options")
        );
        assert_eq!(declared_name("return x;"), None);
    }
}

//! Names in a generated k6 script: what JavaScript accepts as a binding, what k6
//! gives its own meaning, and what k6dsl's generated modules already use.
//!
//! A flow becomes an exported function, so its name must be an [identifier](is_identifier)
//! that is neither one of [`K6_EXPORTS`] nor one of [`MODULE_NAMES`].
//!
//! ```
//! use k6dsl_facts::names::{flow_name_problem, is_identifier};
//!
//! assert!(is_identifier("browseScenario"));
//! assert!(!is_identifier("checkout-flow"));
//! assert_eq!(flow_name_problem("browse"), None);
//! assert!(flow_name_problem("default").is_some());
//! assert!(flow_name_problem("sleep").is_some());
//! ```

/// JavaScript reserved words (ES2015+ in strict mode, as k6 runs modules), which
/// cannot name a binding.
pub const RESERVED_WORDS: &[&str] = &[
    "arguments",
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "eval",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// Whether `name` can name a binding in a strict-mode module: ASCII letters,
/// digits, `_` and `$`, not led by a digit, not a reserved word.
///
/// ```
/// use k6dsl_facts::names::is_identifier;
/// assert!(is_identifier("_private$"));
/// assert!(!is_identifier("2fast"));
/// assert!(!is_identifier("delete"));
/// ```
pub fn is_identifier(name: &str) -> bool {
    is_identifier_name(name) && !RESERVED_WORDS.contains(&name)
}

/// Whether `name` has the shape of an ASCII identifier, reserved words included
/// (they may stand unquoted as property keys).
///
/// ```
/// assert!(k6dsl_facts::names::is_identifier_name("delete"));
/// assert!(!k6dsl_facts::names::is_identifier_name("a-b"));
/// ```
pub fn is_identifier_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// The exports k6 gives its own meaning: a flow cannot take these names.
pub const K6_EXPORTS: &[&str] = &["options", "default", "setup", "teardown", "handleSummary"];

/// Names the generated modules use for their own imports, helpers and constants,
/// and the globals they read: a flow (an exported function) of one of these names
/// would clash with them (`export function sleep` beside `import { sleep }` throws
/// when k6 loads the script).
pub const MODULE_NAMES: &[&str] = &[
    // Imports.
    "http",
    "check",
    "group",
    "sleep",
    "SharedArray",
    "exec",
    "encoding",
    "Trend",
    "Counter",
    "Rate",
    "Gauge",
    // Globals the code reads.
    "JSON",
    "Math",
    "Date",
    "String",
    "Number",
    "Object",
    "RegExp",
    "console",
    "encodeURIComponent",
    "decodeURIComponent",
    "open",
    "__ENV",
    "__VU",
    "__ITER",
    // Helpers and the project's constants and checks.
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
    "SUMMARY_PATH",
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

/// Names no generated variable may take: [`MODULE_NAMES`], k6's exports, and
/// `data` (the parameter the functions receive setup's data in).
pub const RESERVED_NAMES: &[&str] = &{
    const EXTRA: [&str; 6] = [
        "options",
        "setup",
        "teardown",
        "handleSummary",
        "data",
        "default",
    ];
    const N: usize = MODULE_NAMES.len();
    let mut all = [""; N + EXTRA.len()];
    let mut i = 0;
    while i < N {
        all[i] = MODULE_NAMES[i];
        i += 1;
    }
    let mut j = 0;
    while j < EXTRA.len() {
        all[N + j] = EXTRA[j];
        j += 1;
    }
    all
};

/// Why `name` cannot name a flow, or `None` when it can. The reasons are the
/// rules in words, for messages.
///
/// ```
/// use k6dsl_facts::names::flow_name_problem;
/// assert_eq!(
///     flow_name_problem("handleSummary"),
///     Some("k6 gives this export its own meaning (options, default, setup, teardown, handleSummary)")
/// );
/// ```
pub fn flow_name_problem(name: &str) -> Option<&'static str> {
    if !is_identifier(name) {
        Some("it must be a JavaScript identifier (ASCII letters, digits, `_`, `$`, not starting with a digit, not a reserved word)")
    } else if K6_EXPORTS.contains(&name) {
        Some("k6 gives this export its own meaning (options, default, setup, teardown, handleSummary)")
    } else if MODULE_NAMES.contains(&name) {
        Some("the generated script already uses this name (a k6 import, a helper, or a global it reads)")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_names_hold_the_module_names_and_k6s_exports() {
        for name in MODULE_NAMES.iter().chain(K6_EXPORTS) {
            assert!(RESERVED_NAMES.contains(name), "{name}");
        }
        assert!(RESERVED_NAMES.contains(&"data"));
        assert!(!RESERVED_NAMES.contains(&""));
    }

    #[test]
    fn the_export_list_in_the_message_is_the_list() {
        let message = flow_name_problem("options").unwrap();
        assert!(message.contains(&K6_EXPORTS.join(", ")));
    }

    #[test]
    fn module_names_are_identifiers_and_not_reserved_words() {
        for name in MODULE_NAMES {
            assert!(is_identifier(name), "{name}");
        }
    }
}

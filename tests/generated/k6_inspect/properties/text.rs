//! Strategies for text: awkward but legal pieces, keys, selector values.

use super::*;

/// A piece of awkward but legal text.
pub(super) fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-zA-Z0-9_-]{1,6}",
        1 => Just(" ".to_owned()),
        1 => Just("\"".to_owned()),
        1 => Just("'".to_owned()),
        1 => Just("`${x}`".to_owned()),
        1 => Just(":".to_owned()),
        1 => Just("::".to_owned()),
        1 => Just(",".to_owned()),
        1 => Just("{}".to_owned()),
        1 => Just("\\".to_owned()),
        1 => Just("=".to_owned()),
        1 => Just("\n\t\r".to_owned()),
        1 => Just("\u{0}\u{11}\u{7f}".to_owned()),
        1 => Just("\u{2028}\u{2029}".to_owned()),
        1 => Just("ünïcödé ✓ 日本 😀".to_owned()),
        1 => Just("</script>".to_owned()),
        1 => any::<char>().prop_map(String::from),
    ]
}

/// Text of `pieces` pieces (never empty when `pieces` starts above 0).
pub(super) fn text(pieces: RangeInclusive<usize>) -> BoxedStrategy<String> {
    prop::collection::vec(piece(), pieces)
        .prop_map(|parts| parts.concat())
        .boxed()
}

/// Keys JavaScript gives a meaning to, or that look like numbers.
pub(super) const ODD_KEYS: &[&str] = &[
    "constructor",
    "toString",
    "hasOwnProperty",
    "valueOf",
    "0",
    "1",
    "2.5",
    "007",
    "1e3",
    "-1",
    "NaN",
    "Infinity",
    "null",
    "default",
    "scenario",
    "__proto__",
];

/// A non-empty map key (scenario tags and env, test-wide tags, `ext`).
pub(super) fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => text(1..=3),
        1 => prop::sample::select(ODD_KEYS).prop_map(str::to_owned),
    ]
}

/// An environment variable name: non-empty, without `=` or NUL.
pub(super) fn env_key() -> impl Strategy<Value = String> {
    key().prop_map(|key| key.replace(['=', '\0'], "_"))
}

/// Text k6 reads back unchanged in a threshold selector: none of `forbidden`, and
/// nothing k6 trims (spaces, then quotes) at either end.
pub(super) fn selector_text(forbidden: &'static [char]) -> impl Strategy<Value = String> {
    text(1..=3).prop_map(move |text| {
        let mut text: String = text.chars().filter(|c| !forbidden.contains(c)).collect();
        loop {
            let trimmed = text.trim().trim_matches(['"', '\'']);
            if trimmed.len() == text.len() {
                break;
            }
            text = trimmed.to_owned();
        }
        if text.is_empty() {
            "t".to_owned()
        } else {
            text
        }
    })
}

/// Whether k6 reads `value` back unchanged as a selector tag value.
pub(super) fn is_selector_value(value: &str) -> bool {
    !value.is_empty()
        && !value.contains([',', '}'])
        && value.trim().trim_matches(['"', '\'']) == value
}

//! Nothing a user writes can break or inject code: arbitrary Unicode (quotes,
//! backticks, `${`, `</script>`, U+2028, NUL and other control characters, emoji)
//! used as URL parts, header values, bodies, check names, group names and tag values
//! reaches k6 and the server byte for byte. Property tests, judged by real k6 and
//! the demo shop's record of what it received.
//!
//! Layout: the strategies for hostile text (here); `hostile_text` in every place a
//! user writes text; `split_text`, text split into parts anywhere.

use proptest::prelude::*;

mod hostile_text;
mod split_text;

/// Text built from hostile pieces and arbitrary characters.
fn hostile(allow_controls: bool) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\"".to_owned()),
        Just("'".to_owned()),
        Just("`".to_owned()),
        Just("${x}".to_owned()),
        Just("${".to_owned()),
        Just("</script>".to_owned()),
        Just("\\".to_owned()),
        Just("\\u0041".to_owned()),
        Just("\u{2028}\u{2029}".to_owned()),
        Just("😀✓".to_owned()),
        Just("日本語".to_owned()),
        Just("\u{202e}rtl".to_owned()),
        Just("); alert(1); (".to_owned()),
        Just("*/ /*".to_owned()),
        Just("%20&=?#".to_owned()),
        any::<char>().prop_map(String::from),
        "[a-z ]{1,6}",
        if allow_controls {
            prop_oneof![Just("\0".to_owned()), Just("\u{1}\u{11}\n\r\t".to_owned())].boxed()
        } else {
            Just("x".to_owned()).boxed()
        },
    ];
    proptest::collection::vec(piece, 1..6).prop_map(|parts| parts.concat())
}

/// Header values: HTTP forbids control characters, and servers trim surrounding
/// whitespace.
fn header_value() -> impl Strategy<Value = String> {
    hostile(false).prop_map(|s| {
        s.chars()
            .filter(|c| !c.is_control())
            .collect::<String>()
            .trim()
            .to_owned()
    })
}

/// Group and check names: k6 rejects empty ones and `::`.
fn name() -> impl Strategy<Value = String> {
    hostile(true).prop_map(|s| format!("n{}", s.replace(':', ";")))
}

/// A URL path with its `%XX` escapes decoded.
fn percent_decode(path: &str) -> Vec<u8> {
    let bytes = path.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 3 <= bytes.len() {
            if let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

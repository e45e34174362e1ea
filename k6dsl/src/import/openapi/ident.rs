//! Names from the document made into Rust identifiers and environment variable names.

use std::collections::HashSet;

/// Rust's keywords (strict and reserved, 2021 edition): an identifier equal to
/// one is written raw (`r#type`).
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];
/// Keywords that cannot be raw identifiers; they get a trailing underscore.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// The words of a name: split at anything not alphanumeric and at lower→upper
/// changes (`getProductById` → get, Product, By, Id). Non-ASCII letters are dropped
/// so that identifiers stay ASCII.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            current.push(c);
        } else {
            previous_lower = false;
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `snake_case`, never empty, never starting with a digit, keywords raw.
pub(crate) fn snake(name: &str, fallback: &str) -> String {
    let joined = words(name)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    finish(joined, fallback)
}

/// `UpperCamelCase`, never empty, never starting with a digit.
pub(crate) fn camel(name: &str, fallback: &str) -> String {
    let joined: String = words(name)
        .iter()
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            first
                .into_iter()
                .chain(chars.map(|c| c.to_ascii_lowercase()))
                .collect::<String>()
        })
        .collect();
    finish(joined, fallback)
}

/// `UPPER_SNAKE`, for environment variables (`bearerAuth` → `BEARER_AUTH`).
pub(crate) fn upper_snake(name: &str) -> String {
    let joined = words(name)
        .iter()
        .map(|w| w.to_ascii_uppercase())
        .collect::<Vec<_>>()
        .join("_");
    match joined.chars().next() {
        None => "VALUE".into(),
        Some(c) if c.is_ascii_digit() => format!("V_{joined}"),
        Some(_) => joined,
    }
}

fn finish(joined: String, fallback: &str) -> String {
    let name = match joined.chars().next() {
        None => fallback.to_string(),
        Some(c) if c.is_ascii_digit() => format!("{fallback}_{joined}"),
        Some(_) => joined,
    };
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// Hands out names unique within one scope: a second `name` becomes `name_2`.
#[derive(Debug, Default)]
pub(crate) struct Names(HashSet<String>);

impl Names {
    pub(crate) fn unique(&mut self, name: String) -> String {
        let bare = name.trim_start_matches("r#").to_string();
        if self.0.insert(bare.clone()) {
            return name;
        }
        (2..)
            .map(|n| format!("{bare}_{n}"))
            .find(|candidate| self.0.insert(candidate.clone()))
            .expect("some numbered name is free")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_rust_identifiers() {
        assert_eq!(snake("getProductById", "op"), "get_product_by_id");
        assert_eq!(snake("type", "f"), "r#type");
        assert_eq!(snake("self", "f"), "self_");
        assert_eq!(snake("2fa-code", "f"), "f_2fa_code");
        assert_eq!(snake("\"*/ é", "f"), "f");
        assert_eq!(camel("order item", "T"), "OrderItem");
        assert_eq!(camel("Self", "T"), "Self_");
        assert_eq!(upper_snake("bearerAuth"), "BEARER_AUTH");
        let mut names = Names::default();
        assert_eq!(names.unique("a".into()), "a");
        assert_eq!(names.unique("a".into()), "a_2");
    }
}

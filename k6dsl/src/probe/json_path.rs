//! k6's `res.json(path)`: the [gjson](https://github.com/tidwall/gjson) path syntax
//! over a response body, for the forms flows use.
//!
//! Supported: keys (`token`, `user.name`, `a\.b` for a dot in a key), array
//! indexes (`products.0.id`), `#` (an array's length), `#.key` (that key of every
//! item), `*` and `?` wildcards in a key, and queries (`#(id==7)` for the first
//! match, `#(price>10)#` for all; operators `== = != < <= > >=`). gjson's
//! modifiers (`@reverse`) and multipaths are not: such a path finds nothing (k6
//! would evaluate it; the probe reports the value as `undefined`).
//!
//! As in k6, a path over a body that is not JSON finds nothing (gjson reads
//! leniently), and never throws.

use serde_json::Value as Json;

/// The value at `path` in `document`, or `None` (`undefined` in k6).
///
/// ```
/// use k6dsl::probe::json_path;
/// let doc = serde_json::json!({"products": [{"id": 3}, {"id": 7}]});
/// assert_eq!(json_path::select(&doc, "products.1.id"), Some(serde_json::json!(7)));
/// assert_eq!(json_path::select(&doc, "products.#"), Some(serde_json::json!(2)));
/// assert_eq!(json_path::select(&doc, "products.#.id"), Some(serde_json::json!([3, 7])));
/// assert_eq!(json_path::select(&doc, "products.#(id==7).id"), Some(serde_json::json!(7)));
/// assert_eq!(json_path::select(&doc, "missing.id"), None);
/// ```
pub fn select(document: &Json, path: &str) -> Option<Json> {
    if path.is_empty() || path.starts_with('@') || path.starts_with('[') || path.starts_with('{') {
        return None;
    }
    let components = split(path)?;
    walk(document, &components)
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq)]
enum Component {
    /// A key (or an array index), possibly with wildcards.
    Key { text: String, wild: bool },
    /// `#`: the length, or with more components, each item.
    Hash,
    /// `#(...)` (first match) or `#(...)#` (all matches).
    Query { query: String, all: bool },
}

/// The path's components; `None` for syntax the probe does not read (modifiers).
fn split(path: &str) -> Option<Vec<Component>> {
    let mut out = Vec::new();
    let chars: Vec<char> = path.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '#' && chars.get(i + 1) == Some(&'(') {
            // A query: up to its matching parenthesis, quotes respected.
            let mut depth = 0;
            let mut j = i + 1;
            let mut quoted = false;
            while j < chars.len() {
                match chars[j] {
                    '\\' if quoted => j += 1,
                    '"' => quoted = !quoted,
                    '(' if !quoted => depth += 1,
                    ')' if !quoted => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            if j >= chars.len() {
                return None;
            }
            let query: String = chars[i + 2..j].iter().collect();
            let all = chars.get(j + 1) == Some(&'#');
            i = j + 1 + usize::from(all);
            out.push(Component::Query { query, all });
        } else {
            let mut text = String::new();
            let mut wild = false;
            while i < chars.len() && chars[i] != '.' && chars[i] != '|' {
                match chars[i] {
                    '\\' if i + 1 < chars.len() => {
                        text.push(chars[i + 1]);
                        i += 1;
                    }
                    '*' | '?' => {
                        wild = true;
                        text.push(chars[i]);
                    }
                    c => text.push(c),
                }
                i += 1;
            }
            if text.starts_with('@') {
                return None;
            }
            out.push(if text == "#" && !wild {
                Component::Hash
            } else {
                Component::Key { text, wild }
            });
        }
        // The separator.
        if i < chars.len() {
            if chars[i] != '.' && chars[i] != '|' {
                return None;
            }
            i += 1;
        }
    }
    Some(out)
}

fn walk(value: &Json, components: &[Component]) -> Option<Json> {
    let Some((first, rest)) = components.split_first() else {
        return Some(value.clone());
    };
    match first {
        Component::Key { text, wild } => {
            let child = match value {
                Json::Object(map) if *wild => {
                    map.iter().find(|(key, _)| glob(text, key)).map(|(_, v)| v)
                }
                Json::Object(map) => map.get(text),
                Json::Array(items) if !*wild => {
                    text.parse::<usize>().ok().and_then(|i| items.get(i))
                }
                _ => None,
            }?;
            walk(child, rest)
        }
        Component::Hash => {
            let Json::Array(items) = value else {
                return None;
            };
            if rest.is_empty() {
                return Some(Json::from(items.len()));
            }
            Some(Json::Array(
                items.iter().filter_map(|item| walk(item, rest)).collect(),
            ))
        }
        Component::Query { query, all } => {
            let Json::Array(items) = value else {
                return None;
            };
            let mut matches = items.iter().filter(|item| query_matches(item, query));
            if *all {
                Some(Json::Array(
                    matches.filter_map(|item| walk(item, rest)).collect(),
                ))
            } else {
                walk(matches.next()?, rest)
            }
        }
    }
}

/// gjson's `*` (any run) and `?` (any one character) key patterns.
fn glob(pattern: &str, text: &str) -> bool {
    fn go(p: &[char], t: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('*', rest)) => (0..=t.len()).any(|i| go(rest, &t[i..])),
            Some(('?', rest)) => !t.is_empty() && go(rest, &t[1..]),
            Some((c, rest)) => t.first() == Some(c) && go(rest, &t[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    go(&p, &t)
}

/// Whether an array item matches a query's condition: `key op value`, `op value`
/// (the item itself) or `key` (it exists).
fn query_matches(item: &Json, query: &str) -> bool {
    const OPS: [&str; 7] = ["==", "!=", "<=", ">=", "=", "<", ">"];
    let found = OPS
        .iter()
        .filter_map(|op| query.find(op).map(|at| (at, *op)))
        .min_by_key(|(at, op)| (*at, std::cmp::Reverse(op.len())));
    let Some((at, op)) = found else {
        let path = query.trim();
        return split(path).is_some_and(|c| walk(item, &c).is_some());
    };
    let (path, literal) = (query[..at].trim(), query[at + op.len()..].trim());
    let left = if path.is_empty() {
        Some(item.clone())
    } else {
        split(path).and_then(|c| walk(item, &c))
    };
    let Some(left) = left else {
        return false;
    };
    let right: Json = match serde_json::from_str(literal) {
        Ok(value) => value,
        Err(_) => Json::String(literal.to_owned()),
    };
    let ordering = match (&left, &right) {
        (Json::Number(a), Json::Number(b)) => a.as_f64().partial_cmp(&b.as_f64()),
        (Json::String(a), Json::String(b)) => Some(a.cmp(b)),
        (a, b) if a == b => Some(std::cmp::Ordering::Equal),
        _ => None,
    };
    use std::cmp::Ordering::{Equal, Greater, Less};
    match op {
        "==" | "=" => ordering == Some(Equal),
        "!=" => ordering != Some(Equal),
        "<" => ordering == Some(Less),
        "<=" => matches!(ordering, Some(Less | Equal)),
        ">" => ordering == Some(Greater),
        _ => matches!(ordering, Some(Greater | Equal)),
    }
}

/// `res.json(path)` over a body: the value at the path of the body read as JSON,
/// or `None` when the body is not JSON or the path finds nothing. An empty path
/// is the whole body (k6's `res.json()`), an error when it is not JSON.
pub(super) fn over_body(body: &[u8], path: &str) -> Result<Option<Json>, String> {
    let parsed: Result<Json, _> = serde_json::from_slice(body);
    if path.is_empty() {
        return parsed
            .map(Some)
            .map_err(|e| format!("the body is not JSON ({e})"));
    }
    Ok(parsed.ok().and_then(|document| select(&document, path)))
}

//! Kubernetes names (RFC 1123), checked before anything is written, with a message
//! that says what is wrong and how to fix it.

use super::K8sError;

/// The longest DNS label (RFC 1123): a namespace, a label value, a Job's name.
const LABEL_MAX: usize = 63;
/// The longest DNS subdomain: a Secret's, a ConfigMap's or a claim's name.
const SUBDOMAIN_MAX: usize = 253;

/// What a name names, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NameKind {
    /// The TestRun (its runner Jobs and Services are named after it).
    TestRun,
    /// A namespace: a DNS label.
    Namespace,
    /// A Secret, a PersistentVolumeClaim: a DNS subdomain.
    Subdomain(&'static str),
}

/// Checks `name` as a name of `kind`; `parallelism` bounds a TestRun's name, since
/// the operator names runner `i`'s Service `NAME-service-i`, a DNS-1035 label of
/// at most 63 characters.
pub(super) fn check_name(
    kind: NameKind,
    option: &'static str,
    name: &str,
    parallelism: u32,
) -> Result<(), K8sError> {
    let (max, what) = match kind {
        NameKind::TestRun => (
            LABEL_MAX - "-service-".len() - parallelism.to_string().len(),
            "the TestRun's name (its runners' Services are named NAME-service-N, a DNS label)",
        ),
        NameKind::Namespace => (LABEL_MAX, "a namespace (a DNS label)"),
        NameKind::Subdomain(what) => (SUBDOMAIN_MAX, what),
    };
    let dots = matches!(kind, NameKind::Subdomain(_));
    let problem = name_problem(name, max, dots, kind == NameKind::TestRun);
    match problem {
        None => Ok(()),
        Some(reason) => Err(K8sError::InvalidName {
            option,
            name: name.to_owned(),
            reason: format!(
                "{reason}; {what} must be at most {max} characters of lowercase letters, \
                 digits and `-`{}, starting with a {} and ending with a letter or digit \
                 (for example `checkout-load`)",
                if dots { " or `.`" } else { "" },
                if kind == NameKind::TestRun {
                    "letter"
                } else {
                    "letter or digit"
                }
            ),
        }),
    }
}

fn name_problem(name: &str, max: usize, dots: bool, letter_first: bool) -> Option<String> {
    if name.is_empty() {
        return Some("it is empty".into());
    }
    if name.chars().count() > max {
        return Some(format!("it has {} characters", name.chars().count()));
    }
    if let Some(bad) = name.chars().find(|c| {
        !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-' || (dots && *c == '.'))
    }) {
        return Some(if bad.is_ascii_uppercase() {
            format!("it has the uppercase letter {bad:?}")
        } else {
            format!("it has the character {bad:?}")
        });
    }
    let first = name.chars().next().expect("not empty");
    let last = name.chars().last().expect("not empty");
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    if (letter_first && !first.is_ascii_lowercase()) || !alnum(first) {
        return Some(format!("it starts with {first:?}"));
    }
    if !alnum(last) {
        return Some(format!("it ends with {last:?}"));
    }
    if dots
        && name
            .split('.')
            .any(|part| part.is_empty() || !part.starts_with(alnum) || !part.ends_with(alnum))
    {
        return Some(
            "a part between dots is empty or does not start and end with a letter or digit".into(),
        );
    }
    None
}

/// A TestRun name made from a file name (`Checkout_Load.json` → `checkout-load`),
/// or `None` when nothing usable is left.
///
/// ```
/// assert_eq!(k6dsl::k8s::name_from("Checkout_Load v2"), Some("checkout-load-v2".into()));
/// assert_eq!(k6dsl::k8s::name_from("42"), None);
/// ```
pub fn name_from(text: &str) -> Option<String> {
    let mut name = String::new();
    for c in text.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            name.push(c);
        } else if !name.ends_with('-') && !name.is_empty() {
            name.push('-');
        }
    }
    let name = name.trim_matches('-');
    let name: String = name.chars().take(40).collect();
    let name = name.trim_end_matches('-');
    name.starts_with(|c: char| c.is_ascii_lowercase())
        .then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(kind: NameKind, name: &str) -> Option<String> {
        check_name(kind, "--name", name, 3)
            .err()
            .map(|e| e.to_string())
    }

    #[test]
    fn names_follow_rfc_1123() {
        for good in ["checkout", "a", "load-2", "x1-y2"] {
            assert_eq!(problem(NameKind::TestRun, good), None, "{good}");
        }
        assert_eq!(
            problem(NameKind::Subdomain("a Secret's name"), "shop.secrets-1"),
            None
        );
        assert_eq!(problem(NameKind::Namespace, "1load"), None);
        for (bad, why) in [
            ("", "it is empty"),
            ("Checkout", "uppercase letter 'C'"),
            ("check_out", "the character '_'"),
            ("-load", "it starts with '-'"),
            ("load-", "it ends with '-'"),
            ("1load", "it starts with '1'"),
            ("a.b", "the character '.'"),
            ("lo\nad", "the character '\\n'"),
            ("lö", "the character 'ö'"),
        ] {
            let message = problem(NameKind::TestRun, bad).unwrap_or_default();
            assert!(message.contains(why), "{bad:?}: {message}");
            assert!(message.contains("for example `checkout-load`"), "{message}");
        }
        let long = "a".repeat(54);
        assert!(problem(NameKind::TestRun, &long[..53]).is_none());
        assert!(problem(NameKind::TestRun, &long)
            .unwrap()
            .contains("54 characters"));
        assert!(problem(NameKind::Subdomain("a claim"), "a..b").is_some());
    }

    #[test]
    fn names_from_file_names() {
        assert_eq!(name_from("checkout"), Some("checkout".into()));
        assert_eq!(name_from("--Shop: \"load\"#1"), Some("shop-load-1".into()));
        assert_eq!(name_from("日本"), None);
        assert_eq!(name_from(&"ab-".repeat(30)).unwrap().len(), 40);
    }
}

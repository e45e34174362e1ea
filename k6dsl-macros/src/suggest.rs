//! "Did you mean": the closest known name to a misspelt one.

/// The closest of `candidates` to `word`, if close enough to be a likely typo.
/// Spellings that differ only in case, `_` or `-` (`preAllocatedVUs`) always match.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let normal = |s: &str| -> String {
        s.chars()
            .filter(|c| *c != '_' && *c != '-')
            .flat_map(char::to_lowercase)
            .collect()
    };
    let word_n = normal(word);
    candidates
        .iter()
        .map(|c| (edit_distance(&word_n, &normal(c)), *c))
        .filter(|(d, c)| *d == 0 || *d <= (c.len() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `` (did you mean `x`?)`` or nothing.
pub fn suggestion(word: &str, candidates: &[&str]) -> String {
    match did_you_mean(word, candidates) {
        Some(s) => format!(" (did you mean `{s}`?)"),
        None => String::new(),
    }
}

/// Edit distance where swapping two neighbouring letters (`nmae`) counts as one
/// edit, as typos usually are (optimal string alignment).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_for_typos_and_other_spellings() {
        assert_eq!(did_you_mean("nmae", &["name", "exec"]), Some("name"));
        let fields = ["start_time", "graceful_stop", "duration"];
        assert_eq!(did_you_mean("gracefulStop", &fields), Some("graceful_stop"));
        assert_eq!(did_you_mean("duraton", &fields), Some("duration"));
        assert_eq!(did_you_mean("stages", &fields), None);
    }
}

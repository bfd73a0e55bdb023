//! Words for config errors: the key or value a typo most likely meant, a
//! JSON value's type by name, and a user's text as a message may quote it.
//! Shared by validation and the strategy rules (which validation calls),
//! so neither reaches into the other for them.

use serde_json::Value;

use crate::i18n::Msg;

/// The JSON type of `value` (`a string`, `an array`, ...) as a translatable
/// message, for errors that say what was given instead.
pub(super) fn json_type_msg(value: &Value) -> Msg {
    Msg::new(match value {
        Value::Null => "json-null",
        Value::Bool(_) => "json-boolean",
        Value::Number(_) => "json-number",
        Value::String(_) => "json-string",
        Value::Array(_) => "json-array",
        Value::Object(_) => "json-object",
    })
}

/// The candidate closest to `input` (case-insensitive), if close enough to be
/// a likely typo.
pub(super) fn did_you_mean<'c>(input: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let input = input.to_lowercase();
    let len = input.chars().count();
    if len > 64 {
        return None;
    }
    let limit = (len / 3).clamp(1, 3);
    candidates
        .iter()
        .map(|c| {
            let candidate = c.to_lowercase();
            // `interval` for `interval_ms`: a forgotten suffix is no typo,
            // but still the likely meaning.
            let distance = edit_distance(&input, &candidate);
            let distance = if len >= 4 && candidate.starts_with(&input) {
                distance.min(limit)
            } else {
                distance
            };
            (distance, *c)
        })
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// Damerau-Levenshtein distance (optimal string alignment): insertions,
/// deletions, substitutions and swaps of two neighbours each cost one.
pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // rows[i][j]: distance between the first i chars of a and the first j of b.
    let mut rows: Vec<Vec<usize>> = (0..=a.len())
        .map(|i| (0..=b.len()).map(|j| if i == 0 { j } else { i }).collect())
        .collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let substitution = rows[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]);
            let mut best = substitution.min(rows[i - 1][j] + 1).min(rows[i][j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

/// A user's text as a message may quote it: escaped, at most 80 characters.
pub(super) fn shown(value: &str) -> String {
    const MAX_CHARS: usize = 80;
    let escaped: String = value.escape_debug().collect();
    if escaped.chars().count() <= MAX_CHARS {
        escaped
    } else {
        let cut: String = escaped.chars().take(MAX_CHARS).collect();
        format!("{cut}…")
    }
}

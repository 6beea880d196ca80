//! "Did you mean …?" — the closest known name to a misspelt one.

/// Names longer than this are not compared (the distance is quadratic and they are never typos).
const MAX_COMPARED_CHARS: usize = 100;

/// Levenshtein distance between `a` and `b`, counted in characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// The candidate closest to `given` within `max_distance` edits (a case-only difference
/// counts as the closest possible), or `None`. Ties go to the first candidate.
pub(crate) fn closest<'a>(
    given: &str,
    candidates: &[&'a str],
    max_distance: usize,
) -> Option<&'a str> {
    if given.chars().count() > MAX_COMPARED_CHARS {
        return None;
    }
    let lowered = given.to_lowercase();
    if let Some(same) = candidates
        .iter()
        .find(|candidate| candidate.to_lowercase() == lowered)
    {
        return Some(same);
    }
    candidates
        .iter()
        .map(|candidate| {
            (
                edit_distance(&lowered, &candidate.to_lowercase()),
                *candidate,
            )
        })
        .filter(|(distance, _)| *distance <= max_distance)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// `"a", "b" or "c"` — a list of names to choose from, each quoted.
pub(crate) fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("\"{name}\"")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(edit_distance("permission", "permissions"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn closest_prefers_case_only_differences() {
        let names = ["GET", "PUT", "POST"];
        assert_eq!(closest("put", &names, 2), Some("PUT"));
        assert_eq!(closest("PIT", &names, 1), Some("PUT"));
        assert_eq!(closest("TRACE", &names, 2), None);
    }

    #[test]
    fn one_of_lists_names() {
        assert_eq!(one_of(&["a"]), "\"a\"");
        assert_eq!(one_of(&["a", "b", "c"]), "\"a\", \"b\" or \"c\"");
    }
}

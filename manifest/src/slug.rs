//! Lowercase slugs: module names, hook actions and the parts of module event names.

/// Longest slug accepted anywhere in a manifest.
pub(crate) const MAX_SLUG_CHARS: usize = 64;

/// Why `text` is not a slug (`^[a-z][a-z0-9-]*$`, at most 64 characters, no trailing `-`,
/// no `--`), or `None` when it is one.
pub(crate) fn slug_problem(text: &str) -> Option<String> {
    check_slug(text, MAX_SLUG_CHARS).err()
}

/// Checks that `text` is a lowercase slug (`^[a-z][a-z0-9-]*$`, no trailing `-`, no `--`)
/// of at most `max_chars` characters — the one rule for module names, tenant ids and the
/// other names the host takes from outside; the error says what is wrong.
pub fn check_slug(text: &str, max_chars: usize) -> Result<(), String> {
    let length = text.chars().count();
    if text.is_empty() {
        return Err("is empty".to_owned());
    }
    if length > max_chars {
        return Err(format!(
            "is {length} characters long, more than the limit of {max_chars}"
        ));
    }
    if !text.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err("must start with a lowercase letter a-z".to_owned());
    }
    if let Some(bad) = text
        .chars()
        .find(|&c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
    {
        return Err(format!(
            "contains {bad:?}; only lowercase letters a-z, digits and '-' are allowed"
        ));
    }
    if text.ends_with('-') {
        return Err("must not end with '-'".to_owned());
    }
    if text.contains("--") {
        return Err("must not contain \"--\"".to_owned());
    }
    Ok(())
}

/// The closest slug to `text`, for "write this instead" suggestions; `fallback` when nothing
/// usable is left.
pub(crate) fn suggest_slug(text: &str, fallback: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = if c.is_ascii_lowercase() || c.is_ascii_digit() {
            c
        } else {
            '-'
        };
        if c == '-' && (slug.is_empty() || slug.ends_with('-')) {
            continue;
        }
        slug.push(c);
    }
    let mut slug: String = slug
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '-')
        .to_owned();
    if slug.len() > MAX_SLUG_CHARS {
        // Cut at a word boundary when there is one: `...-does-too-much` → `...-does-too`.
        let cut_at_dash = slug.as_bytes()[MAX_SLUG_CHARS] == b'-';
        slug.truncate(MAX_SLUG_CHARS);
        if !cut_at_dash && let Some(dash) = slug.rfind('-') {
            slug.truncate(dash);
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug_problem(&slug).is_some() {
        return fallback.to_owned();
    }
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_lowercase_slugs() {
        for good in ["a", "wishlist", "gift-wrap", "a1-b2", &"x".repeat(64)] {
            assert_eq!(slug_problem(good), None, "{good}");
        }
    }

    #[test]
    fn refuses_everything_else() {
        for bad in [
            "",
            "1abc",
            "-abc",
            "Abc",
            "a_b",
            "a b",
            "abc-",
            "a--b",
            "é",
            &"x".repeat(65),
        ] {
            assert!(slug_problem(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn suggestions_are_slugs() {
        assert_eq!(suggest_slug("Gift_Wrap!", "x"), "gift-wrap");
        assert_eq!(suggest_slug("--9lives--", "x"), "lives");
        assert_eq!(suggest_slug("___", "my-module"), "my-module");
        assert_eq!(suggest_slug(&"ab-".repeat(40), "x").len(), 62);
    }
}

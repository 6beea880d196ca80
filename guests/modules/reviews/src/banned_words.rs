//! The `banned-words` setting, and finding those words in a review.
//!
//! A banned word matches as a whole word in any letter case: with `scam`
//! banned, "SCAM!" and "a scam's price" are refused, "scampi" is not. An
//! entry may also be a phrase ("free money"), matched the same way.

use modgate_sdk::json::{self, JsonValue};

/// The manifest's default for `banned-words`.
pub const DEFAULT_BANNED_WORDS: [&str; 3] = ["spam", "scam", "fake"];

/// `banned-words` from the settings document. The host validated it against
/// the manifest's schema and filled in the default, so anything else (no
/// document, no such key) is unexpected: the default then still applies,
/// so reviews are never left unmoderated.
pub fn from_settings(settings: &str) -> Vec<String> {
    let configured = json::parse(settings).ok().and_then(|document| {
        let words = document.get("banned-words")?.as_array()?;
        Some(
            words
                .iter()
                .filter_map(JsonValue::as_str)
                .map(str::to_owned)
                .collect(),
        )
    });
    configured.unwrap_or_else(|| DEFAULT_BANNED_WORDS.map(str::to_owned).to_vec())
}

/// The banned words `text` contains, each once, in the order of `banned`
/// and as written there (so a message can name them as the operator did).
pub fn found_in<'a>(text: &str, banned: &'a [String]) -> Vec<&'a str> {
    let text = text.to_lowercase();
    let mut found: Vec<&str> = Vec::new();
    for word in banned {
        let word = word.trim();
        if word.is_empty()
            || found
                .iter()
                .any(|seen| seen.to_lowercase() == word.to_lowercase())
        {
            continue;
        }
        if contains_whole_word(&text, &word.to_lowercase()) {
            found.push(word);
        }
    }
    found
}

/// Whether `word` occurs in `text` with no letter or digit right before or
/// after it. Both are already lower case.
fn contains_whole_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(start, _)| {
        let before = text[..start].chars().next_back();
        let after = text[start + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn banned_words_match_whole_words_in_any_case() {
        let banned = words(&["scam"]);
        for text in [
            "scam",
            "What a SCAM!",
            "a Scam's price",
            "(scam)",
            "total scam.\nNever again",
            "scam-like",
        ] {
            assert_eq!(found_in(text, &banned), ["scam"], "{text:?}");
        }
    }

    #[test]
    fn a_banned_word_inside_another_word_is_not_a_match() {
        let banned = words(&["scam", "fake"]);
        for text in [
            "scampi with fries",
            "Escamotage",
            "fakes2",
            "scam2",
            "unfaked",
        ] {
            assert!(found_in(text, &banned).is_empty(), "{text:?}");
        }
        assert_eq!(found_in("scampi, but a scam", &banned), ["scam"]);
    }

    #[test]
    fn every_banned_word_found_is_named_once_as_the_operator_wrote_it() {
        let banned = words(&["Spam", "scam", "SCAM", " fake "]);
        assert_eq!(
            found_in("fake fake spam, scam", &banned),
            ["Spam", "scam", "fake"]
        );
    }

    #[test]
    fn phrases_and_non_ascii_words_match_too() {
        let banned = words(&["free money", "arnaque"]);
        assert_eq!(found_in("Get FREE MONEY now", &banned), ["free money"]);
        assert_eq!(found_in("Une ARNAQUE totale", &banned), ["arnaque"]);
        assert!(found_in("freemoney", &banned).is_empty());
        assert!(
            found_in("égarnaqueé", &banned).is_empty(),
            "letters around it, accented ones too"
        );
    }

    #[test]
    fn empty_entries_ban_nothing() {
        assert!(found_in("anything at all", &words(&["", "  "])).is_empty());
    }

    #[test]
    fn the_setting_is_read_from_the_settings_document() {
        assert_eq!(
            from_settings(r#"{"banned-words":["junk","Bad"]}"#),
            ["junk", "Bad"]
        );
        assert!(
            from_settings(r#"{"banned-words":[]}"#).is_empty(),
            "an operator may ban nothing"
        );
    }

    #[test]
    fn an_unexpected_settings_document_falls_back_to_the_default() {
        for settings in ["{}", "", "not json", r#"{"banned-words":"spam"}"#] {
            assert_eq!(
                from_settings(settings),
                DEFAULT_BANNED_WORDS,
                "{settings:?}"
            );
        }
    }
}

//! Placeholder styles as authors write them: `?` (SQLite's positional
//! style), `?N` and `$N` (numbered; `$N` is PostgreSQL's and what most
//! examples use). Both backends accept all three: before parsing, the
//! guard rewrites every placeholder token to `?N`, so the rest of the guard
//! (and the renumbering into the backend's own style) sees one form.
//!
//! It also checks the placeholders against the values passed, as a usage
//! error (Invalid) the walk reports unless it finds something Forbidden:
//! - one style per statement (`?` with `$1`, or `?1` with `$2`, is refused:
//!   the reader could not tell which value goes where);
//! - `?`: exactly one value per `?`, in order;
//! - `?N` / `$N`: numbered from 1, may repeat, and every value passed is
//!   used — the highest number is the number of values and no number
//!   below it is skipped (`$2` without `$1` is refused), so a value can
//!   never silently go unused.
//!
//! Rewriting tokens rather than text means a `?` or `$1` inside a string
//! literal or a comment is not a placeholder and stays untouched. Anything
//! else the tokenizer calls a placeholder (`$name`, `$`, `?١`) is left
//! alone here and refused by the walk.

use std::collections::BTreeSet;
use std::fmt;

use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::refusal::{SqlRefusal, invalid};

/// Numbers above this are refused (they can never have a value: at most
/// [`super::MAX_PARAMS`] are passed); keeps the parse from overflowing.
const MAX_NUMBER_DIGITS: usize = 6;

/// One way of writing placeholders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Style {
    /// `?`: the k-th `?` takes the k-th value.
    Positional,
    /// `?N`.
    Question,
    /// `$N`.
    Dollar,
}

impl Style {
    fn prefix(self) -> char {
        match self {
            Style::Positional | Style::Question => '?',
            Style::Dollar => '$',
        }
    }
}

impl fmt::Display for Style {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Style::Positional => "`?`",
            Style::Question => "`?N`",
            Style::Dollar => "`$N`",
        })
    }
}

/// A placeholder token, classified.
enum Placeholder {
    Positional,
    /// `?N` or `$N`; `None` when the number is too long to have a value.
    Numbered(Style, Option<usize>),
    /// Anything else (`$name`, `$`, …): refused by the walk.
    Other,
}

fn classify(text: &str) -> Placeholder {
    if text == "?" {
        return Placeholder::Positional;
    }
    let (style, digits) = match text.split_at_checked(1) {
        Some(("?", digits)) => (Style::Question, digits),
        Some(("$", digits)) => (Style::Dollar, digits),
        _ => return Placeholder::Other,
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Placeholder::Other;
    }
    let number = (digits.len() <= MAX_NUMBER_DIGITS)
        .then(|| digits.parse().ok())
        .flatten();
    Placeholder::Numbered(style, number)
}

/// Rewrites every `?` / `?N` / `$N` token to `?N` and returns the first
/// problem with the placeholders given `values` values, for the caller to
/// defer (see the module docs).
pub(super) fn normalize(tokens: &mut [TokenWithSpan], values: usize) -> Option<SqlRefusal> {
    let mut styles = BTreeSet::new();
    let mut positional = 0usize;
    // Numbers as written: `None` for one too long to have a value.
    let mut numbers: Vec<(Style, Option<usize>)> = Vec::new();
    let mut other = false;
    for token in tokens.iter_mut() {
        let Token::Placeholder(text) = &mut token.token else {
            continue;
        };
        match classify(text) {
            Placeholder::Positional => {
                styles.insert(Style::Positional);
                positional += 1;
                *text = format!("?{positional}");
            }
            Placeholder::Numbered(style, number) => {
                styles.insert(style);
                numbers.push((style, number));
                if style == Style::Dollar {
                    text.replace_range(..1, "?");
                }
            }
            Placeholder::Other => other = true,
        }
    }
    if styles.len() > 1 {
        let styles: Vec<String> = styles.iter().map(ToString::to_string).collect();
        return Some(invalid(format!(
            "this statement mixes placeholder styles {}: write every placeholder in one style — `?` \
             (one per value, in order), `?1, ?2, …` or `$1, $2, …`",
            styles.join(" and ")
        )));
    }
    if other {
        // The walk refuses the unsupported placeholder with its own message.
        return None;
    }
    match styles.first() {
        None if values > 0 => Some(invalid(format!(
            "{values} param(s) were passed but the statement has no placeholders: pass one value per \
             placeholder (`?`, `?1` or `$1`)"
        ))),
        None => None,
        Some(Style::Positional) if positional != values => Some(invalid(format!(
            "the statement has {positional} `?` placeholder(s) but {values} param(s) were passed: \
             pass exactly one value per `?`, in order"
        ))),
        Some(Style::Positional) => None,
        Some(&style) => numbered_problem(style, &numbers, values),
    }
}

/// Checks `?N` / `$N` numbers: from 1, none above the number of values,
/// none of them skipped.
fn numbered_problem(
    style: Style,
    numbers: &[(Style, Option<usize>)],
    values: usize,
) -> Option<SqlRefusal> {
    let p = style.prefix();
    let mut used = BTreeSet::new();
    for (_, number) in numbers {
        match number {
            Some(0) => {
                return Some(invalid(format!(
                    "placeholder `{p}0` is not valid: placeholders are numbered from {p}1"
                )));
            }
            Some(n) if *n <= values => {
                used.insert(*n);
            }
            Some(n) => {
                return Some(invalid(format!(
                    "placeholder `{p}{n}` has no value: {values} param(s) were passed"
                )));
            }
            None => {
                return Some(invalid(format!(
                    "a placeholder number is too large: {values} param(s) were passed, so use \
                     {p}1 … {p}{values}"
                )));
            }
        }
    }
    let unused: Vec<String> = (1..=values)
        .filter(|n| !used.contains(n))
        .map(|n| format!("{p}{n}"))
        .collect();
    if unused.is_empty() {
        return None;
    }
    Some(invalid(format!(
        "{values} param(s) were passed but {} never used: number placeholders from {p}1 without gaps \
         and pass exactly one value per number",
        if unused.len() == 1 {
            format!("{} is", unused[0])
        } else {
            format!("{} are", unused.join(", "))
        }
    )))
}

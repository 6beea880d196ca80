//! `[[hooks]]`: entity × moment (× action for `on-action`), each at most once. The entity is a
//! slug; whether the host makes it hookable is checked at install, where the host knows.

use toml::Table;

use super::keys::check_keys;
use super::path::{key_path, quoted};
use super::report::Report;
use super::suggest::{closest, one_of};
use super::value::{as_str, required, table_items};
use crate::catalog::NotInCatalog;
use crate::error::ManifestErrorCode;
use crate::model::{HookDecl, HookWhen};
use crate::slug::{slug_problem, suggest_slug};

/// Keys of a `[[hooks]]` entry.
const HOOK_KEYS: &[&str] = &["entity", "when", "action"];

/// Checks every `[[hooks]]` entry; returns the valid ones.
pub(crate) fn check(report: &mut Report, root: &Table) -> Vec<HookDecl> {
    let entries = table_items(
        report,
        root,
        "",
        "hooks",
        "declare each hook under its own [[hooks]] header",
        "declare each hook under its own [[hooks]] header with entity = \"product\" and when = \"after-read\"",
    );
    let mut seen: Vec<(HookDecl, String)> = Vec::new();
    for (path, entry) in entries {
        check_keys(report, entry, HOOK_KEYS, &path);
        let entity = check_slug_key(report, entry, &path, "entity", "product");
        let when = check_choice::<HookWhen>(report, entry, &path, "when", "after-read");
        let action = when.and_then(|when| check_action(report, entry, &path, when));
        let (Some(entity), Some(when), Some(action)) = (entity, when, action) else {
            continue;
        };
        let hook = HookDecl {
            entity,
            when,
            action,
        };
        if let Some((_, first)) = seen.iter().find(|(seen, _)| *seen == hook) {
            report.error(
                path,
                ManifestErrorCode::InvalidHook,
                format!("repeats the hook declared at {first}"),
                "remove this entry",
            );
            continue;
        }
        seen.push((hook, path));
    }
    seen.into_iter().map(|(hook, _)| hook).collect()
}

/// Checks a key whose value comes from a closed list (`when`).
fn check_choice<T>(
    report: &mut Report,
    entry: &Table,
    path: &str,
    key: &str,
    example: &str,
) -> Option<T>
where
    T: std::str::FromStr<Err = NotInCatalog>,
{
    let key_path = key_path(path, key);
    let example = format!("{key} = \"{example}\"");
    let text = required(report, entry, path, key, &example)
        .and_then(|value| as_str(report, value, &key_path, &example))?;
    let error = match text.parse::<T>() {
        Ok(value) => return Some(value),
        Err(error) => error,
    };
    let fix = match closest(text, &error.allowed, 2) {
        Some(known) => format!("write {key} = \"{known}\""),
        None => format!("use one of {}", one_of(&error.allowed)),
    };
    report.error(
        key_path,
        ManifestErrorCode::InvalidHook,
        format!("{} is not a {}", quoted(text), error.what),
        fix,
    );
    None
}

/// Checks a key whose value is a slug (`entity`).
fn check_slug_key(
    report: &mut Report,
    entry: &Table,
    path: &str,
    key: &str,
    example: &str,
) -> Option<String> {
    let key_path = key_path(path, key);
    let example_line = format!("{key} = \"{example}\"");
    let text = required(report, entry, path, key, &example_line)
        .and_then(|value| as_str(report, value, &key_path, &example_line))?;
    if let Some(problem) = slug_problem(text) {
        report.error(
            key_path,
            ManifestErrorCode::InvalidHook,
            format!("{key} {} {problem}", quoted(text)),
            format!("write {key} = \"{}\"", suggest_slug(text, example)),
        );
        return None;
    }
    Some(text.to_owned())
}

/// Checks `action`: a slug exactly when `when = "on-action"`. The outer `Option` is `None` on
/// error, the inner one is the action.
fn check_action(
    report: &mut Report,
    entry: &Table,
    path: &str,
    when: HookWhen,
) -> Option<Option<String>> {
    let action_path = key_path(path, "action");
    let example = "action = \"my-action\"";
    if when != HookWhen::OnAction {
        if entry.contains_key("action") {
            report.error(
                action_path,
                ManifestErrorCode::InvalidHook,
                format!("action is only used by on-action hooks, and this hook runs {when}"),
                "remove action, or write when = \"on-action\"",
            );
            return None;
        }
        return Some(None);
    }
    let text = required(report, entry, path, "action", example)
        .and_then(|value| as_str(report, value, &action_path, example))?;
    if let Some(problem) = slug_problem(text) {
        report.error(
            action_path,
            ManifestErrorCode::InvalidHook,
            format!("action {} {problem}", quoted(text)),
            format!("write action = \"{}\"", suggest_slug(text, "my-action")),
        );
        return None;
    }
    Some(Some(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Vec<HookDecl>, Vec<String>) {
        let root: Table = text.parse().unwrap();
        let mut report = Report::default();
        let hooks = check(&mut report, &root);
        (
            hooks,
            report.errors.iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn valid_hooks_pass() {
        let (hooks, errors) = run(
            "[[hooks]]\nentity = \"product\"\nwhen = \"after-read\"\n[[hooks]]\nentity = \"order\"\nwhen = \"on-action\"\naction = \"gift-wrap\"",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(hooks[1].action.as_deref(), Some("gift-wrap"));
    }

    #[test]
    fn malformed_entity_and_unknown_moment_get_suggestions() {
        let (_, errors) = run("[[hooks]]\nentity = \"Product Reviews\"\nwhen = \"before_create\"");
        assert_eq!(
            errors,
            [
                "hooks[0].entity: entity \"Product Reviews\" must start with a lowercase letter a-z (fix: write entity = \"product-reviews\")",
                "hooks[0].when: \"before_create\" is not a hook moment (fix: write when = \"before-create\")",
            ]
        );
    }

    #[test]
    fn any_slug_is_an_entity_and_after_write_moments_exist() {
        let (hooks, errors) = run(
            "[[hooks]]\nentity = \"review\"\nwhen = \"after-create\"\n[[hooks]]\nentity = \"review\"\nwhen = \"before-create\"",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(hooks[0].subject(), "after-create review");
        assert!(!hooks[0].when.is_before() && hooks[1].when.is_before());
    }

    #[test]
    fn on_action_needs_an_action_and_others_refuse_one() {
        let (_, errors) = run(
            "[[hooks]]\nentity = \"order\"\nwhen = \"on-action\"\n[[hooks]]\nentity = \"order\"\nwhen = \"after-read\"\naction = \"x\"",
        );
        assert_eq!(errors.len(), 2);
        assert!(errors[0].starts_with("hooks[0].action: missing required key"));
        assert!(errors[1].starts_with("hooks[1].action: action is only used by on-action hooks"));
    }

    #[test]
    fn repeated_hook_is_refused() {
        let hook = "[[hooks]]\nentity = \"product\"\nwhen = \"before-update\"\n";
        let (hooks, errors) = run(&format!("{hook}{hook}"));
        assert_eq!(hooks.len(), 1);
        assert_eq!(
            errors,
            ["hooks[1]: repeats the hook declared at hooks[0] (fix: remove this entry)"]
        );
    }
}

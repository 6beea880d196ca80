//! `subscriptions`: curated core events or other modules' `mod.<module-name>.<event-name>`.

use toml::Table;

use super::path::quoted;
use super::report::Report;
use super::suggest::closest;
use super::value::string_items;
use crate::error::{ManifestError, ManifestErrorCode};
use crate::model::{CORE_EVENTS, Subscription};
use crate::slug::{slug_problem, suggest_slug};

/// Checks `subscriptions`; returns the valid ones in manifest order.
pub(crate) fn check(report: &mut Report, root: &Table) -> Vec<Subscription> {
    let items = string_items(
        report,
        root,
        "",
        "subscriptions",
        "subscriptions = [\"order.paid\"]",
        "the event name as a quoted string, e.g. \"order.paid\"",
    );
    let mut listed: Vec<(String, Subscription)> = Vec::new();
    for (path, text) in items {
        let subscription = match parse_event(text, &path) {
            Ok(subscription) => subscription,
            Err(error) => {
                report.push(error);
                continue;
            }
        };
        if let Some((first, _)) = listed.iter().find(|(_, seen)| *seen == subscription) {
            report.error(
                path,
                ManifestErrorCode::InvalidSubscription,
                format!("\"{subscription}\" is already listed at {first}"),
                "remove this entry",
            );
            continue;
        }
        listed.push((path, subscription));
    }
    listed
        .into_iter()
        .map(|(_, subscription)| subscription)
        .collect()
}

/// Parses an event name, reporting problems at `path`.
pub(crate) fn parse_event(text: &str, path: &str) -> Result<Subscription, ManifestError> {
    if CORE_EVENTS.contains(&text) {
        return Ok(Subscription(text.to_owned()));
    }
    let invalid = |message: String, fix: String| {
        Err(ManifestError::new(
            path,
            ManifestErrorCode::InvalidSubscription,
            message,
            fix,
        ))
    };
    let Some(rest) = text.strip_prefix("mod.") else {
        let fix = match closest(text, &CORE_EVENTS, 3) {
            Some(known) => format!("write \"{known}\""),
            None => format!(
                "use a core event ({}) or a module event \"mod.<module-name>.<event-name>\"",
                CORE_EVENTS.join(", ")
            ),
        };
        return invalid(
            format!("{} is not a core event or a module event", quoted(text)),
            fix,
        );
    };
    let parts: Vec<&str> = rest.split('.').collect();
    let [module, event] = parts[..] else {
        return invalid(
            format!(
                "module event {} must have the form mod.<module-name>.<event-name>",
                quoted(text)
            ),
            "write the emitting module's name and the event name, e.g. \"mod.wishlist.item-added\""
                .to_owned(),
        );
    };
    for (what, part) in [("module name", module), ("event name", event)] {
        if let Some(problem) = slug_problem(part) {
            let suggestion = format!(
                "mod.{}.{}",
                suggest_slug(module, "module-name"),
                suggest_slug(event, "event-name")
            );
            return invalid(
                format!("the {what} {} in {} {problem}", quoted(part), quoted(text)),
                format!("write \"{suggestion}\""),
            );
        }
    }
    Ok(Subscription(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Vec<String>, Vec<String>) {
        let root: Table = text.parse().unwrap();
        let mut report = Report::default();
        let subscriptions = check(&mut report, &root);
        (
            subscriptions.iter().map(ToString::to_string).collect(),
            report.errors.iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn core_and_module_events_pass() {
        let (listed, errors) = run("subscriptions = [\"order.paid\", \"mod.wishlist.item-added\"]");
        assert_eq!(listed, ["order.paid", "mod.wishlist.item-added"]);
        assert!(errors.is_empty());
    }

    #[test]
    fn subscription_knows_its_origin() {
        let core: Subscription = "product.updated".parse().unwrap();
        let module: Subscription = "mod.wishlist.item-added".parse().unwrap();
        assert!(core.is_core() && core.module().is_none());
        assert_eq!(module.module(), Some("wishlist"));
    }

    #[test]
    fn misspelt_core_event_suggests_the_closest() {
        let (_, errors) = run("subscriptions = [\"order.payed\"]");
        assert_eq!(
            errors,
            [
                "subscriptions[0]: \"order.payed\" is not a core event or a module event (fix: write \"order.paid\")"
            ]
        );
    }

    #[test]
    fn malformed_module_events_are_refused() {
        for bad in [
            "mod.wishlist",
            "mod.a.b.c",
            "mod.Wish.added",
            "mod.wishlist.item_added",
            "mod..x",
        ] {
            let (_, errors) = run(&format!("subscriptions = [\"{bad}\"]"));
            assert_eq!(errors.len(), 1, "{bad}");
        }
    }

    #[test]
    fn repeated_subscription_is_refused() {
        let (listed, errors) = run("subscriptions = [\"order.paid\", \"order.paid\"]");
        assert_eq!(listed, ["order.paid"]);
        assert!(errors[0].starts_with("subscriptions[1]: \"order.paid\" is already listed"));
    }
}

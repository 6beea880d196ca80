//! `slots`: storefront slots from the closed catalog, each at most once.

use toml::Table;

use super::path::quoted;
use super::report::Report;
use super::suggest::{closest, one_of};
use super::value::string_items;
use crate::error::ManifestErrorCode;
use crate::model::Slot;

/// Checks `slots`; returns the valid ones in manifest order.
pub(crate) fn check(report: &mut Report, root: &Table) -> Vec<Slot> {
    let items = string_items(
        report,
        root,
        "",
        "slots",
        "slots = [\"product-card.badges\"]",
        "the slot as a quoted string, e.g. \"product-card.badges\"",
    );
    let mut listed: Vec<(String, Slot)> = Vec::new();
    for (path, text) in items {
        let Ok(slot) = text.parse::<Slot>() else {
            let names = Slot::names();
            let fix = match closest(text, &names, 3) {
                Some(known) => format!("write \"{known}\""),
                None => format!("use one of {}", one_of(&names)),
            };
            report.error(
                path,
                ManifestErrorCode::UnknownSlot,
                format!("{} is not in the slot catalog", quoted(text)),
                fix,
            );
            continue;
        };
        if let Some((first, _)) = listed.iter().find(|(_, seen)| *seen == slot) {
            report.error(
                path,
                ManifestErrorCode::DuplicateSlot,
                format!("\"{slot}\" is already listed at {first}"),
                "remove this entry; one slot export serves every widget of a slot",
            );
            continue;
        }
        listed.push((path, slot));
    }
    listed.into_iter().map(|(_, slot)| slot).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (Vec<Slot>, Vec<String>) {
        let root: Table = text.parse().unwrap();
        let mut report = Report::default();
        let slots = check(&mut report, &root);
        (
            slots,
            report.errors.iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn catalog_slots_pass() {
        let (slots, errors) = run("slots = [\"header.links\", \"account.sections\"]");
        assert_eq!(slots, [Slot::HeaderLinks, Slot::AccountSections]);
        assert!(errors.is_empty());
    }

    #[test]
    fn unknown_slot_suggests_the_closest() {
        let (_, errors) = run("slots = [\"product-card.badge\"]");
        assert_eq!(
            errors,
            [
                "slots[0]: \"product-card.badge\" is not in the slot catalog (fix: write \"product-card.badges\")"
            ]
        );
    }

    #[test]
    fn repeated_slot_is_refused() {
        let (slots, errors) = run("slots = [\"header.links\", \"header.links\"]");
        assert_eq!(slots, [Slot::HeaderLinks]);
        assert!(errors[0].starts_with("slots[1]: \"header.links\" is already listed at slots[0]"));
    }
}

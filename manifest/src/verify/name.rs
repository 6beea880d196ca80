//! `name`: required lowercase slug, the module's identity.

use toml::Table;

use super::report::Report;
use super::value::{as_str, required};
use crate::model::ModuleName;

/// Checks `name` and returns it when valid.
pub(crate) fn check(report: &mut Report, root: &Table) -> Option<ModuleName> {
    let example = "name = \"my-module\"";
    let value = required(report, root, "", "name", example)?;
    let text = as_str(report, value, "name", example)?;
    text.parse::<ModuleName>()
        .map_err(|error| report.push(error))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ManifestErrorCode;

    fn codes(text: &str) -> Vec<ManifestErrorCode> {
        let root: Table = text.parse().unwrap();
        let mut report = Report::default();
        check(&mut report, &root);
        report.errors.iter().map(|error| error.code).collect()
    }

    #[test]
    fn valid_name_passes() {
        assert!(codes("name = \"gift-wrap\"").is_empty());
    }

    #[test]
    fn missing_name_is_reported() {
        assert_eq!(codes(""), [ManifestErrorCode::MissingKey]);
    }

    #[test]
    fn non_string_name_is_a_wrong_type() {
        assert_eq!(codes("name = 3"), [ManifestErrorCode::WrongType]);
    }

    #[test]
    fn uppercase_trailing_dash_and_double_dash_names_are_refused() {
        for bad in ["Shop", "shop-", "gift--wrap", "9lives", "a_b"] {
            assert_eq!(
                codes(&format!("name = \"{bad}\"")),
                [ManifestErrorCode::InvalidName],
                "{bad}"
            );
        }
    }

    #[test]
    fn name_longer_than_64_is_refused() {
        let long = "a".repeat(65);
        assert_eq!(
            codes(&format!("name = \"{long}\"")),
            [ManifestErrorCode::InvalidName]
        );
    }
}

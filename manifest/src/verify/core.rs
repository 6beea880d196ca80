//! `version` (the module's semver) and `compatible-core` (the host core versions it runs on).

use semver::{Comparator, Op, Version, VersionReq};
use toml::Table;

use super::path::quoted;
use super::report::Report;
use super::value::{as_str, required};
use crate::error::ManifestErrorCode;

/// Checks `version` and returns it when valid.
pub(crate) fn check_version(report: &mut Report, root: &Table) -> Option<Version> {
    let example = "version = \"1.0.0\"";
    let value = required(report, root, "", "version", example)?;
    let text = as_str(report, value, "version", example)?;
    match Version::parse(text) {
        Ok(version) => Some(version),
        Err(error) => {
            report.error(
                "version",
                ManifestErrorCode::InvalidVersion,
                format!("{} is not a semantic version ({error})", quoted(text)),
                format!(
                    "write major.minor.patch, e.g. version = \"{}\"",
                    suggest_version(text)
                ),
            );
            None
        }
    }
}

/// `1.2` → `1.2.0`, `v1` → `1.0.0`; anything unrecognisable → `1.0.0`.
fn suggest_version(text: &str) -> String {
    let trimmed = text.trim().trim_start_matches(['v', 'V']);
    let parts: Vec<&str> = trimmed.split('.').collect();
    let numeric = parts.iter().all(|part| {
        !part.is_empty() && part.len() < 10 && part.bytes().all(|b| b.is_ascii_digit())
    });
    if !numeric || parts.len() > 3 {
        return "1.0.0".to_owned();
    }
    let mut numbers: Vec<u64> = parts.iter().filter_map(|part| part.parse().ok()).collect();
    numbers.resize(3, 0);
    format!("{}.{}.{}", numbers[0], numbers[1], numbers[2])
}

/// Checks `compatible-core`: a semver range that admits `host` and stays within its major.
pub(crate) fn check_core_range(
    report: &mut Report,
    root: &Table,
    host: &Version,
) -> Option<VersionReq> {
    let suggestion = suggested_range(host);
    let example = format!("compatible-core = \"{suggestion}\"");
    let value = required(report, root, "", "compatible-core", &example)?;
    let text = as_str(report, value, "compatible-core", &example)?;
    let path = "compatible-core";
    let req = match VersionReq::parse(text) {
        Ok(req) => req,
        Err(error) => {
            report.error(
                path,
                ManifestErrorCode::InvalidCoreRange,
                format!("{} is not a version range ({error})", quoted(text)),
                format!("write {example}"),
            );
            return None;
        }
    };
    // A development build of the host (1.4.0-dev) is judged as its release (1.4.0).
    let host_release = Version::new(host.major, host.minor, host.patch);
    if !req.matches(&host_release) {
        report.error(
            path,
            ManifestErrorCode::IncompatibleCore,
            format!(
                "{} does not admit this host's core version {host_release}",
                quoted(text)
            ),
            format!(
                "build the module against core {}.x and write {example}",
                host.major
            ),
        );
        return None;
    }
    if let Some(problem) = major_problem(&req, host.major) {
        report.error(
            path,
            ManifestErrorCode::InvalidCoreRange,
            format!("{} {problem}", quoted(text)),
            format!("write {example}"),
        );
        return None;
    }
    Some(req)
}

/// The range to suggest: caret on the host's major (`^1.0`), or on its minor for 0.x hosts.
fn suggested_range(host: &Version) -> String {
    if host.major == 0 {
        format!("^0.{}", host.minor)
    } else {
        format!("^{}.0", host.major)
    }
}

/// Why `req` reaches outside the host's major version, if it does. Every comparator must name
/// the host's major, except an exclusive upper bound at the next major (`<2`, `<2.0.0`).
fn major_problem(req: &VersionReq, major: u64) -> Option<String> {
    if req.comparators.is_empty() {
        return Some(format!(
            "admits every major version; it must stay within major {major}"
        ));
    }
    if let Some(comparator) = req
        .comparators
        .iter()
        .find(|comparator| comparator.major != major && !is_next_major_bound(comparator, major))
    {
        return Some(format!(
            "has the bound \"{comparator}\" outside major {major}; every bound must stay within major {major}"
        ));
    }
    let next_major = major.checked_add(1).map(|next| Version::new(next, 0, 0))?;
    req.matches(&next_major)
        .then(|| format!("also admits the next major version {next_major}; add an upper bound"))
}

/// Whether `comparator` is `<N+1`, `<N+1.0` or `<N+1.0.0`.
fn is_next_major_bound(comparator: &Comparator, major: u64) -> bool {
    comparator.op == Op::Less
        && major.checked_add(1) == Some(comparator.major)
        && comparator.minor.unwrap_or(0) == 0
        && comparator.patch.unwrap_or(0) == 0
        && comparator.pre.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range_codes(range: &str, host: &str) -> Vec<ManifestErrorCode> {
        let root: Table = format!("compatible-core = \"{range}\"").parse().unwrap();
        let mut report = Report::default();
        check_core_range(&mut report, &root, &Version::parse(host).unwrap());
        report.errors.iter().map(|error| error.code).collect()
    }

    #[test]
    fn ranges_within_the_host_major_pass() {
        for range in [
            "^1.0",
            "~1.4",
            "1.*",
            ">=1.2, <2",
            ">=1.0.0, <2.0.0",
            "=1.4.0",
            "1",
        ] {
            assert!(range_codes(range, "1.4.0").is_empty(), "{range}");
        }
    }

    #[test]
    fn development_host_builds_count_as_their_release() {
        assert!(range_codes("^1.0", "1.4.0-dev").is_empty());
    }

    #[test]
    fn range_not_admitting_the_host_is_incompatible() {
        assert_eq!(
            range_codes("^2.0", "1.4.0"),
            [ManifestErrorCode::IncompatibleCore]
        );
        assert_eq!(
            range_codes("~1.2", "1.4.0"),
            [ManifestErrorCode::IncompatibleCore]
        );
    }

    #[test]
    fn ranges_leaving_the_major_are_invalid() {
        for range in ["*", ">=1.0", ">=0.9, <2", ">=1.0, <3", "^1.0, <2.1"] {
            assert_eq!(
                range_codes(range, "1.4.0"),
                [ManifestErrorCode::InvalidCoreRange],
                "{range}"
            );
        }
    }

    #[test]
    fn unparsable_range_is_invalid() {
        assert_eq!(
            range_codes("one or two", "1.4.0"),
            [ManifestErrorCode::InvalidCoreRange]
        );
    }

    #[test]
    fn version_suggestions_pad_missing_parts() {
        assert_eq!(suggest_version("1.2"), "1.2.0");
        assert_eq!(suggest_version("v2"), "2.0.0");
        assert_eq!(suggest_version("latest"), "1.0.0");
    }

    #[test]
    fn invalid_version_is_reported() {
        let root: Table = "version = \"1.0\"".parse().unwrap();
        let mut report = Report::default();
        assert_eq!(check_version(&mut report, &root), None);
        assert_eq!(report.errors[0].code, ManifestErrorCode::InvalidVersion);
        assert!(report.errors[0].fix.contains("\"1.0.0\""));
    }
}

//! A family of header names: exact names, prefixes and suffixes. Rules are
//! written as families so that a new member of a family (the next
//! `*-cdn-cache-control`, the next `x-accel-*` directive) is covered without
//! anyone updating a list.

/// Names matched by a rule, compared against lower-case names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameFamily {
    /// Names matched exactly.
    pub exact: &'static [&'static str],
    /// Every name starting with one of these.
    pub prefixes: &'static [&'static str],
    /// Every name ending with one of these.
    pub suffixes: &'static [&'static str],
}

impl NameFamily {
    /// Whether `name` (lower case) belongs to the family.
    pub fn contains(&self, name: &str) -> bool {
        self.exact.contains(&name)
            || self.prefixes.iter().any(|prefix| name.starts_with(prefix))
            || self.suffixes.iter().any(|suffix| name.ends_with(suffix))
    }
}

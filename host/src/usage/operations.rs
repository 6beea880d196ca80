//! Which permission a capability operation exercises, read from the
//! contract rather than kept in a second table: an operation is named
//! `<interface>.<function>`, and the contract says which permission unlocks
//! the interface.

use modgate_manifest::Permission;

use crate::contract::interfaces_of;

/// The operation recorded once per invocation in the `event` context: an
/// event delivered to the module's `event-handler` export is how
/// `subscribe:events` is used (it unlocks only exports, so no capability
/// operation ever names it).
pub const EVENT_DELIVERY_OPERATION: &str = "event-handler.deliver";

/// The permission `operation` (`products.get`, `tables.exec`,
/// `http.outbound`, …) needs, or `None` when no permission-gated interface
/// has that name.
///
/// The part before the first `.` is the interface's short name: the
/// interface name of a modgate interface (`products` is
/// `modgate:commerce/products`, `tables` is `modgate:host/tables`), the
/// package name of a WASI one (`http` is `wasi:http/outgoing-handler`,
/// because WASI's interface names say how, not what).
pub fn permission_of_operation(operation: &str) -> Option<Permission> {
    let (interface, function) = operation.split_once('.')?;
    if function.is_empty() {
        return None;
    }
    Permission::ALL.into_iter().find(|permission| {
        interfaces_of(*permission)
            .iter()
            .any(|name| short_name(name) == Some(interface))
    })
}

/// `products` for `modgate:commerce/products`, `http` for
/// `wasi:http/outgoing-handler`.
fn short_name(interface: &str) -> Option<&str> {
    let (package, name) = interface.split_once('/')?;
    match package.split_once(':')? {
        ("wasi", package) => Some(package),
        _ => Some(name),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::*;

    #[test]
    fn operations_map_to_the_permission_of_their_interface() {
        let cases = [
            ("products.get", Some(Permission::ReadProducts)),
            ("categories.list", Some(Permission::ReadCategories)),
            ("orders.has-purchased", Some(Permission::ReadOrders)),
            ("customers.get", Some(Permission::ReadCustomers)),
            ("tables.exec-batch", Some(Permission::WriteOwnTables)),
            ("events.emit", Some(Permission::EmitEvents)),
            ("email.send-to-customer", Some(Permission::EmailSend)),
            ("http.outbound", Some(Permission::HttpOutbound)),
            (EVENT_DELIVERY_OPERATION, Some(Permission::SubscribeEvents)),
            ("log.write", None),
            ("settings.get", None),
            ("products", None),
            ("products.", None),
            ("warehouse.get", None),
        ];
        for (operation, expected) in cases {
            assert_eq!(permission_of_operation(operation), expected, "{operation}");
        }
    }

    #[test]
    fn no_two_permission_gated_interfaces_share_a_short_name() {
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for permission in Permission::ALL {
            for name in interfaces_of(permission) {
                let short =
                    short_name(name).unwrap_or_else(|| panic!("{name} is not package/interface"));
                if let Some(other) = seen.insert(short, name) {
                    assert!(
                        other == name,
                        "{other} and {name} are both `{short}`: operations would be ambiguous"
                    );
                }
            }
        }
    }

    /// Every operation the capabilities take from the budget (a string
    /// literal, or a `const NAME: &str` of the same file, passed to
    /// `take_op(` or `.take(`) has a permission: a new capability operation
    /// whose prefix names no permission-gated interface fails here.
    #[test]
    fn every_capability_operation_has_a_permission() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/capabilities");
        let mut operations = BTreeMap::new();
        for file in rust_files(&root) {
            let source = std::fs::read_to_string(&file).unwrap();
            for (operation, from_take_op) in taken_operations(&source) {
                match operation {
                    Some(operation) => {
                        operations.insert(operation, file.display().to_string());
                    }
                    None => assert!(
                        !from_take_op,
                        "{}: take_op( with an argument that is no string",
                        file.display()
                    ),
                }
            }
        }
        for expected in [
            "products.get",
            "tables.exec-batch",
            "email.send",
            "email.send-to-customer",
            "http.outbound",
        ] {
            assert!(
                operations.contains_key(expected),
                "the scan missed {expected}: {operations:?}"
            );
        }
        for (operation, file) in &operations {
            assert!(
                permission_of_operation(operation).is_some(),
                "{file}: operation {operation} maps to no permission"
            );
        }
    }

    fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files.extend(rust_files(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
        files
    }

    /// Each `take_op(…)` / `.take(…)` argument resolved to its string
    /// (`None` when it is none: `.take(n)` on an iterator), with whether
    /// it came from `take_op(`.
    fn taken_operations(source: &str) -> Vec<(Option<String>, bool)> {
        let mut found = Vec::new();
        for (marker, from_take_op) in [("take_op(", true), (".take(", false)] {
            for (at, _) in source.match_indices(marker) {
                let rest = &source[at + marker.len()..];
                let argument = rest.split(')').next().unwrap_or_default().trim();
                found.push((resolve(source, at, argument), from_take_op));
            }
        }
        found
    }

    /// A literal's text, or the value of the `const` named `argument`
    /// declared nearest before `at` (functions may each have their own
    /// `const OP`), else anywhere in the file.
    fn resolve(source: &str, at: usize, argument: &str) -> Option<String> {
        if let Some(literal) = argument.strip_prefix('"') {
            return literal.split('"').next().map(str::to_owned);
        }
        let is_const = !argument.is_empty()
            && argument
                .chars()
                .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit());
        if !is_const {
            return None;
        }
        let declaration = format!("const {argument}: &str = \"");
        let declared = source[..at]
            .rfind(&declaration)
            .or_else(|| source.find(&declaration))?;
        source[declared + declaration.len()..]
            .split('"')
            .next()
            .map(str::to_owned)
    }
}

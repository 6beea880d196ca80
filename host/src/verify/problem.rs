//! Problems and warnings found by the install-time checks.

/// Stable codes of install-time refusals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProblemCode {
    /// The bytes are not a valid component.
    InvalidComponent,
    /// The component is larger than the host accepts.
    ComponentTooLarge,
    /// An import needs a permission the manifest does not ask for.
    UngrantedImport,
    /// An import needs a permission the manifest asks for but the operator did not grant.
    PermissionNotGranted,
    /// An import that is neither a capability nor in the always-available or inert sets.
    UnknownImport,
    /// An import of a contract version this host does not implement.
    UnsupportedVersion,
    /// A permission this host does not offer (no capability provides it).
    CapabilityUnavailable,
    /// An export the manifest implies is missing.
    MissingExport,
    /// An export that needs a permission the manifest does not ask for.
    ExportNeedsPermission,
    /// The manifest itself is invalid.
    InvalidManifest,
    /// The component file could not be found or built.
    ComponentNotFound,
    /// A Python or JavaScript module cannot be built on this machine: the
    /// tool its toolchain runs on (python3, node, npm) is not installed.
    GuestToolchainMissing,
    /// An import's functions or types differ from what the host links.
    IncompatibleImport,
    /// An export the host calls has functions or types the host does not expect.
    IncompatibleExport,
    /// One instantiation creates more core instances than the host allows.
    TooManyInstances,
    /// One instantiation creates more linear memories than the host allows.
    TooManyMemories,
    /// One instantiation creates more tables than the host allows.
    TooManyTables,
    /// The component exports an event handler but the manifest subscribes
    /// to nothing: the host would never call it, and a module must not
    /// receive events it did not declare.
    HandlerWithoutSubscriptions,
    /// An import of a package the host does not provide, which no
    /// dependency component of the module exports.
    UnsatisfiedImport,
    /// An import that more than one dependency component exports.
    AmbiguousImport,
    /// Dependency components that import each other in a circle.
    DependencyCycle,
    /// A dependency component exports an interface of a package reserved to
    /// the host (`modgate:*`, `wasi:*`).
    ReservedExport,
    /// An interface wired between two components of a module differs
    /// between the importer and the exporter, or passes resources (only
    /// plain values cross between a module's components).
    IncompatibleDependency,
}

impl ProblemCode {
    /// The stable kebab-case code.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemCode::InvalidComponent => "invalid-component",
            ProblemCode::ComponentTooLarge => "component-too-large",
            ProblemCode::UngrantedImport => "ungranted-import",
            ProblemCode::PermissionNotGranted => "permission-not-granted",
            ProblemCode::UnknownImport => "unknown-import",
            ProblemCode::UnsupportedVersion => "unsupported-version",
            ProblemCode::CapabilityUnavailable => "capability-unavailable",
            ProblemCode::MissingExport => "missing-export",
            ProblemCode::ExportNeedsPermission => "export-needs-permission",
            ProblemCode::InvalidManifest => "invalid-manifest",
            ProblemCode::ComponentNotFound => "component-not-found",
            ProblemCode::GuestToolchainMissing => "guest-toolchain-missing",
            ProblemCode::IncompatibleImport => "incompatible-import",
            ProblemCode::IncompatibleExport => "incompatible-export",
            ProblemCode::TooManyInstances => "too-many-instances",
            ProblemCode::TooManyMemories => "too-many-memories",
            ProblemCode::TooManyTables => "too-many-tables",
            ProblemCode::HandlerWithoutSubscriptions => "handler-without-subscriptions",
            ProblemCode::UnsatisfiedImport => "unsatisfied-import",
            ProblemCode::AmbiguousImport => "ambiguous-import",
            ProblemCode::DependencyCycle => "dependency-cycle",
            ProblemCode::ReservedExport => "reserved-export",
            ProblemCode::IncompatibleDependency => "incompatible-dependency",
        }
    }
}

impl std::fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One reason a module is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Stable code.
    pub code: ProblemCode,
    /// Which component of the module it is about, as its path from the
    /// main component (`wishlist`, `wishlist>fetcher`); `None` for a module
    /// without dependency components.
    pub path: Option<String>,
    /// What it is about: an import or export name, a manifest key, a file.
    pub subject: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

impl Problem {
    /// A problem with its code, subject, message and fix.
    pub fn new(
        code: ProblemCode,
        subject: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Problem {
            code,
            path: None,
            subject: subject.into(),
            message: message.into(),
            fix: fix.into(),
        }
    }
}

impl Problem {
    /// The same problem, about the component at `path`.
    pub fn at(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] ", self.code)?;
        if let Some(path) = &self.path {
            write!(f, "{path}: ")?;
        }
        write!(f, "{}: {} (fix: {})", self.subject, self.message, self.fix)
    }
}

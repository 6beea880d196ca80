//! `modgate verify`: the whole check of a module folder and its report.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use modgate_manifest::{Manifest, Risk, verify_manifest_file};

use crate::CORE_VERSION;
use crate::engine::Engine;
use crate::verify::component::ComponentReport;
use crate::verify::file::{read_component_file, read_dependency_components};
use crate::verify::locate::locate_component;
use crate::verify::problem::{Problem, ProblemCode};

/// Everything `modgate verify` found about a module folder.
#[derive(Debug, Clone)]
pub struct VerifyReport {
    /// The folder checked.
    pub dir: PathBuf,
    /// The manifest, when it verified.
    pub manifest: Option<Manifest>,
    /// Manifest warnings.
    pub manifest_warnings: Vec<String>,
    /// The component file, when found.
    pub component_path: Option<PathBuf>,
    /// The component check, when there was a component to check.
    pub component: Option<ComponentReport>,
    /// Problems before the component check (manifest, locating the file).
    pub problems: Vec<Problem>,
}

impl VerifyReport {
    /// Every problem, manifest and component alike.
    pub fn all_problems(&self) -> Vec<&Problem> {
        let component = self.component.iter().flat_map(|c| c.problems.iter());
        self.problems.iter().chain(component).collect()
    }

    /// Whether the module would be refused at install.
    pub fn is_refused(&self) -> bool {
        !self.all_problems().is_empty()
    }

    /// The highest risk among the permissions asked.
    pub fn risk(&self) -> Option<Risk> {
        self.manifest
            .as_ref()
            .and_then(|m| m.permissions.iter().map(|p| p.risk()).max())
    }
}

/// Verifies the module in `dir` as if every permission it asks for were
/// granted: manifest rules, then everything an install on `engine` checks
/// ([`Engine::check`]: imports, exports, counts, compiling and linking, of
/// the component and of the dependency components module.toml declares), so
/// the verdict is the install's.
pub fn verify_module_dir(dir: &Path, engine: &Engine) -> VerifyReport {
    let mut report = VerifyReport {
        dir: dir.to_path_buf(),
        manifest: None,
        manifest_warnings: Vec::new(),
        component_path: None,
        component: None,
        problems: Vec::new(),
    };
    let verified = match verify_manifest_file(&dir.join("module.toml"), &CORE_VERSION) {
        Ok(verified) => verified,
        Err(errors) => {
            report.problems.extend(errors.0.iter().map(|e| {
                Problem::new(
                    ProblemCode::InvalidManifest,
                    format!("module.toml: {}", e.path),
                    e.message.clone(),
                    e.fix.clone(),
                )
            }));
            return report;
        }
    };
    report.manifest_warnings = verified.warnings.iter().map(|w| w.to_string()).collect();
    let manifest = verified.manifest;
    let dependencies = match read_dependency_components(dir, &manifest, engine.config().max_component_bytes, true) {
        Ok(dependencies) => dependencies,
        Err(problems) => {
            // Like a missing main component: nothing to check the tree with.
            report.problems.extend(problems);
            report.manifest = Some(manifest);
            return report;
        }
    };
    match locate_component(dir, &manifest) {
        Ok(located) => match read_component_file(&located.path, engine.config().max_component_bytes) {
            Ok(bytes) => match engine.check(&manifest, &bytes, &dependencies, &manifest.permissions) {
                Ok(checked) => {
                    report.component = Some(checked.report);
                    report.component_path = Some(located.path);
                }
                Err(host_bug) => report.problems.push(Problem::new(
                    ProblemCode::CapabilityUnavailable,
                    "host",
                    host_bug.to_string(),
                    "report this to the host's operator: the host could not build its linker",
                )),
            },
            Err(problem) => report.problems.push(problem),
        },
        Err(problem) => report.problems.push(problem),
    }
    report.manifest = Some(manifest);
    report
}

impl std::fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = String::new();
        match &self.manifest {
            Some(m) => {
                let _ = writeln!(out, "module     {} {}", m.name.as_str(), m.version);
                let _ = writeln!(
                    out,
                    "core       compatible-core {} (this host: {CORE_VERSION})",
                    m.compatible_core
                );
            }
            None => {
                let _ = writeln!(out, "module     {} (manifest invalid)", self.dir.display());
            }
        }
        if let (Some(path), Some(c)) = (&self.component_path, &self.component) {
            let _ = writeln!(
                out,
                "component  {} ({:.1} KiB, sha256 {})",
                path.display(),
                c.size as f64 / 1024.0,
                &c.sha256[..16]
            );
        }
        if let Some(m) = &self.manifest {
            let _ = writeln!(out, "\npermissions asked");
            if m.permissions.is_empty() {
                let _ = writeln!(out, "  (none: log, clocks and random only)");
            }
            let unused = self.component.as_ref().map(|c| &c.unused_permissions);
            for p in &m.permissions {
                let state = match unused {
                    Some(u) if u.contains(p) => "UNUSED",
                    Some(_) => "used",
                    None => "",
                };
                let risk = p.risk().to_string();
                let _ = writeln!(out, "  {:<18} risk {risk:<7} {state:<7} {}", p.as_str(), p.summary());
            }
        }
        if let Some(c) = &self.component {
            let _ = writeln!(out, "\ninterfaces imported");
            if c.imports.is_empty() {
                let _ = writeln!(out, "  (none)");
            }
            for i in &c.imports {
                let class = i.class.map_or("REFUSED".to_owned(), |c| c.to_string());
                let _ = writeln!(out, "  {:<44} {class}", i.name);
            }
            let _ = writeln!(out, "\ninterfaces exported");
            for e in &c.exports {
                let _ = writeln!(out, "  {e}");
            }
        }
        if let Some(c) = self.component.as_ref().filter(|c| !c.dependencies.is_empty()) {
            // Who holds what: a permission a dependency names is its alone.
            let _ = writeln!(out, "\ndependency components");
            for d in &c.dependencies {
                let holds: Vec<&str> = d.requested.iter().map(|p| p.as_str()).collect();
                let holds = if holds.is_empty() { "nothing".to_owned() } else { holds.join(", ") };
                let _ = writeln!(
                    out,
                    "  {:<32} holds {holds} ({:.1} KiB, sha256 {})",
                    d.path,
                    d.report.size as f64 / 1024.0,
                    &d.report.sha256[..16.min(d.report.sha256.len())]
                );
            }
        }
        if let Some(risk) = self.risk() {
            let _ = writeln!(out, "\nrisk       {risk} (highest of the permissions asked)");
        }
        let warnings = self
            .manifest_warnings
            .iter()
            .chain(self.component.iter().flat_map(|c| c.warnings.iter()));
        for w in warnings {
            let _ = writeln!(out, "warning    {w}");
        }
        let problems = self.all_problems();
        if problems.is_empty() {
            let _ = writeln!(out, "\nverdict    ACCEPTED");
        } else {
            let _ = writeln!(out, "\nproblems");
            for p in &problems {
                let _ = writeln!(out, "  {p}");
            }
            let _ = writeln!(out, "\nverdict    REFUSED ({} problem(s))", problems.len());
        }
        f.write_str(&out)
    }
}

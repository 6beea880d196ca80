//! Install-time verification: the manifest (by `modgate-manifest`) and the
//! component (imports, exports, size), with one readable report.
//!
//! Refusals never show wasmtime's linker errors: every import is
//! classified here first, and a refused one names the permission to add or
//! the import to remove. What passes is then compiled and linked with the
//! host's real linker ([`crate::engine::Engine::check`]), so a component
//! `verify` accepts always installs.

mod classify;
mod component;
mod contents;
mod decode;
mod file;
mod locate;
mod problem;
mod report;

pub use classify::ImportClass;
pub use component::{ComponentReport, DependencyReport, ImportEntry, check_component};
pub(crate) use component::{ComponentPart, check_offered, check_part, decode_component};
pub use contents::{ComponentCounts, count_contents};
pub use decode::{ComponentSurface, decode_surface};
pub use file::{read_component_file, read_dependency_components};
pub(crate) use locate::checkout;
pub use locate::{LocatedComponent, locate_built_component, locate_component};
pub use problem::{Problem, ProblemCode};
pub use report::{VerifyReport, verify_module_dir};

//! Builds every guest crate (reference modules and test components) into a
//! component and writes their paths as constants, plus a macro that makes
//! the test build fail when a test component is not used by any test.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let guests = manifest_dir.parent().expect("guests/artifacts is inside guests/").to_path_buf();
    let repo = guests.parent().expect("guests/ is inside the repository").to_path_buf();
    let workspace_manifest = guests.join("Cargo.toml");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));

    for watched in ["Cargo.toml", "sdk", "modules", "test-components"] {
        println!("cargo:rerun-if-changed={}", guests.join(watched).display());
    }
    println!("cargo:rerun-if-changed={}", repo.join("wit").display());

    let packages = modgate_guest_build::guest_packages(&workspace_manifest)
        .unwrap_or_else(|e| fail(&e.to_string()));
    let built = modgate_guest_build::build_components(&workspace_manifest, &packages, &out_dir.join("components"))
        .unwrap_or_else(|e| fail(&e.to_string()));

    let mut code = String::new();
    let mut tested = Vec::new();
    let mut all = Vec::new();
    for (package, component) in packages.iter().zip(&built) {
        let constant = package.name.to_uppercase().replace('-', "_");
        let _ = writeln!(
            code,
            "/// The `{}` component ({} bytes), built from `{}`.\npub const {constant}: &str = {:?};",
            package.name,
            component.size,
            package.dir.strip_prefix(&repo).unwrap_or(&package.dir).display(),
            component.path.display().to_string(),
        );
        let _ = writeln!(
            code,
            "/// The folder of `{}` (its module.toml lives there for modules).\npub const {constant}_DIR: &str = {:?};",
            package.name,
            package.dir.display().to_string(),
        );
        all.push(format!("    ({:?}, {constant}),\n", package.name));
        if package.dir.starts_with(guests.join("test-components")) {
            tested.push(package.name.replace('-', "_"));
        }
    }
    let _ = writeln!(
        code,
        "/// Every component built (reference modules and test components): `(package name, path)`.\npub const ALL: &[(&str, &str)] = &[\n{}];",
        all.concat()
    );
    let _ = writeln!(
        code,
        "/// Invokes `$m!(name)` for every test component. A test crate uses it to\n/// fail the build when a test component has no test named after it.\n#[macro_export]\nmacro_rules! for_each_test_component {{\n    ($m:ident) => {{\n{}    }};\n}}",
        tested.iter().map(|t| format!("        $m!({t});\n")).collect::<String>()
    );
    std::fs::write(out_dir.join("components.rs"), code).unwrap_or_else(|e| fail(&e.to_string()));
}

fn fail(message: &str) -> ! {
    eprintln!("error: building guest components: {message}");
    std::process::exit(1);
}

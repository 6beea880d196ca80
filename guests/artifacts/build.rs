//! Builds every guest (reference modules and test components, in Rust,
//! Python and JavaScript) into a component and writes their paths as
//! constants, plus a macro that makes the test build fail when a test
//! component is not used by any test.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use modgate_guest_build::{BuiltComponent, GuestTree, Language};

fn main() {
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let guests = manifest_dir.parent().expect("guests/artifacts is inside guests/").to_path_buf();
    let repo = guests.parent().expect("guests/ is inside the repository").to_path_buf();
    let workspace_manifest = guests.join("Cargo.toml");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));

    for watched in ["Cargo.toml", "sdk", "modules", "test-components"] {
        println!("cargo:rerun-if-changed={}", guests.join(watched).display());
    }
    // Not the language folders themselves: their toolchains (.venv,
    // node_modules) hold tens of thousands of files.
    for watched in [
        "python/requirements.txt",
        "python/sdk",
        "python/modules",
        "python/test-components",
        "javascript/package.json",
        "javascript/package-lock.json",
        "javascript/bundle.config.js",
        "javascript/sdk",
        "javascript/modules",
        "javascript/test-components",
    ] {
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
        let constant = constant_name(&package.name);
        write_constants(&mut code, &repo, &package.name, &package.dir, component, &constant);
        all.push(format!("    ({:?}, {constant}),\n", package.name));
        if package.dir.starts_with(guests.join("test-components")) {
            tested.push(package.name.replace('-', "_"));
        }
    }

    let tree = GuestTree::of_repo(&repo);
    for language in Language::ALL {
        let language_dir = guests.join(language.folder());
        let sources = modgate_guest_build::guest_sources(&language_dir).unwrap_or_else(|e| fail(&e.to_string()));
        let built = modgate_guest_build::build_guest_sources(&tree, &sources, &out_dir.join("components"))
            .unwrap_or_else(|e| fail(&e.to_string()));
        let module = language.folder();
        let _ = writeln!(code, "/// The {language} guests, built from `guests/{module}/`.\npub mod {module} {{");
        let mut by_name = String::new();
        for (source, component) in sources.iter().zip(&built) {
            let constant = constant_name(&source.name);
            write_constants(&mut code, &repo, &source.name, &source.dir, component, &constant);
            by_name.push_str(&format!("    ({:?}, {constant}),\n", source.name));
            if source.dir.starts_with(language_dir.join("test-components")) {
                tested.push(format!("{module}_{}", source.name.replace('-', "_")));
            }
        }
        let _ = writeln!(
            code,
            "/// Every {language} component built: `(folder name, path)`.\npub const BY_NAME: &[(&str, &str)] = &[\n{by_name}];\n}}"
        );
    }

    let _ = writeln!(
        code,
        "/// Every Rust component built (reference modules and test components): `(package name, path)`.\npub const ALL: &[(&str, &str)] = &[\n{}];",
        all.concat()
    );
    let _ = writeln!(
        code,
        "/// Invokes `$m!(name)` for every test component (`python_<name>` and\n/// `javascript_<name>` for the other languages'). A test crate uses it to\n/// fail the build when a test component has no test named after it.\n#[macro_export]\nmacro_rules! for_each_test_component {{\n    ($m:ident) => {{\n{}    }};\n}}",
        tested.iter().map(|t| format!("        $m!({t});\n")).collect::<String>()
    );
    std::fs::write(out_dir.join("components.rs"), code).unwrap_or_else(|e| fail(&e.to_string()));
}

fn constant_name(package: &str) -> String {
    package.to_uppercase().replace('-', "_")
}

fn write_constants(code: &mut String, repo: &Path, name: &str, dir: &Path, component: &BuiltComponent, constant: &str) {
    let _ = writeln!(
        code,
        "/// The `{name}` component ({} bytes), built from `{}`.\npub const {constant}: &str = {:?};",
        component.size,
        dir.strip_prefix(repo).unwrap_or(dir).display(),
        component.path.display().to_string(),
    );
    let _ = writeln!(
        code,
        "/// The folder of `{name}` (its module.toml lives there for modules).\npub const {constant}_DIR: &str = {:?};",
        dir.display().to_string(),
    );
}

fn fail(message: &str) -> ! {
    eprintln!("error: building guest components: {message}");
    std::process::exit(1);
}

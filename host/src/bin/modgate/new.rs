//! `modgate new`: a module folder to start from.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use modgate_host::authoring::scaffold::{
    Feature, ModuleLanguage, ScaffoldRequest, scaffold, templates_dir,
};

/// The arguments of `modgate new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The module's name: a lowercase slug (`gift-wrap`); the folder is named after it.
    name: String,
    /// The language: rust, python or js.
    #[arg(long, default_value = "rust")]
    lang: ModuleLanguage,
    /// Examples to start with (comma-separated): serve, slots, events, hooks, tables.
    #[arg(long = "with", value_name = "FEATURES", value_delimiter = ',')]
    features: Vec<Feature>,
    /// Where to create the folder.
    #[arg(long, default_value = ".")]
    dir: PathBuf,
}

/// Writes the folder and says what to do next; a refusal prints its code
/// and exits 1.
pub fn run(args: NewArgs) -> ExitCode {
    let features: BTreeSet<Feature> = args.features.into_iter().collect();
    let request = ScaffoldRequest {
        name: args.name,
        language: args.lang,
        features,
    };
    let modgate = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("modgate"));
    match scaffold(&request, &args.dir, &templates_dir(), &modgate) {
        Ok(made) => {
            println!("created {} ({}):", made.dir.display(), request.language);
            for file in &made.files {
                println!("  {}", file.display());
            }
            if made.permissions.is_empty() {
                println!("permissions: none");
            } else {
                println!("permissions: {}", made.permissions.join(", "));
            }
            println!(
                "next: cd {} && modgate run .   (README.md lists the rest)",
                made.dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("modgate new: refused [{}]: {error}", error.code());
            ExitCode::from(1)
        }
    }
}

//! `modgate`: the operator's command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use modgate_host::capabilities::builtin;
use modgate_host::engine::EngineConfig;
use modgate_host::verify::verify_module_dir;

/// Run and manage untrusted modules as WebAssembly components.
#[derive(Debug, Parser)]
#[command(name = "modgate", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a module folder (module.toml + component) and print a report.
    ///
    /// Exits 0 when the module would be accepted, 1 when it would be refused,
    /// 2 when the arguments are wrong. A Rust guest crate without a built
    /// component is built first.
    Verify {
        /// The module folder (holding module.toml).
        module_dir: PathBuf,
        /// Largest component accepted, in bytes.
        #[arg(long, default_value_t = EngineConfig::default().max_component_bytes)]
        max_component_bytes: usize,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Verify {
            module_dir,
            max_component_bytes,
        } => {
            if !module_dir.join("module.toml").is_file() {
                eprintln!(
                    "modgate verify: {} has no module.toml (give the module's folder)",
                    module_dir.display()
                );
                return ExitCode::from(2);
            }
            let report = verify_module_dir(&module_dir, &builtin(), max_component_bytes);
            print!("{report}");
            if report.is_refused() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}

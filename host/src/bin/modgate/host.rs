//! The host the CLI opens for a lifecycle command: the database, an engine
//! with the built-in capabilities and the module tables service. It has no
//! commerce data: the storefront (or another integrator) provides that.

use std::process::ExitCode;

use modgate_host::default_host::{HostOptions, default_host};
use modgate_host::lifecycle::{InstallError, Lifecycle, acting_as};
use modgate_host::storage::Storage;

use crate::Database;

/// Opens the host and runs `command` on it. A refusal or failure prints its
/// stable code and exits 1.
pub fn run<F>(database: &Database, command: F) -> ExitCode
where
    F: AsyncFnOnce(&Lifecycle) -> Result<ExitCode, InstallError>,
{
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("modgate: starting the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(async {
        let storage = match &database.database_url {
            Some(url) => Storage::connect(url).await,
            None => Storage::open_data_dir(&database.data_dir).await,
        };
        let storage = match storage {
            Ok(storage) => storage,
            Err(e) => {
                eprintln!("modgate: opening the database: {e}");
                return ExitCode::from(1);
            }
        };
        // Compiled components are kept beside the data, their digests in the
        // database: a serving process on the same folder loads a component
        // this command installed instead of compiling it again (a Python or
        // JavaScript one: 14–19 s).
        let options = HostOptions::default();
        let lifecycle = match default_host(storage, options) {
            Ok(lifecycle) => lifecycle.with_artifact_dir(database.data_dir.join("artifacts")),
            Err(e) => {
                eprintln!("modgate: starting the engine: {e}");
                return ExitCode::from(1);
            }
        };
        // The audit log names who ran the command.
        let user = std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned());
        match acting_as(format!("cli:{user}"), command(&lifecycle)).await {
            Ok(code) => code,
            Err(error) => {
                eprintln!("modgate: refused [{}]: {error}", error.code());
                ExitCode::from(1)
            }
        }
    })
}

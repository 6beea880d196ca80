//! Day-to-day operations on an install: enable, disable, settings, and the
//! least-privilege audit. The admin API calls the same library functions.

use std::process::ExitCode;

use clap::Subcommand;
use modgate_host::lifecycle::InstallError;

use crate::{Database, host, parse_tenant};

/// `modgate enable|disable|settings|audit`.
#[derive(Debug, Subcommand)]
pub enum OperateCommand {
    /// Let a module be invoked again (routes, slots, hooks, events).
    Enable {
        /// The module's name.
        module: String,
        /// The tenant.
        #[arg(long)]
        tenant: String,
        #[command(flatten)]
        database: Database,
    },
    /// Stop invoking a module: its routes answer 404, its slots render
    /// nothing, its hooks are skipped, its events wait. Tables, settings and
    /// approvals stay.
    Disable {
        /// The module's name.
        module: String,
        /// The tenant.
        #[arg(long)]
        tenant: String,
        #[command(flatten)]
        database: Database,
    },
    /// Print a module's settings, or replace them (`--set`): validated by
    /// the module's JSON Schema, then its `activate` runs with them.
    Settings {
        /// The module's name.
        module: String,
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// The new settings, a JSON object.
        #[arg(long, value_name = "JSON")]
        set: Option<String>,
        #[command(flatten)]
        database: Database,
    },
    /// The least-privilege report: which declared permissions the module
    /// used (capability calls counted by the serving hosts) and which it
    /// never used over the window, with the minimal `permissions` line.
    ///
    /// Exits 0 when every declared permission was used, 1 when some were
    /// not (the report names them).
    Audit {
        /// The module's name.
        module: String,
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// Days back from today.
        #[arg(long, default_value_t = 30)]
        days: u32,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        database: Database,
    },
}

/// Runs one operation.
pub fn run(command: OperateCommand) -> ExitCode {
    match command {
        OperateCommand::Enable { module, tenant, database } => switch(module, tenant, database, true),
        OperateCommand::Disable { module, tenant, database } => switch(module, tenant, database, false),
        OperateCommand::Settings { module, tenant, set, database } => {
            let Some(tenant) = parse_tenant(&tenant) else { return ExitCode::from(2) };
            let settings = match set.as_deref().map(serde_json::from_str::<serde_json::Value>).transpose() {
                Ok(settings) => settings,
                Err(e) => {
                    eprintln!("modgate: --set is not JSON: {e}");
                    return ExitCode::from(2);
                }
            };
            host::run(&database, async move |lifecycle| {
                match settings {
                    Some(settings) => {
                        let outcome = lifecycle.change_settings(&tenant, &module, settings).await?;
                        println!("settings of {module} for {tenant} changed; activate ran with them:");
                        println!("{}", pretty(&outcome.settings));
                    }
                    None => println!("{}", pretty(&lifecycle.show(&tenant, &module).await?.settings)),
                }
                Ok(ExitCode::SUCCESS)
            })
        }
        OperateCommand::Audit { module, tenant, days, json, database } => {
            let Some(tenant) = parse_tenant(&tenant) else { return ExitCode::from(2) };
            if days == 0 {
                eprintln!("modgate: --days must be at least 1");
                return ExitCode::from(2);
            }
            host::run(&database, async move |lifecycle| {
                let report = lifecycle.least_privilege(&tenant, &module, days).await?;
                if json {
                    println!("{}", pretty(&report));
                } else {
                    print!("{}", report.render());
                }
                Ok(if report.unused.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
            })
        }
    }
}

fn switch(module: String, tenant: String, database: Database, enabled: bool) -> ExitCode {
    let Some(tenant) = parse_tenant(&tenant) else { return ExitCode::from(2) };
    host::run(&database, async move |lifecycle| -> Result<ExitCode, InstallError> {
        let changed = lifecycle.set_enabled(&tenant, &module, enabled).await?;
        let state = if enabled { "enabled" } else { "disabled" };
        if changed {
            println!("{module} is {state} for {tenant}; serving processes follow within their refresh interval (at once on PostgreSQL)");
        } else {
            println!("{module} was already {state} for {tenant}");
        }
        Ok(ExitCode::SUCCESS)
    })
}

fn pretty(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("(unprintable: {e})"))
}

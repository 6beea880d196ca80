//! `modgate`: the operator's command line.

mod allowlist;
mod host;
mod mail;
mod new;
mod run;
mod operate;
mod print;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use modgate_host::capabilities::outbound::Allowlist;
use modgate_host::capabilities::{BuiltinServices, builtin};
use modgate_host::engine::{Engine, EngineConfig, TenantId};
use modgate_host::events::dead_letters;
use modgate_host::lifecycle::{current_actor, Approvals, HookSelection, InstallRequest, ModuleSource, RouteSelection};
use modgate_host::manifest::Permission;
use modgate_host::verify::verify_module_dir;

/// Run and manage untrusted modules as WebAssembly components.
#[derive(Debug, Parser)]
#[command(name = "modgate", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the host keeps its data.
#[derive(Debug, Args)]
pub struct Database {
    /// Data directory of the embedded SQLite database (created on first use).
    #[arg(long, env = "MODGATE_DATA_DIR", default_value = "data", global = true)]
    data_dir: PathBuf,
    /// A `postgres://` (or `sqlite://`) URL; overrides --data-dir.
    #[arg(long, env = "MODGATE_DATABASE_URL", global = true)]
    database_url: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a module folder that builds, verifies and installs as it is.
    ///
    /// The manifest asks only for the permissions the chosen examples need;
    /// the folder holds a test, the fixtures `modgate run` reads and a README
    /// with the next commands.
    New(new::NewArgs),
    /// Run a module in a throwaway local host with fixtures and report what
    /// each call cost against its budgets.
    ///
    /// Builds and verifies the module, installs it (SQLite in a temporary
    /// folder, the fixtures' shop), makes the calls in the order given and
    /// prints each answer, the module log and the budget report: fuel,
    /// capability operations, wall time and peak memory against the
    /// context's limits, and the permissions used of those declared. Exits
    /// 0 when every invocation stayed within its budget, 1 when one went
    /// over (or the module was refused), 2 on wrong arguments, 3 when one
    /// failed within its budget.
    Run(run::RunArgs),
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
    /// Install (or upgrade) a module for a tenant.
    ///
    /// Shows the permissions with their risk, records the grants, compiles
    /// the component, creates or migrates the module's tables and runs its
    /// `activate`. All or nothing: a failed install changes nothing.
    Install {
        /// The module folder (holding module.toml).
        module_dir: PathBuf,
        /// The tenant to install for.
        #[arg(long)]
        tenant: String,
        /// Grant only these permissions (repeatable); default: all requested.
        #[arg(long = "grant", value_name = "PERMISSION")]
        grants: Vec<String>,
        /// Accept the high-risk permissions granted (after reviewing them).
        #[arg(long)]
        acknowledge_risk: bool,
        /// Accept destructive table changes of an upgrade (data is lost).
        #[arg(long)]
        allow_destructive: bool,
        /// Settings as a JSON object (validated against the module's schema).
        #[arg(long)]
        settings: Option<String>,
        /// Allow outbound HTTP to `HOST[:PORT]` (repeatable; `http:outbound`).
        /// Replaces the allowlist of an earlier install; without it an
        /// upgrade keeps it. `modgate allowlist` adds address exceptions and
        /// credentials.
        #[arg(long = "allow-host", value_name = "HOST[:PORT]")]
        allow_hosts: Vec<String>,
        #[command(flatten)]
        database: Database,
    },
    /// Uninstall a module for a tenant (its tables are kept unless --purge).
    Uninstall {
        /// The module's name.
        module: String,
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// Also drop the module's tables and rows for this tenant.
        #[arg(long)]
        purge: bool,
        #[command(flatten)]
        database: Database,
    },
    /// List installed modules.
    List {
        /// Only this tenant's.
        #[arg(long)]
        tenant: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        database: Database,
    },
    /// Show an installed module: permissions, settings, tables and drift.
    ///
    /// Exits 0, or 1 when a table drifted from its declaration.
    Show {
        /// The module's name.
        module: String,
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        database: Database,
    },
    /// Approve routes and hooks of the installed version (an unapproved
    /// route answers 404, an unapproved hook is skipped).
    ///
    /// Review the module's code first: an approved route runs it for every
    /// request, an approved hook on every write or read it watches. A new
    /// version starts with no approvals.
    Approve(ApprovalChoice),
    /// Reload a module folder for every tenant that has the module installed,
    /// as the hot-reload watch does: each install keeps its grants, settings
    /// and allowlist; a version with routes or hooks is staged for `promote`,
    /// one with nothing to approve takes over. Exits 1 when any tenant's
    /// reload failed (its serving version is unchanged).
    Reload {
        /// The module folder (holding module.toml); a guest's sources are built.
        module_dir: PathBuf,
        #[command(flatten)]
        database: Database,
    },
    /// Make the version a hot reload staged serve, approving the routes and
    /// hooks named for it (a new version starts with none; until this, the
    /// version that served keeps its traffic and approvals). `modgate show`
    /// says what is staged.
    Promote(ApprovalChoice),
    /// Withdraw route or hook approvals.
    Revoke(ApprovalChoice),
    /// Close a module's circuit breaker in every serving process (they read
    /// the reset on their next refresh, within about a second).
    BreakerReset {
        /// The module's name.
        module: String,
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// Re-arm the module's hook breakers instead (hooks disabled after
        /// repeated failures run again); the HTTP breaker is left as it is.
        #[arg(long)]
        hooks: bool,
        #[command(flatten)]
        database: Database,
    },
    /// Event deliveries that ran out of attempts: list them, redrive them.
    #[command(subcommand)]
    Events(EventsCommand),
    /// Mail modules sent: list, show, redrive dead messages.
    #[command(subcommand)]
    Mail(mail::MailCommand),
    /// Where an installed module may send HTTP requests (`http:outbound`):
    /// show, add, remove, clear.
    #[command(subcommand)]
    Allowlist(allowlist::AllowlistCommand),
    #[command(flatten)]
    Operate(operate::OperateCommand),
}

/// `modgate events …`.
#[derive(Debug, Subcommand)]
enum EventsCommand {
    /// List dead-lettered deliveries with their last error, oldest first.
    Dead {
        /// Only this tenant's.
        #[arg(long)]
        tenant: Option<String>,
        /// Only this module's.
        #[arg(long)]
        module: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        database: Database,
    },
    /// Put dead-lettered deliveries back in the queue, with a fresh count of
    /// attempts (fix the module or its settings first).
    Redrive {
        /// The subscribing module.
        module: String,
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// One event (its id, as `events dead` lists it).
        #[arg(long = "event", value_name = "EVENT_ID", required_unless_present = "all")]
        event: Option<String>,
        /// Every dead letter of the module for the tenant.
        #[arg(long, conflicts_with = "event")]
        all: bool,
        #[command(flatten)]
        database: Database,
    },
}

/// Which routes and hooks of which install `approve` or `revoke` is about.
#[derive(Debug, Args)]
struct ApprovalChoice {
    /// The module's name.
    module: String,
    /// The tenant.
    #[arg(long)]
    tenant: String,
    /// A route as declared, e.g. "GET /items/{product_id}" (repeatable).
    #[arg(long = "route", value_name = "METHOD PATH", required_unless_present_any = ["all", "hooks"])]
    routes: Vec<String>,
    /// A hook as `modgate show` lists it, e.g. "before-create review" (repeatable).
    #[arg(long = "hook", value_name = "MOMENT ENTITY [ACTION]")]
    hooks: Vec<String>,
    /// Every declared route and hook.
    #[arg(long, conflicts_with_all = ["routes", "hooks"])]
    all: bool,
    #[command(flatten)]
    database: Database,
}

impl ApprovalChoice {
    /// The routes and hooks asked for.
    fn approvals(&self) -> Approvals {
        if self.all {
            return Approvals { routes: Some(RouteSelection::All), hooks: Some(HookSelection::All) };
        }
        Approvals {
            routes: (!self.routes.is_empty()).then(|| RouteSelection::Only(self.routes.clone())),
            hooks: (!self.hooks.is_empty()).then(|| HookSelection::Only(self.hooks.clone())),
        }
    }
}

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    match cli.command {
        Command::New(args) => new::run(args),
        Command::Run(args) => run::run(args, matches.subcommand_matches("run")),
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
            let config = EngineConfig {
                max_component_bytes,
                compile_cache: run::compile_cache(),
                ..EngineConfig::default()
            };
            let engine = match Engine::new(config, builtin(BuiltinServices::default())) {
                Ok(engine) => engine,
                Err(e) => {
                    eprintln!("modgate verify: starting the engine: {e}");
                    return ExitCode::from(1);
                }
            };
            let report = verify_module_dir(&module_dir, &engine);
            print!("{report}");
            if report.is_refused() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Install {
            module_dir,
            tenant,
            grants,
            acknowledge_risk,
            allow_destructive,
            settings,
            allow_hosts,
            database,
        } => {
            let Some(tenant) = parse_tenant(&tenant) else { return ExitCode::from(2) };
            let grants = match parse_grants(&grants) {
                Ok(grants) => grants,
                Err(code) => return code,
            };
            let settings = match settings.as_deref().map(serde_json::from_str::<serde_json::Value>).transpose() {
                Ok(settings) => settings,
                Err(e) => {
                    eprintln!("modgate install: --settings is not JSON: {e}");
                    return ExitCode::from(2);
                }
            };
            host::run(&database, async move |lifecycle| {
                let source = ModuleSource::from_dir(&module_dir, lifecycle.engine().config().max_component_bytes)?;
                print::permissions_to_review(&source);
                let allowlist = if allow_hosts.is_empty() {
                    None
                } else {
                    let entries = allow_hosts.iter().map(|text| allowlist::entry(text, &[], None));
                    Some(Allowlist::new(entries.collect::<Result<Vec<_>, _>>()?))
                };
                let request = InstallRequest {
                    source,
                    tenant,
                    grants,
                    acknowledge_risk,
                    allow_destructive,
                    settings,
                    allowlist,
                };
                let outcome = lifecycle.install(request).await?;
                print::installed(&outcome);
                Ok(ExitCode::SUCCESS)
            })
        }
        Command::Uninstall {
            module,
            tenant,
            purge,
            database,
        } => {
            let Some(tenant) = parse_tenant(&tenant) else { return ExitCode::from(2) };
            host::run(&database, async move |lifecycle| {
                lifecycle.uninstall(&tenant, &module, purge).await?;
                println!(
                    "uninstalled {module} for {tenant}{}",
                    if purge { "; its tables were dropped" } else { "; its tables are kept (--purge drops them)" }
                );
                Ok(ExitCode::SUCCESS)
            })
        }
        Command::List { tenant, json, database } => {
            let tenant = match tenant.as_deref().map(parse_tenant) {
                Some(None) => return ExitCode::from(2),
                Some(Some(t)) => Some(t),
                None => None,
            };
            host::run(&database, async move |lifecycle| {
                let installs = lifecycle.list(tenant.as_ref()).await?;
                print::list(&installs, json);
                Ok(ExitCode::SUCCESS)
            })
        }
        Command::Show {
            module,
            tenant,
            json,
            database,
        } => {
            let Some(tenant) = parse_tenant(&tenant) else { return ExitCode::from(2) };
            host::run(&database, async move |lifecycle| {
                let status = lifecycle.show(&tenant, &module).await?;
                print::status(&status, json);
                Ok(if status.has_drift() { ExitCode::from(1) } else { ExitCode::SUCCESS })
            })
        }
        Command::Approve(choice) => {
            let Some(tenant) = parse_tenant(&choice.tenant) else { return ExitCode::from(2) };
            let (module, asked) = (choice.module.clone(), choice.approvals());
            host::run(&choice.database, async move |lifecycle| {
                let approved = lifecycle.approve(&tenant, &module, &asked, &current_actor()).await?;
                print::approvals_changed("approve", &module, tenant.as_str(), &approved);
                Ok(ExitCode::SUCCESS)
            })
        }
        Command::Reload { module_dir, database } => host::run(&database, async move |lifecycle| {
            let source = ModuleSource::from_dir(&module_dir, lifecycle.engine().config().max_component_bytes)?;
            let reloads = lifecycle.reload(&source).await?;
            Ok(if print::reloaded(&reloads) { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }),
        Command::Promote(choice) => {
            let Some(tenant) = parse_tenant(&choice.tenant) else { return ExitCode::from(2) };
            let (module, asked) = (choice.module.clone(), choice.approvals());
            host::run(&choice.database, async move |lifecycle| {
                let promotion = lifecycle.promote(&tenant, &module, &asked, &current_actor()).await?;
                print::promoted(&promotion);
                Ok(ExitCode::SUCCESS)
            })
        }
        Command::Revoke(choice) => {
            let Some(tenant) = parse_tenant(&choice.tenant) else { return ExitCode::from(2) };
            let (module, asked) = (choice.module.clone(), choice.approvals());
            host::run(&choice.database, async move |lifecycle| {
                let revoked = lifecycle.revoke(&tenant, &module, &asked).await?;
                print::approvals_changed("revoke", &module, tenant.as_str(), &revoked);
                Ok(ExitCode::SUCCESS)
            })
        }
        Command::BreakerReset { module, tenant, hooks, database } => {
            let Some(tenant) = parse_tenant(&tenant) else { return ExitCode::from(2) };
            host::run(&database, async move |lifecycle| {
                if hooks {
                    lifecycle.reset_hook_breakers(&tenant, &module).await?;
                    println!("hook breakers of {module} for {tenant} re-armed; serving processes run its hooks again within their refresh interval (at once on PostgreSQL)");
                } else {
                    lifecycle.reset_breaker(&tenant, &module).await?;
                    println!("breaker of {module} for {tenant} reset; serving processes close it within their refresh interval (at once on PostgreSQL)");
                }
                Ok(ExitCode::SUCCESS)
            })
        }
        Command::Events(EventsCommand::Dead { tenant, module, json, database }) => {
            let tenant = match tenant.as_deref().map(parse_tenant) {
                Some(None) => return ExitCode::from(2),
                Some(Some(t)) => Some(t),
                None => None,
            };
            host::run(&database, async move |lifecycle| {
                let db = lifecycle.storage().connection();
                Ok(match dead_letters::list(db, tenant.as_ref(), module.as_deref()).await {
                    Ok(dead) => {
                        print::dead_letters(&dead, json);
                        ExitCode::SUCCESS
                    }
                    Err(e) => print::event_refusal(&e),
                })
            })
        }
        Command::Events(EventsCommand::Redrive { module, tenant, event, all: _, database }) => {
            let Some(tenant) = parse_tenant(&tenant) else { return ExitCode::from(2) };
            host::run(&database, async move |lifecycle| {
                let db = lifecycle.storage().connection();
                Ok(match dead_letters::redrive(db, &tenant, &module, event.as_deref()).await {
                    Ok(n) => {
                        println!("redrove {n} delivery(ies) of {module} for {tenant}; a running event worker delivers them on its next poll");
                        ExitCode::SUCCESS
                    }
                    Err(e) => print::event_refusal(&e),
                })
            })
        }
        Command::Mail(command) => mail::run(command),
        Command::Allowlist(command) => allowlist::run(command),
        Command::Operate(command) => operate::run(command),
    }
}

pub(crate) fn parse_tenant(text: &str) -> Option<TenantId> {
    match TenantId::new(text) {
        Ok(tenant) => Some(tenant),
        Err(e) => {
            eprintln!("modgate: --tenant: {e}");
            None
        }
    }
}

fn parse_grants(names: &[String]) -> Result<Option<std::collections::BTreeSet<Permission>>, ExitCode> {
    if names.is_empty() {
        return Ok(None);
    }
    names
        .iter()
        .map(|name| {
            name.parse::<Permission>().map_err(|e| {
                eprintln!("modgate install: --grant: {e}");
                ExitCode::from(2)
            })
        })
        .collect::<Result<_, _>>()
        .map(Some)
}

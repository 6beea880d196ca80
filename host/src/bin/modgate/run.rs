//! `modgate run`: build, verify and install a module into a throwaway local
//! host with fixtures, make the calls asked for (in the order given), and
//! print each answer, the module log and the budget report.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{ArgMatches, Args, ValueEnum};
use modgate_host::authoring::budget_report::{BudgetReport, CallReport, Spent};
use modgate_host::authoring::fixtures::Fixtures;
use modgate_host::authoring::local_host::LocalHost;
use modgate_host::authoring::request::{Call, CallError};
use modgate_host::capabilities::{BuiltinServices, builtin};
use modgate_host::engine::{Compiler, Engine, EngineConfig, module_log::LogLine};
use modgate_host::lifecycle::ModuleSource;
use modgate_host::verify::verify_module_dir;

/// Exit code when an invocation failed but none went over its budget.
const FAILED: u8 = 3;

/// The arguments of `modgate run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The module folder (holding module.toml); a guest crate, app.py or
    /// index.js is built first.
    module_dir: PathBuf,
    /// Send a request under the module's mount, e.g. 'GET /items?sort=newest' (repeatable).
    #[arg(long = "route", value_name = "METHOD PATH")]
    routes: Vec<String>,
    /// The body of the POST, PUT and PATCH routes.
    #[arg(long)]
    body: Option<String>,
    /// Act as this signed-in customer of the fixtures (routes, slots, hooks).
    #[arg(long = "as", value_name = "CUSTOMER")]
    customer: Option<String>,
    /// Render a storefront slot, e.g. product-card.actions (repeatable).
    #[arg(long = "slot", value_name = "SLOT")]
    slots: Vec<String>,
    /// The product the slots are rendered for.
    #[arg(long)]
    product: Option<String>,
    /// Deliver a core event, e.g. product.price-changed (repeatable).
    #[arg(long = "event", value_name = "NAME")]
    events: Vec<String>,
    /// The events' fields as JSON, e.g. '{"product_id": "p1", …}'.
    #[arg(long)]
    payload: Option<String>,
    /// Run a data hook, e.g. before-create:review or on-action:order:refund (repeatable).
    #[arg(long = "hook", value_name = "MOMENT:ENTITY[:ACTION]")]
    hooks: Vec<String>,
    /// The hooks' record as JSON (for after-read, an array of rows).
    #[arg(long)]
    record: Option<String>,
    /// The fixtures file; default: fixtures.toml in the module folder, else the built-in shop.
    #[arg(long)]
    fixtures: Option<PathBuf>,
    /// The install's settings as a JSON object (instead of the fixtures').
    #[arg(long)]
    settings: Option<String>,
    /// Make each call N times and report medians.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    repeat: u32,
    /// Print the budget report as JSON (answers and logs go to stderr).
    #[arg(long)]
    json: bool,
    /// The compiler: cranelift (what a host serves with) or winch, which
    /// compiles a Python or JavaScript component in ~2 s instead of 17–25 s,
    /// to slower code — for an edit-and-run loop (time figures come from cranelift).
    #[arg(long, value_enum, default_value_t = CompilerArg::Cranelift)]
    compiler: CompilerArg,
}

/// `--compiler`'s values.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum CompilerArg {
    Cranelift,
    Winch,
}

impl From<CompilerArg> for Compiler {
    fn from(arg: CompilerArg) -> Compiler {
        match arg {
            CompilerArg::Cranelift => Compiler::Cranelift,
            CompilerArg::Winch => Compiler::Winch,
        }
    }
}

impl RunArgs {
    /// The calls in the order they were given on the command line.
    fn calls(&self, matches: Option<&ArgMatches>) -> Result<Vec<Call>, CallError> {
        let mut calls: Vec<(usize, Call)> = Vec::new();
        let position = |id: &str, i: usize| {
            matches
                .and_then(|m| m.indices_of(id))
                .and_then(|mut indices| indices.nth(i))
                .unwrap_or(usize::MAX)
        };
        type Parse = fn(&str, Option<&str>) -> Result<Call, CallError>;
        let kinds: [(&str, &[String], Option<&str>, Parse); 4] = [
            ("routes", &self.routes, self.body.as_deref(), Call::route),
            ("slots", &self.slots, self.product.as_deref(), Call::slot),
            ("events", &self.events, self.payload.as_deref(), Call::event),
            ("hooks", &self.hooks, self.record.as_deref(), Call::hook),
        ];
        for (id, texts, detail, parse) in kinds {
            for (i, text) in texts.iter().enumerate() {
                calls.push((position(id, i), parse(text, detail)?));
            }
        }
        calls.sort_by_key(|(index, _)| *index);
        Ok(calls.into_iter().map(|(_, call)| call).collect())
    }

    fn fixtures(&self) -> Result<Fixtures, modgate_host::authoring::fixtures::FixturesError> {
        let beside = self.module_dir.join("fixtures.toml");
        let mut fixtures = match &self.fixtures {
            Some(path) => Fixtures::read(path)?,
            None if beside.is_file() => Fixtures::read(&beside)?,
            None => Fixtures::builtin()?,
        };
        if let Some(text) = &self.settings {
            fixtures.settings = serde_json::from_str(text).map_err(|e| {
                modgate_host::authoring::fixtures::FixturesError {
                    origin: "--settings".to_owned(),
                    message: format!("not JSON: {e}"),
                }
            })?;
        }
        Ok(fixtures)
    }
}

/// Runs `modgate run`. Exit codes: 0 every invocation stayed within its
/// budget and none failed; 1 one went over its budget (or the module was
/// refused); 2 wrong arguments or fixtures; 3 one failed within budget.
pub fn run(args: RunArgs, matches: Option<&ArgMatches>) -> ExitCode {
    let refuse = |code: &str, message: &dyn std::fmt::Display, exit: u8| {
        eprintln!("modgate run: refused [{code}]: {message}");
        ExitCode::from(exit)
    };
    if !args.module_dir.join("module.toml").is_file() {
        let message = format!(
            "{} has no module.toml (give the module's folder)",
            args.module_dir.display()
        );
        return refuse("no-manifest", &message, 2);
    }
    let calls = match args.calls(matches) {
        Ok(calls) => calls,
        Err(e) => return refuse(e.code(), &e, 2),
    };
    let fixtures = match args.fixtures() {
        Ok(fixtures) => fixtures,
        Err(e) => return refuse(e.code(), &e, 2),
    };
    warn_unknown_ids(&args, &fixtures);
    if let Some(code) = verify(&args.module_dir, args.compiler.into()) {
        return code;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return refuse("runtime", &e, 1),
    };
    runtime.block_on(run_calls(&args, &calls, &fixtures))
}

/// A customer or product the fixtures do not have is allowed (a real shop
/// can sign in anyone), but is most often a typo: say so.
fn warn_unknown_ids(args: &RunArgs, fixtures: &Fixtures) {
    if let Some(customer) = args
        .customer
        .as_deref()
        .filter(|c| !fixtures.data.customers.contains_key(*c))
    {
        eprintln!(
            "modgate run: note: --as {customer}: no such customer in the fixtures (the calls still run as them)"
        );
    }
    if let Some(product) = args
        .product
        .as_deref()
        .filter(|p| !fixtures.data.products.contains_key(*p))
    {
        eprintln!("modgate run: note: --product {product}: no such product in the fixtures");
    }
}

/// Builds (when needed) and verifies the module; `Some` exit code when it
/// would be refused.
fn verify(dir: &Path, compiler: Compiler) -> Option<ExitCode> {
    let config = EngineConfig {
        compile_cache: compile_cache(),
        compiler,
        ..EngineConfig::default()
    };
    let engine = match Engine::new(config, builtin(BuiltinServices::default())) {
        Ok(engine) => engine,
        Err(e) => {
            eprintln!("modgate run: starting the engine: {e}");
            return Some(ExitCode::from(1));
        }
    };
    let report = verify_module_dir(dir, &engine);
    if report.is_refused() {
        eprint!("{report}");
        return Some(ExitCode::from(1));
    }
    if let Some(path) = &report.component_path {
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        eprintln!(
            "verified {} ({:.1} KiB): accepted",
            path.display(),
            size as f64 / 1024.0
        );
    }
    None
}

async fn run_calls(args: &RunArgs, calls: &[Call], fixtures: &Fixtures) -> ExitCode {
    let source = match ModuleSource::from_dir(
        &args.module_dir,
        EngineConfig::default().max_component_bytes,
    ) {
        Ok(source) => source,
        Err(e) => {
            eprintln!("modgate run: refused [{}]: {e}", e.code());
            return ExitCode::from(1);
        }
    };
    let config = EngineConfig {
        compile_cache: compile_cache(),
        compiler: args.compiler.into(),
        ..EngineConfig::default()
    };
    // Compiling a Python or JavaScript component takes 15–20 s the first
    // time (then it comes from the cache): say so on a terminal.
    let progress = indicatif::ProgressBar::new_spinner().with_message(
        "installing into a local host (compiling the component: a Python or JavaScript one takes 15–20 s the first time)",
    );
    progress.enable_steady_tick(std::time::Duration::from_millis(120));
    let started = LocalHost::start(source, fixtures, config.clone()).await;
    progress.finish_and_clear();
    let host = match started {
        Ok(host) => host,
        Err(failure) => {
            eprintln!(
                "modgate run: refused [{}]: {}",
                failure.error.code(),
                failure.error
            );
            if !failure.activate.is_empty() {
                // What activate spent is the reason an install fails over budget.
                let call =
                    CallReport::new("install: activate".to_owned(), failure.activate, &config);
                let within = call.within_budget();
                print!(
                    "{}",
                    BudgetReport::render_calls(std::slice::from_ref(&call), 1)
                );
                if !within {
                    println!("verdict: an invocation went over its budget (see above)");
                }
            }
            return ExitCode::from(1);
        }
    };
    let say = |text: String| {
        if args.json {
            eprintln!("{text}")
        } else {
            println!("{text}")
        }
    };
    say(format!(
        "installed {} for tenant {} (every permission it asks for granted, every route and hook approved)",
        host.module(),
        host.tenant()
    ));
    say(log_text(host.new_log_lines()));
    let mut reports = vec![report_of(
        &host,
        "install: activate".to_owned(),
        host.take_spent(),
    )];
    for call in calls {
        let mut runs = Vec::new();
        for round in 0..args.repeat {
            let answer = match host.call(call, args.customer.as_deref()).await {
                Ok(answer) => answer,
                Err(e) => {
                    eprintln!("modgate run: {call}: refused [{}]: {e}", e.code());
                    return ExitCode::from(2);
                }
            };
            let log = host.new_log_lines();
            if round == 0 {
                say(format!("── {call}\n{answer}\n{}", log_text(log)));
            }
            runs.extend(host.take_spent());
        }
        reports.push(report_of(&host, call.to_string(), runs));
    }
    let permissions = match host.permissions_used().await {
        Ok(permissions) => permissions,
        Err(e) => {
            eprintln!("modgate run: reading what the run used: [{}] {e}", e.code());
            return ExitCode::from(1);
        }
    };
    let report = BudgetReport {
        repeat: args.repeat,
        calls: reports,
        permissions,
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        print!("{}", report.render());
    }
    if !report.within_budget() {
        ExitCode::from(1)
    } else if report.any_failed() {
        ExitCode::from(FAILED)
    } else {
        ExitCode::SUCCESS
    }
}

fn report_of(host: &LocalHost, call: String, runs: Vec<Spent>) -> CallReport {
    CallReport::new(call, runs, host.engine_config())
}

fn log_text((lines, dropped): (Vec<LogLine>, u64)) -> String {
    let mut text = if lines.is_empty() {
        "log: (nothing)".to_owned()
    } else {
        let lines: Vec<String> = lines
            .iter()
            .map(|line| {
                format!(
                    "  {} {}",
                    format!("{:?}", line.level).to_lowercase(),
                    line.message
                )
            })
            .collect();
        format!("log:\n{}", lines.join("\n"))
    };
    if dropped > 0 {
        text.push_str(&format!("\n  ({dropped} line(s) dropped: the per-invocation cap or the log rate, docs/limits.md#module-logs)"));
    }
    text
}

/// Compiled components are kept between runs (and `modgate verify`s) in
/// the checkout's `target/`: a Python or JavaScript component compiles for
/// 14–19 s, and loads from the cache in under a second. `None` when this
/// binary's checkout has no `target/` any more.
pub(crate) fn compile_cache() -> Option<PathBuf> {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
    target
        .is_dir()
        .then(|| target.join("modgate-run/compile-cache"))
}

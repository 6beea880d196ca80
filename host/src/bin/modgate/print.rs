//! What the lifecycle commands print.

use std::process::ExitCode;

use modgate_host::events::EventError;
use modgate_host::events::dead_letters::DeadLetter;
use modgate_host::lifecycle::{InstallOutcome, InstallSummary, ModuleSource, ModuleStatus, Promotion, ReloadStep, TenantReload};
use modgate_host::manifest::{Permission, verify_manifest};
use modgate_host::CORE_VERSION;

/// Before installing: the permissions the module asks for, with their risk,
/// so the operator sees what they grant.
pub fn permissions_to_review(source: &ModuleSource) {
    let Ok(verified) = verify_manifest(&source.manifest_text, &CORE_VERSION) else { return };
    let manifest = verified.manifest;
    println!("{} {} asks for:", manifest.name.as_str(), manifest.version);
    if manifest.permissions.is_empty() {
        println!("  (no permissions)");
    }
    for permission in &manifest.permissions {
        println!(
            "  {:<20} risk {:<6} {}{}",
            permission.as_str(),
            permission.risk().as_str(),
            permission.summary(),
            if permission.requires_acknowledgement() { "  [needs --acknowledge-risk]" } else { "" }
        );
        // With dependency components, who gets it: a permission a
        // dependency names is that dependency's alone.
        if !manifest.dependencies.is_empty() {
            let holders: Vec<String> = manifest
                .dependencies
                .iter()
                .filter(|d| d.permissions.contains(permission))
                .map(|d| format!("{}>{}", manifest.name.as_str(), d.name.as_str()))
                .collect();
            if holders.is_empty() {
                println!("  {:<20} -> {} (main component)", "", manifest.name.as_str());
            } else {
                println!("  {:<20} -> only {}", "", holders.join(", "));
            }
        }
    }
    if !manifest.subscriptions.is_empty() {
        let events: Vec<&str> = manifest.subscriptions.iter().map(|s| s.as_str()).collect();
        println!("  and to receive the events: {}", events.join(", "));
    }
}

/// After a successful install.
pub fn installed(outcome: &InstallOutcome) {
    match &outcome.previous_version {
        Some(previous) => println!(
            "upgraded {} {} -> {} for tenant {}",
            outcome.module, previous, outcome.version, outcome.tenant
        ),
        None => println!("installed {} {} for tenant {}", outcome.module, outcome.version, outcome.tenant),
    }
    let granted: Vec<&str> = outcome.granted.iter().map(|p| p.as_str()).collect();
    println!("  granted:  {}", if granted.is_empty() { "(none)".into() } else { granted.join(", ") });
    for change in &outcome.table_changes {
        println!("  tables:   {change}");
    }
    if !outcome.subscriptions.is_empty() {
        println!("  receives: {}", outcome.subscriptions.join(", "));
    }
    println!("  settings: {}", outcome.settings);
    if outcome.granted.contains(&Permission::HttpOutbound) || !outcome.allowlist.is_empty() {
        if outcome.allowlist.is_empty() {
            println!("  outbound: (allowlist empty: every request is refused; `modgate allowlist add` allows a host)");
        }
        for entry in &outcome.allowlist {
            println!("  outbound: {entry}");
        }
    }
    if outcome.components.len() > 1 {
        for component in &outcome.components {
            let granted: Vec<&str> = component.granted.iter().map(|p| p.as_str()).collect();
            let granted = if granted.is_empty() { "(none)".to_owned() } else { granted.join(", ") };
            println!("  tree:     {:<28} {granted}", component.path);
        }
    }
    println!("  artifact: {}", outcome.artifact_key);
    println!(
        "  activate: {:.1} ms, {} fuel, {} ops",
        outcome.activation_time.as_secs_f64() * 1000.0,
        outcome.activation_fuel_used,
        outcome.activation_ops_used
    );
    for warning in &outcome.warnings {
        println!("  warning:  {warning}");
    }
}

/// `modgate list`.
pub fn list(installs: &[InstallSummary], json: bool) {
    if json {
        println!("{}", serde_json::to_string_pretty(installs).unwrap_or_default());
        return;
    }
    if installs.is_empty() {
        println!("no modules installed");
        return;
    }
    println!("{:<16} {:<24} {:<10} {:<8} granted", "tenant", "module", "version", "enabled");
    for install in installs {
        println!(
            "{:<16} {:<24} {:<10} {:<8} {}",
            install.tenant,
            install.module,
            install.version,
            install.enabled,
            install.granted.join(", ")
        );
    }
}

/// `modgate show`.
pub fn status(status: &ModuleStatus, json: bool) {
    if json {
        println!("{}", serde_json::to_string_pretty(status).unwrap_or_default());
        return;
    }
    println!("{} {} for tenant {}", status.module, status.version, status.tenant);
    if let Some(description) = &status.description {
        println!("  {description}");
    }
    println!("  enabled:    {}", status.enabled);
    println!("  installed:  {} (updated {})", status.installed_at, status.updated_at);
    println!("  component:  sha256 {}", status.component_hash);
    println!("  settings:   {}", status.settings);
    println!("  permissions:");
    for granted in &status.granted {
        println!("    {:<20} risk {:<6} {}", granted.permission.as_str(), granted.risk.as_str(), granted.summary);
    }
    if status.routes.is_empty() {
        println!("  routes:     (none)");
    } else {
        println!("  routes (under /modules/{}):", status.module);
        for route in &status.routes {
            println!("    {:<40} {}", route.route, if route.approved { "approved" } else { "NOT APPROVED (answers 404)" });
        }
    }
    if !status.hooks.is_empty() {
        println!("  hooks:");
        for hook in &status.hooks {
            println!("    {:<40} {}", hook.hook, if hook.approved { "approved" } else { "NOT APPROVED (skipped)" });
        }
    }
    if status.granted.iter().any(|p| p.permission == Permission::HttpOutbound) || !status.outbound_allowlist.is_empty() {
        println!("  outbound:");
        if status.outbound_allowlist.is_empty() {
            println!("    (allowlist empty: every request is refused)");
        }
        for entry in &status.outbound_allowlist {
            println!("    {entry}");
        }
    }
    if !status.subscriptions.is_empty() || status.deliveries != Default::default() {
        println!("  events:     receives {}", if status.subscriptions.is_empty() { "(none)".to_owned() } else { status.subscriptions.join(", ") });
        let d = status.deliveries;
        println!("              deliveries: {} pending, {} delivered, {} dead", d.pending, d.delivered, d.dead);
        if d.dead > 0 {
            println!(
                "              dead letters: `modgate events dead --tenant {} --module {}`",
                status.tenant, status.module
            );
        }
    }
    if let Some(staged) = &status.staged {
        println!(
            "  staged:     {} (component {}…, staged {}): serves once promoted —",
            staged.version,
            &staged.component_hash[..staged.component_hash.len().min(12)],
            staged.staged_at.as_deref().unwrap_or("-")
        );
        println!("              `modgate promote {} --tenant {} --all` approves its routes and hooks and switches", status.module, status.tenant);
    }
    if let Some(reload) = &status.last_reload {
        let version = reload.version.as_deref().unwrap_or("-");
        match &reload.code {
            Some(code) => println!(
                "  last reload: {} at {} ({version}): {code}: {}",
                reload.action,
                reload.at,
                reload.message.as_deref().unwrap_or("")
            ),
            None => println!("  last reload: {} at {} ({version})", reload.action, reload.at),
        }
    }
    if let Some(reset) = &status.breaker_reset_at {
        println!("  breaker:    last reset by an operator at {reset}");
    }
    if let Some(reset) = &status.hooks_reset_at {
        println!("  hook breakers: last re-armed by an operator at {reset}");
    }
    if status.tables.is_empty() {
        println!("  tables:     (none)");
    }
    for table in &status.tables {
        println!("  table {} (stored as {})", table.name, table.physical);
        for (name, ty, nullable) in &table.columns {
            println!("    {:<24} {:<10} {}", name, ty, if *nullable { "null" } else { "not null" });
        }
        for (columns, unique) in &table.indexes {
            println!("    {}index ({})", if *unique { "unique " } else { "" }, columns.join(", "));
        }
        if table.drift.is_empty() {
            println!("    drift: none");
        } else {
            for problem in &table.drift {
                println!("    DRIFT: {problem}");
            }
        }
    }
}

/// What `approve` or `revoke` changed (routes and hooks).
pub fn approvals_changed(verb: &str, module: &str, tenant: &str, subjects: &[String]) {
    if subjects.is_empty() {
        println!("nothing to {verb}: {module} for {tenant} is already as asked");
        return;
    }
    for subject in subjects {
        println!("{verb}d {subject} of {module} for {tenant}");
    }
}

/// `modgate reload`, one line per tenant; `false` when any failed.
pub fn reloaded(reloads: &[TenantReload]) -> bool {
    if reloads.is_empty() {
        println!("not installed for any tenant: nothing to reload (install it first)");
    }
    let mut all_good = true;
    for reload in reloads {
        let tenant = &reload.tenant;
        match &reload.result {
            Ok(ReloadStep::Unchanged) => println!("{tenant}: unchanged (the folder holds the serving or staged version)"),
            Ok(ReloadStep::Staged(outcome)) => println!(
                "{tenant}: {} {} staged; `modgate promote {} --tenant {tenant} --all` switches to it",
                outcome.module, outcome.version, outcome.module
            ),
            Ok(ReloadStep::Switched(outcome)) => println!("{tenant}: {} {} now serves", outcome.module, outcome.version),
            Err(error) => {
                all_good = false;
                eprintln!("{tenant}: refused [{}]: {error}", error.code());
            }
        }
    }
    all_good
}

/// `modgate promote`.
pub fn promoted(promotion: &Promotion) {
    println!(
        "{} {} now serves for {} (was {}); serving processes follow within their refresh interval (at once on PostgreSQL)",
        promotion.module, promotion.version, promotion.tenant, promotion.previous_version
    );
    for subject in &promotion.approved {
        println!("approved {subject}");
    }
}

/// `modgate events dead`.
pub fn dead_letters(dead: &[DeadLetter], json: bool) {
    if json {
        println!("{}", serde_json::to_string_pretty(dead).unwrap_or_default());
        return;
    }
    if dead.is_empty() {
        println!("no dead letters");
        return;
    }
    for letter in dead {
        println!(
            "{}  {:<24} {:<12} {:<16} {} attempt(s), at {}\n    last error: {}",
            letter.event_id, letter.event, letter.tenant, letter.module, letter.attempts, letter.at, letter.last_error
        );
    }
}

/// An events command refused: its stable code, exit 1.
pub fn event_refusal(error: &EventError) -> ExitCode {
    eprintln!("modgate: refused [{}]: {error}", error.code());
    ExitCode::from(1)
}

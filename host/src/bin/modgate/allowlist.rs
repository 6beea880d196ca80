//! `modgate allowlist …`: where an installed module may send HTTP requests
//! (`http:outbound`). Changes reach serving processes on their next
//! refresh. A credential names a secret in the host's secret store (by
//! default the environment variable `MODGATE_SECRET_<NAME>`); its value is
//! never stored, printed or logged.

use std::process::ExitCode;

use clap::Subcommand;
use modgate_host::capabilities::outbound::{Allowlist, AllowlistEntry, AllowlistError, Credential, EnvSecrets};
use modgate_host::lifecycle::InstallError;

use crate::{Database, host, parse_tenant};

/// `modgate allowlist …`.
#[derive(Debug, Subcommand)]
pub enum AllowlistCommand {
    /// Print the allowlist (empty: every request is refused).
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
    /// Allow a destination, or replace the entry with the same HOST[:PORT].
    ///
    /// HOST is an exact name, `*.domain` (names below the domain, not the
    /// domain itself), an IPv4 address or a bracketed IPv6 address; without
    /// a port, 80 and 443 are allowed.
    Add {
        /// The module's name.
        module: String,
        /// `HOST[:PORT]`, e.g. `api.prices.example` or `*.cdn.example:8443`.
        entry: String,
        /// The tenant.
        #[arg(long)]
        tenant: String,
        /// A special-purpose range the host may resolve into, e.g.
        /// `10.1.2.3/32` (repeatable; each inside one refused range).
        #[arg(long = "address", value_name = "CIDR")]
        addresses: Vec<String>,
        /// Add a secret to its requests: `HEADER=SECRET_NAME`, e.g.
        /// `authorization=price-api`. The module's own value of that header
        /// is removed.
        #[arg(long, value_name = "HEADER=SECRET_NAME")]
        credential: Option<String>,
        #[command(flatten)]
        database: Database,
    },
    /// Remove the entry HOST[:PORT].
    Remove {
        /// The module's name.
        module: String,
        /// `HOST[:PORT]` as `allowlist show` prints it.
        entry: String,
        /// The tenant.
        #[arg(long)]
        tenant: String,
        #[command(flatten)]
        database: Database,
    },
    /// Remove every entry: every request is refused.
    Clear {
        /// The module's name.
        module: String,
        /// The tenant.
        #[arg(long)]
        tenant: String,
        #[command(flatten)]
        database: Database,
    },
}

/// Parses `HOST[:PORT]` with its options into an entry.
pub fn entry(text: &str, addresses: &[String], credential: Option<&str>) -> Result<AllowlistEntry, InstallError> {
    let nets = addresses
        .iter()
        .map(|text| {
            text.parse::<ipnet::IpNet>()
                .or_else(|_| text.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| invalid(format!("--address {text}: not a CIDR range (e.g. 10.1.2.3/32)")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut entry = text.parse::<AllowlistEntry>()?.with_addresses(nets)?;
    if let Some(credential) = credential {
        let (header, secret) = credential
            .split_once('=')
            .ok_or_else(|| invalid(format!("--credential {credential}: write HEADER=SECRET_NAME")))?;
        entry = entry.with_credential(Credential::new(header, secret)?);
    }
    Ok(entry)
}

/// An option refused before it reaches the lifecycle, with the same code.
fn invalid(message: String) -> InstallError {
    AllowlistError::new(message).into()
}

/// Runs an `allowlist` command.
pub fn run(command: AllowlistCommand) -> ExitCode {
    match command {
        AllowlistCommand::Show { module, tenant, json, database } => {
            let Some(tenant) = parse_tenant(&tenant) else { return ExitCode::from(2) };
            host::run(&database, async move |lifecycle| {
                let allowlist = lifecycle.allowlist(&tenant, &module).await?;
                print(&module, tenant.as_str(), &allowlist, json);
                Ok(ExitCode::SUCCESS)
            })
        }
        AllowlistCommand::Add { module, entry: text, tenant, addresses, credential, database } => {
            let Some(tenant) = parse_tenant(&tenant) else { return ExitCode::from(2) };
            host::run(&database, async move |lifecycle| {
                let entry = entry(&text, &addresses, credential.as_deref())?;
                let changed = lifecycle.change_allowlist(&tenant, &module, |current| Ok(current.with(entry))).await?;
                print(&module, tenant.as_str(), &changed, false);
                Ok(ExitCode::SUCCESS)
            })
        }
        AllowlistCommand::Remove { module, entry, tenant, database } => {
            let Some(tenant) = parse_tenant(&tenant) else { return ExitCode::from(2) };
            host::run(&database, async move |lifecycle| {
                let changed = lifecycle
                    .change_allowlist(&tenant, &module, |current| {
                        current.without(&entry)?.ok_or_else(|| InstallError::UnknownAllowlistEntry {
                            module: module.clone(),
                            entry: entry.clone(),
                        })
                    })
                    .await?;
                print(&module, tenant.as_str(), &changed, false);
                Ok(ExitCode::SUCCESS)
            })
        }
        AllowlistCommand::Clear { module, tenant, database } => {
            let Some(tenant) = parse_tenant(&tenant) else { return ExitCode::from(2) };
            host::run(&database, async move |lifecycle| {
                let changed = lifecycle.change_allowlist(&tenant, &module, |_| Ok(Allowlist::default())).await?;
                print(&module, tenant.as_str(), &changed, false);
                Ok(ExitCode::SUCCESS)
            })
        }
    }
}

/// Prints an allowlist: entries, and where each credential's value comes from.
pub fn print(module: &str, tenant: &str, allowlist: &Allowlist, json: bool) {
    if json {
        println!("{}", serde_json::to_string_pretty(allowlist).unwrap_or_default());
        return;
    }
    println!("outbound allowlist of {module} for {tenant}:");
    if allowlist.is_empty() {
        println!("  (empty: every request is refused)");
    }
    for entry in allowlist.entries() {
        println!("  {entry}");
        if let Some(credential) = &entry.credential {
            println!(
                "    secret {} from the host's secret store (default: ${})",
                credential.secret(),
                EnvSecrets::variable(credential.secret())
            );
        }
    }
}

//! `modgate mail …`: the messages modules sent (the local mailbox when no
//! relay is configured), one in full, and the redrive of dead ones.

use std::process::ExitCode;

use clap::Subcommand;
use modgate_host::mail::mailbox::{self, MailFilter, MailMessage, MailSummary, Redrive, STATES};
use modgate_host::mail::MailError;

use crate::{Database, host, parse_tenant};

/// `modgate mail …`.
#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// List messages, newest first.
    List {
        /// Only this tenant's.
        #[arg(long)]
        tenant: Option<String>,
        /// Only this module's.
        #[arg(long)]
        module: Option<String>,
        /// Only in this state: pending, leased, sent, dead or suppressed.
        #[arg(long)]
        state: Option<String>,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        database: Database,
    },
    /// Show one message in full: headers and text.
    Show {
        /// The message id, as `mail list` prints it.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        database: Database,
    },
    /// Put dead messages back in the queue with a fresh count of attempts
    /// (fix the relay or its credentials first).
    Redrive {
        /// One message.
        #[arg(required_unless_present = "all")]
        id: Option<String>,
        /// Every dead message of --tenant (and --module).
        #[arg(long, conflicts_with = "id", requires = "tenant")]
        all: bool,
        /// With --all: the tenant.
        #[arg(long)]
        tenant: Option<String>,
        /// With --all: only this module's.
        #[arg(long)]
        module: Option<String>,
        #[command(flatten)]
        database: Database,
    },
}

/// Runs a `mail` command.
pub fn run(command: MailCommand) -> ExitCode {
    match command {
        MailCommand::List { tenant, module, state, limit, json, database } => {
            if let Some(tenant) = &tenant
                && parse_tenant(tenant).is_none()
            {
                return ExitCode::from(2);
            }
            if let Some(state) = &state
                && !STATES.contains(&state.as_str())
            {
                eprintln!("modgate mail list: --state {state:?} is not one of {}", STATES.join(", "));
                return ExitCode::from(2);
            }
            let filter = MailFilter { tenant, module, state, limit: Some(limit) };
            host::run(&database, async move |lifecycle| {
                Ok(match mailbox::list(lifecycle.storage(), &filter).await {
                    Ok(messages) => {
                        list(&messages, json);
                        ExitCode::SUCCESS
                    }
                    Err(e) => refusal(&e),
                })
            })
        }
        MailCommand::Show { id, json, database } => host::run(&database, async move |lifecycle| {
            Ok(match mailbox::show(lifecycle.storage(), &id).await {
                Ok(message) => {
                    show(&message, json);
                    ExitCode::SUCCESS
                }
                Err(e) => refusal(&e),
            })
        }),
        MailCommand::Redrive { id, all: _, tenant, module, database } => {
            let which = match (id, tenant) {
                (Some(id), _) => Redrive::One(id),
                (None, Some(tenant)) => {
                    if parse_tenant(&tenant).is_none() {
                        return ExitCode::from(2);
                    }
                    Redrive::AllDead { tenant, module }
                }
                (None, None) => unreachable!("clap requires an id or --all --tenant"),
            };
            host::run(&database, async move |lifecycle| {
                Ok(match mailbox::redrive(lifecycle.storage(), &which).await {
                    Ok(n) => {
                        println!("redrove {n} message(s); a running mail worker sends them on its next poll");
                        ExitCode::SUCCESS
                    }
                    Err(e) => refusal(&e),
                })
            })
        }
    }
}

fn list(messages: &[MailSummary], json: bool) {
    if json {
        println!("{}", serde_json::to_string_pretty(messages).unwrap_or_default());
        return;
    }
    if messages.is_empty() {
        println!("no messages");
        return;
    }
    for m in messages {
        println!(
            "{}  {:<10} {:<12} {:<16} {:<32} {}",
            m.id, m.state, m.tenant, m.module, m.to, m.subject
        );
        if let Some(error) = &m.last_error {
            println!("    after {} attempt(s): {error}", m.attempts);
        }
    }
}

fn show(message: &MailMessage, json: bool) {
    if json {
        println!("{}", serde_json::to_string_pretty(message).unwrap_or_default());
        return;
    }
    let m = &message.summary;
    println!("Message-ID: <{}>", message.message_id);
    println!("From: {}", message.from);
    println!("To: {}", m.to);
    println!("Subject: {}", m.subject);
    println!("Queued: {} by {} for {}", m.queued_at, m.module, m.tenant);
    let sent = match (&m.sent_at, &m.via) {
        (Some(at), Some(via)) => format!("{at} via {via}"),
        _ => "not yet".to_owned(),
    };
    println!("State: {} ({} attempt(s)); sent: {sent}", m.state, m.attempts);
    if let Some(error) = &m.last_error {
        println!("Last error: {error}");
    }
    println!("\n{}", message.body);
}

fn refusal(error: &MailError) -> ExitCode {
    eprintln!("modgate: refused [{}]: {error}", error.code());
    ExitCode::from(1)
}

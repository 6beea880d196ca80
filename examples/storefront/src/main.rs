//! `target/release/storefront` (the README quick start builds it): builds the reference modules, opens
//! (or creates) the demo database, installs and approves the modules on
//! first start, and serves the storefront on 127.0.0.1 and the operator's
//! admin API and page on a listener of their own.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::Parser;
use modgate_host::admin::check_listen_address;
use modgate_host::hooks::{FailurePolicy, HookConfig};
use modgate_host::http::HttpConfig;
use storefront::shutdown::{self, SHUTDOWN_GRACE, stop_channel};
use storefront::{Options, Storefront, bundled_modules, read_modules, telemetry};

/// The modgate storefront demo.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080, env = "STOREFRONT_PORT")]
    port: u16,
    /// Where the SQLite database and the token secret live.
    #[arg(long, default_value = "data/storefront", env = "STOREFRONT_DATA_DIR")]
    data_dir: PathBuf,
    /// What a before-hook that fails does to the write it checks: `reject`
    /// (fail closed) or `skip` (fail open).
    #[arg(long, default_value = "reject", env = "STOREFRONT_HOOK_FAILURE")]
    hook_failure: FailurePolicy,
    /// Port of the stand-in competitor price API on 127.0.0.1 that the
    /// price-watch module calls (0 picks a free one).
    #[arg(long, default_value_t = 8081, env = "STOREFRONT_PRICE_API_PORT")]
    price_api_port: u16,
    /// Address both listeners bind to. Keep loopback unless a proxy in
    /// front terminates TLS; dev mode refuses anything else.
    #[arg(long, default_value = "127.0.0.1", env = "STOREFRONT_BIND")]
    bind: IpAddr,
    /// Port of the operator's admin API and page (0 picks a free one).
    #[arg(long, default_value_t = 8082, env = "STOREFRONT_ADMIN_PORT")]
    admin_port: u16,
    /// Dev mode: every module is granted every permission it asks for,
    /// without review. For a module author's own machine only: refused on a
    /// non-loopback address.
    #[arg(long)]
    dev: bool,
    /// Watch this modules directory (e.g. guests/modules): a module folder
    /// that changes is rebuilt and reloaded for every tenant that has it; a
    /// version with routes or hooks waits, staged, for `modgate promote`.
    #[arg(long, value_name = "DIR", env = "STOREFRONT_WATCH_MODULES")]
    watch_modules: Option<PathBuf>,
    /// A reverse proxy in front whose `X-Forwarded-For` is believed (an
    /// address or CIDR, repeatable; e.g. 127.0.0.1 for nginx on this
    /// machine). Without it, behind a proxy every client is the proxy's
    /// address and shares one rate-limit bucket.
    #[arg(long = "trusted-proxy", value_name = "CIDR", env = "STOREFRONT_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Vec<String>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let address = SocketAddr::new(args.bind, args.port);
    let admin_address = SocketAddr::new(args.bind, args.admin_port);
    for listen in [address, admin_address] {
        if let Err(refused) = check_listen_address(args.dev, listen) {
            eprintln!("storefront: refused [{}]: {refused}", refused.code());
            std::process::exit(2);
        }
    }
    if args.dev {
        eprintln!("{DEV_MODE_BANNER}");
    }
    // Before the runtime: the trace exporter's HTTP client runs its own thread.
    let traces = telemetry::init("warn,storefront=info")?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let served = runtime.block_on(run(args, address, admin_address));
    drop(runtime);
    if let Some(traces) = traces {
        // Flushes the spans still buffered.
        let _ = traces.shutdown();
    }
    served
}

async fn run(args: Args, address: SocketAddr, admin_address: SocketAddr) -> anyhow::Result<()> {
    let dirs = bundled_modules();
    step(
        1,
        &format!(
            "building {} reference module(s) in Rust, Python and JavaScript (the first time takes a few minutes: it installs the Python and JavaScript toolchains into the clone)",
            dirs.len()
        ),
    );
    let read = read_modules(&dirs)?;
    for skipped in &read.skipped {
        println!("      skipped {skipped}");
    }
    step(2, &format!("opening {} (SQLite) and installing modules", args.data_dir.display()));
    let storefront = Storefront::start(Options {
        hooks: HookConfig { failure_policy: args.hook_failure, ..HookConfig::default() },
        price_api_port: args.price_api_port,
        dev_mode: args.dev,
        watch_modules: args.watch_modules.clone(),
        http: HttpConfig { trusted_proxies: args.trusted_proxies.clone(), ..HttpConfig::default() },
        ..Options::new(args.data_dir.clone(), read.modules)
    })
    .await?;
    for line in &storefront.module_report {
        println!("      {line}");
    }
    let listener = tokio::net::TcpListener::bind(address).await?;
    let address = listener.local_addr()?;
    let admin_listener = tokio::net::TcpListener::bind(admin_address).await?;
    let admin_address = admin_listener.local_addr()?;
    let (stop_handle, stop) = stop_channel();
    tokio::spawn(async move {
        let signal = shutdown::signalled().await;
        println!(
            "\n{signal}: stopping — finishing requests in flight (at most {} s; again to stop at once)",
            SHUTDOWN_GRACE.as_secs()
        );
        stop_handle.stop();
        // An operator who will not wait: the second signal ends it now
        // (commits are safe; what is in flight is left to its lease).
        let again = shutdown::signalled().await;
        eprintln!("{again} again: stopping at once");
        std::process::exit(130);
    });
    let admin = tokio::spawn(Storefront::serve_admin_until(
        storefront.admin_router.clone(),
        admin_listener,
        stop.clone(),
        SHUTDOWN_GRACE,
    ));
    let token = storefront.token_for("acme", "cu-ada")?;
    step(3, &format!("serving on http://{address}"));
    println!(
        "
  Storefront (tenant acme):   http://{address}/
  Tenant globex:              http://globex.localhost:{port}/  (if *.localhost resolves to 127.0.0.1)
  Sign in as Ada in the page (an HttpOnly session cookie: the page itself
  holds no token), or use this ready-made bearer token for customer cu-ada:

    export TOKEN={token}

  Try the wishlist module:
    curl -X POST -H \"Authorization: Bearer $TOKEN\" http://{address}/modules/wishlist/items/espresso-cup
    curl -H \"Authorization: Bearer $TOKEN\" http://{address}/modules/wishlist/items
    curl http://{address}/slots/product-card.actions?product=espresso-cup -H \"Authorization: Bearer $TOKEN\"

  As the shop operator, drop the price (raises product.price-changed), then
  read the wishlist's price-drop digest (the page shows it on the card too):
    export OPERATOR_TOKEN={operator}
    curl -X POST -H \"Authorization: Bearer $OPERATOR_TOKEN\" -d '{{\"price_minor\": 990}}' http://{address}/admin/products/espresso-cup/price
    curl -H \"Authorization: Bearer $TOKEN\" http://{address}/modules/wishlist/digest

  The wishlist also mailed Ada about the drop (addressed by the shop: the
  module never sees her address). Open the operator's mailbox and sign in
  with the operator token above:    http://{address}/admin/mailbox
  or list it:  target/release/modgate mail list --data-dir {data}
  (With no MODGATE_SMTP_URL set, mail stays in this local mailbox.)

  Reviews are the shop's own data, checked by the reviews module's hooks
  before the shop writes them. Signed in, use the form under a product, or:
    curl -X POST -H \"Authorization: Bearer $TOKEN\" -d rating=5 --data-urlencode 'body=This is a scam' http://{address}/products/espresso-cup/reviews
    curl -X POST -H \"Authorization: Bearer $TOKEN\" -d rating=5 --data-urlencode 'body=Lovely cup' http://{address}/products/espresso-cup/reviews
  The first is refused (Please remove \"scam\" from your review.); the
  second is stored and the espresso cup's card shows its rating
  (\"★ 5.0 (1 review)\" on a fresh start).

  Outbound HTTP: price-watch asks a competitor price API (the stand-in on
  {prices}, allowed for it and nothing else) when a price changes.
  Raise the grinder above the competitor's 95.00, then read the quote:
    curl -X POST -H \"Authorization: Bearer $OPERATOR_TOKEN\" -d '{{\"price_minor\": 9900}}' http://{address}/admin/products/grinder/price
    curl http://{address}/modules/price-watch/quotes/grinder
  The grinder's card now says \"Seen for €95.00 at Example Prices\".

  Least privilege inside a module: price-compare's main component reads the
  catalogue but holds no http:outbound; only its `quotes` dependency does,
  and it alone asks the price API (the operator saw the tree at install):
    curl http://{address}/modules/price-compare/compare/grinder
    target/release/modgate audit price-compare --tenant acme --data-dir {data}

  Modules in Python and JavaScript: price-watch-py is price-watch written in
  Python (it quoted the grinder too: its badge sits beside the Rust one's),
  and likes, written in JavaScript, is the \"♡ Like\" button on every card:
    curl http://{address}/modules/price-watch-py/quotes/grinder
    curl -X POST -H \"Authorization: Bearer $TOKEN\" http://{address}/modules/likes/products/grinder/toggle
    curl http://{address}/modules/likes/products/grinder

  The operator's admin page and API (sign in with the operator token):
    http://{admin_address}/admin/
    curl -H \"Authorization: Bearer $OPERATOR_TOKEN\" http://{admin_address}/api/v1/admin/tenants/acme/modules
  What each module used, and the permissions it never did:
    target/release/modgate audit wishlist --tenant acme --data-dir {data}
  Prometheus metrics:  http://{admin_address}/metrics  (same bearer token)
{watch}{dev}
  Press Ctrl-C (or send SIGTERM) to stop: requests in flight finish and the
  usage counts are written first. Data stays in {data} for the next start.
",
        data = args.data_dir.display(),
        operator = storefront.operator_token,
        prices = storefront.price_api.address,
        port = address.port(),
        dev = if args.dev { DEV_MODE_BANNER } else { "" },
        watch = match &args.watch_modules {
            Some(dir) => format!(
                "
  Hot reload: watching {dir}. Change a module there (e.g. a message in
  wishlist/src/lib.rs): it is rebuilt, verified and activated beside the
  serving version, then staged until you promote it:
    target/release/modgate show wishlist --tenant acme --data-dir {data}
    target/release/modgate promote wishlist --tenant acme --all --data-dir {data}
    curl -H \"Authorization: Bearer $OPERATOR_TOKEN\" http://{admin_address}/api/v1/admin/hot-reload
",
                dir = dir.display(),
                data = args.data_dir.display(),
            ),
            None => String::new(),
        },
    );
    let stopped = storefront.serve_until(listener, stop, SHUTDOWN_GRACE).await?;
    let admin_drained = admin.await??;
    let requests = if stopped.drained && admin_drained {
        "every request in flight finished".to_owned()
    } else {
        format!("requests still in flight after {} s were cut off", SHUTDOWN_GRACE.as_secs())
    };
    let workers = if stopped.workers_finished {
        "every delivery and message in flight settled"
    } else {
        "deliveries or messages still running were left to their leases"
    };
    println!(
        "stopped: {requests}; {workers}; {} claimed deliveries given back; usage counts written",
        stopped.deliveries_given_back
    );
    Ok(())
}

/// Printed at start and under the walkthrough: nobody should run dev mode
/// without noticing.
const DEV_MODE_BANNER: &str = "
  !!! DEV MODE: every module is granted every permission it asks for, without
  !!! review or acknowledgement. Never expose this host.";

fn step(number: u32, text: &str) {
    println!("[{number}/3] {text}");
}

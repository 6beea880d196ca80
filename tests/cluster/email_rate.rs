//! The email rate limit is one bucket per (module, tenant) in the
//! database: two hosts on one PostgreSQL database together queue no more
//! than it allows, also when they send at the same moment.

use std::num::NonZeroU32;
use std::sync::Arc;

use modgate_artifacts::EMAIL_PROBE;
use modgate_host::capabilities::email::EmailLimits;
use modgate_host::default_host::{HostOptions, default_host};
use modgate_host::engine::{ErrorCode, LoadedModule};
use modgate_host::mail::MailOutbox;
use modgate_host::storage::{Backend, Storage};
use modgate_tests::{acme, load, manifest, senders, test_host};

use crate::email::{run_probe, send_script};
use crate::events::count;

/// Another host on `url` whose email rate is `burst` a minute, all at once.
async fn host_on(url: &str, burst: u32) -> LoadedModule {
    let storage = Storage::connect(url).await.expect("the database");
    let burst = NonZeroU32::new(burst).expect("non-zero");
    let options = HostOptions {
        mail: Some(MailOutbox::new(storage.clone(), senders())),
        email: EmailLimits { per_minute: burst, burst, ..EmailLimits::default() },
        ..HostOptions::default()
    };
    let lifecycle = Arc::new(default_host(storage, options).expect("a host"));
    load(lifecycle.engine(), manifest("probe", &["email:send"]), EMAIL_PROBE).expect("the probe loads")
}

#[test]
fn two_hosts_on_one_postgres_database_draw_from_one_email_bucket() {
    modgate_tests::run(async {
        let Some(host) = test_host(Backend::Postgres).await else { return };
        let (first, second) = (host_on(&host.url, 3).await, host_on(&host.url, 3).await);
        let script = send_script("ops@acme.example", "Rate", "Text");
        run_probe(&first, &acme(), &script).await.expect("the first message");
        run_probe(&second, &acme(), &script).await.expect("the second, from the other host");
        run_probe(&first, &acme(), &script).await.expect("the third");
        for module in [&first, &second] {
            assert_eq!(run_probe(module, &acme(), &script).await, Err(ErrorCode::RateLimited), "the bucket is shared");
        }
        assert_eq!(count(&host, "SELECT count(*) FROM modgate_mail", vec![]).await, 3);
    });
}

#[test]
fn hosts_sending_at_once_never_both_take_the_last_message() {
    modgate_tests::run(async {
        let Some(host) = test_host(Backend::Postgres).await else { return };
        let hosts = [Arc::new(host_on(&host.url, 10).await), Arc::new(host_on(&host.url, 10).await)];
        let script = send_script("ops@acme.example", "Rate", "Text");
        let attempts: Vec<_> = (0..30)
            .map(|i| {
                let (module, script) = (hosts[i % 2].clone(), script.clone());
                tokio::spawn(async move { run_probe(&module, &acme(), &script).await })
            })
            .collect();
        let mut sent = 0;
        for attempt in attempts {
            match attempt.await.expect("an attempt") {
                Ok(()) => sent += 1,
                Err(code) => assert_eq!(code, ErrorCode::RateLimited),
            }
        }
        assert_eq!(sent, 10, "exactly the burst, across both hosts");
        assert_eq!(count(&host, "SELECT count(*) FROM modgate_mail", vec![]).await, 10);
    });
}

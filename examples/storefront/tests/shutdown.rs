//! A storefront asked to stop loses nothing it holds: the usage counts of
//! the calls it served are written before it returns (its periodic flush is
//! an hour away here, so only the stop can have written them), both
//! listeners close, and a client that never finishes its request cannot hold
//! the stop up beyond the grace.

mod served;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use modgate_host::engine::TenantId;
use modgate_host::usage::least_privilege;
use storefront::shutdown::stop_channel;
use storefront::{Options, Stopped, Storefront};
use tokio::io::AsyncWriteExt;

/// Far beyond the test's length: a count in the database was written by the stop.
const NO_PERIODIC_FLUSH: Duration = Duration::from_secs(3600);

async fn storefront(data: &std::path::Path) -> Storefront {
    let wishlist = served::module(modgate_artifacts::WISHLIST_DIR, modgate_artifacts::WISHLIST);
    Storefront::start(Options {
        usage_flush_interval: NO_PERIODIC_FLUSH,
        ..Options::new(data.to_path_buf(), vec![wishlist])
    })
    .await
    .expect("storefront starts")
}

/// The wishlist's calls of `tables.query` written for acme so far.
async fn written_queries(storefront_storage: &modgate_host::storage::Storage) -> u64 {
    let report = least_privilege(storefront_storage, &TenantId::new("acme").unwrap(), "wishlist", &BTreeSet::new(), 1)
        .await
        .unwrap();
    report
        .used
        .iter()
        .flat_map(|permission| &permission.operations)
        .filter(|operation| operation.operation == "tables.query")
        .map(|operation| operation.calls)
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_writes_the_usage_counts_and_closes_both_listeners() {
    let data = tempfile::tempdir().unwrap();
    let storefront = storefront(data.path()).await;
    let token = storefront.token_for("acme", "cu-ada").unwrap();
    let storage = storefront.lifecycle.storage().clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let admin_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let admin_address = admin_listener.local_addr().unwrap();
    let (stop_handle, stop) = stop_channel();
    let grace = Duration::from_secs(10);
    let admin = tokio::spawn(Storefront::serve_admin_until(storefront.admin_router.clone(), admin_listener, stop.clone(), grace));
    let shop = tokio::spawn(storefront.serve_until(listener, stop, grace));

    let client = reqwest::Client::new();
    for _ in 0..3 {
        let listed = client
            .get(format!("http://{address}/modules/wishlist/items"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(listed.status(), 200, "{:?}", listed.text().await);
    }
    assert_eq!(written_queries(&storage).await, 0, "nothing is written before the stop");

    stop_handle.stop();
    let stopped = tokio::time::timeout(Duration::from_secs(60), shop).await.expect("the shop stops").unwrap().unwrap();
    assert_eq!(stopped, Stopped { drained: true, deliveries_given_back: 0, workers_finished: true });
    let admin_drained = tokio::time::timeout(Duration::from_secs(60), admin).await.expect("the admin stops").unwrap().unwrap();
    assert!(admin_drained);

    assert!(written_queries(&storage).await >= 3, "the stop wrote the calls it served");
    for closed in [address, admin_address] {
        assert!(tokio::net::TcpStream::connect(closed).await.is_err(), "{closed} no longer accepts");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_never_finished_holds_the_stop_no_longer_than_the_grace() {
    let data = tempfile::tempdir().unwrap();
    let storefront = storefront(data.path()).await;
    let token = storefront.token_for("acme", "cu-ada").unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop_handle, stop) = stop_channel();
    let grace = Duration::from_millis(300);
    let shop = tokio::spawn(storefront.serve_until(listener, stop, grace));

    // A request whose body never arrives in full: the bridge is reading it.
    let mut stuck = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /modules/wishlist/items/espresso-cup HTTP/1.1\r\nHost: shop\r\nAuthorization: Bearer {token}\r\nContent-Length: 100\r\n\r\n0123456789"
    );
    stuck.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let asked = Instant::now();
    stop_handle.stop();
    let stopped = tokio::time::timeout(Duration::from_secs(60), shop).await.expect("the shop stops").unwrap().unwrap();
    assert!(!stopped.drained, "the stuck request did not finish: {stopped:?}");
    assert!(asked.elapsed() >= grace, "it was given the grace");
    drop(stuck);
}

//! Host-side state a guest causes is inside its budget: header maps,
//! bodies and handles created through `wasi:http/types` are charged to the
//! invocation's memory and capped in number, bytes handed to the host per
//! call are capped, and each limit ends only that invocation with a typed,
//! attributed error (503 `budget-exhausted` or `resource-limit` over HTTP).

use modgate_artifacts::RESOURCE_HOG;
use modgate_host::engine::{EngineConfig, Extensions, GuestLimit, InvocationError, LoadedModule, MemoryUse};
use modgate_tests::http::{code, http_harness_with, json, test_http_config};
use modgate_tests::{acme, engine, load, manifest_from};

use modgate_tests::rss;

const HOG: &str = r#"
name = "resource-hog"
version = "1.0.0"
compatible-core = "^1.0"

[[routes]]
method = "GET"
path = "/{*rest}"
"#;

fn hog(config: EngineConfig) -> LoadedModule {
    let engine = engine(config);
    load(&engine, manifest_from(HOG), RESOURCE_HOG).expect("the hog loads")
}

async fn get(module: &LoadedModule, path: &str) -> Result<(u16, String), InvocationError> {
    let request = http::Request::get(path).header("host", "shop.test").body(bytes::Bytes::new()).expect("request");
    let invoked = module.handle_http(&acme(), request, 1 << 20, &Extensions::new()).await?;
    let status = invoked.value.status().as_u16();
    Ok((status, String::from_utf8_lossy(invoked.value.body()).into_owned()))
}

fn out_of_memory_by(error: &InvocationError) -> MemoryUse {
    match error {
        InvocationError::OutOfMemory { by, .. } => *by,
        other => panic!("expected out-of-memory, got {other}"),
    }
}

fn small_memory() -> EngineConfig {
    EngineConfig { memory_limit_bytes: 16 << 20, ..EngineConfig::default() }
}

#[test]
pub fn header_maps_kept_alive_end_the_invocation_at_the_memory_limit() {
    let module = hog(small_memory());
    modgate_tests::run(async {
        assert_eq!(get(&module, "/fields/10/1000").await.unwrap().0, 200, "a few are fine");
        // 100 000 maps of 60 KB: 6 GB if nothing counted them.
        let error = get(&module, "/fields/100000/30000").await.unwrap_err();
        assert_eq!(out_of_memory_by(&error), MemoryUse::Host("http fields"), "{error}");
        assert_eq!(get(&module, "/fields/10/1000").await.unwrap().0, 200, "only that invocation ended");
    });
}

#[test]
fn creating_and_dropping_header_maps_is_not_free() {
    let module = hog(small_memory());
    modgate_tests::run(async {
        // Never more than one map alive, but each one is charged.
        let error = get(&module, "/churn/100000/30000").await.unwrap_err();
        assert_eq!(out_of_memory_by(&error), MemoryUse::Host("http fields"), "{error}");
    });
}

#[test]
fn open_bodies_are_charged_their_write_buffer() {
    let module = hog(small_memory());
    modgate_tests::run(async {
        let error = get(&module, "/bodies/10000").await.unwrap_err();
        assert_eq!(out_of_memory_by(&error), MemoryUse::Host("http bodies"), "{error}");
    });
}

#[test]
fn live_handles_are_capped() {
    let module = hog(EngineConfig { max_handles: 200, ..EngineConfig::default() });
    modgate_tests::run(async {
        assert_eq!(get(&module, "/handles/100").await.unwrap(), (200, "kept 100 handles".to_owned()));
        let error = get(&module, "/handles/100000").await.unwrap_err();
        assert!(matches!(error, InvocationError::ResourceLimit { limit: GuestLimit::Handles, .. }), "{error}");
    });
}

#[test]
fn bytes_handed_to_the_host_in_one_call_are_capped() {
    let module = hog(EngineConfig { max_host_call_bytes: 64 << 10, ..EngineConfig::default() });
    modgate_tests::run(async {
        assert_eq!(get(&module, "/log/1000").await.unwrap().0, 200);
        let error = get(&module, "/log/1000000").await.unwrap_err();
        assert!(matches!(error, InvocationError::ResourceLimit { limit: GuestLimit::HostCallBytes, .. }), "{error}");
        assert_eq!(error.kind(), "resource-limit");
    });
}

#[test]
fn limits_a_guest_hits_are_503_with_their_code_over_http() {
    modgate_tests::run(async {
        let config = EngineConfig { memory_limit_bytes: 16 << 20, ..EngineConfig::default() };
        let h = http_harness_with(test_http_config(), config).await;
        h.install(&acme(), HOG, RESOURCE_HOG).await;
        h.approve_all(&acme(), "resource-hog").await;
        for (path, expected) in [
            ("/modules/resource-hog/fields/100000/30000", "budget-exhausted"),
            ("/modules/resource-hog/handles/100000", "resource-limit"),
        ] {
            let (status, _, body) = json(h.client.get(h.url(path)).send().await.unwrap()).await;
            assert_eq!((status, code(&body)), (503, expected), "{path}");
        }
        let log = h.lifecycle.module(&acme(), "resource-hog").expect("loaded").log().lines();
        assert!(
            log.iter().any(|line| line.message.contains("resource limit handles")),
            "the operator reads which limit: {log:?}"
        );
    });
}

#[test]
fn header_map_amplification_leaves_host_memory_within_the_limit() {
    if !rss::in_child() {
        return rss::measured_in_child(&rss::test_path(
            module_path!(),
            "header_map_amplification_leaves_host_memory_within_the_limit",
        ));
    }
    let limit = 16u64 << 20;
    let module = hog(small_memory());
    modgate_tests::run(async {
        assert_eq!(get(&module, "/fields/10/1000").await.unwrap().0, 200, "warm-up");
        let before = rss::start_peak();
        let error = get(&module, "/fields/100000/30000").await.unwrap_err();
        assert!(matches!(error, InvocationError::OutOfMemory { .. }), "{error}");
        let peak = rss::peak_bytes();
        let after = rss::resident_bytes();
        println!(
            "resident before {} MiB, peak {} MiB, after {} MiB (limit {} MiB)",
            before >> 20,
            peak >> 20,
            after >> 20,
            limit >> 20
        );
        assert!(peak.saturating_sub(before) < limit + (32 << 20), "peak growth {} MiB", (peak - before) >> 20);
        assert!(after.saturating_sub(before) < limit + (32 << 20), "after growth {} MiB", (after - before) >> 20);
    });
}

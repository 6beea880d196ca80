//! What a guest hands back is bounded before anyone prints, stores or logs
//! it, and a component file is sized before it is read.

use modgate_artifacts::RESOURCE_HOG;
use modgate_host::engine::{EngineConfig, GuestLimit, InvocationError};
use modgate_host::engine::guest_text::MAX_GUEST_MESSAGE_BYTES;
use modgate_host::lifecycle::{InstallError, InstallRequest, ModuleSource};
use modgate_host::verify::{ProblemCode, verify_module_dir};
use modgate_tests::{acme, default_engine, load, manifest};

#[test]
fn a_huge_activate_error_is_cut_with_its_size_noted() {
    let engine = default_engine();
    let hog = load(&engine, manifest("resource-hog", &[]), RESOURCE_HOG).unwrap();
    modgate_tests::run(async {
        let error = hog.activate(&acme(), "error:900000").await.unwrap_err();
        let InvocationError::Guest { message, .. } = &error else { panic!("expected the guest's error, got {error}") };
        assert!(message.len() <= MAX_GUEST_MESSAGE_BYTES, "{} bytes kept", message.len());
        assert!(message.contains("900000 bytes in all"), "{message}");
        assert!(error.to_string().len() < 2 * MAX_GUEST_MESSAGE_BYTES);
    });
}

#[test]
fn an_error_larger_than_one_host_call_may_carry_is_a_resource_limit() {
    let engine = default_engine();
    let hog = load(&engine, manifest("resource-hog", &[]), RESOURCE_HOG).unwrap();
    modgate_tests::run(async {
        // Twenty megabytes: more than the host takes from a guest at once.
        let error = hog.activate(&acme(), "error:20000000").await.unwrap_err();
        assert!(matches!(error, InvocationError::ResourceLimit { limit: GuestLimit::HostCallBytes, .. }), "{error}");
        assert!(error.to_string().len() < 2 * MAX_GUEST_MESSAGE_BYTES);
    });
}

#[test]
fn a_huge_activate_error_is_bounded_in_the_install_refusal() {
    modgate_tests::run(async {
        let host = modgate_tests::test_host(modgate_host::storage::Backend::Sqlite).await.expect("sqlite");
        let toml = "name = \"resource-hog\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\n\
                    [settings]\ntype = \"object\"\n[settings.properties.error-bytes]\ntype = \"integer\"\n";
        let mut request = InstallRequest::new(modgate_tests::source(toml, RESOURCE_HOG), acme());
        request.settings = Some(serde_json::json!({ "error-bytes": 20_000_000 }));
        let refused = host.lifecycle.install(request).await.unwrap_err();
        assert_eq!(refused.code(), "activation-failed");
        assert!(refused.to_string().len() < 4 * MAX_GUEST_MESSAGE_BYTES, "{} bytes", refused.to_string().len());
    });
}

/// A module folder whose component is a sparse file of `bytes` bytes.
fn folder_with_sparse_component(bytes: u64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("module.toml"),
        "name = \"huge\"\nversion = \"1.0.0\"\ncompatible-core = \"^1.0\"\ncomponent = \"huge.wasm\"\n",
    )
    .unwrap();
    std::fs::File::create(dir.path().join("huge.wasm")).unwrap().set_len(bytes).unwrap();
    dir
}

#[test]
fn an_oversize_component_file_is_refused_without_being_read() {
    // 64 GiB: reading it would take the machine's memory.
    let dir = folder_with_sparse_component(64 << 30);
    let engine = default_engine();
    let report = verify_module_dir(dir.path(), &engine);
    let codes: Vec<_> = report.all_problems().iter().map(|p| p.code).collect();
    assert_eq!(codes, [ProblemCode::ComponentTooLarge]);
    let Err(InstallError::Source(problem)) = ModuleSource::from_dir(dir.path(), EngineConfig::default().max_component_bytes) else {
        panic!("install must refuse it too")
    };
    assert_eq!(problem.code, ProblemCode::ComponentTooLarge);
    assert!(problem.message.contains(&(64u64 << 30).to_string()), "{problem}");
}

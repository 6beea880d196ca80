//! Every way out a language runtime tries through the inert WASI set — the
//! `wasi-escape` test component makes the very calls Rust's std, wasi-libc,
//! CPython and StarlingMonkey make for `open("/")`, reading `/etc/passwd`,
//! the environment, the arguments, the working directory, stdin, TCP and
//! UDP to a loopback listener, and a name lookup. Each must fail the way an
//! empty sandbox fails (no directories, nothing in the environment, end of
//! file, access denied), the loopback listeners must see nothing, and the
//! ways that end the invocation instead (a forged handle, `exit`) must end
//! only that invocation, with a typed error. After each, the module itself
//! and a well-behaved one keep answering.

use std::time::Duration;

use modgate_artifacts::WASI_ESCAPE;
use modgate_host::engine::{ErrorCode, Extensions, InvocationError, LoadedModule};
use modgate_host::testing::Tripwire;
use modgate_tests::{acme, default_engine, load, manifest_from};

use super::{healthy, keeps_answering};

const MANIFEST: &str = r#"
name = "wasi-escape"
version = "1.0.0"
compatible-core = "^1.0"

[[routes]]
method = "GET"
path = "/{escape}"
"#;

/// `GET /<escape>?port=<port>` straight into the module's handler.
async fn attempt(
    module: &LoadedModule,
    escape: &str,
    port: u16,
) -> Result<String, InvocationError> {
    let request = http::Request::get(format!("/{escape}?port={port}"))
        .header("host", "shop.test")
        .body(bytes::Bytes::new())
        .expect("request");
    let invoked = module
        .handle_http(&acme(), request, 1 << 20, &Extensions::new())
        .await?;
    assert_eq!(
        invoked.value.status().as_u16(),
        200,
        "{escape}: the escape exists"
    );
    Ok(String::from_utf8_lossy(invoked.value.body()).into_owned())
}

#[test]
fn every_inert_wasi_escape_fails_and_reaches_nothing() {
    let engine = default_engine();
    let module = load(&engine, manifest_from(MANIFEST), WASI_ESCAPE)
        .expect("only inert WASI: it loads with no permission");
    assert!(module.grants().is_empty());
    let healthy = healthy(&engine);
    modgate_tests::run(async {
        let tcp = Tripwire::start().await.expect("loopback listener");
        let udp = tokio::net::UdpSocket::bind("127.0.0.1:0")
            .await
            .expect("loopback UDP socket");
        let udp_port = udp.local_addr().expect("bound").port();
        let expected = [
            ("open-root", tcp.port, "denied: no preopened directories"),
            ("read-passwd", tcp.port, "denied: no preopened directories"),
            ("environment", tcp.port, "denied: no environment variables"),
            ("arguments", tcp.port, "denied: no arguments"),
            ("cwd", tcp.port, "denied: no working directory"),
            ("stdin", tcp.port, "denied: end of file"),
            ("tcp", tcp.port, "denied: create-tcp-socket: access-denied"),
            ("tcp6", tcp.port, "denied: create-tcp-socket: access-denied"),
            ("udp", udp_port, "denied: create-udp-socket: access-denied"),
            (
                "lookup",
                tcp.port,
                "denied: resolve-addresses: permanent-resolver-failure",
            ),
        ];
        let mut wrong = Vec::new();
        for (escape, port, denial) in expected {
            match attempt(&module, escape, port).await {
                Ok(answer) if answer == denial => {}
                Ok(answer) => wrong.push(format!("{escape}: {answer}")),
                Err(e) => wrong.push(format!("{escape}: the invocation failed: {e}")),
            }
        }
        assert!(
            wrong.is_empty(),
            "escapes that did not fail as an empty sandbox does:\n{}",
            wrong.join("\n")
        );
        // Give a stray connection or datagram time to land before counting.
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert_eq!(tcp.hits(), 0, "the TCP listener saw a connection");
        let mut buffer = [0u8; 64];
        assert!(
            udp.try_recv(&mut buffer).is_err(),
            "the UDP socket received a datagram"
        );
        keeps_answering(&healthy).await;
    });
}

/// The ways that end the invocation instead of answering.
const ENDINGS: [&str; 3] = ["forged-descriptor", "exit-ok", "exit-err"];

#[test]
fn a_forged_handle_or_exit_ends_only_that_invocation() {
    let engine = default_engine();
    let module = load(&engine, manifest_from(MANIFEST), WASI_ESCAPE).expect("loads");
    let healthy = healthy(&engine);
    modgate_tests::run(async {
        for (escape, cause) in ENDINGS.into_iter().zip([
            "unknown handle index 1000",
            "exit status 0",
            "exit status 1",
        ]) {
            let err = attempt(&module, escape, 9).await.unwrap_err();
            assert!(err.is_module_fault(), "{escape}: {err}");
            assert!(
                err.to_string().contains(cause),
                "{escape}: the error names its cause: {err}"
            );
            assert_eq!(
                attempt(&module, "environment", 9).await.expect("answers"),
                "denied: no environment variables"
            );
        }
        keeps_answering(&healthy).await;
    });
}

/// What the guest did is the guest's doing: a trap (`handler-error`), as
/// `classify_host_side` promises for "a handle the guest got wrong".
///
/// Found by this suite: a forged component-model handle ("unknown handle
/// index", raised by wasmtime's canonical ABI, not a `ResourceTableError`)
/// and `wasi:cli/exit` (`wasmtime_wasi::I32Exit`) used to fall through to
/// `InvocationError::Host` — `not-available`, HTTP 500 `internal`: a host
/// failure in the metrics and logs for what the guest did.
#[test]
fn a_forged_handle_or_exit_is_the_guests_trap() {
    let engine = default_engine();
    let module = load(&engine, manifest_from(MANIFEST), WASI_ESCAPE).expect("loads");
    modgate_tests::run(async {
        for escape in ENDINGS {
            let err = attempt(&module, escape, 9).await.unwrap_err();
            assert!(
                matches!(err, InvocationError::Trap { .. }),
                "{escape}: {err}"
            );
            assert_eq!(err.code(), ErrorCode::HandlerError, "{escape}");
        }
    });
}

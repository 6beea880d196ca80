//! The header-injection corpus: every case is refused with `invalid`
//! before anything is queued, so nothing of it reaches the SMTP server —
//! only the valid message sent after them does.

use std::time::Duration;

use modgate_host::engine::ErrorCode;
use modgate_tests::smtp::SmtpSink;
use modgate_tests::{acme, on_both_backends};

use super::{customer_script, fast_mail, outbox_rows, probe, run_probe, send_script, worker_to};

/// (what, probe script) for every refused shape.
fn corpus() -> Vec<(String, String)> {
    let ok_to = "ada@acme.example";
    let long_address = format!("{}@acme.example", "a".repeat(250));
    let long_subject = "s".repeat(201);
    let long_text = "t".repeat((64 << 10) + 1);
    let long_customer = "c".repeat(129);
    let to = [
        "Ada <ada@acme.example>",
        "<ada@acme.example>",
        "ada@acme.example, eve@evil.example",
        "ada@acme.example; eve@evil.example",
        "ada@acme.example\r\nBcc: eve@evil.example",
        "ada@acme.example\nBcc: eve@evil.example",
        "ada@acme.example\rBcc: eve@evil.example",
        "ada@acme.example\0",
        "ada@acme.example\u{2028}Bcc: eve@evil.example",
        "\"ada\"@acme.example",
        "\"ada@acme.example\r\nBcc: eve@evil.example\"@acme.example",
        "ada@[127.0.0.1]",
        "@relay.example:ada@acme.example",
        "undisclosed-recipients:;",
        "ada(comment)@acme.example",
        "ada%eve@evil.example",
        "evil.example!ada@acme.example",
        "ada@localhost",
        "ada@127.0.0.1",
        "ada@bücher.example",
        "",
        long_address.as_str(),
    ];
    let subjects = [
        "Hi\r\nBcc: eve@evil.example",
        "Hi\nBcc: eve@evil.example",
        "Hi\rX-Injected: 1",
        "Hi\r\n\r\nA body of the attacker's",
        "Hi\0",
        "Hi\u{2028}Bcc: eve@evil.example",
        "Hi\u{2029}",
        "Hi\u{85}Bcc: eve@evil.example",
        "Hi\tthere",
        "Hi\u{1b}[2J",
        long_subject.as_str(),
    ];
    let texts = ["Hello\0world", "bell \u{7}", long_text.as_str()];
    let mut cases = Vec::new();
    for to in to {
        cases.push((format!("to {to:?}"), send_script(to, "Hi", "Text")));
    }
    for subject in subjects {
        cases.push((format!("subject {:?}", subject.chars().take(40).collect::<String>()), send_script(ok_to, subject, "Text")));
        cases.push((format!("customer subject {:?}", subject.chars().take(40).collect::<String>()), customer_script("cu-1", subject, "Text", true)));
    }
    for text in texts {
        cases.push((format!("text {:?}", text.chars().take(40).collect::<String>()), send_script(ok_to, "Hi", text)));
    }
    for customer in ["", "cu-1\r\nBcc: eve@evil.example", "cu-1\0", long_customer.as_str()] {
        cases.push((format!("customer id {customer:?}"), customer_script(customer, "Hi", "Text", true)));
    }
    cases
}

on_both_backends! {
    async fn the_injection_corpus_is_refused_and_nothing_reaches_the_server(host) {
        let sink = SmtpSink::start();
        let _worker = worker_to(&host, &sink, fast_mail());
        let module = probe(&host);
        let corpus = corpus();
        assert!(corpus.len() >= 30, "the corpus has {} cases", corpus.len());
        for (what, script) in &corpus {
            let refused = run_probe(&module, &acme(), script).await;
            assert_eq!(refused, Err(ErrorCode::Invalid), "{what}");
        }
        assert!(outbox_rows(&host).await.is_empty(), "nothing refused was queued");
        run_probe(&module, &acme(), &send_script("ada@acme.example", "Sentinel", "The only one")).await.expect("queued");
        let received = sink.wait_for(1, Duration::from_secs(60));
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(sink.received().len(), 1, "{:?}", sink.received());
        assert_eq!(received[0].header("Subject").as_deref(), Some("Sentinel"));
        assert_eq!(received[0].to, ["ada@acme.example"]);
    }
}

//! What the SMTP server receives, byte for byte: one recipient, the
//! tenant's From, the subject and the body exactly; and a body written to
//! smuggle a second message (bare CR/LF, lone dots, an SMTP command) crosses
//! the wire dot-stuffed with CRLF line ends only, arriving as one message.

use std::time::Duration;

use modgate_tests::smtp::SmtpSink;
use modgate_tests::{acme, globex, on_both_backends};

use super::{fast_mail, outbox_rows, probe, run_probe, send_script, wait_settled, worker_to};

on_both_backends! {
    async fn the_server_receives_exactly_the_message(host) {
        let sink = SmtpSink::start();
        let _worker = worker_to(&host, &sink, fast_mail());
        let module = probe(&host);
        let text = "Hello Ada,\r\n\r\nThe espresso cup is now 9.90 EUR.\r\n-- \r\nAcme\r\n";
        run_probe(&module, &acme(), &send_script("ada@acme.example", "Price drop: Espresso cup", text)).await.expect("queued");
        run_probe(&module, &globex(), &send_script("hank@globex.example", "Hello", "Hi")).await.expect("queued");
        let received = sink.wait_for(2, Duration::from_secs(60));
        assert_eq!(received.len(), 2, "{received:?}");
        let acme = received.iter().find(|m| m.to == ["ada@acme.example"]).expect("acme's message");
        assert_eq!(acme.from, "shop@acme.example", "the envelope sender is the tenant's");
        assert_eq!(acme.header("From").as_deref(), Some("Acme <shop@acme.example>"));
        assert_eq!(acme.header("To").as_deref(), Some("ada@acme.example"));
        assert_eq!(acme.header("Subject").as_deref(), Some("Price drop: Espresso cup"));
        assert_eq!(acme.body(), text.as_bytes(), "the body byte for byte");
        assert_eq!(
            acme.header_names(),
            ["From", "To", "Subject", "Message-ID", "Date", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"],
            "no header but the host's"
        );
        assert!(acme.header("Message-ID").is_some_and(|id| id.ends_with("@acme.example>")));
        let globex = received.iter().find(|m| m.to == ["hank@globex.example"]).expect("globex's message");
        assert_eq!(globex.header("From").as_deref(), Some("Globex <shop@globex.example>"));
        wait_settled(&host).await;
        let states: Vec<String> = outbox_rows(&host).await.into_iter().map(|(state, ..)| state).collect();
        assert_eq!(states, ["sent", "sent"]);
    }
}

on_both_backends! {
    async fn a_smuggling_body_arrives_as_one_stuffed_message(host) {
        let sink = SmtpSink::start();
        let _worker = worker_to(&host, &sink, fast_mail());
        let module = probe(&host);
        let text = ".leading dot\r\n.\r\nMAIL FROM:<eve@evil.example>\r\nRCPT TO:<victim@example.com>\r\nDATA\r\n\
                    bare lf\n.\nbare cr\r.\rmixed\n\r\n..two dots\r\n.";
        run_probe(&module, &acme(), &send_script("ada@acme.example", "Smuggling", text)).await.expect("queued");
        let received = sink.wait_for(1, Duration::from_secs(60));
        // Give a second message, if the body had smuggled one, time to land.
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(sink.received().len(), 1, "exactly one message: {:?}", sink.received());
        let message = &received[0];
        assert_eq!(message.to, ["ada@acme.example"]);
        let expected = ".leading dot\r\n.\r\nMAIL FROM:<eve@evil.example>\r\nRCPT TO:<victim@example.com>\r\nDATA\r\n\
                        bare lf\r\n.\r\nbare cr\r\n.\r\nmixed\r\n\r\n..two dots\r\n.";
        // The transport ends the last line before the DATA terminator.
        assert_eq!(String::from_utf8_lossy(message.body()), format!("{expected}\r\n"), "line breaks normalised, text intact");
        let wire = &message.wire;
        for (at, byte) in wire.iter().enumerate() {
            match byte {
                b'\r' => assert_eq!(wire.get(at + 1), Some(&b'\n'), "a bare CR on the wire at {at}"),
                b'\n' => assert_eq!(at.checked_sub(1).map(|p| wire[p]), Some(b'\r'), "a bare LF on the wire at {at}"),
                _ => {}
            }
        }
        for line in wire.split(|b| *b == b'\n') {
            assert_ne!(line, b".\r", "an unstuffed lone dot on the wire");
            if line.starts_with(b".") {
                assert!(line.starts_with(b".."), "a line starting with a dot is stuffed: {:?}", String::from_utf8_lossy(line));
            }
        }
    }
}

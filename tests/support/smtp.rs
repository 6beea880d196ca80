//! A real SMTP server on loopback for the mail tests: the `mailin` crate's
//! SMTP state machine (command parsing, DATA phase, dot-unstuffing) behind
//! a small blocking TCP loop. It records each message as the server
//! received it and the DATA phase's bytes exactly as they crossed the wire,
//! so tests can check both the message and the framing (dot-stuffing, CRLF
//! only). It can be told to refuse messages, temporarily or for good.

use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mailin::{Handler, Response, SessionBuilder};

/// One message as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The envelope sender (MAIL FROM).
    pub from: String,
    /// The envelope recipients (RCPT TO).
    pub to: Vec<String>,
    /// The message after the server removed the dot-stuffing: headers, a
    /// blank line, the body; CRLF line ends.
    pub message: Vec<u8>,
    /// The DATA phase's bytes as sent, dot-stuffing included, without the
    /// final `.` line.
    pub wire: Vec<u8>,
}

impl Received {
    /// The value of header `name` (unfolded), if present.
    pub fn header(&self, name: &str) -> Option<String> {
        let text = String::from_utf8_lossy(&self.message);
        let head = text.split("\r\n\r\n").next().unwrap_or_default().replace("\r\n ", " ").replace("\r\n\t", " ");
        head.split("\r\n").find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim().to_owned())
        })
    }

    /// Header names in order.
    pub fn header_names(&self) -> Vec<String> {
        let text = String::from_utf8_lossy(&self.message);
        let head = text.split("\r\n\r\n").next().unwrap_or_default().to_owned();
        head.split("\r\n")
            .filter(|line| !line.starts_with([' ', '\t']))
            .filter_map(|line| line.split_once(':').map(|(name, _)| name.to_owned()))
            .collect()
    }

    /// The body: everything after the first blank line.
    pub fn body(&self) -> &[u8] {
        let at = self.message.windows(4).position(|w| w == b"\r\n\r\n").map_or(self.message.len(), |p| p + 4);
        &self.message[at..]
    }
}

/// How the server answers recipients. (Refusing at the end of DATA
/// would leave `mailin`'s state machine in the DATA phase.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// 250: accepted and recorded.
    Accept,
    /// This code to every recipient (4xx: try later; 5xx: refused for
    /// good), so no message is accepted.
    Refuse(u16),
}

#[derive(Default)]
struct Shared {
    received: Vec<Received>,
    answer: Option<Answer>,
    connections: u64,
}

/// The running server; it stops serving when dropped (the listener thread
/// ends at its next connection attempt or with the process).
#[derive(Clone)]
pub struct SmtpSink {
    address: SocketAddr,
    shared: Arc<Mutex<Shared>>,
}

impl SmtpSink {
    /// Starts a server on a free loopback port.
    pub fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let address = listener.local_addr().expect("bound");
        let shared = Arc::new(Mutex::new(Shared::default()));
        let accepting = shared.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = accepting.clone();
                shared.lock().unwrap().connections += 1;
                std::thread::spawn(move || serve(stream, shared));
            }
        });
        SmtpSink { address, shared }
    }

    /// The relay URL for `MailTransport::relay` (plain SMTP: loopback only).
    pub fn url(&self) -> String {
        format!("smtp://{}", self.address)
    }

    /// How the next messages are answered.
    pub fn answer(&self, answer: Answer) {
        self.shared.lock().unwrap().answer = Some(answer);
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.shared.lock().unwrap().received.clone()
    }

    /// Waits (up to `timeout`) until at least `count` messages arrived.
    pub fn wait_for(&self, count: usize, timeout: Duration) -> Vec<Received> {
        let started = Instant::now();
        loop {
            let received = self.received();
            if received.len() >= count || started.elapsed() > timeout {
                return received;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> u64 {
        self.shared.lock().unwrap().connections
    }
}

/// A message accepted on one connection, before its wire bytes are added.
type Accepted = Arc<Mutex<Option<Received>>>;

/// The handler of one connection: builds the message the state machine
/// hands over, and leaves it for the connection's loop at the end of DATA.
struct Recorder {
    shared: Arc<Mutex<Shared>>,
    accepted: Accepted,
    from: String,
    to: Vec<String>,
    message: Vec<u8>,
}

impl Handler for Recorder {
    fn rcpt(&mut self, _to: &str) -> Response {
        match self.shared.lock().unwrap().answer.unwrap_or(Answer::Accept) {
            Answer::Accept => mailin::response::OK,
            Answer::Refuse(code) => Response::custom(code, "refused by the test".to_owned()),
        }
    }

    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.from = from.to_owned();
        self.to = to.to_vec();
        self.message.clear();
        mailin::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.message.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        *self.accepted.lock().unwrap() = Some(Received {
            from: self.from.clone(),
            to: self.to.clone(),
            message: std::mem::take(&mut self.message),
            wire: Vec::new(),
        });
        mailin::response::OK
    }
}

fn serve(stream: TcpStream, shared: Arc<Mutex<Shared>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let Ok(mut writer) = stream.try_clone() else { return };
    let peer = stream.peer_addr().map(|a| a.ip()).unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let accepted = Accepted::default();
    let recorder = Recorder { shared: shared.clone(), accepted: accepted.clone(), from: String::new(), to: Vec::new(), message: Vec::new() };
    let mut session = SessionBuilder::new("sink.test").build(peer, recorder);
    let mut reader = BufReader::new(stream);
    if session.greeting().write_to(&mut writer).is_err() {
        return;
    }
    let (mut in_data, mut wire) = (false, Vec::new());
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let ended_data = in_data && line == b".\r\n";
        if in_data && !ended_data {
            wire.extend_from_slice(&line);
        }
        let response = session.process(&line);
        if ended_data {
            in_data = false;
            if let Some(message) = accepted.lock().unwrap().take() {
                shared.lock().unwrap().received.push(Received { wire: std::mem::take(&mut wire), ..message });
            }
            wire.clear();
        }
        if response.code == 354 {
            in_data = true;
        }
        if response.write_to(&mut writer).is_err() || writer.flush().is_err() {
            return;
        }
        if response.action == mailin::Action::Close {
            return;
        }
    }
}

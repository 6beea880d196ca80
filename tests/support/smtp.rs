//! A real SMTP server on loopback for the mail tests: the `mailin` crate's
//! SMTP state machine (command parsing, DATA phase, dot-unstuffing,
//! STARTTLS and AUTH negotiation) behind a small blocking TCP loop, with
//! `rustls` for STARTTLS. It records each message as the server received it
//! and the DATA phase's bytes exactly as they crossed the wire, so tests can
//! check both the message and the framing (dot-stuffing, CRLF only). It can
//! be told to refuse messages, temporarily or for good.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mailin::{AuthMechanism, Handler, Response, SessionBuilder};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

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
    /// Whether the message came over TLS (after STARTTLS).
    pub tls: bool,
    /// The user the client authenticated as, if it did.
    pub user: Option<String>,
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
}

/// What a STARTTLS server offers: its certificate, and the one user it
/// accepts (AUTH PLAIN or LOGIN, after STARTTLS only).
struct Tls {
    config: Arc<ServerConfig>,
    user: Option<(String, String)>,
}

/// The running server; it stops serving when dropped (the listener thread
/// ends at its next connection attempt or with the process).
#[derive(Clone)]
pub struct SmtpSink {
    address: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    tls: bool,
}

impl SmtpSink {
    /// Starts a plain SMTP server on a free loopback port.
    pub fn start() -> SmtpSink {
        Self::listen(None)
    }

    /// Starts a server that offers STARTTLS with a fresh self-signed
    /// certificate for `localhost`, and AUTH for `user` once TLS is up.
    /// Returns the certificate as PEM, for the client to trust.
    pub fn start_tls(user: Option<(&str, &str)>) -> (SmtpSink, String) {
        let issued = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("a certificate");
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(issued.signing_key.serialize_der()));
        let certificate: CertificateDer<'static> = issued.cert.der().clone();
        let config = ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(vec![certificate], key)
            .expect("the certificate and key match");
        let tls = Tls { config: Arc::new(config), user: user.map(|(u, p)| (u.to_owned(), p.to_owned())) };
        (Self::listen(Some(Arc::new(tls))), issued.cert.pem())
    }

    fn listen(tls: Option<Arc<Tls>>) -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let address = listener.local_addr().expect("bound");
        let shared = Arc::new(Mutex::new(Shared::default()));
        let accepting = shared.clone();
        let offers_tls = tls.is_some();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (shared, tls) = (accepting.clone(), tls.clone());
                std::thread::spawn(move || serve(stream, shared, tls));
            }
        });
        SmtpSink { address, shared, tls: offers_tls }
    }

    /// The relay URL for `MailTransport::relay`: plain SMTP (loopback
    /// only), or STARTTLS required to `localhost` (the certificate's name)
    /// for a server from [`SmtpSink::start_tls`].
    pub fn url(&self) -> String {
        if self.tls {
            format!("smtp://localhost:{}?tls=required", self.address.port())
        } else {
            format!("smtp://{}", self.address)
        }
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
    tls: Arc<Mutex<bool>>,
    expected_user: Option<(String, String)>,
    user: Option<String>,
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
            tls: *self.tls.lock().unwrap(),
            user: self.user.clone(),
        });
        mailin::response::OK
    }

    fn auth_plain(&mut self, _authorization_id: &str, user: &str, password: &str) -> Response {
        self.auth_login(user, password)
    }

    fn auth_login(&mut self, user: &str, password: &str) -> Response {
        match &self.expected_user {
            Some((u, p)) if u == user && p == password => {
                self.user = Some(user.to_owned());
                mailin::response::AUTH_OK
            }
            _ => mailin::response::INVALID_CREDENTIALS,
        }
    }
}

/// A connection, plain or upgraded by STARTTLS.
enum Connection {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ServerConnection, TcpStream>>),
    Closed,
}

impl Read for Connection {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Connection::Plain(stream) => stream.read(buf),
            Connection::Tls(stream) => stream.read(buf),
            Connection::Closed => Ok(0),
        }
    }
}

impl Write for Connection {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Connection::Plain(stream) => stream.write(buf),
            Connection::Tls(stream) => stream.write(buf),
            Connection::Closed => Err(std::io::ErrorKind::NotConnected.into()),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Connection::Plain(stream) => stream.flush(),
            Connection::Tls(stream) => stream.flush(),
            Connection::Closed => Ok(()),
        }
    }
}

fn serve(stream: TcpStream, shared: Arc<Mutex<Shared>>, tls: Option<Arc<Tls>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    // Replies go out whole, at once: a reply written in pieces meets the
    // client's delayed ACK (Nagle), some 40 ms per command.
    let _ = stream.set_nodelay(true);
    let peer = stream.peer_addr().map(|a| a.ip()).unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let accepted = Accepted::default();
    let upgraded = Arc::new(Mutex::new(false));
    let recorder = Recorder {
        shared: shared.clone(),
        accepted: accepted.clone(),
        from: String::new(),
        to: Vec::new(),
        message: Vec::new(),
        tls: upgraded.clone(),
        expected_user: tls.as_ref().and_then(|t| t.user.clone()),
        user: None,
    };
    let mut builder = SessionBuilder::new("sink.test");
    if tls.is_some() {
        builder.enable_start_tls().enable_auth(AuthMechanism::Plain).enable_auth(AuthMechanism::Login);
    }
    let mut session = builder.build(peer, recorder);
    let mut reader = BufReader::new(Connection::Plain(stream));
    if session.greeting().write_to(reader.get_mut()).is_err() {
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
        let writer = reader.get_mut();
        let Ok(reply) = response.buffer() else { return };
        if writer.write_all(&reply).is_err() || writer.flush().is_err() {
            return;
        }
        match response.action {
            mailin::Action::Close => return,
            mailin::Action::UpgradeTls => {
                let Some(tls) = &tls else { return };
                let Connection::Plain(stream) = std::mem::replace(reader.get_mut(), Connection::Closed) else { return };
                let Ok(server) = ServerConnection::new(tls.config.clone()) else { return };
                reader = BufReader::new(Connection::Tls(Box::new(StreamOwned::new(server, stream))));
                *upgraded.lock().unwrap() = true;
                session.tls_active();
            }
            _ => {}
        }
    }
}

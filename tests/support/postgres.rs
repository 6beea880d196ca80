//! A throwaway PostgreSQL server for the suite, started once per test
//! process from the system's binaries (`initdb` + `postgres`) in a temp
//! directory, on a free loopback port, with durability switched off.
//!
//! When the binaries are missing the PostgreSQL tests say so on one line and
//! return; with `MODGATE_REQUIRE_POSTGRES=1` (set by `.ci/run`) they fail
//! instead, so CI can never pass without running them.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The running server.
#[derive(Debug)]
pub struct TestPostgres {
    bin: PathBuf,
    port: u16,
    _dir: tempfile::TempDir,
}

static SERVER: OnceLock<Result<TestPostgres, String>> = OnceLock::new();
static NEXT_DATABASE: AtomicU32 = AtomicU32::new(0);

/// The shared server, started on first use; `None` (after one line on
/// stderr) when PostgreSQL is not installed here.
pub fn server() -> Option<&'static TestPostgres> {
    match SERVER.get_or_init(start) {
        Ok(server) => Some(server),
        Err(why) => {
            if std::env::var("MODGATE_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                panic!("PostgreSQL is required (MODGATE_REQUIRE_POSTGRES=1) but could not start: {why}");
            }
            eprintln!("SKIPPED (PostgreSQL): {why}");
            None
        }
    }
}

/// One test's database on the shared server, dropped with its connections
/// when this is: a run creates a database per PostgreSQL test, and keeping
/// them all would hold their files (several MB each) until the run ends.
#[derive(Debug)]
pub struct TestDatabase {
    server: &'static TestPostgres,
    name: String,
}

impl TestPostgres {
    /// Creates a fresh database.
    pub fn create_database(&'static self) -> TestDatabase {
        let name = format!("t{}_{}", std::process::id(), NEXT_DATABASE.fetch_add(1, Ordering::Relaxed));
        let status = self.client("createdb").arg(&name).status().expect("createdb runs");
        assert!(status.success(), "createdb {name} failed");
        TestDatabase { server: self, name }
    }

    fn client(&self, program: &str) -> Command {
        let mut command = Command::new(self.bin.join(program));
        command.args(["-h", "127.0.0.1", "-p", &self.port.to_string(), "-U", "modgate"]);
        command
    }
}

impl TestDatabase {
    /// The database's URL.
    pub fn url(&self) -> String {
        format!("postgres://modgate@127.0.0.1:{}/{}", self.server.port, self.name)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // `--force` ends the connections a pool may still hold (PostgreSQL
        // 13+). A failure only costs disk until the run ends: say so, never
        // fail the test that already passed.
        let dropped = self.server.client("dropdb").args(["--force", "--if-exists", &self.name]).output();
        match dropped {
            Ok(out) if out.status.success() => {}
            Ok(out) => eprintln!("dropdb {} failed: {}", self.name, String::from_utf8_lossy(&out.stderr).trim()),
            Err(e) => eprintln!("dropdb {} did not run: {e}", self.name),
        }
    }
}

fn find_bin() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("MODGATE_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|bin| bin.join("initdb").is_file())
        .collect();
    versions.sort_by_key(|p| {
        p.parent()
            .and_then(|v| v.file_name())
            .and_then(|v| v.to_str())
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    if let Some(newest) = versions.pop() {
        return Some(newest);
    }
    std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path).find(|dir| dir.join("initdb").is_file() && dir.join("postgres").is_file())
    })
}

/// PostgreSQL refuses to run as root; as root, run it as the `postgres`
/// system user (created by the Debian package).
fn as_server_user(program: &Path) -> Command {
    if running_as_root() {
        let mut command = Command::new("setpriv");
        command
            .args(["--reuid=postgres", "--regid=postgres", "--init-groups", "--"])
            .arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn running_as_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

fn start() -> Result<TestPostgres, String> {
    let bin = find_bin().ok_or("no initdb/postgres binaries found (install the postgresql package; .ci/run does)")?;
    let dir = tempfile::Builder::new().prefix("modgate-pg-").tempdir().map_err(|e| e.to_string())?;
    if running_as_root() {
        let status = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(dir.path())
            .status()
            .map_err(|e| format!("chown: {e}"))?;
        if !status.success() {
            return Err("cannot hand the temp dir to the postgres user (does it exist?)".into());
        }
    }
    let data = dir.path().join("data");
    let init = as_server_user(&bin.join("initdb"))
        .args(["-D"])
        .arg(&data)
        .args(["-U", "modgate", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"])
        .stdout(Stdio::null())
        .output()
        .map_err(|e| format!("initdb: {e}"))?;
    if !init.status.success() {
        return Err(format!("initdb failed: {}", String::from_utf8_lossy(&init.stderr)));
    }
    let port = free_port()?;
    let postgres = format!(
        "{} -D {} -k {} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
         -c full_page_writes=off -c max_connections=300 -c shared_buffers=32MB \
         -c wal_level=minimal -c max_wal_senders=0 -c min_wal_size=32MB -c max_wal_size=64MB",
        bin.join("postgres").display(),
        data.display(),
        dir.path().display()
    );
    let launcher = if running_as_root() {
        format!("setpriv --reuid=postgres --regid=postgres --init-groups -- {postgres}")
    } else {
        postgres
    };
    // A watchdog shell stops the server when this test process is gone:
    // statics are never dropped, so nothing else would.
    let watchdog = format!(
        "{launcher} >{log} 2>&1 & server=$!; \
         while kill -0 {me} 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 0.5; done; \
         kill -INT $server 2>/dev/null; wait $server; rm -rf {dir}",
        log = dir.path().join("server.log").display(),
        me = std::process::id(),
        dir = dir.path().display(),
    );
    Command::new("sh")
        .args(["-c", &watchdog])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("starting postgres: {e}"))?;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let ready = Command::new(bin.join("pg_isready"))
            .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-U", "modgate", "-q"])
            .status()
            .is_ok_and(|s| s.success());
        if ready {
            break;
        }
        if Instant::now() > deadline {
            let log = std::fs::read_to_string(dir.path().join("server.log")).unwrap_or_default();
            return Err(format!("postgres did not become ready within 60 s:\n{log}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(TestPostgres { bin, port, _dir: dir })
}

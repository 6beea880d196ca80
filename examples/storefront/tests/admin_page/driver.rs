//! Driving the admin page in the system's Chromium: finding Chromium,
//! node and npm (or saying what is missing), installing playwright-core as
//! `package-lock.json` pins it, and [`Page`], which runs `drive.mjs` and
//! does one named step of the page at a time.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long one step in the browser may take (a review compiles the
/// component: seconds with the shared compile cache, more without).
const STEP_TIMEOUT: Duration = Duration::from_secs(180);

/// What drives the browser: the system's Chromium and the folder with
/// playwright-core installed.
pub struct BrowserTools {
    chromium: PathBuf,
    driver_dir: PathBuf,
}

/// Chromium, node and npm, with playwright-core installed; or `None`
/// (after saying why) when something is missing and not required.
pub fn browser_tools() -> Option<BrowserTools> {
    let missing = |why: String| {
        if std::env::var("MODGATE_REQUIRE_CHROMIUM").is_ok_and(|v| v == "1") {
            panic!("Chromium is required (MODGATE_REQUIRE_CHROMIUM=1): {why}");
        }
        eprintln!("SKIPPED (Chromium): {why}");
        None
    };
    let Some(chromium) = find_chromium() else {
        return missing(
            "no chromium on PATH (apt-get install chromium, or set MODGATE_CHROMIUM)".to_owned(),
        );
    };
    for tool in ["node", "npm"] {
        if let Err(why) = Command::new(tool)
            .arg("--version")
            .output()
            .map_err(|e| e.to_string())
            .and_then(|out| {
                if out.status.success() {
                    Ok(())
                } else {
                    Err(format!("`{tool} --version` failed: {}", out.status))
                }
            })
        {
            return missing(format!(
                "{tool} drives Chromium here (playwright-core) and could not be run: {why}; \
                 install Node.js 20 or newer with npm (Debian: apt-get install nodejs npm)"
            ));
        }
    }
    let driver_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/admin_page");
    install_playwright(&driver_dir);
    Some(BrowserTools {
        chromium,
        driver_dir,
    })
}

fn find_chromium() -> Option<PathBuf> {
    std::env::var_os("MODGATE_CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| {
            let path = std::env::var_os("PATH")?;
            std::env::split_paths(&path)
                .flat_map(|dir| {
                    ["chromium", "chromium-browser", "google-chrome"].map(|name| dir.join(name))
                })
                .find(|candidate| candidate.is_file())
        })
}

/// Makes sure `<dir>/node_modules` holds what `<dir>/package-lock.json`
/// pins: `npm ci` when it is missing or the lock file changed, under a file
/// lock (test threads and processes may ask at once).
fn install_playwright(dir: &Path) {
    let lock = std::fs::read(dir.join("package-lock.json")).expect("admin_page/package-lock.json");
    let marker = dir.join("node_modules/.modgate-package-lock.json");
    let ready = || {
        dir.join("node_modules/playwright-core/package.json")
            .is_file()
            && std::fs::read(&marker).is_ok_and(|m| m == lock)
    };
    if ready() {
        return;
    }
    let lock_file = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(".node_modules.lock"))
        .expect("the install lock file");
    lock_file.lock().expect("locking the install");
    if ready() {
        return;
    }
    eprintln!(
        "installing playwright-core (as admin_page/package-lock.json pins it) into {} — first run only",
        dir.join("node_modules").display()
    );
    let out = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(dir)
        .output()
        .expect("running npm ci");
    assert!(
        out.status.success(),
        "npm ci in {} failed ({}): {}{}",
        dir.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    std::fs::write(&marker, &lock).expect("writing the install marker");
}

/// `target/test-artifacts/admin-page/` (of `CARGO_TARGET_DIR` when set).
fn screenshot_dir() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|target| {
            if target.is_relative() {
                workspace.join(target)
            } else {
                target
            }
        })
        .unwrap_or_else(|| workspace.join("target"));
    let dir = target.join("test-artifacts/admin-page");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
    dir
}

/// The page in the browser, one step at a time (see `drive.mjs`).
pub struct Page {
    child: Child,
    stdin: Option<ChildStdin>,
    replies: Receiver<String>,
    /// Console errors and warnings of the page so far (a CSP violation is one).
    pub console: Vec<String>,
}

impl Page {
    /// Launches Chromium; screenshots are named `<prefix>-NN-<step>.png`.
    pub fn launch(tools: &BrowserTools, prefix: &str) -> Page {
        let mut child = Command::new("node")
            .arg("drive.mjs")
            .arg(&tools.chromium)
            .arg(screenshot_dir())
            .arg(prefix)
            .current_dir(&tools.driver_dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting node drive.mjs");
        let stdout = child.stdout.take().unwrap();
        let (send, replies) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let mut page = Page {
            stdin: child.stdin.take(),
            child,
            replies,
            console: Vec::new(),
        };
        let ready = page.reply("launching Chromium");
        assert_eq!(ready["ready"], true, "{ready}");
        eprintln!("admin page: driving Chromium {}", ready["browser"]);
        page
    }

    fn reply(&mut self, what: &str) -> Value {
        match self.replies.recv_timeout(STEP_TIMEOUT) {
            Ok(line) => serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("{what}: the driver printed {line:?}: {e}")),
            Err(RecvTimeoutError::Timeout) => {
                panic!("{what}: no answer from the browser within {STEP_TIMEOUT:?}")
            }
            Err(RecvTimeoutError::Disconnected) => {
                panic!("{what}: the driver exited ({:?})", self.child.try_wait())
            }
        }
    }

    /// Does one step (blocking this worker thread, not the servers') and
    /// returns what the page showed.
    pub fn step(&mut self, command: Value) -> Value {
        let name = command["step"].as_str().unwrap_or_default().to_owned();
        let started = Instant::now();
        let reply = tokio::task::block_in_place(|| {
            let stdin = self.stdin.as_mut().expect("the driver is running");
            writeln!(stdin, "{command}")
                .and_then(|()| stdin.flush())
                .expect("writing to the driver");
            self.reply(&name)
        });
        assert_eq!(
            reply["ok"], true,
            "step {name} failed in the browser (screenshot {}): {}",
            reply["screenshot"], reply["error"]
        );
        if let Some(console) = reply["console"].as_array() {
            self.console.extend(
                console
                    .iter()
                    .map(|line| format!("{name}: {}", line.as_str().unwrap_or_default())),
            );
        }
        eprintln!(
            "admin page: {name} in {:.1} s, screenshot {}",
            started.elapsed().as_secs_f64(),
            reply["screenshot"]
        );
        reply["result"].clone()
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        // Closing stdin ends the driver's loop: it closes the browser.
        self.stdin.take();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

//! JavaScript guests: bundled with rolldown and built by componentize-js
//! (StarlingMonkey), installed from npm into `guests/javascript/node_modules`
//! with `npm ci`, exactly as `package-lock.json` pins them.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::toolchain::{InstallLock, announce, run_tool, tool_version};
use crate::{GuestBuildError, GuestWorlds};

/// A ready rolldown and componentize-js.
#[derive(Debug, Clone)]
pub struct JavaScriptToolchain {
    dir: PathBuf,
}

impl JavaScriptToolchain {
    /// Makes sure `<javascript_dir>/node_modules` holds what
    /// `<javascript_dir>/package-lock.json` pins, running `npm ci` when it is
    /// missing or the lock file changed. Needs `node` and `npm` on the PATH.
    pub fn ensure(javascript_dir: &Path) -> Result<Self, GuestBuildError> {
        let lock_path = javascript_dir.join("package-lock.json");
        let lock = std::fs::read(&lock_path).map_err(|source| GuestBuildError::Io {
            context: format!("reading {}", lock_path.display()),
            source,
        })?;
        let toolchain = JavaScriptToolchain {
            dir: javascript_dir.to_path_buf(),
        };
        // Every build runs node (rolldown and componentize-js are node
        // programs); only an install runs npm.
        require("node")?;
        let marker = javascript_dir.join("node_modules/.modgate-package-lock.json");
        let ready = || toolchain.bin("componentize-js").is_file() && std::fs::read(&marker).is_ok_and(|m| m == lock);
        if ready() {
            return Ok(toolchain);
        }
        let _lock = InstallLock::acquire(&javascript_dir.join(".node_modules.lock"))?;
        if ready() {
            return Ok(toolchain);
        }
        require("npm")?;
        announce(&format!(
            "installing the JavaScript guest toolchain (componentize-js, rolldown, as package-lock.json pins them) into {} — first build only",
            javascript_dir.join("node_modules").display()
        ));
        run_tool(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(javascript_dir),
            "installing the JavaScript guest toolchain with npm ci",
        )?;
        std::fs::write(&marker, &lock).map_err(|source| GuestBuildError::Io {
            context: format!("writing {}", marker.display()),
            source,
        })?;
        Ok(toolchain)
    }

    fn bin(&self, tool: &str) -> PathBuf {
        self.dir.join("node_modules/.bin").join(tool)
    }

    /// Builds the JavaScript module `entry` against the world of the
    /// generated WIT folder `wit`, writing the component to `out`: rolldown
    /// bundles it with what it imports (the SDK, relative imports; WIT
    /// imports stay imports, see `bundle.config.js`), then componentize-js
    /// makes the component. StarlingMonkey's own WASI features are turned
    /// off where the worlds do not grant them: `fetch` (outgoing HTTP)
    /// without `http-outbound`; the fetch event always (see below).
    ///
    /// componentize-js is called directly rather than through `jco
    /// componentize`: the bindings jco 1.34 generates lower every string by
    /// spreading it into an array of code points, about 14 600 fuel per
    /// character handed to the host, against about 2 600 here (measured).
    pub fn componentize(&self, entry: &Path, worlds: &GuestWorlds, wit: &Path, out: &Path) -> Result<(), GuestBuildError> {
        let bundle = out.with_extension("bundle.js");
        run_tool(
            Command::new(self.bin("rolldown"))
                .args(["--config", "bundle.config.js"])
                .env("MODGATE_GUEST_ENTRY", entry)
                .env("MODGATE_GUEST_BUNDLE", &bundle)
                .current_dir(&self.dir),
            &format!("bundling {}", entry.display()),
        )?;
        let mut cmd = Command::new(self.bin("componentize-js"));
        cmd.arg(&bundle)
            .arg("--wit")
            .arg(wit)
            .args(["--world-name", crate::GUEST_WORLD])
            .arg("--out")
            .arg(out)
            .current_dir(&self.dir);
        let mut disabled = Vec::new();
        if !worlds.contains("modgate:host/http-outbound") {
            disabled.push("http");
        }
        // StarlingMonkey's fetch event is its own export of
        // `wasi:http/incoming-handler@0.2.10`, which cannot fill the
        // `@0.2.12` export of our worlds ("failed to find export of
        // interface `wasi:http/incoming-handler@0.2.12` function `handle`"):
        // a serving guest exports `incomingHandler` itself (the SDK's
        // `modgate/serve` does it).
        disabled.push("fetch-event");
        if !disabled.is_empty() {
            cmd.arg("--disable").args(disabled);
        }
        run_tool(&mut cmd, &format!("componentize-js for {}", entry.display()))
    }
}

/// `ToolchainMissing` with the fix unless `tool --version` runs.
fn require(tool: &str) -> Result<(), GuestBuildError> {
    tool_version(tool, "--version").map(|_| ()).map_err(|reason| GuestBuildError::ToolchainMissing {
        tool: tool.to_owned(),
        needed_for: "JavaScript guests",
        reason,
        fix: "install Node.js 20 or newer with npm (Debian: apt-get install nodejs npm)",
    })
}

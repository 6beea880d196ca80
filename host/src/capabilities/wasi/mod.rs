//! WASI 0.2: clocks and random (always available, real) and the inert set
//! language runtimes import by habit (`wasi:io`, `wasi:cli`,
//! `wasi:filesystem`, `wasi:sockets`), linked from a context that grants
//! nothing: no environment, arguments or preopened directories, stdin
//! closed, every socket and name lookup denied, stdout/stderr captured into
//! the bounded module log. Any 0.2.x version links: wasmtime matches 0.2.x
//! imports against the 0.2 definitions it provides.
//!
//! Per invocation it keeps the WASI context, built on first use (most
//! guests never touch WASI) and charged to the invocation's memory.

#[cfg(test)]
mod tests;

use wasmtime::component::{Linker, ResourceTable};
use wasmtime_wasi_io::IoView;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::engine::module_log::LogLevel;
use crate::engine::{Capability, InvocationCore, InvocationFacts, InvocationState, ModuleFacts};

/// What bounds a module's use of WASI. Every knob has a default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WasiConfig {
    /// Captured stdout and stderr per invocation, each; more is refused to
    /// the guest. Default 16 KiB.
    pub captured_output_bytes: usize,
    /// Largest `wasi:random` request. Default 1 MiB.
    pub max_random_bytes: u64,
}

impl Default for WasiConfig {
    fn default() -> Self {
        WasiConfig {
            captured_output_bytes: 16 << 10,
            max_random_bytes: 1 << 20,
        }
    }
}

/// The WASI capability.
#[derive(Debug, Clone, Copy, Default)]
pub struct Wasi {
    config: WasiConfig,
}

impl Wasi {
    /// WASI bounded by `config`.
    pub fn new(config: WasiConfig) -> Self {
        Wasi { config }
    }
}

/// What it keeps per invocation.
#[derive(Default)]
pub struct WasiState {
    config: WasiConfig,
    inert: Option<InertWasi>,
}

struct InertWasi {
    ctx: WasiCtx,
    stdout: MemoryOutputPipe,
    stderr: MemoryOutputPipe,
}

impl InertWasi {
    /// A context that grants nothing. The captured output is host memory
    /// held for the guest: charged, or refused (capacity 0) when the
    /// invocation's memory is used up.
    fn new(config: &WasiConfig, core: &InvocationCore) -> Self {
        let capacity = match core.charge_host("captured output", 2 * config.captured_output_bytes) {
            Ok(()) => config.captured_output_bytes,
            Err(_) => 0,
        };
        let stdout = MemoryOutputPipe::new(capacity);
        let stderr = MemoryOutputPipe::new(capacity);
        // The defaults already give no env, args or preopens and a closed
        // stdin; sockets and name lookups are denied explicitly.
        let ctx = WasiCtx::builder()
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .max_random_size(config.max_random_bytes)
            .build();
        InertWasi { ctx, stdout, stderr }
    }
}

impl Capability for Wasi {
    type PerModule = WasiConfig;
    type PerInvocation = WasiState;

    const NAME: &'static str = "wasi";
    // wasi:http/types is inert too, but wasmtime-wasi-http links it
    // (`capabilities::http_types`).
    const INTERFACES: &'static [&'static str] = &[
        "wasi:clocks/monotonic-clock",
        "wasi:clocks/wall-clock",
        "wasi:random/random",
        "wasi:random/insecure",
        "wasi:random/insecure-seed",
        "wasi:io/error",
        "wasi:io/poll",
        "wasi:io/streams",
        "wasi:cli/environment",
        "wasi:cli/exit",
        "wasi:cli/stdin",
        "wasi:cli/stdout",
        "wasi:cli/stderr",
        "wasi:cli/terminal-input",
        "wasi:cli/terminal-output",
        "wasi:cli/terminal-stdin",
        "wasi:cli/terminal-stdout",
        "wasi:cli/terminal-stderr",
        "wasi:filesystem/types",
        "wasi:filesystem/preopens",
        "wasi:sockets/network",
        "wasi:sockets/instance-network",
        "wasi:sockets/udp",
        "wasi:sockets/udp-create-socket",
        "wasi:sockets/tcp",
        "wasi:sockets/tcp-create-socket",
        "wasi:sockets/ip-name-lookup",
    ];

    fn add_to_linker(linker: &mut Linker<InvocationState>) -> wasmtime::Result<()> {
        wasmtime_wasi::p2::add_to_linker_async(linker)?;
        // wasmtime-wasi links wasi:io through the whole WASI context, so the
        // first stream or pollable call would build the inert context — on
        // every HTTP request, whose bodies are streams. Streams and
        // pollables need only the resource table: linked again over it.
        linker.allow_shadowing(true);
        let relinked = wasmtime_wasi_io::add_to_linker_async(linker);
        linker.allow_shadowing(false);
        relinked
    }

    fn per_module(&self, _module: &ModuleFacts<'_>) -> WasiConfig {
        self.config
    }

    fn per_invocation(config: &WasiConfig, _invocation: &InvocationFacts<'_>) -> WasiState {
        WasiState {
            config: *config,
            inert: None,
        }
    }

    /// Moves captured stdout/stderr into the module log.
    fn finish(state: &mut WasiState, core: &mut InvocationCore) {
        let Some(wasi) = state.inert.take() else { return };
        for (level, pipe) in [(LogLevel::Stdout, wasi.stdout), (LogLevel::Stderr, wasi.stderr)] {
            let bytes = pipe.contents();
            for line in String::from_utf8_lossy(&bytes).lines().filter(|l| !l.is_empty()) {
                core.write_log(level, line);
            }
        }
    }
}

impl IoView for InvocationState {
    fn table(&mut self) -> &mut ResourceTable {
        &mut self.core().table
    }
}

impl WasiView for InvocationState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        let view = self.view::<Wasi>();
        let (core, state) = (view.core, view.state);
        let config = state.config;
        let inert = state.inert.get_or_insert_with(|| InertWasi::new(&config, core));
        WasiCtxView {
            ctx: &mut inert.ctx,
            table: &mut core.table,
        }
    }
}

//! A hostile module that tries every way out a language runtime's standard
//! library knows through WASI 0.2 — the interfaces the host links inert (no
//! directories, environment, arguments or stdin; sockets and name lookups
//! denied). Rust's std on `wasm32-wasip2`, wasi-libc, CPython and
//! StarlingMonkey all reach the outside through exactly these calls; the
//! guests here are built for `wasm32-unknown-unknown`, where std has no
//! WASI to call, so this module calls the interfaces directly.
//!
//! Route `/{escape}` (query `port=<n>`: a loopback port for the socket
//! escapes) answers 200 with one line saying what WASI returned:
//! `denied: <what>` when the attempt failed, `ESCAPED: <what>` when it did
//! not. The escapes:
//! - `open-root`: the preopened directories (a runtime opens `/` through
//!   one), and `.` under each;
//! - `read-passwd`: `etc/passwd` and `/etc/passwd` under each preopen;
//! - `environment`, `arguments`, `cwd`: what `std::env` reads;
//! - `stdin`: one read of stdin;
//! - `tcp`, `tcp6`: a connection to `127.0.0.1:<port>` / `[::1]:<port>`;
//! - `udp`: a datagram to `127.0.0.1:<port>`;
//! - `lookup`: resolving `localhost`;
//!
//! and, ending the invocation instead of answering:
//! - `forged-descriptor`: a directory handle the host never gave, made up
//!   from an index;
//! - `exit-ok`, `exit-err`: `wasi:cli/exit` (a runtime's `exit()`).
//!
//! `/settings` answers the install's settings as `settings::get` gives
//! them (the cross-tenant and cross-module reach tests).

use modgate_sdk::{Request, Response, Serve};

mod wasi {
    wit_bindgen::generate!({
        path: ["../../../wit/host", "wit"],
        world: "modgate-test:wasi-escape/escapes",
        generate_all,
    });
}

use wasi::wasi::cli::{environment, exit, stdin};
use wasi::wasi::filesystem::preopens;
use wasi::wasi::filesystem::types::{Descriptor, DescriptorFlags, OpenFlags, PathFlags};
use wasi::wasi::io::streams::StreamError;
use wasi::wasi::sockets::instance_network::instance_network;
use wasi::wasi::sockets::ip_name_lookup::resolve_addresses;
use wasi::wasi::sockets::network::{
    ErrorCode, IpAddressFamily, IpSocketAddress, Ipv4SocketAddress, Ipv6SocketAddress,
};
use wasi::wasi::sockets::tcp_create_socket::create_tcp_socket;
use wasi::wasi::sockets::udp::OutgoingDatagram;
use wasi::wasi::sockets::udp_create_socket::create_udp_socket;

struct Escape;

impl modgate_sdk::Module for Escape {
    fn activate(_settings: &str) -> Result<(), modgate_sdk::Error> {
        Ok(())
    }
}

fn denied(what: impl AsRef<str>) -> String {
    format!("denied: {}", what.as_ref())
}

fn escaped(what: impl AsRef<str>) -> String {
    format!("ESCAPED: {}", what.as_ref())
}

fn code(error: ErrorCode) -> &'static str {
    error.name()
}

fn open_root() -> String {
    let preopens = preopens::get_directories();
    if preopens.is_empty() {
        return denied("no preopened directories");
    }
    let mut found = Vec::new();
    for (directory, path) in &preopens {
        match directory.open_at(
            PathFlags::empty(),
            ".",
            OpenFlags::DIRECTORY,
            DescriptorFlags::READ,
        ) {
            Ok(_) => found.push(format!("opened {path}")),
            Err(error) => found.push(format!("{path} ({})", error.name())),
        }
    }
    escaped(format!("preopens: {}", found.join(", ")))
}

fn read_passwd() -> String {
    let preopens = preopens::get_directories();
    if preopens.is_empty() {
        return denied("no preopened directories");
    }
    for (directory, path) in &preopens {
        for file in ["etc/passwd", "/etc/passwd", "../etc/passwd"] {
            if let Ok(descriptor) = directory.open_at(
                PathFlags::SYMLINK_FOLLOW,
                file,
                OpenFlags::empty(),
                DescriptorFlags::READ,
            ) && let Ok(stream) = descriptor.read_via_stream(0)
                && let Ok(bytes) = stream.blocking_read(64)
            {
                return escaped(format!("read {} bytes of {file} under {path}", bytes.len()));
            }
        }
    }
    escaped(format!(
        "{} preopened directories, passwd not readable",
        preopens.len()
    ))
}

fn stdin_read() -> String {
    match stdin::get_stdin().blocking_read(4096) {
        Err(StreamError::Closed) => denied("end of file"),
        Err(StreamError::LastOperationFailed(error)) => {
            denied(format!("failed: {}", error.to_debug_string()))
        }
        Ok(bytes) if bytes.is_empty() => denied("nothing to read"),
        Ok(bytes) => escaped(format!("read {} bytes", bytes.len())),
    }
}

fn tcp(address: IpSocketAddress, family: IpAddressFamily) -> String {
    let socket = match create_tcp_socket(family) {
        Ok(socket) => socket,
        Err(error) => return denied(format!("create-tcp-socket: {}", code(error))),
    };
    let network = instance_network();
    if let Err(error) = socket.start_connect(&network, address) {
        return denied(format!("start-connect: {}", code(error)));
    }
    loop {
        match socket.finish_connect() {
            Ok(_) => return escaped("connected"),
            Err(ErrorCode::WouldBlock) => socket.subscribe().block(),
            Err(error) => return denied(format!("finish-connect: {}", code(error))),
        }
    }
}

fn udp(port: u16) -> String {
    let socket = match create_udp_socket(IpAddressFamily::Ipv4) {
        Ok(socket) => socket,
        Err(error) => return denied(format!("create-udp-socket: {}", code(error))),
    };
    let network = instance_network();
    let any = IpSocketAddress::Ipv4(Ipv4SocketAddress {
        port: 0,
        address: (0, 0, 0, 0),
    });
    if let Err(error) = socket.start_bind(&network, any) {
        return denied(format!("start-bind: {}", code(error)));
    }
    loop {
        match socket.finish_bind() {
            Ok(()) => break,
            Err(ErrorCode::WouldBlock) => socket.subscribe().block(),
            Err(error) => return denied(format!("finish-bind: {}", code(error))),
        }
    }
    let remote = IpSocketAddress::Ipv4(Ipv4SocketAddress {
        port,
        address: (127, 0, 0, 1),
    });
    let (_incoming, outgoing) = match socket.stream(Some(remote)) {
        Ok(streams) => streams,
        Err(error) => return denied(format!("stream: {}", code(error))),
    };
    if let Err(error) = outgoing.check_send() {
        return denied(format!("check-send: {}", code(error)));
    }
    match outgoing.send(&[OutgoingDatagram {
        data: b"modgate escape".to_vec(),
        remote_address: None,
    }]) {
        Ok(sent) if sent > 0 => escaped(format!("sent {sent} datagram")),
        Ok(_) => denied("nothing sent"),
        Err(error) => denied(format!("send: {}", code(error))),
    }
}

fn lookup() -> String {
    let network = instance_network();
    let stream = match resolve_addresses(&network, "localhost") {
        Ok(stream) => stream,
        Err(error) => return denied(format!("resolve-addresses: {}", code(error))),
    };
    loop {
        match stream.resolve_next_address() {
            Ok(Some(address)) => return escaped(format!("resolved to {address:?}")),
            Ok(None) => return denied("no addresses"),
            Err(ErrorCode::WouldBlock) => stream.subscribe().block(),
            Err(error) => return denied(format!("resolve-next-address: {}", code(error))),
        }
    }
}

/// Uses a directory handle the host never handed out.
fn forged_descriptor() -> String {
    // SAFETY: deliberately not safe: the index was never given to this
    // instance; the component model's handle table must refuse it.
    let forged = unsafe { Descriptor::from_handle(1000) };
    match forged.open_at(
        PathFlags::empty(),
        "etc/passwd",
        OpenFlags::empty(),
        DescriptorFlags::READ,
    ) {
        Ok(_) => escaped("a forged descriptor opened etc/passwd"),
        Err(error) => denied(format!("forged descriptor: {}", error.name())),
    }
}

impl Serve for Escape {
    fn handle(request: Request) -> Response {
        let port: u16 = request
            .query_param("port")
            .and_then(|p| p.parse().ok())
            .unwrap_or(9);
        let segments = request.segments();
        let answer = match segments.first().map(String::as_str).unwrap_or("") {
            "open-root" => open_root(),
            "read-passwd" => read_passwd(),
            "environment" => match environment::get_environment().len() {
                0 => denied("no environment variables"),
                n => escaped(format!("{n} environment variables")),
            },
            "arguments" => match environment::get_arguments().len() {
                0 => denied("no arguments"),
                n => escaped(format!("{n} arguments")),
            },
            "cwd" => match environment::initial_cwd() {
                None => denied("no working directory"),
                Some(cwd) => escaped(format!("working directory {cwd}")),
            },
            "stdin" => stdin_read(),
            "tcp" => tcp(
                IpSocketAddress::Ipv4(Ipv4SocketAddress {
                    port,
                    address: (127, 0, 0, 1),
                }),
                IpAddressFamily::Ipv4,
            ),
            "tcp6" => tcp(
                IpSocketAddress::Ipv6(Ipv6SocketAddress {
                    port,
                    flow_info: 0,
                    address: (0, 0, 0, 0, 0, 0, 0, 1),
                    scope_id: 0,
                }),
                IpAddressFamily::Ipv6,
            ),
            "udp" => udp(port),
            "lookup" => lookup(),
            "forged-descriptor" => forged_descriptor(),
            "settings" => return Response::json(200, modgate_sdk::settings::get()),
            "exit-ok" => {
                exit::exit(Ok(()));
                escaped("exit returned")
            }
            "exit-err" => {
                exit::exit(Err(()));
                escaped("exit returned")
            }
            other => return Response::text(404, format!("no escape named {other:?}")),
        };
        Response::text(200, answer)
    }
}

modgate_sdk::export_module!(Escape);

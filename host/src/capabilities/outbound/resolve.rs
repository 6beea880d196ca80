//! Name lookups. The guard asks exactly once per request and connects only
//! to the addresses that one answer gave, so a second answer (DNS
//! rebinding) can never be the one connected to. The lookup is a trait so
//! that an integrator can plug in its own resolver (split-horizon names,
//! a resolver with DNSSEC) and tests can script answers.

use std::io;
use std::net::IpAddr;

use async_trait::async_trait;

/// Resolves a host name to addresses.
#[async_trait]
pub trait Resolve: Send + Sync {
    /// Every address `name` (lower-case ASCII, no trailing dot) resolves to.
    async fn lookup(&self, name: &str) -> io::Result<Vec<IpAddr>>;
}

/// The operating system's resolver (`getaddrinfo`, on a blocking thread).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemResolver;

#[async_trait]
impl Resolve for SystemResolver {
    async fn lookup(&self, name: &str) -> io::Result<Vec<IpAddr>> {
        // The port is only there because the API wants one.
        let addresses = tokio::net::lookup_host((name, 0)).await?;
        let mut ips: Vec<IpAddr> = addresses.map(|address| address.ip()).collect();
        ips.dedup();
        Ok(ips)
    }
}

/// Fixed answers for some names, everything else from another resolver:
/// how an integrator maps internal service names, and how the demo names
/// its loopback price API.
pub struct StaticResolver {
    names: Vec<(String, Vec<IpAddr>)>,
    fallback: Option<Box<dyn Resolve>>,
}

impl StaticResolver {
    /// No names; unknown names fail unless [`Self::or_else`] is given.
    pub fn new() -> Self {
        StaticResolver { names: Vec::new(), fallback: None }
    }

    /// Answers `name` with `addresses`.
    pub fn with(mut self, name: &str, addresses: impl IntoIterator<Item = IpAddr>) -> Self {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        self.names.push((name, addresses.into_iter().collect()));
        self
    }

    /// Asks `fallback` for every other name.
    pub fn or_else(mut self, fallback: impl Resolve + 'static) -> Self {
        self.fallback = Some(Box::new(fallback));
        self
    }
}

impl Default for StaticResolver {
    fn default() -> Self {
        StaticResolver::new()
    }
}

#[async_trait]
impl Resolve for StaticResolver {
    async fn lookup(&self, name: &str) -> io::Result<Vec<IpAddr>> {
        if let Some((_, addresses)) = self.names.iter().find(|(known, _)| known == name) {
            return Ok(addresses.clone());
        }
        match &self.fallback {
            Some(fallback) => fallback.lookup(name).await,
            None => Err(io::Error::new(io::ErrorKind::NotFound, format!("{name}: no such name"))),
        }
    }
}

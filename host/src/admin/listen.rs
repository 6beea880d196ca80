//! Where the admin API and a dev-mode host may listen.

use std::net::SocketAddr;

/// A listen address refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListenError {
    /// Dev mode grants every module every permission it asks for: such a
    /// host must never be reachable from another machine.
    #[error(
        "dev mode refuses to listen on {address}: it grants every module every permission it asks for; \
         listen on 127.0.0.1 (or ::1), or start without --dev"
    )]
    DevModePublicAddress {
        /// The address refused.
        address: SocketAddr,
    },
}

impl ListenError {
    /// The stable code, e.g. `dev-mode-public-address`.
    pub fn code(&self) -> &'static str {
        match self {
            ListenError::DevModePublicAddress { .. } => "dev-mode-public-address",
        }
    }
}

/// Checks an address a host is about to listen on: in dev mode only
/// loopback addresses are allowed (an unspecified address such as `0.0.0.0`
/// listens on every interface, so it is refused too).
pub fn check_listen_address(dev_mode: bool, address: SocketAddr) -> Result<(), ListenError> {
    if dev_mode && !address.ip().is_loopback() {
        return Err(ListenError::DevModePublicAddress { address });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dev_mode_listens_on_loopback_only() {
        for ok in ["127.0.0.1:8080", "[::1]:0", "127.0.0.2:9"] {
            assert_eq!(check_listen_address(true, ok.parse().unwrap()), Ok(()), "{ok}");
        }
        for refused in ["0.0.0.0:8080", "[::]:8080", "192.168.1.10:80", "10.0.0.1:1"] {
            let error = check_listen_address(true, refused.parse().unwrap()).unwrap_err();
            assert_eq!(error.code(), "dev-mode-public-address", "{refused}");
        }
        assert_eq!(check_listen_address(false, "0.0.0.0:8080".parse().unwrap()), Ok(()));
    }
}

//! Step 2 of a request: which tenant it is for, from its `Host` header.

use std::collections::{BTreeMap, HashMap};

use http::{HeaderMap, header};

use crate::tenant::TenantId;
use crate::http::config::HttpConfigError;

/// `tenant-hosts` and `default-tenant`, checked once when the bridge is built.
#[derive(Debug)]
pub(crate) struct TenantHosts {
    by_host: HashMap<String, TenantId>,
    default: Option<TenantId>,
}

impl TenantHosts {
    /// Refuses a configured tenant that is not a valid tenant id.
    pub fn new(
        by_host: &BTreeMap<String, String>,
        default: Option<&String>,
    ) -> Result<Self, HttpConfigError> {
        let tenant = |given: &String| {
            TenantId::new(given.clone()).map_err(|e| HttpConfigError::Tenant {
                given: given.clone(),
                reason: e.to_string(),
            })
        };
        Ok(TenantHosts {
            default: default.map(tenant).transpose()?,
            by_host: by_host
                .iter()
                .map(|(host, id)| Ok((host.to_ascii_lowercase(), tenant(id)?)))
                .collect::<Result<_, HttpConfigError>>()?,
        })
    }

    /// The tenant of a request: its `Host` (without port, any case) in
    /// `tenant-hosts`, else the default tenant; `None` answers 404.
    pub fn tenant_for(&self, headers: &HeaderMap) -> Option<TenantId> {
        let host = headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .map(|host| strip_port(host).to_ascii_lowercase());
        host.and_then(|host| self.by_host.get(&host).cloned())
            .or_else(|| self.default.clone())
    }
}

/// `shop.example:8080` → `shop.example`, `[::1]:80` → `::1`.
fn strip_port(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn hosts(default: Option<&str>) -> TenantHosts {
        let by_host = BTreeMap::from([("Shop.Example".to_owned(), "acme".to_owned())]);
        TenantHosts::new(&by_host, default.map(str::to_owned).as_ref()).unwrap()
    }

    fn host(value: &str) -> HeaderMap {
        HeaderMap::from_iter([(header::HOST, HeaderValue::from_str(value).unwrap())])
    }

    #[test]
    fn a_configured_host_names_its_tenant_in_any_case_and_with_any_port() {
        let hosts = hosts(None);
        for value in ["shop.example", "SHOP.example", "shop.example:8080"] {
            assert_eq!(
                hosts.tenant_for(&host(value)).unwrap().as_str(),
                "acme",
                "{value}"
            );
        }
    }

    #[test]
    fn other_hosts_get_the_default_tenant_or_none() {
        assert_eq!(hosts(None).tenant_for(&host("other.example")), None);
        assert_eq!(hosts(None).tenant_for(&HeaderMap::new()), None);
        let with_default = hosts(Some("globex"));
        assert_eq!(
            with_default
                .tenant_for(&host("other.example"))
                .unwrap()
                .as_str(),
            "globex"
        );
        assert_eq!(
            with_default.tenant_for(&HeaderMap::new()).unwrap().as_str(),
            "globex"
        );
    }

    #[test]
    fn ports_and_ipv6_brackets_are_stripped() {
        assert_eq!(strip_port("shop.example:8080"), "shop.example");
        assert_eq!(strip_port("shop.example"), "shop.example");
        assert_eq!(strip_port("[::1]:8080"), "::1");
        assert_eq!(strip_port("[::1]"), "::1");
        assert_eq!(strip_port("shop.example:http"), "shop.example:http");
    }

    #[test]
    fn an_invalid_configured_tenant_is_refused() {
        let by_host = BTreeMap::from([("shop.example".to_owned(), "Not A Slug".to_owned())]);
        let refused = TenantHosts::new(&by_host, None).unwrap_err();
        assert!(
            matches!(refused, HttpConfigError::Tenant { ref given, .. } if given == "Not A Slug"),
            "{refused}"
        );
    }
}

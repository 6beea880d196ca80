//! The closed allowlist of permissions a module may request, with the risk and a one-sentence
//! summary the operator sees before granting them at install.

use std::fmt;

use serde::Serialize;

use crate::catalog::closed_enum;

closed_enum! {
    /// A permission from the closed allowlist. Each one links exactly one capability.
    pub enum Permission ("permission") {
        /// `read:products`: the product catalogue.
        ReadProducts => "read:products",
        /// `read:categories`: the category tree.
        ReadCategories => "read:categories",
        /// `read:orders`: orders and "has purchased".
        ReadOrders => "read:orders",
        /// `read:customers`: customer records without contact details.
        ReadCustomers => "read:customers",
        /// `write:own-tables`: parameterised SQL on the module's own declared tables.
        WriteOwnTables => "write:own-tables",
        /// `emit:events`: publish `mod.<name>.<event>` events.
        EmitEvents => "emit:events",
        /// `subscribe:events`: receive the events listed under `subscriptions`.
        SubscribeEvents => "subscribe:events",
        /// `http:outbound`: outgoing HTTP to the operator's allowlist.
        HttpOutbound => "http:outbound",
        /// `email:send`: send email, rate limited.
        EmailSend => "email:send",
    }
}

impl Permission {
    /// How much harm a malicious module could do with this permission.
    pub fn risk(self) -> Risk {
        match self {
            Self::ReadProducts | Self::ReadCategories => Risk::Low,
            Self::ReadOrders
            | Self::ReadCustomers
            | Self::WriteOwnTables
            | Self::EmitEvents
            | Self::SubscribeEvents => Risk::Medium,
            Self::HttpOutbound | Self::EmailSend => Risk::High,
        }
    }

    /// One sentence describing what the permission allows, shown to the operator at install.
    pub fn summary(self) -> &'static str {
        match self {
            Self::ReadProducts => {
                "read the product catalogue (id, name, price, stock) of the current tenant"
            }
            Self::ReadCategories => {
                "read the category tree (id, name, parent) of the current tenant"
            }
            Self::ReadOrders => {
                "read the current tenant's orders and check whether a customer bought a product"
            }
            Self::ReadCustomers => {
                "read the current tenant's customer records, without email addresses or other contact details"
            }
            Self::WriteOwnTables => {
                "read and write rows of the module's own declared tables with parameterised SQL"
            }
            Self::EmitEvents => "publish events named mod.<module-name>.<event> to other modules",
            Self::SubscribeEvents => {
                "receive the core and module events listed under subscriptions"
            }
            Self::HttpOutbound => {
                "send HTTP requests to the internet hosts on the operator's allowlist"
            }
            Self::EmailSend => {
                "send email, including to the current tenant's customers, within a rate limit"
            }
        }
    }

    /// Whether the operator must explicitly acknowledge the risk before granting it:
    /// `http:outbound` and `email:send`, the two ways data can leave the host.
    pub fn requires_acknowledgement(self) -> bool {
        matches!(self, Self::HttpOutbound | Self::EmailSend)
    }
}

/// Risk level of a permission, shown to the operator at install.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Risk {
    /// Reads non-sensitive catalogue data.
    Low,
    /// Reads customer-related data or changes state inside the host.
    Medium,
    /// Can reach the outside world (network, email).
    High,
}

impl Risk {
    /// `low`, `medium` or `high`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }
}

impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Risk {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_permission_round_trips_through_its_name() {
        for permission in Permission::ALL {
            assert_eq!(permission.as_str().parse::<Permission>(), Ok(permission));
            assert_eq!(permission.to_string(), permission.as_str());
        }
    }

    #[test]
    fn unknown_permission_is_refused_listing_the_allowlist() {
        let error = "read:everything".parse::<Permission>().unwrap_err();
        assert_eq!(error.allowed.len(), 9);
        assert!(error.to_string().contains("read:products"));
    }

    #[test]
    fn risks_follow_the_spec() {
        assert_eq!(Permission::ReadProducts.risk(), Risk::Low);
        assert_eq!(Permission::ReadCategories.risk(), Risk::Low);
        assert_eq!(Permission::ReadOrders.risk(), Risk::Medium);
        assert_eq!(Permission::WriteOwnTables.risk(), Risk::Medium);
        assert_eq!(Permission::EmailSend.risk(), Risk::High);
        assert_eq!(Permission::HttpOutbound.risk(), Risk::High);
        assert_eq!(Risk::High.to_string(), "high");
    }

    #[test]
    fn only_the_ways_out_need_acknowledgement() {
        let acknowledged: Vec<_> = Permission::ALL
            .into_iter()
            .filter(|permission| permission.requires_acknowledgement())
            .collect();
        assert_eq!(acknowledged, [Permission::HttpOutbound, Permission::EmailSend]);
    }

    #[test]
    fn every_summary_is_one_sentence() {
        for permission in Permission::ALL {
            let summary = permission.summary();
            assert!(!summary.is_empty() && !summary.contains('\n'));
        }
    }
}

//! Closed lists of names (permissions, slots, column types, ...): one macro gives each of them
//! the same shape — `ALL`, `as_str`, `FromStr`, `Display`, `Serialize` — so a new entry is one
//! line in one place.

/// A string that is not one of the names of a closed list.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{given:?} is not a known {what}; expected one of: {}", .allowed.join(", "))]
pub struct NotInCatalog {
    /// What kind of name was expected, e.g. `permission`.
    pub what: &'static str,
    /// The string that was given.
    pub given: String,
    /// Every accepted name.
    pub allowed: Vec<&'static str>,
}

/// Defines a fieldless enum whose variants map one-to-one to stable strings.
macro_rules! closed_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in catalog order.
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];

            /// The stable name, as written in `module.toml`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }

            /// Every stable name, in catalog order.
            pub fn names() -> Vec<&'static str> {
                Self::ALL.iter().map(|value| value.as_str()).collect()
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::catalog::NotInCatalog;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .into_iter()
                    .find(|value| value.as_str() == text)
                    .ok_or_else(|| $crate::catalog::NotInCatalog {
                        what: $what,
                        given: text.to_owned(),
                        allowed: Self::names(),
                    })
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                text.parse().map_err(|e: $crate::catalog::NotInCatalog| {
                    <D::Error as ::serde::de::Error>::custom(format!("{:?} is not a {}", e.given, e.what))
                })
            }
        }
    };
}

pub(crate) use closed_enum;

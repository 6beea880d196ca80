//! Which database the host runs on.

/// The database backend behind [`super::Storage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// SQLite, embedded (the default): one file in the data directory.
    Sqlite,
    /// PostgreSQL, for production and scale-out.
    Postgres,
}

impl Backend {
    /// The backend's name in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

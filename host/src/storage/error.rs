//! Storage errors.

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The database URL names no supported backend.
    #[error("unsupported database URL {url:?}: use sqlite://<file> or postgres://user@host/db")]
    UnsupportedUrl {
        /// The URL, with any password removed.
        url: String,
    },
    /// The data directory could not be created.
    #[error("creating the data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: std::path::PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The database answered with an error.
    #[error("{context}: {source}")]
    Database {
        /// What the host was doing.
        context: String,
        /// sea-orm's error.
        source: sea_orm::DbErr,
    },
}

impl StorageError {
    /// Wraps a database error with what the host was doing.
    pub fn db(context: impl Into<String>) -> impl FnOnce(sea_orm::DbErr) -> StorageError {
        let context = context.into();
        move |source| StorageError::Database { context, source }
    }
}

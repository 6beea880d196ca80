//! `modgate_artifacts`: the digest of each compiled artifact a host node
//! wrote, so a node deserialises only files it wrote.

use sea_orm::entity::prelude::*;

/// One artifact file written by a node.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "modgate_artifacts")]
pub struct Model {
    /// Content hash + compatibility fingerprint (`Engine::artifact_key`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub artifact_key: String,
    /// SHA-256 of the file's bytes, hex.
    #[sea_orm(primary_key, auto_increment = false)]
    pub digest: String,
    /// Its size.
    pub bytes: i64,
    /// When it was written (RFC 3339 UTC).
    pub created_at: String,
}

/// No relations are navigated from code.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

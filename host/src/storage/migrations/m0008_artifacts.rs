//! The artifact store: `modgate_artifacts` records the SHA-256 of every
//! compiled artifact a host node wrote under its data directory, keyed by
//! the artifact key (content hash + wasmtime's compatibility fingerprint).
//! A node loads an artifact file only when its bytes hash to a digest
//! recorded here. Several nodes sharing the database each record their own
//! file's digest, so the key is (artifact key, digest).

use sea_orm_migration::prelude::*;

/// Adds the artifacts table.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m0008_artifacts"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Alias::new("modgate_artifacts"))
                    .if_not_exists()
                    .col(ColumnDef::new(Alias::new("artifact_key")).string_len(96).not_null())
                    .col(ColumnDef::new(Alias::new("digest")).string_len(64).not_null())
                    .col(ColumnDef::new(Alias::new("bytes")).big_integer().not_null())
                    .col(ColumnDef::new(Alias::new("created_at")).string_len(32).not_null())
                    .primary_key(Index::create().col(Alias::new("artifact_key")).col(Alias::new("digest")))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Alias::new("modgate_artifacts")).to_owned()).await
    }
}

//! Values crossing between guests and the database, and decoding rows of
//! either backend into them.

use sea_orm::QueryResult;
use sea_orm::sqlx::{Row, TypeInfo, ValueRef};

/// A SQL value as guests see it (the WIT `tables.value`).
#[derive(Debug, Clone, PartialEq)]
pub enum SqlValue {
    /// NULL.
    Null,
    /// A 64-bit integer (also booleans, as 0/1).
    Integer(i64),
    /// A 64-bit float.
    Real(f64),
    /// UTF-8 text (also timestamps, RFC 3339).
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
}

impl SqlValue {
    /// Bytes it takes in a result, for the result size limit.
    pub fn size(&self) -> usize {
        match self {
            SqlValue::Null => 1,
            SqlValue::Integer(_) | SqlValue::Real(_) => 8,
            SqlValue::Text(s) => s.len(),
            SqlValue::Blob(b) => b.len(),
        }
    }

    /// The value to bind; `None` for NULL (the guard inlines NULLs).
    pub(super) fn to_bind(&self) -> Option<sea_orm::Value> {
        match self {
            SqlValue::Null => None,
            SqlValue::Integer(i) => Some((*i).into()),
            SqlValue::Real(r) => Some((*r).into()),
            SqlValue::Text(s) => Some(s.clone().into()),
            SqlValue::Blob(b) => Some(b.clone().into()),
        }
    }
}

/// A column whose type has no guest representation.
#[derive(Debug)]
pub(super) struct UnsupportedType {
    pub column: String,
    pub type_name: String,
}

/// Decodes every column of `row` by its runtime type.
pub(super) fn decode_row(row: &QueryResult) -> Result<Vec<SqlValue>, UnsupportedType> {
    if let Some(row) = row.try_as_sqlite_row() {
        (0..row.len()).map(|i| decode_sqlite(row, i)).collect()
    } else if let Some(row) = row.try_as_pg_row() {
        (0..row.len()).map(|i| decode_postgres(row, i)).collect()
    } else {
        Ok(Vec::new())
    }
}

fn unsupported<R: Row>(row: &R, index: usize, type_name: &str) -> UnsupportedType {
    use sea_orm::sqlx::Column;
    UnsupportedType {
        column: row.columns().get(index).map(|c| c.name().to_owned()).unwrap_or_default(),
        type_name: type_name.to_owned(),
    }
}

fn decode_sqlite(row: &sea_orm::sqlx::sqlite::SqliteRow, i: usize) -> Result<SqlValue, UnsupportedType> {
    let raw = row.try_get_raw(i).map_err(|_| unsupported(row, i, "?"))?;
    if raw.is_null() {
        return Ok(SqlValue::Null);
    }
    let type_name = raw.type_info().name().to_owned();
    let failed = |_| unsupported(row, i, &type_name);
    Ok(match type_name.as_str() {
        "INTEGER" | "BOOLEAN" => SqlValue::Integer(row.try_get_unchecked::<i64, _>(i).map_err(failed)?),
        "REAL" | "NUMERIC" => SqlValue::Real(row.try_get_unchecked::<f64, _>(i).map_err(failed)?),
        "BLOB" => SqlValue::Blob(row.try_get_unchecked::<Vec<u8>, _>(i).map_err(failed)?),
        _ => SqlValue::Text(row.try_get_unchecked::<String, _>(i).map_err(failed)?),
    })
}

fn decode_postgres(row: &sea_orm::sqlx::postgres::PgRow, i: usize) -> Result<SqlValue, UnsupportedType> {
    let raw = row.try_get_raw(i).map_err(|_| unsupported(row, i, "?"))?;
    if raw.is_null() {
        return Ok(SqlValue::Null);
    }
    let type_name = raw.type_info().name().to_owned();
    let failed = |_| unsupported(row, i, &type_name);
    Ok(match type_name.as_str() {
        "INT8" => SqlValue::Integer(row.try_get::<i64, _>(i).map_err(failed)?),
        "INT4" => SqlValue::Integer(row.try_get::<i32, _>(i).map_err(failed)?.into()),
        "INT2" => SqlValue::Integer(row.try_get::<i16, _>(i).map_err(failed)?.into()),
        "BOOL" => SqlValue::Integer(row.try_get::<bool, _>(i).map_err(failed)?.into()),
        "FLOAT8" => SqlValue::Real(row.try_get::<f64, _>(i).map_err(failed)?),
        "FLOAT4" => SqlValue::Real(row.try_get::<f32, _>(i).map_err(failed)?.into()),
        "NUMERIC" => {
            // sum() and avg() of integers are NUMERIC on PostgreSQL: whole
            // numbers come back as integers, like on SQLite.
            let decimal = row.try_get::<sea_orm::prelude::Decimal, _>(i).map_err(failed)?;
            let text = decimal.normalize().to_string();
            match text.parse::<i64>() {
                Ok(whole) => SqlValue::Integer(whole),
                Err(_) => SqlValue::Real(text.parse::<f64>().map_err(|_| unsupported(row, i, &type_name))?),
            }
        }
        "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" | "CHAR" => SqlValue::Text(row.try_get::<String, _>(i).map_err(failed)?),
        "BYTEA" => SqlValue::Blob(row.try_get::<Vec<u8>, _>(i).map_err(failed)?),
        _ => return Err(unsupported(row, i, &type_name)),
    })
}

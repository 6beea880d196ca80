//! SQL written from fuzz input by a small grammar of what a module might
//! send: SELECT (joins, subqueries, CTEs, set operations), INSERT … VALUES
//! and … SELECT, UPDATE, DELETE, with RETURNING — over a vocabulary that
//! mixes the probe module's own tables and columns with everything it must
//! never reach (core tables, another module's, another tenant's copy,
//! catalogs, schema-qualified and quoted spellings) and functions from the
//! harmless to the dangerous. Byte mutations of the input become
//! structural mutations of the statement.

use arbitrary::{Result, Unstructured};

/// Relations a statement may name: the first four are the module's own.
const TABLES: &[&str] = &[
    "mod_probe_items",
    "mod_probe_tags",
    "MOD_PROBE_ITEMS",
    "\"mod_probe_tags\"",
    "\"MOD_PROBE_ITEMS\"",
    "mod_other_secrets",
    "modgate_tenants",
    "modgate_installs",
    "seaql_migrations",
    "acme__mod_probe_items",
    "globex__mod_probe_items",
    "\"globex__mod_probe_items\"",
    "mg_t_globex.mod_probe_items",
    "\"mg_t_acme\".\"mod_probe_items\"",
    "main.mod_probe_items",
    "temp.mod_probe_items",
    "sqlite_master",
    "sqlite_schema",
    "sqlite_temp_master",
    "pg_catalog.pg_tables",
    "pg_shadow",
    "information_schema.tables",
    "pragma_table_info",
    "c1",
    "c2",
];

const COLUMNS: &[&str] = &[
    "name", "qty", "note", "label", "id", "created_at", "updated_at", "secret", "rowid", "oid", "ctid", "\"name\"",
    "\"Name\"", "tenant", "sql", "*",
];

const FUNCTIONS: &[&str] = &[
    "lower",
    "upper",
    "length",
    "abs",
    "coalesce",
    "count",
    "sum",
    "max",
    "min",
    "json_extract",
    "substr",
    "replace",
    "load_extension",
    "readfile",
    "writefile",
    "pg_read_file",
    "pg_ls_dir",
    "pg_sleep",
    "sqlite_version",
    "current_setting",
    "set_config",
    "lo_import",
    "dblink",
    "randomblob",
    "version",
    "current_database",
];

const OPERATORS: &[&str] = &["=", "<>", "<", ">=", "AND", "OR", "+", "-", "*", "||", "LIKE", "IS", "IS NOT"];

/// A statement written from `u`, with the number of `?` placeholders it has.
pub fn statement(u: &mut Unstructured<'_>) -> Result<(String, usize)> {
    let mut writer = Writer { params: 0, depth: 0 };
    let sql = match u.int_in_range(0..=5)? {
        0 | 1 => writer.select(u)?,
        2 => writer.insert(u)?,
        3 => writer.update(u)?,
        4 => writer.delete(u)?,
        _ => format!("{} UNION {}", writer.select(u)?, writer.select(u)?),
    };
    Ok((sql, writer.params))
}

struct Writer {
    params: usize,
    depth: u32,
}

impl Writer {
    fn table(&self, u: &mut Unstructured<'_>) -> Result<&'static str> {
        // Half the time one of the module's own tables, so accepted
        // statements are common and their insides get explored.
        if u.ratio(1, 2)? { Ok(TABLES[u.int_in_range(0..=3)?]) } else { u.choose(TABLES).copied() }
    }

    fn column(&self, u: &mut Unstructured<'_>, qualifier: Option<&str>) -> Result<String> {
        let column = u.choose(COLUMNS)?;
        Ok(match qualifier {
            Some(q) if *column != "*" && u.ratio(1, 3)? => format!("{q}.{column}"),
            _ => (*column).to_owned(),
        })
    }

    fn expr(&mut self, u: &mut Unstructured<'_>) -> Result<String> {
        if self.depth > 4 {
            return self.leaf(u);
        }
        self.depth += 1;
        let expr = match u.int_in_range(0..=9)? {
            0..=2 => self.leaf(u)?,
            3 => format!("{} {} {}", self.expr(u)?, u.choose(OPERATORS)?, self.expr(u)?),
            4 => {
                let function = u.choose(FUNCTIONS)?;
                let args = if u.ratio(1, 2)? { self.expr(u)? } else { format!("{}, {}", self.expr(u)?, self.expr(u)?) };
                format!("{function}({args})")
            }
            5 => format!("({})", self.select(u)?),
            6 => format!("EXISTS ({})", self.select(u)?),
            7 => format!("{} IN ({})", self.expr(u)?, self.select(u)?),
            8 => format!("CASE WHEN {} THEN {} ELSE {} END", self.expr(u)?, self.expr(u)?, self.expr(u)?),
            _ => format!("CAST({} AS {})", self.expr(u)?, u.choose(&["TEXT", "INTEGER", "REAL", "regclass", "BLOB"])?),
        };
        self.depth -= 1;
        Ok(expr)
    }

    fn leaf(&mut self, u: &mut Unstructured<'_>) -> Result<String> {
        Ok(match u.int_in_range(0..=4)? {
            0 => {
                self.params += 1;
                "?".to_owned()
            }
            1 => u.int_in_range(-3i64..=1000)?.to_string(),
            2 => format!("'{}'", u.choose(&["x", "it''s", "--", "/*", ";", "\\", "mod_other_secrets"])?),
            3 => "NULL".to_owned(),
            _ => self.column(u, Some("t"))?,
        })
    }

    fn from_item(&mut self, u: &mut Unstructured<'_>) -> Result<String> {
        let item = match u.int_in_range(0..=5)? {
            0..=3 => format!("{} AS t", self.table(u)?),
            4 => format!("({}) AS t", self.select(u)?),
            _ => format!("{} AS t JOIN {} AS s ON {}", self.table(u)?, self.table(u)?, self.expr(u)?),
        };
        Ok(item)
    }

    fn select(&mut self, u: &mut Unstructured<'_>) -> Result<String> {
        if self.depth > 5 {
            return Ok("SELECT 1".to_owned());
        }
        self.depth += 1;
        let mut sql = String::new();
        if u.ratio(1, 4)? {
            let cte = u.choose(&["c1", "c2"])?;
            sql.push_str(&format!("WITH {cte} AS ({}) ", self.select(u)?));
        }
        let columns = match u.int_in_range(0..=2)? {
            0 => "*".to_owned(),
            1 => self.column(u, None)?,
            _ => format!("{}, {}", self.expr(u)?, self.column(u, Some("t"))?),
        };
        sql.push_str(&format!("SELECT {columns} FROM {}", self.from_item(u)?));
        if u.ratio(1, 2)? {
            sql.push_str(&format!(" WHERE {}", self.expr(u)?));
        }
        if u.ratio(1, 4)? {
            sql.push_str(&format!(" ORDER BY {}", self.column(u, None)?));
        }
        if u.ratio(1, 4)? {
            sql.push_str(" LIMIT ?");
            self.params += 1;
        }
        self.depth -= 1;
        Ok(sql)
    }

    fn returning(&mut self, u: &mut Unstructured<'_>) -> Result<String> {
        Ok(if u.ratio(1, 3)? { format!(" RETURNING {}", self.column(u, None)?) } else { String::new() })
    }

    fn insert(&mut self, u: &mut Unstructured<'_>) -> Result<String> {
        let table = self.table(u)?;
        let (a, b) = (self.column(u, None)?, self.column(u, None)?);
        let source = if u.ratio(1, 2)? {
            format!("VALUES ({}, {})", self.expr(u)?, self.expr(u)?)
        } else {
            format!("SELECT {}, {} FROM {}", self.column(u, Some("t"))?, self.expr(u)?, self.from_item(u)?)
        };
        let returning = self.returning(u)?;
        Ok(format!("INSERT INTO {table} ({a}, {b}) {source}{returning}"))
    }

    fn update(&mut self, u: &mut Unstructured<'_>) -> Result<String> {
        let table = self.table(u)?;
        let column = self.column(u, None)?;
        let value = self.expr(u)?;
        let filter = self.expr(u)?;
        let returning = self.returning(u)?;
        Ok(format!("UPDATE {table} SET {column} = {value} WHERE {filter}{returning}"))
    }

    fn delete(&mut self, u: &mut Unstructured<'_>) -> Result<String> {
        let table = self.table(u)?;
        let filter = self.expr(u)?;
        let returning = self.returning(u)?;
        Ok(format!("DELETE FROM {table} WHERE {filter}{returning}"))
    }
}

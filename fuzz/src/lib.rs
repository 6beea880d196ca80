//! What the fuzz targets share: the SQL guard's probe scope and the oracle
//! for its property, the grammar that writes SQL from fuzz input, and an
//! independent reading of numeric host names.

pub mod component;
pub mod host_names;
pub mod sql_grammar;
pub mod sql_oracle;

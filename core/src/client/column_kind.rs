//! The type codes of result columns: the one list every face sends (C's `redwood_type`, which
//! cbindgen generates from this file, the JNI library's codes that `ColumnKind.java` declares).

/// The SQL type of a result column, as every face reports it (C's `redwood_type`, ODBC's and
/// JDBC's SQL types, Python's type codes). The discriminants are the codes the C ABI and the JDBC
/// driver send: append new kinds, never renumber.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Boolean = 0,
    Smallint = 1,
    Integer = 2,
    Bigint = 3,
    Real = 4,
    Double = 5,
    /// NUMERIC(precision, scale).
    Decimal = 6,
    /// CHARACTER VARYING(precision).
    Varchar = 7,
    /// CHARACTER(precision).
    Char = 8,
    /// Text of no declared length.
    Text = 9,
    Date = 10,
    Timestamp = 11,
    Timestamptz = 12,
    Time = 13,
    Interval = 14,
    Bytea = 15,
    Array = 16,
    Other = 17,
}

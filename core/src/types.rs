//! Redshift column types and how each maps to Arrow.
//!
//! The catalog keeps the declared type (`VARCHAR(20)`, `DECIMAL(12,2)`, …); execution uses the Arrow
//! type. Length limits of character types are in bytes, as on Redshift.

use crate::err;
use crate::error::Result;
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::sql::sqlparser::ast::{self, CharacterLength, ExactNumberInfo};
use std::fmt;
use std::str::FromStr;

/// Redshift's default and maximum lengths.
pub const DEFAULT_VARCHAR_LENGTH: u32 = 256;
pub const MAX_VARCHAR_LENGTH: u32 = 65535;
pub const MAX_CHAR_LENGTH: u32 = 4096;
pub const DEFAULT_DECIMAL_PRECISION: u8 = 18;
pub const MAX_DECIMAL_PRECISION: u8 = 38;
/// The time zone attached to TIMESTAMPTZ values (stored as UTC instants).
pub const UTC: &str = "UTC";

/// A Redshift column type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SqlType {
    SmallInt,
    Integer,
    BigInt,
    Decimal { precision: u8, scale: u8 },
    Real,
    Double,
    Boolean,
    Char(u32),
    Varchar(u32),
    Date,
    Timestamp,
    TimestampTz,
}

impl SqlType {
    /// The Arrow type values of this column have in memory and in segments.
    pub fn arrow_type(&self) -> DataType {
        match self {
            SqlType::SmallInt => DataType::Int16,
            SqlType::Integer => DataType::Int32,
            SqlType::BigInt => DataType::Int64,
            SqlType::Decimal { precision, scale } => DataType::Decimal128(*precision, *scale as i8),
            SqlType::Real => DataType::Float32,
            SqlType::Double => DataType::Float64,
            SqlType::Boolean => DataType::Boolean,
            SqlType::Char(_) | SqlType::Varchar(_) => DataType::Utf8,
            SqlType::Date => DataType::Date32,
            SqlType::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, None),
            SqlType::TimestampTz => DataType::Timestamp(TimeUnit::Microsecond, Some(UTC.into())),
        }
    }

    /// The Redshift type a query result column of this Arrow type is reported as (CREATE TABLE AS).
    pub fn from_arrow(data_type: &DataType) -> Result<SqlType> {
        Ok(match data_type {
            DataType::Int8 | DataType::Int16 | DataType::UInt8 => SqlType::SmallInt,
            DataType::Int32 | DataType::UInt16 => SqlType::Integer,
            DataType::Int64 | DataType::UInt32 | DataType::UInt64 => SqlType::BigInt,
            DataType::Decimal128(p, s) if *s >= 0 => {
                SqlType::Decimal { precision: (*p).min(MAX_DECIMAL_PRECISION), scale: *s as u8 }
            }
            DataType::Float16 | DataType::Float32 => SqlType::Real,
            DataType::Float64 => SqlType::Double,
            DataType::Boolean => SqlType::Boolean,
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => SqlType::Varchar(DEFAULT_VARCHAR_LENGTH),
            DataType::Null => SqlType::Varchar(DEFAULT_VARCHAR_LENGTH),
            DataType::Date32 | DataType::Date64 => SqlType::Date,
            DataType::Timestamp(_, None) => SqlType::Timestamp,
            DataType::Timestamp(_, Some(_)) => SqlType::TimestampTz,
            other => return Err(err!(FEATURE_NOT_SUPPORTED, "a column of type {other} cannot be stored in a table")),
        })
    }

    /// Translates a parsed SQL type; Redshift's aliases (INT4, FLOAT8, TEXT, BPCHAR, …) included.
    pub fn from_ast(data_type: &ast::DataType) -> Result<SqlType> {
        use ast::DataType as D;
        let t = match data_type {
            D::SmallInt(_) | D::Int2(_) => SqlType::SmallInt,
            D::Int(_) | D::Integer(_) | D::Int4(_) | D::MediumInt(_) => SqlType::Integer,
            D::BigInt(_) | D::Int8(_) => SqlType::BigInt,
            D::Decimal(info) | D::Numeric(info) | D::Dec(info) => decimal(info)?,
            D::Real | D::Float4 => SqlType::Real,
            D::Float(info) => match info {
                ExactNumberInfo::Precision(p) if *p <= 24 => SqlType::Real,
                _ => SqlType::Double,
            },
            D::Double(_) | D::DoublePrecision | D::Float8 | D::Float64 => SqlType::Double,
            D::Boolean | D::Bool => SqlType::Boolean,
            D::Char(len) | D::Character(len) => SqlType::Char(char_length(len.as_ref(), 1, MAX_CHAR_LENGTH)?),
            D::Varchar(len) | D::CharacterVarying(len) | D::CharVarying(len) | D::Nvarchar(len) => {
                SqlType::Varchar(char_length(len.as_ref(), DEFAULT_VARCHAR_LENGTH, MAX_VARCHAR_LENGTH)?)
            }
            D::Text | D::String(_) => SqlType::Varchar(DEFAULT_VARCHAR_LENGTH),
            D::Date => SqlType::Date,
            D::Timestamp(_, ast::TimezoneInfo::WithTimeZone | ast::TimezoneInfo::Tz) => SqlType::TimestampTz,
            D::Timestamp(..) | D::Datetime(_) | D::TimestampNtz(_) => SqlType::Timestamp,
            D::Custom(name, modifiers) => {
                let name = name.to_string().to_ascii_lowercase();
                return custom_type(&name, modifiers);
            }
            other => {
                return Err(err!(FEATURE_NOT_SUPPORTED, "type {other} is not supported"));
            }
        };
        Ok(t)
    }

    /// Byte-length limit for character types.
    pub fn max_bytes(&self) -> Option<u32> {
        match self {
            SqlType::Char(n) | SqlType::Varchar(n) => Some(*n),
            _ => None,
        }
    }

    /// Name as `pg_type.typname`/`format_type` shows it (and as `\d` prints it).
    pub fn pg_name(&self) -> &'static str {
        match self {
            SqlType::SmallInt => "smallint",
            SqlType::Integer => "integer",
            SqlType::BigInt => "bigint",
            SqlType::Decimal { .. } => "numeric",
            SqlType::Real => "real",
            SqlType::Double => "double precision",
            SqlType::Boolean => "boolean",
            SqlType::Char(_) => "character",
            SqlType::Varchar(_) => "character varying",
            SqlType::Date => "date",
            SqlType::Timestamp => "timestamp without time zone",
            SqlType::TimestampTz => "timestamp with time zone",
        }
    }
}

/// How `information_schema.columns` describes a type.
pub struct TypeFacts {
    pub character_maximum_length: Option<i32>,
    pub numeric_precision: Option<i32>,
    pub numeric_precision_radix: Option<i32>,
    pub numeric_scale: Option<i32>,
    pub datetime_precision: Option<i32>,
}

impl SqlType {
    /// `pg_type.typname`, the short name (`information_schema.columns.udt_name`).
    pub fn pg_udt_name(&self) -> &'static str {
        match self {
            SqlType::SmallInt => "int2",
            SqlType::Integer => "int4",
            SqlType::BigInt => "int8",
            SqlType::Decimal { .. } => "numeric",
            SqlType::Real => "float4",
            SqlType::Double => "float8",
            SqlType::Boolean => "bool",
            SqlType::Char(_) => "bpchar",
            SqlType::Varchar(_) => "varchar",
            SqlType::Date => "date",
            SqlType::Timestamp => "timestamp",
            SqlType::TimestampTz => "timestamptz",
        }
    }

    /// Lengths, precisions and scales as the SQL standard's `information_schema` reports them
    /// (binary precision for integers and floats, as PostgreSQL does).
    pub fn facts(&self) -> TypeFacts {
        let numeric = |precision: i32, radix: i32, scale: Option<i32>| TypeFacts {
            character_maximum_length: None,
            numeric_precision: Some(precision),
            numeric_precision_radix: Some(radix),
            numeric_scale: scale,
            datetime_precision: None,
        };
        let other = |length: Option<i32>, datetime: Option<i32>| TypeFacts {
            character_maximum_length: length,
            numeric_precision: None,
            numeric_precision_radix: None,
            numeric_scale: None,
            datetime_precision: datetime,
        };
        match self {
            SqlType::SmallInt => numeric(16, 2, Some(0)),
            SqlType::Integer => numeric(32, 2, Some(0)),
            SqlType::BigInt => numeric(64, 2, Some(0)),
            SqlType::Decimal { precision, scale } => numeric(*precision as i32, 10, Some(*scale as i32)),
            SqlType::Real => numeric(24, 2, None),
            SqlType::Double => numeric(53, 2, None),
            SqlType::Boolean => other(None, None),
            SqlType::Char(n) | SqlType::Varchar(n) => other(Some(*n as i32), None),
            SqlType::Date => other(None, Some(0)),
            SqlType::Timestamp | SqlType::TimestampTz => other(None, Some(6)),
        }
    }

    /// `pg_type.oid` of the type.
    pub fn pg_oid(&self) -> i32 {
        match self {
            SqlType::SmallInt => 21,
            SqlType::Integer => 23,
            SqlType::BigInt => 20,
            SqlType::Decimal { .. } => 1700,
            SqlType::Real => 700,
            SqlType::Double => 701,
            SqlType::Boolean => 16,
            SqlType::Char(_) => 1042,
            SqlType::Varchar(_) => 1043,
            SqlType::Date => 1082,
            SqlType::Timestamp => 1114,
            SqlType::TimestampTz => 1184,
        }
    }

    /// `pg_type.typlen`: bytes of a fixed-width value, -1 for variable width.
    pub fn pg_len(&self) -> i16 {
        match self {
            SqlType::Boolean => 1,
            SqlType::SmallInt => 2,
            SqlType::Integer | SqlType::Real | SqlType::Date => 4,
            SqlType::BigInt | SqlType::Double | SqlType::Timestamp | SqlType::TimestampTz => 8,
            SqlType::Decimal { .. } | SqlType::Char(_) | SqlType::Varchar(_) => -1,
        }
    }

    /// `atttypmod`: length + 4 for character types, (precision << 16 | scale) + 4 for NUMERIC.
    pub fn pg_typmod(&self) -> i32 {
        match self {
            SqlType::Char(n) | SqlType::Varchar(n) => *n as i32 + 4,
            SqlType::Decimal { precision, scale } => ((*precision as i32) << 16 | *scale as i32) + 4,
            _ => -1,
        }
    }
}

fn custom_type(name: &str, modifiers: &[String]) -> Result<SqlType> {
    let length = |default: u32, max: u32| -> Result<u32> {
        match modifiers.first() {
            None => Ok(default),
            Some(m) if m.eq_ignore_ascii_case("max") => Ok(max),
            Some(m) => check_length(m.parse().map_err(|_| err!(SYNTAX_ERROR, "invalid length {m}"))?, max),
        }
    };
    Ok(match name {
        "int2" => SqlType::SmallInt,
        "int4" => SqlType::Integer,
        "int8" => SqlType::BigInt,
        "float4" => SqlType::Real,
        "float8" => SqlType::Double,
        "bool" => SqlType::Boolean,
        "bpchar" | "nchar" => SqlType::Char(length(1, MAX_CHAR_LENGTH)?),
        "nvarchar" | "character varying" => SqlType::Varchar(length(DEFAULT_VARCHAR_LENGTH, MAX_VARCHAR_LENGTH)?),
        "timestamptz" => SqlType::TimestampTz,
        "timestamp" => SqlType::Timestamp,
        _ => return Err(err!(UNDEFINED_OBJECT, "type \"{name}\" does not exist")),
    })
}

fn check_length(n: u64, max: u32) -> Result<u32> {
    if n == 0 || n > max as u64 {
        return Err(err!(INVALID_PARAMETER_VALUE, "length for type must be between 1 and {max}"));
    }
    Ok(n as u32)
}

fn char_length(len: Option<&CharacterLength>, default: u32, max: u32) -> Result<u32> {
    match len {
        None => Ok(default),
        Some(CharacterLength::Max) => Ok(max),
        Some(CharacterLength::IntegerLength { length, .. }) => check_length(*length, max),
    }
}

fn decimal(info: &ExactNumberInfo) -> Result<SqlType> {
    let (precision, scale) = match info {
        ExactNumberInfo::None => (DEFAULT_DECIMAL_PRECISION as u64, 0),
        ExactNumberInfo::Precision(p) => (*p, 0),
        ExactNumberInfo::PrecisionAndScale(p, s) => (*p, *s),
    };
    if precision == 0 || precision > MAX_DECIMAL_PRECISION as u64 {
        return Err(err!(
            INVALID_PARAMETER_VALUE,
            "NUMERIC precision {precision} must be between 1 and {MAX_DECIMAL_PRECISION}"
        ));
    }
    let scale = u64::try_from(scale).unwrap_or(u64::MAX);
    if scale > precision {
        return Err(err!(INVALID_PARAMETER_VALUE, "NUMERIC scale {scale} must be between 0 and precision {precision}"));
    }
    Ok(SqlType::Decimal { precision: precision as u8, scale: scale as u8 })
}

impl fmt::Display for SqlType {
    /// The canonical Redshift spelling, which is also how the catalog stores the type.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SqlType::Decimal { precision, scale } => write!(f, "numeric({precision},{scale})"),
            SqlType::Char(n) => write!(f, "character({n})"),
            SqlType::Varchar(n) => write!(f, "character varying({n})"),
            other => f.write_str(other.pg_name()),
        }
    }
}

impl FromStr for SqlType {
    type Err = crate::error::Error;

    /// Parses the catalog's stored spelling (the `Display` form).
    fn from_str(s: &str) -> Result<Self> {
        let (name, args) = match s.find('(') {
            Some(i) => (&s[..i], s[i + 1..].trim_end_matches(')')),
            None => (s, ""),
        };
        let nums: Vec<u32> = args.split(',').filter_map(|a| a.trim().parse().ok()).collect();
        let arg =
            |i: usize| nums.get(i).copied().ok_or_else(|| err!(DATA_CORRUPTED, "catalog holds a malformed type {s:?}"));
        Ok(match name {
            "numeric" => SqlType::Decimal { precision: arg(0)? as u8, scale: arg(1)? as u8 },
            "character" => SqlType::Char(arg(0)?),
            "character varying" => SqlType::Varchar(arg(0)?),
            "smallint" => SqlType::SmallInt,
            "integer" => SqlType::Integer,
            "bigint" => SqlType::BigInt,
            "real" => SqlType::Real,
            "double precision" => SqlType::Double,
            "boolean" => SqlType::Boolean,
            "date" => SqlType::Date,
            "timestamp without time zone" => SqlType::Timestamp,
            "timestamp with time zone" => SqlType::TimestampTz,
            _ => return Err(err!(DATA_CORRUPTED, "catalog holds an unknown type {s:?}")),
        })
    }
}

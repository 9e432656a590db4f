//! One error type for the whole engine: every failure a user can see carries a PostgreSQL SQLSTATE,
//! a message they can act on, and optionally the character position in the statement.

use datafusion::arrow::error::ArrowError;
use datafusion::error::DataFusionError;
use std::fmt;

/// Result alias used throughout the engine.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// SQLSTATE codes Redwood raises (PostgreSQL's names, as Redshift clients expect them).
pub mod sqlstate {
    pub const SUCCESSFUL_COMPLETION: &str = "00000";
    pub const FEATURE_NOT_SUPPORTED: &str = "0A000";
    pub const STRING_DATA_RIGHT_TRUNCATION: &str = "22001";
    pub const NUMERIC_VALUE_OUT_OF_RANGE: &str = "22003";
    pub const INVALID_DATETIME_FORMAT: &str = "22007";
    pub const DATETIME_FIELD_OVERFLOW: &str = "22008";
    pub const DIVISION_BY_ZERO: &str = "22012";
    pub const INVALID_PARAMETER_VALUE: &str = "22023";
    pub const INVALID_TEXT_REPRESENTATION: &str = "22P02";
    pub const DATA_EXCEPTION: &str = "22000";
    pub const NOT_NULL_VIOLATION: &str = "23502";
    pub const NULL_VALUE_NOT_ALLOWED: &str = "22004";
    pub const ACTIVE_SQL_TRANSACTION: &str = "25001";
    pub const NO_ACTIVE_SQL_TRANSACTION: &str = "25P01";
    pub const READ_ONLY_SQL_TRANSACTION: &str = "25006";
    pub const IN_FAILED_SQL_TRANSACTION: &str = "25P02";
    pub const INVALID_SAVEPOINT_SPECIFICATION: &str = "3B001";
    pub const INVALID_CURSOR_NAME: &str = "34000";
    pub const CANT_CHANGE_RUNTIME_PARAM: &str = "55P02";
    pub const DUPLICATE_CURSOR: &str = "42P03";
    pub const DEPENDENT_OBJECTS_STILL_EXIST: &str = "2BP01";
    pub const SERIALIZATION_FAILURE: &str = "40001";
    pub const SYNTAX_ERROR: &str = "42601";
    pub const INVALID_NAME: &str = "42602";
    pub const UNDEFINED_COLUMN: &str = "42703";
    pub const UNDEFINED_TABLE: &str = "42P01";
    pub const UNDEFINED_SCHEMA: &str = "3F000";
    pub const UNDEFINED_OBJECT: &str = "42704";
    pub const UNDEFINED_FUNCTION: &str = "42883";
    pub const DUPLICATE_TABLE: &str = "42P07";
    pub const DUPLICATE_SCHEMA: &str = "42P06";
    pub const DUPLICATE_COLUMN: &str = "42701";
    pub const DUPLICATE_OBJECT: &str = "42710";
    pub const INSUFFICIENT_PRIVILEGE: &str = "42501";
    pub const INVALID_GRANT_OPERATION: &str = "0LP01";
    pub const OBJECT_IN_USE: &str = "55006";
    pub const PROTOCOL_VIOLATION: &str = "08P01";
    pub const CONNECTION_FAILURE: &str = "08006";
    pub const CANNOT_CONNECT: &str = "08001";
    pub const INVALID_AUTHORIZATION: &str = "28000";
    pub const INVALID_PASSWORD: &str = "28P01";
    pub const INVALID_CATALOG_NAME: &str = "3D000";
    pub const TOO_MANY_CONNECTIONS: &str = "53300";
    pub const CHARACTER_NOT_IN_REPERTOIRE: &str = "22021";
    pub const BAD_COPY_FILE_FORMAT: &str = "22P04";
    pub const DATATYPE_MISMATCH: &str = "42804";
    pub const INVALID_TABLE_DEFINITION: &str = "42P16";
    pub const WRONG_OBJECT_TYPE: &str = "42809";
    pub const INVALID_COLUMN_DEFINITION: &str = "42611";
    pub const AMBIGUOUS_COLUMN: &str = "42702";
    pub const GROUPING_ERROR: &str = "42803";
    pub const OUT_OF_MEMORY: &str = "53200";
    pub const DISK_FULL: &str = "53100";
    pub const QUERY_CANCELED: &str = "57014";
    pub const OBJECT_NOT_IN_PREREQUISITE_STATE: &str = "55000";
    pub const IO_ERROR: &str = "58030";
    pub const UNDEFINED_FILE: &str = "58P01";
    pub const DUPLICATE_FILE: &str = "58P02";
    pub const DATA_CORRUPTED: &str = "XX001";
    pub const INTERNAL_ERROR: &str = "XX000";
}

/// An error a user sees: SQLSTATE, message and where in the statement it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub sqlstate: &'static str,
    pub message: String,
    /// 1-based character position in the statement text, as in PostgreSQL's `P` field.
    pub position: Option<usize>,
    pub detail: Option<String>,
    pub hint: Option<String>,
}

impl Error {
    pub fn new(sqlstate: &'static str, message: impl Into<String>) -> Self {
        Self { sqlstate, message: message.into(), position: None, detail: None, hint: None }
    }
    pub fn with_position(mut self, position: usize) -> Self {
        self.position = Some(position);
        self
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
    pub fn syntax(message: impl Into<String>) -> Self {
        Self::new(sqlstate::SYNTAX_ERROR, message)
    }
    pub fn not_supported(message: impl Into<String>) -> Self {
        Self::new(sqlstate::FEATURE_NOT_SUPPORTED, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(sqlstate::INTERNAL_ERROR, message)
    }
    pub fn undefined_table(name: impl fmt::Display) -> Self {
        Self::new(sqlstate::UNDEFINED_TABLE, format!("relation \"{name}\" does not exist"))
    }
    pub fn undefined_column(column: impl fmt::Display, table: impl fmt::Display) -> Self {
        Self::new(sqlstate::UNDEFINED_COLUMN, format!("column \"{column}\" of relation \"{table}\" does not exist"))
    }
    pub fn io(context: impl fmt::Display, err: std::io::Error) -> Self {
        let state = match err.raw_os_error() {
            Some(28) => sqlstate::DISK_FULL, // ENOSPC
            _ => sqlstate::IO_ERROR,
        };
        Self::new(state, format!("{context}: {err}"))
    }
    /// Wraps this error so it can travel through DataFusion and come back out unchanged.
    pub fn into_datafusion(self) -> DataFusionError {
        DataFusionError::External(Box::new(self))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for Error {}

impl From<DataFusionError> for Error {
    fn from(err: DataFusionError) -> Self {
        from_datafusion(err)
    }
}

impl From<ArrowError> for Error {
    fn from(err: ArrowError) -> Self {
        from_arrow(&err)
    }
}

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        Error::new(sqlstate::IO_ERROR, format!("catalog store: {err}"))
    }
}

impl From<datafusion::parquet::errors::ParquetError> for Error {
    fn from(err: datafusion::parquet::errors::ParquetError) -> Self {
        Error::new(sqlstate::DATA_CORRUPTED, format!("data file: {err}"))
    }
}

fn from_arrow(err: &ArrowError) -> Error {
    use sqlstate::*;
    let (state, message) = match err {
        ArrowError::DivideByZero => (DIVISION_BY_ZERO, "division by zero".to_string()),
        ArrowError::ArithmeticOverflow(m) => (NUMERIC_VALUE_OUT_OF_RANGE, m.clone()),
        ArrowError::CastError(m) | ArrowError::ParseError(m) => (cast_sqlstate(m), m.clone()),
        ArrowError::InvalidArgumentError(m) if m.contains("too large to store in a Decimal") => {
            (NUMERIC_VALUE_OUT_OF_RANGE, m.clone())
        }
        ArrowError::ExternalError(inner) => {
            if let Some(e) = inner.downcast_ref::<Error>() {
                return e.clone();
            }
            if let Some(e) = inner.downcast_ref::<DataFusionError>() {
                return from_datafusion_ref(e);
            }
            (INTERNAL_ERROR, inner.to_string())
        }
        ArrowError::MemoryError(m) => (OUT_OF_MEMORY, m.clone()),
        ArrowError::IoError(m, _) => (IO_ERROR, m.clone()),
        other => (INTERNAL_ERROR, other.to_string()),
    };
    Error::new(state, message)
}

/// A failed conversion says "out of range" when the value parsed but does not fit.
fn cast_sqlstate(message: &str) -> &'static str {
    let lower = message.to_ascii_lowercase();
    if lower.contains("overflow")
        || lower.contains("out of range")
        || lower.contains("too large")
        || lower.contains("can't cast value")
    {
        sqlstate::NUMERIC_VALUE_OUT_OF_RANGE
    } else if (lower.contains("date") || lower.contains("timestamp")) && quotes_a_date(message) {
        // Well-formed but impossible, like 2024-02-30.
        sqlstate::DATETIME_FIELD_OVERFLOW
    } else if lower.contains("date") || lower.contains("timestamp") {
        sqlstate::INVALID_DATETIME_FORMAT
    } else {
        sqlstate::INVALID_TEXT_REPRESENTATION
    }
}

/// Whether the first quoted value in the message has the shape of a date (`YYYY-MM-DD…`).
fn quotes_a_date(message: &str) -> bool {
    let Some(value) = message.split('\'').nth(1) else { return false };
    let parts: Vec<&str> = value.get(..10).unwrap_or("").split('-').collect();
    parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn from_datafusion(err: DataFusionError) -> Error {
    from_datafusion_ref(&err)
}

fn from_datafusion_ref(err: &DataFusionError) -> Error {
    use sqlstate::*;
    match err {
        DataFusionError::External(inner) => {
            if let Some(e) = inner.downcast_ref::<Error>() {
                return e.clone();
            }
            if let Some(e) = inner.downcast_ref::<ArrowError>() {
                return from_arrow(e);
            }
            // A compute node that went away, or could not be reached, during a query.
            if let Some(status) = inner.downcast_ref::<tonic::Status>() {
                return lost_compute_node(status.message());
            }
            unexpected(&inner.to_string())
        }
        DataFusionError::ArrowError(e, _) => from_arrow(e),
        DataFusionError::Context(_, inner) | DataFusionError::Diagnostic(_, inner) => from_datafusion_ref(inner),
        DataFusionError::Shared(inner) => from_datafusion_ref(inner),
        DataFusionError::Collection(errs) if !errs.is_empty() => from_datafusion_ref(&errs[0]),
        DataFusionError::SQL(e, _) => Error::syntax(e.to_string()),
        DataFusionError::SchemaError(e, _) => {
            use datafusion::common::SchemaError;
            match e.as_ref() {
                SchemaError::FieldNotFound { field, .. } => {
                    Error::new(UNDEFINED_COLUMN, format!("column \"{}\" does not exist", field.name))
                }
                SchemaError::AmbiguousReference { field } => {
                    Error::new(AMBIGUOUS_COLUMN, format!("column reference \"{}\" is ambiguous", field.name))
                }
                SchemaError::DuplicateQualifiedField { .. } | SchemaError::DuplicateUnqualifiedField { .. } => {
                    Error::new(DUPLICATE_COLUMN, e.to_string())
                }
            }
        }
        DataFusionError::Plan(m) => plan_error(m),
        DataFusionError::NotImplemented(m) => Error::not_supported(m.clone()),
        DataFusionError::ResourcesExhausted(m) => Error::new(OUT_OF_MEMORY, m.clone()),
        DataFusionError::IoError(e) => Error::new(IO_ERROR, e.to_string()),
        DataFusionError::ParquetError(e) => Error::new(DATA_CORRUPTED, format!("data file: {e}")),
        DataFusionError::Execution(m) => execution_error(m),
        DataFusionError::ExecutionJoin(e) => Error::internal(e.to_string()),
        other => unexpected(&other.to_string()),
    }
}

fn plan_error(message: &str) -> Error {
    use sqlstate::*;
    let lower = message.to_ascii_lowercase();
    if let Some(name) = message.strip_prefix("table '").and_then(|r| r.strip_suffix("' not found")) {
        let name = name.rsplit('.').next().unwrap_or(name);
        return Error::undefined_table(name);
    }
    let state = if lower.contains("non-boolean") {
        DATATYPE_MISMATCH
    } else if lower.contains("invalid function") || lower.contains("no function matches") {
        UNDEFINED_FUNCTION
    } else if lower.contains("must appear in the group by") || lower.contains("group by") {
        GROUPING_ERROR
    } else if lower.contains("cannot be cast") || lower.contains("coercion") || lower.contains("no matching") {
        DATATYPE_MISMATCH
    } else if lower.contains("divide by zero") {
        DIVISION_BY_ZERO
    } else {
        SYNTAX_ERROR
    };
    Error::new(state, message.to_string())
}

fn lost_compute_node(detail: &str) -> Error {
    Error::new(
        sqlstate::CONNECTION_FAILURE,
        format!("lost the connection to a compute node ({detail}); the query was cancelled, nothing was changed"),
    )
}

/// datafusion-distributed reports a node it cannot reach as a gRPC status, often in text.
fn names_lost_node(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    [
        "tcp connect error",
        "transport error",
        "service is currently unavailable",
        "error connecting to distributed datafusion worker",
        "broken pipe",
        "connection reset",
    ]
    .iter()
    .any(|signal| lower.contains(signal))
}

/// An error DataFusion did not classify: a lost compute node, or an internal error.
fn unexpected(message: &str) -> Error {
    match names_lost_node(message) {
        true => lost_compute_node(message.split(", source:").next().unwrap_or(message)),
        false => Error::internal(message.to_string()),
    }
}

fn execution_error(message: &str) -> Error {
    if names_lost_node(message) {
        return unexpected(message);
    }
    let lower = message.to_ascii_lowercase();
    let state = if lower.contains("divide by zero") || lower.contains("division by zero") {
        sqlstate::DIVISION_BY_ZERO
    } else if lower.contains("overflow") {
        sqlstate::NUMERIC_VALUE_OUT_OF_RANGE
    } else if lower.contains("user-defined coercion failed") {
        // A function called with arguments of types it does not take.
        sqlstate::UNDEFINED_FUNCTION
    } else if lower.contains("cast") || lower.contains("parse") {
        cast_sqlstate(message)
    } else {
        sqlstate::INTERNAL_ERROR
    };
    Error::new(state, message.to_string())
}

/// Builds an [`Error`] with a formatted message: `err!(SYNTAX_ERROR, "bad {}", x)`.
#[macro_export]
macro_rules! err {
    ($state:ident, $($arg:tt)*) => {
        $crate::error::Error::new($crate::error::sqlstate::$state, format!($($arg)*))
    };
}

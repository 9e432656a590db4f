//! One client API for both ways of reaching Redwood: a [`Connection`] is either *embedded* (the
//! whole cluster in this process: `:memory:` or a directory) or *remote* (a `redwood serve`, or
//! any PostgreSQL-wire server, over the wire protocol). Queries, prepared statements with `$n`
//! parameters, results as Arrow record batches, errors with SQLSTATEs, cancel and metadata behave
//! the same either way; the C ABI (`ffi`) and the ODBC, JDBC and Python faces sit on it.
//!
//! The API is blocking: callers are C, Java and Python threads. Work runs on one runtime
//! ([`crate::runtime::CLIENT`]). A connection is used from one thread at a time (it is `Send`);
//! its [`CancelHandle`] may be used from any thread.
//!
//! Results have the types the wire carries (the endpoint's mapping of Arrow types to PostgreSQL
//! types and back), so both modes give identical batches: integers of 16/32/64 bits, REAL,
//! DOUBLE PRECISION, `Decimal128(p, s)` for NUMERIC, UTF-8 text (CHAR/VARCHAR columns name their
//! type in the field's `redwood.type` metadata), BOOLEAN, `Date32`, `Timestamp(µs)` with time
//! zone `+00:00` for TIMESTAMPTZ, `Time64(µs)`, `Interval(MonthDayNano)`. Every column is
//! reported nullable: the wire protocol does not say otherwise.

mod column_kind;
mod embedded;
mod escapes;
mod guard;
mod metadata;
mod placeholders;
mod remote;
pub mod tls;

pub use column_kind::ColumnKind;
pub use escapes::translate_escapes;
pub use guard::catch_panic;
pub use metadata::{renamed, Filter, MetadataRow, MetadataRows, Name, ResultBuilder, TypeInfo, TYPE_INFO};
pub use placeholders::{numbered_placeholders, Numbered, ParamStyle};

use crate::err;
use crate::error::{Error, Result};
use datafusion::arrow::array::{ArrayRef, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use std::sync::Arc;

/// Rows per record batch of a remote result.
pub const BATCH_ROWS: usize = 8192;

/// Where a connection goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `:memory:` or a directory.
    Embedded(String),
    Remote(RemoteTarget),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteTarget {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: Option<String>,
    pub database: String,
    pub tls: tls::TlsSettings,
}

/// Redshift's port.
pub const DEFAULT_PORT: u16 = 5439;

impl Target {
    /// `:memory:`, a path, or `redwood://user:password@host:port/database` (also `postgres://`
    /// and `postgresql://`) with optional `?sslmode=…&sslrootcert=…` (see [`tls`]); `user` and
    /// `password` fill in what the URL leaves out.
    pub fn parse(target: &str, user: Option<&str>, password: Option<&str>) -> Result<Target> {
        let Some((scheme, _)) = target.split_once("://") else {
            if target.is_empty() {
                return Err(err!(
                    INVALID_PARAMETER_VALUE,
                    "empty database target: give :memory:, a directory or a redwood:// URL"
                ));
            }
            return Ok(Target::Embedded(target.to_string()));
        };
        if !matches!(scheme, "redwood" | "postgres" | "postgresql") {
            return Err(err!(
                INVALID_PARAMETER_VALUE,
                "unknown URL scheme \"{scheme}\": use redwood://, postgres:// or postgresql://"
            ));
        }
        let url =
            url::Url::parse(target).map_err(|e| err!(INVALID_PARAMETER_VALUE, "invalid URL \"{target}\": {e}"))?;
        let decode = |s: &str| percent_decode(s);
        let host = url.host_str().filter(|h| !h.is_empty()).unwrap_or("localhost").trim_matches(['[', ']']).to_string();
        let url_user = (!url.username().is_empty()).then(|| decode(url.username()));
        let user = url_user.or_else(|| user.map(str::to_string)).ok_or_else(|| {
            err!(INVALID_PARAMETER_VALUE, "no user: put it in the URL (redwood://user@host/dev) or pass it")
        })?;
        let password = url.password().map(decode).or_else(|| password.map(str::to_string));
        let database = url.path().trim_start_matches('/');
        let database =
            if database.is_empty() { crate::catalog::DEFAULT_DATABASE.to_string() } else { decode(database) };
        let mut tls = tls::TlsSettings::default();
        for (key, value) in url.query_pairs() {
            match key.as_ref() {
                "sslmode" => tls.mode = tls::SslMode::parse(&value)?,
                "sslrootcert" if value == "system" => tls.root_certs = Some(tls::RootCerts::System),
                "sslrootcert" => tls.root_certs = Some(tls::RootCerts::File(value.as_ref().into())),
                other => return Err(err!(INVALID_PARAMETER_VALUE, "unknown connection parameter \"{other}\"")),
            }
        }
        Ok(Target::Remote(RemoteTarget {
            host,
            port: url.port().unwrap_or(DEFAULT_PORT),
            user,
            password,
            database,
            tls,
        }))
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// How to open a connection besides its target.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// For remote targets whose URL names no user or password.
    pub user: Option<String>,
    pub password: Option<String>,
    /// For embedded targets: the layout of a new database.
    pub config: crate::Config,
}

/// A value bound to a `$n` parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int64(i64),
    Double(f64),
    Text(String),
    /// A decimal number written out (`-12.50`), bound exactly.
    Decimal(String),
    /// Days since 1970-01-01.
    Date(i32),
    /// Microseconds since 1970-01-01 00:00:00 (no time zone).
    Timestamp(i64),
}

impl Value {
    /// The value as PostgreSQL's text format writes it (`None` for NULL): how both modes bind it.
    pub fn to_text(&self) -> Option<String> {
        Some(match self {
            Value::Null => return None,
            Value::Bool(b) => (if *b { "true" } else { "false" }).to_string(),
            Value::Int64(v) => v.to_string(),
            Value::Double(v) if v.is_nan() => "NaN".to_string(),
            Value::Double(v) if v.is_infinite() => (if *v > 0.0 { "Infinity" } else { "-Infinity" }).to_string(),
            Value::Double(v) => v.to_string(),
            Value::Text(s) | Value::Decimal(s) => s.clone(),
            Value::Date(days) => chrono::DateTime::from_timestamp(*days as i64 * 86_400, 0)
                .map(|d| d.date_naive().format("%Y-%m-%d").to_string())
                .ok_or_else(|| err!(DATETIME_FIELD_OVERFLOW, "date out of range: {days} days"))
                .unwrap_or_default(),
            Value::Timestamp(micros) => crate::sql::datetime::format_timestamp(*micros, None),
        })
    }

    /// The type a value declares for its parameter (`None`: text and NULL, whose type the
    /// statement decides).
    pub fn declared_type(&self) -> Option<DataType> {
        match self {
            Value::Null | Value::Text(_) => None,
            Value::Bool(_) => Some(DataType::Boolean),
            Value::Int64(_) => Some(DataType::Int64),
            Value::Double(_) => Some(DataType::Float64),
            // Left to the statement, as an untyped numeric literal (NUMERIC where nothing decides).
            Value::Decimal(_) => None,
            Value::Date(_) => Some(DataType::Date32),
            Value::Timestamp(_) => Some(DataType::Timestamp(datafusion::arrow::datatypes::TimeUnit::Microsecond, None)),
        }
    }

    fn check(&self) -> Result<()> {
        match self {
            Value::Decimal(s) if s.trim().parse::<f64>().is_err() => {
                Err(err!(INVALID_TEXT_REPRESENTATION, "invalid input syntax for type numeric: \"{s}\""))
            }
            Value::Date(days) if chrono::DateTime::from_timestamp(*days as i64 * 86_400, 0).is_none() => {
                Err(err!(DATETIME_FIELD_OVERFLOW, "date out of range: {days} days"))
            }
            _ => Ok(()),
        }
    }
}

/// What a statement produced.
pub enum QueryResult {
    Rows(Rows),
    /// A command with its tag (`INSERT 0 5`, `CREATE TABLE`) and the rows it affected, if counted.
    Command {
        tag: String,
        rows: Option<u64>,
    },
}

impl QueryResult {
    /// Reads every row (for small results and tests).
    pub fn collect(self) -> Result<(SchemaRef, Vec<RecordBatch>)> {
        match self {
            QueryResult::Rows(mut rows) => {
                let mut batches = vec![];
                while let Some(batch) = rows.next_batch()? {
                    batches.push(batch);
                }
                Ok((rows.schema(), batches))
            }
            QueryResult::Command { tag, .. } => Err(err!(INVALID_PARAMETER_VALUE, "{tag} returns no rows")),
        }
    }
}

/// The rows of a query, read a batch at a time. They do not hold the connection: it can run
/// other statements (and a remote server queues them) while these are read.
pub struct Rows {
    schema: SchemaRef,
    /// A batch handed back by [`Rows::unread`], read again first.
    unread: Option<RecordBatch>,
    source: RowSource,
}

enum RowSource {
    Embedded(embedded::EmbeddedRows),
    Remote(remote::RemoteRows),
    /// Rows read before the call returned.
    Batches(std::vec::IntoIter<RecordBatch>),
    Done,
}

impl Rows {
    fn new(schema: SchemaRef, source: RowSource) -> Rows {
        Rows { schema, unread: None, source }
    }

    pub fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }

    /// The next batch, `None` after the last (and on every later call).
    pub fn next_batch(&mut self) -> Result<Option<RecordBatch>> {
        if let Some(batch) = self.unread.take() {
            return Ok(Some(batch));
        }
        let next = match &mut self.source {
            RowSource::Embedded(rows) => rows.next_batch(&self.schema),
            RowSource::Remote(rows) => rows.next_batch(&self.schema),
            RowSource::Batches(batches) => Ok(batches.next()),
            RowSource::Done => Ok(None),
        };
        if !matches!(next, Ok(Some(_))) {
            self.source = RowSource::Done;
        }
        next
    }
}

impl Iterator for Rows {
    type Item = Result<RecordBatch>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_batch().transpose()
    }
}

impl Rows {
    /// Puts back rows not consumed (the rest of a batch a caller read partly), to be read
    /// again before the others.
    pub fn unread(&mut self, batch: RecordBatch) {
        debug_assert!(self.unread.is_none(), "one batch is put back at a time");
        if batch.num_rows() > 0 {
            self.unread = Some(batch);
        }
    }

    /// The rows as an Arrow C stream, for zero-copy consumers (pyarrow, DuckDB, nanoarrow).
    pub fn into_arrow_stream(self) -> datafusion::arrow::ffi_stream::FFI_ArrowArrayStream {
        datafusion::arrow::ffi_stream::FFI_ArrowArrayStream::new(Box::new(RowsReader(self)))
    }
}

/// Rows as Arrow's batch reader.
struct RowsReader(Rows);

impl Iterator for RowsReader {
    type Item = std::result::Result<RecordBatch, datafusion::arrow::error::ArrowError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|batch| batch.map_err(|e| datafusion::arrow::error::ArrowError::ExternalError(Box::new(e))))
    }
}

impl datafusion::arrow::array::RecordBatchReader for RowsReader {
    fn schema(&self) -> SchemaRef {
        self.0.schema()
    }
}

impl ColumnKind {
    /// Every kind, in code order (the drivers' tests check their copies of the codes against it).
    pub const ALL: [ColumnKind; 18] = [
        ColumnKind::Boolean,
        ColumnKind::Smallint,
        ColumnKind::Integer,
        ColumnKind::Bigint,
        ColumnKind::Real,
        ColumnKind::Double,
        ColumnKind::Decimal,
        ColumnKind::Varchar,
        ColumnKind::Char,
        ColumnKind::Text,
        ColumnKind::Date,
        ColumnKind::Timestamp,
        ColumnKind::Timestamptz,
        ColumnKind::Time,
        ColumnKind::Interval,
        ColumnKind::Bytea,
        ColumnKind::Array,
        ColumnKind::Other,
    ];
}

/// A result column's type: its kind, precision (digits of a number, bits of an integer, length
/// of CHAR/VARCHAR; -1 when none) and scale (fractional digits; -1 when none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnType {
    pub kind: ColumnKind,
    pub precision: i32,
    pub scale: i32,
}

impl ColumnType {
    /// The type of a column of a result's schema.
    pub fn of(field: &Field) -> ColumnType {
        use crate::types::SqlType;
        use datafusion::arrow::datatypes::DataType;
        let declared = crate::leader::origins::field_type(field);
        let (kind, precision, scale) = match (field.data_type(), declared) {
            (DataType::Utf8, Some(SqlType::Varchar(n))) => (ColumnKind::Varchar, n as i32, -1),
            (DataType::Utf8, Some(SqlType::Char(n))) => (ColumnKind::Char, n as i32, -1),
            (DataType::Utf8, _) => (ColumnKind::Text, -1, -1),
            (DataType::Boolean, _) => (ColumnKind::Boolean, -1, -1),
            (DataType::Int16, _) => (ColumnKind::Smallint, 16, 0),
            (DataType::Int32, _) => (ColumnKind::Integer, 32, 0),
            (DataType::Int64, _) => (ColumnKind::Bigint, 64, 0),
            (DataType::Float32, _) => (ColumnKind::Real, 24, -1),
            (DataType::Float64, _) => (ColumnKind::Double, 53, -1),
            (DataType::Decimal128(p, s), _) => (ColumnKind::Decimal, *p as i32, *s as i32),
            (DataType::Date32, _) => (ColumnKind::Date, -1, -1),
            (DataType::Timestamp(_, None), _) => (ColumnKind::Timestamp, -1, 6),
            (DataType::Timestamp(_, Some(_)), _) => (ColumnKind::Timestamptz, -1, 6),
            (DataType::Time64(_), _) => (ColumnKind::Time, -1, 6),
            (DataType::Interval(_), _) => (ColumnKind::Interval, -1, 6),
            (DataType::Binary, _) => (ColumnKind::Bytea, -1, -1),
            (DataType::List(_), _) => (ColumnKind::Array, -1, -1),
            _ => (ColumnKind::Other, -1, -1),
        };
        ColumnType { kind, precision, scale }
    }

    /// PostgreSQL's type OID for it (what psycopg and redshift_connector report as type codes).
    pub fn pg_oid(&self) -> u32 {
        match self.kind {
            ColumnKind::Boolean => 16,
            ColumnKind::Smallint => 21,
            ColumnKind::Integer => 23,
            ColumnKind::Bigint => 20,
            ColumnKind::Real => 700,
            ColumnKind::Double => 701,
            ColumnKind::Decimal => 1700,
            ColumnKind::Varchar => 1043,
            ColumnKind::Char => 1042,
            ColumnKind::Text | ColumnKind::Other => 25,
            ColumnKind::Date => 1082,
            ColumnKind::Timestamp => 1114,
            ColumnKind::Timestamptz => 1184,
            ColumnKind::Time => 1083,
            ColumnKind::Interval => 1186,
            ColumnKind::Bytea => 17,
            ColumnKind::Array => 2277,
        }
    }
}

/// A statement parsed (embedded) or prepared on the server (remote), run any number of times.
pub struct Statement {
    /// Its text (a remote command's tag is read from it).
    sql: String,
    /// One per `$n`.
    pub param_count: usize,
    /// Each parameter's type as the statement uses it (`None`: undecided, sent as text), in the
    /// client's types (what a result column of that type reads as).
    pub param_types: Vec<Option<DataType>>,
    /// The result columns, for statements that return rows.
    pub columns: Option<SchemaRef>,
    inner: StatementKind,
}

enum StatementKind {
    /// With its parameters' types as described.
    Embedded(Box<crate::Prepared>, Vec<Option<DataType>>),
    Remote(tokio_postgres::Statement),
}

/// Stops the query a connection is running, from any thread.
#[derive(Clone)]
pub struct CancelHandle {
    kind: CancelKind,
}

#[derive(Clone)]
enum CancelKind {
    Embedded(embedded::Cancel),
    Remote(remote::Canceller),
}

impl CancelHandle {
    /// The running query (if any) fails with SQLSTATE 57014.
    pub fn cancel(&self) -> Result<()> {
        match &self.kind {
            CancelKind::Embedded(cancel) => {
                cancel.cancel();
                Ok(())
            }
            CancelKind::Remote(canceller) => canceller.cancel(),
        }
    }
}

pub struct Connection {
    kind: Kind,
}

enum Kind {
    Embedded(embedded::EmbeddedConnection),
    Remote(remote::RemoteConnection),
}

impl Connection {
    /// Opens `target` (see [`Target::parse`]).
    pub fn open(target: &str, options: Options) -> Result<Connection> {
        let kind = match Target::parse(target, options.user.as_deref(), options.password.as_deref())? {
            Target::Embedded(path) => Kind::Embedded(embedded::EmbeddedConnection::open(&path, options.config)?),
            Target::Remote(remote) => Kind::Remote(remote::RemoteConnection::open(&remote)?),
        };
        Ok(Connection { kind })
    }

    /// Bulk load: appends Arrow batches to `table` (`name` or `schema.name`), columns by
    /// position, converted to the table's types; all rows or none. Returns the rows added.
    /// Embedded, the batches are written as they are; remote, they go as `COPY … FROM STDIN`.
    pub fn append(&mut self, table: &str, batches: Vec<RecordBatch>) -> Result<u64> {
        let plain = |part: &str| {
            part.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
        };
        let parts: Vec<&str> = table.split('.').collect();
        if parts.len() > 2 || !parts.iter().all(|p| plain(p)) {
            return Err(err!(INVALID_NAME, "invalid table name \"{table}\": give name or schema.name"));
        }
        match &mut self.kind {
            Kind::Embedded(c) => c.append(table, batches),
            Kind::Remote(c) => c.append(table, batches),
        }
    }

    /// An embedded connection to an open database (another session on it).
    pub fn from_database(database: &crate::Database) -> Connection {
        Connection { kind: Kind::Embedded(embedded::EmbeddedConnection::new(database.clone())) }
    }

    pub fn is_remote(&self) -> bool {
        matches!(self.kind, Kind::Remote(_))
    }

    /// Runs SQL: one statement, or several in order (they run as one transaction outside a
    /// transaction block, as in PostgreSQL), giving the last one's result.
    pub fn execute(&mut self, sql: &str) -> Result<QueryResult> {
        match &mut self.kind {
            Kind::Embedded(c) => c.execute(sql),
            Kind::Remote(c) => c.execute(sql),
        }
    }

    /// Prepares one statement with `$1`, `$2`, … parameters.
    pub fn prepare(&mut self, sql: &str) -> Result<Statement> {
        self.prepare_typed(sql, &[])
    }

    /// Prepares a statement declaring its parameters' types (`None`, and parameters beyond
    /// those given, take the type the statement gives them, else text): `SELECT $1` with an
    /// integer declared returns an integer. [`Value::declared_type`] gives a value's.
    pub fn prepare_typed(&mut self, sql: &str, types: &[Option<DataType>]) -> Result<Statement> {
        match &mut self.kind {
            Kind::Embedded(c) => c.prepare(sql, types),
            Kind::Remote(c) => c.prepare(sql, types),
        }
    }

    /// Runs a prepared statement with one value per parameter.
    pub fn execute_prepared(&mut self, statement: &Statement, params: &[Value]) -> Result<QueryResult> {
        if params.len() != statement.param_count {
            return Err(err!(
                PROTOCOL_VIOLATION,
                "the statement takes {} parameters, {} were given",
                statement.param_count,
                params.len()
            ));
        }
        params.iter().try_for_each(Value::check)?;
        match (&mut self.kind, &statement.inner) {
            (Kind::Embedded(c), StatementKind::Embedded(prepared, types)) => {
                c.execute_prepared(prepared, types, params)
            }
            (Kind::Remote(c), StatementKind::Remote(_)) => c.execute_prepared(statement, params),
            _ => Err(err!(INVALID_PARAMETER_VALUE, "the statement was prepared on another connection")),
        }
    }

    pub fn cancel_handle(&self) -> CancelHandle {
        let kind = match &self.kind {
            Kind::Embedded(c) => CancelKind::Embedded(c.cancel_handle()),
            Kind::Remote(c) => CancelKind::Remote(c.canceller()),
        };
        CancelHandle { kind }
    }
}

/// The schema clients see: the wire's types, every column nullable, and only the metadata the
/// wire carries (the CHAR(n)/VARCHAR(n) type of a column).
fn client_schema(schema: &Schema) -> SchemaRef {
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| {
            let data_type = crate::endpoint::encode::wire_arrow_type(f.data_type());
            let mut field = Field::new(f.name(), data_type, true);
            if let Some(sql_type @ (crate::types::SqlType::Char(_) | crate::types::SqlType::Varchar(_))) =
                crate::leader::origins::field_type(f)
            {
                field = with_sql_type(field, sql_type);
            }
            field
        })
        .collect();
    Arc::new(Schema::new(fields))
}

fn with_sql_type(field: Field, sql_type: crate::types::SqlType) -> Field {
    let metadata = [(crate::leader::origins::TYPE_METADATA.to_string(), sql_type.to_string())].into();
    field.with_metadata(metadata)
}

/// A batch with the client schema's types.
fn to_client_batch(batch: &RecordBatch, schema: &SchemaRef) -> Result<RecordBatch> {
    let columns = batch
        .columns()
        .iter()
        .zip(schema.fields())
        .map(|(column, field)| {
            // As the endpoint encodes it, then as the remote client decodes it.
            let column = crate::endpoint::encode::normalise(column)?;
            match column.data_type() == field.data_type() {
                true => Ok(column),
                false => Ok(datafusion::arrow::compute::cast(&column, field.data_type())?),
            }
        })
        .collect::<Result<Vec<ArrayRef>>>()?;
    RecordBatch::try_new(Arc::clone(schema), columns).map_err(Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(Target::parse(":memory:", None, None).unwrap(), Target::Embedded(":memory:".into()));
        assert_eq!(Target::parse("/data/db", None, None).unwrap(), Target::Embedded("/data/db".into()));
        let remote = Target::parse("redwood://ann:p%40ss@db.example:5440/sales", None, None).unwrap();
        assert_eq!(
            remote,
            Target::Remote(RemoteTarget {
                host: "db.example".into(),
                port: 5440,
                user: "ann".into(),
                password: Some("p@ss".into()),
                database: "sales".into(),
                tls: Default::default(),
            })
        );
        let Target::Remote(remote) =
            Target::parse("redwood://u@h/db?sslmode=verify-full&sslrootcert=/ca.pem", None, None).unwrap()
        else {
            panic!()
        };
        assert_eq!(remote.tls.mode, tls::SslMode::VerifyFull);
        assert_eq!(remote.tls.root_certs, Some(tls::RootCerts::File("/ca.pem".into())));
        assert!(Target::parse("redwood://u@h/db?sslmode=on", None, None)
            .unwrap_err()
            .message
            .contains("invalid sslmode"));
        let Target::Remote(remote) = Target::parse("postgres://h", Some("bob"), Some("pw")).unwrap() else { panic!() };
        assert_eq!((remote.port, remote.user.as_str(), remote.database.as_str()), (DEFAULT_PORT, "bob", "dev"));
        assert!(Target::parse("mysql://h/db", Some("u"), None).unwrap_err().message.contains("unknown URL scheme"));
        assert!(Target::parse("redwood://h/db", None, None).unwrap_err().message.contains("no user"));
        assert!(Target::parse("redwood://u@h/db?color=red", None, None)
            .unwrap_err()
            .message
            .contains("unknown connection parameter"));
    }

    #[test]
    fn column_kinds_are_numbered_in_order() {
        for (code, kind) in ColumnKind::ALL.iter().enumerate() {
            assert_eq!(*kind as i32, code as i32, "{kind:?}");
        }
    }

    #[test]
    fn values_as_text() {
        assert_eq!(Value::Date(0).to_text().unwrap(), "1970-01-01");
        assert_eq!(Value::Timestamp(1_500_000).to_text().unwrap(), "1970-01-01 00:00:01.5");
        assert_eq!(Value::Double(f64::NEG_INFINITY).to_text().unwrap(), "-Infinity");
        assert!(Value::Decimal("12.x".into()).check().is_err());
        assert_eq!(Value::Null.to_text(), None);
    }
}

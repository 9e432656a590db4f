//! A remote connection: the PostgreSQL wire protocol (tokio-postgres), results asked for in
//! binary and decoded into Arrow batches of the types [`crate::endpoint::encode::client_arrow_type`]
//! gives, parameters sent in text as the embedded path binds them.

use super::{with_sql_type, QueryResult, RemoteTarget, RowSource, Rows, Statement, StatementKind, Value, BATCH_ROWS};
use crate::err;
use crate::error::{sqlstate, Error, Result};
use crate::runtime::{wait_on, CLIENT};
use crate::types::SqlType;
use datafusion::arrow::array::{
    ArrayBuilder, ArrayRef, BinaryBuilder, BooleanBuilder, Date32Builder, Decimal128Builder, Float32Builder,
    Float64Builder, Int16Builder, Int32Builder, Int64Builder, IntervalMonthDayNanoBuilder, ListBuilder, RecordBatch,
    StringBuilder, Time64MicrosecondBuilder, TimestampMicrosecondBuilder,
};
use datafusion::arrow::datatypes::{DataType, Field, IntervalMonthDayNano, Schema, SchemaRef};
use futures::StreamExt;
use std::sync::Arc;
use tokio_postgres::types::{FromSql, IsNull, ToSql, Type};
use tokio_postgres::{Client, RowStream};
use tokio_postgres_rustls::MakeRustlsConnect;

/// Days from 1970-01-01 (Arrow's epoch) to 2000-01-01 (PostgreSQL's).
const PG_EPOCH_DAYS: i32 = 10_957;
const PG_EPOCH_MICROS: i64 = PG_EPOCH_DAYS as i64 * 86_400_000_000;

pub(super) struct RemoteConnection {
    client: Arc<Client>,
    /// For cancel requests, which open a connection of their own.
    tls: MakeRustlsConnect,
    /// The rows of the last query, while a reader may still want them (see `set_aside_rows`).
    open_rows: Option<std::sync::Weak<tokio::sync::Mutex<OpenRows>>>,
}

/// A tokio-postgres error as Redwood's: the server's SQLSTATE and message, or 08006 when the
/// connection itself failed.
fn wire_error(e: tokio_postgres::Error) -> Error {
    match e.as_db_error() {
        Some(db) => Error::new(sqlstate_of(db.code().code()), db.message().to_string()),
        None if e.is_closed() => err!(CONNECTION_FAILURE, "the server closed the connection"),
        None => err!(CONNECTION_FAILURE, "{}", with_causes(&e)),
    }
}

/// An error and what caused it (tokio-postgres says "error performing TLS handshake" and keeps
/// the reason, such as the certificate's problem, in its source).
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(inner) = cause {
        text = format!("{text}: {inner}");
        cause = inner.source();
    }
    text
}

/// A SQLSTATE the server sent, as the `&'static str` errors carry: each distinct code (five
/// characters, from a finite set) is kept once for the life of the process.
fn sqlstate_of(code: &str) -> &'static str {
    static CODES: std::sync::LazyLock<std::sync::Mutex<std::collections::HashSet<&'static str>>> =
        std::sync::LazyLock::new(Default::default);
    if code.len() != 5 {
        return sqlstate::INTERNAL_ERROR;
    }
    let mut codes = crate::sync::lock(&CODES);
    match codes.get(code) {
        Some(known) => known,
        None => {
            let kept: &'static str = Box::leak(code.to_string().into_boxed_str());
            codes.insert(kept);
            kept
        }
    }
}

impl RemoteConnection {
    pub(super) fn open(target: &RemoteTarget) -> Result<RemoteConnection> {
        let mut config = tokio_postgres::Config::new();
        config
            .host(&target.host)
            .port(target.port)
            .user(&target.user)
            .dbname(&target.database)
            .application_name("redwood-client")
            .ssl_mode(target.tls.wire_mode())
            .connect_timeout(std::time::Duration::from_secs(10));
        if let Some(password) = &target.password {
            config.password(password);
        }
        let address = format!("{}:{}", target.host, target.port);
        let tls = target.tls.connector()?;
        let connector = tls.clone();
        let client = wait_on(&CLIENT, async move {
            let (client, connection) = config.connect(connector).await?;
            tokio::spawn(async move {
                if let Err(e) = connection.await {
                    tracing::warn!("the connection to the server failed: {e}");
                }
            });
            Ok::<_, tokio_postgres::Error>(client)
        })
        .map_err(|e| match e.as_db_error() {
            Some(_) => wire_error(e),
            None => err!(CANNOT_CONNECT, "cannot connect to {address}: {}", with_causes(&e)),
        })?;
        Ok(RemoteConnection { client: Arc::new(client), tls, open_rows: None })
    }

    pub(super) fn canceller(&self) -> Canceller {
        Canceller { token: self.client.cancel_token(), tls: self.tls.clone() }
    }

    /// The server answers requests in order, so the rows of a query not yet read would hold up
    /// every later request: before another, they are read into memory for their reader.
    fn set_aside_rows(&mut self) {
        let Some(open) = self.open_rows.take().and_then(|rows| rows.upgrade()) else { return };
        wait_on(&CLIENT, async move {
            let mut open = open.lock().await;
            while let Some(stream) = open.stream.as_mut() {
                match stream.next().await {
                    Some(Ok(row)) => open.read.push_back(row),
                    Some(Err(e)) => {
                        open.stream = None;
                        open.failure = Some(wire_error(e));
                    }
                    None => open.stream = None,
                }
            }
        });
    }

    pub(super) fn execute(&mut self, sql: &str) -> Result<QueryResult> {
        self.set_aside_rows();
        let statements = split_statements(sql);
        let Some((last, before)) = statements.split_last() else {
            return Ok(QueryResult::Command { tag: "EMPTY".to_string(), rows: None });
        };
        if before.is_empty() {
            let statement = self.prepare(last, &[])?;
            return self.run(&statement, &[]);
        }
        // Several statements run as one transaction, as one message does on the server (and in
        // PostgreSQL): outside a transaction block the client opens one around them, reads the
        // last one's rows, and commits (or rolls back on an error).
        let own_block = !self.in_transaction_block()?;
        let mut sql = before.join(";\n");
        if own_block {
            sql = format!("BEGIN;\n{sql}");
        }
        let result = self.batch_execute(sql).and_then(|()| {
            let statement = self.prepare(last, &[])?;
            match self.run(&statement, &[])? {
                QueryResult::Rows(rows) if own_block => {
                    let schema = rows.schema();
                    let batches = rows.collect::<Result<Vec<_>>>()?;
                    Ok(QueryResult::Rows(Rows::new(schema, RowSource::Batches(batches.into_iter()))))
                }
                other => Ok(other),
            }
        });
        if !own_block {
            return result;
        }
        let ended = self.batch_execute((if result.is_ok() { "COMMIT" } else { "ROLLBACK" }).to_string());
        let result = result?;
        ended.map(|()| result)
    }

    /// Sends the batches as `COPY table FROM STDIN` in PostgreSQL's text format.
    pub(super) fn append(&mut self, table: &str, batches: Vec<RecordBatch>) -> Result<u64> {
        use futures::SinkExt;
        self.set_aside_rows();
        const CHUNK_BYTES: usize = 1 << 20;
        let (client, sql) = (Arc::clone(&self.client), format!("COPY {table} FROM STDIN"));
        wait_on(&CLIENT, async move {
            let options = crate::sql::copy::CopyOptions::text();
            let utc: datafusion::arrow::array::timezone::Tz = "UTC".parse()?;
            let sink = client.copy_in::<_, bytes::Bytes>(&sql).await.map_err(wire_error)?;
            let mut sink = std::pin::pin!(sink);
            let mut chunk = Vec::with_capacity(CHUNK_BYTES);
            for batch in &batches {
                crate::sql::copy::encode_batch(batch, &options, &utc, |line| chunk.extend_from_slice(line))?;
                if chunk.len() >= CHUNK_BYTES {
                    sink.send(bytes::Bytes::from(std::mem::take(&mut chunk))).await.map_err(wire_error)?;
                }
            }
            if !chunk.is_empty() {
                sink.send(bytes::Bytes::from(chunk)).await.map_err(wire_error)?;
            }
            // Dropped unfinished (on an error above), the sink aborts the COPY: nothing is loaded.
            sink.as_mut().finish().await.map_err(wire_error)
        })
    }

    fn batch_execute(&mut self, sql: String) -> Result<()> {
        let client = Arc::clone(&self.client);
        wait_on(&CLIENT, async move { client.batch_execute(&sql).await }).map_err(wire_error)
    }

    /// Whether a transaction block is open (tokio-postgres keeps the server's transaction
    /// status to itself): a SAVEPOINT is refused outside one (25P01) and in a failed one (25P02).
    fn in_transaction_block(&mut self) -> Result<bool> {
        const PROBE: &str = "redwood_client_probe";
        match self.batch_execute(format!("SAVEPOINT {PROBE}")) {
            Ok(()) => self.batch_execute(format!("RELEASE SAVEPOINT {PROBE}")).map(|()| true),
            Err(e) if e.sqlstate == sqlstate::NO_ACTIVE_SQL_TRANSACTION => Ok(false),
            Err(e) if e.sqlstate == sqlstate::IN_FAILED_SQL_TRANSACTION => Ok(true),
            Err(e) => Err(e),
        }
    }

    /// Prepares `sql` on the server, declaring the parameter types given (`None`: the statement
    /// decides, as for parameters beyond those given).
    pub(super) fn prepare(&mut self, sql: &str, types: &[Option<DataType>]) -> Result<Statement> {
        self.set_aside_rows();
        // `unknown` leaves a parameter's type to the server, as an undeclared one.
        let types: Vec<Type> =
            types.iter().map(|t| t.as_ref().map_or(Type::UNKNOWN, crate::endpoint::encode::pg_type)).collect();
        let (client, text) = (Arc::clone(&self.client), sql.to_string());
        let prepared =
            wait_on(&CLIENT, async move { client.prepare_typed(&text, &types).await }).map_err(wire_error)?;
        let columns = (!prepared.columns().is_empty()).then(|| result_schema(&prepared)).transpose()?;
        let param_types = prepared
            .params()
            .iter()
            .map(|t| (*t != Type::UNKNOWN).then(|| crate::endpoint::encode::client_arrow_type(t, -1)).flatten())
            .collect();
        Ok(Statement {
            sql: sql.to_string(),
            param_count: prepared.params().len(),
            param_types,
            columns,
            inner: StatementKind::Remote(prepared),
        })
    }

    pub(super) fn execute_prepared(&mut self, statement: &Statement, params: &[Value]) -> Result<QueryResult> {
        self.set_aside_rows();
        self.run(statement, params)
    }

    fn run(&mut self, statement: &Statement, params: &[Value]) -> Result<QueryResult> {
        let StatementKind::Remote(prepared) = &statement.inner else { unreachable!("a remote statement") };
        let texts: Vec<TextParam> = params.iter().map(|v| TextParam(v.to_text())).collect();
        let (client, prepared_copy) = (Arc::clone(&self.client), prepared.clone());
        let stream =
            wait_on(&CLIENT, async move { client.query_raw(&prepared_copy, texts).await }).map_err(wire_error)?;
        match &statement.columns {
            Some(schema) => {
                let types = prepared.columns().iter().map(|c| c.type_().clone()).collect();
                // The first row (or the end, or the error the statement failed with) is awaited
                // here, so that a statement that cannot run fails here, as it does embedded.
                let (stream, first) = wait_on(&CLIENT, async move {
                    let mut stream = Box::pin(stream);
                    let first = stream.next().await.transpose()?;
                    Ok::<_, tokio_postgres::Error>((first.is_some().then_some(stream), first))
                })
                .map_err(wire_error)?;
                let open = OpenRows { stream, read: first.into_iter().collect(), failure: None };
                let open = Arc::new(tokio::sync::Mutex::new(open));
                self.open_rows = Some(Arc::downgrade(&open));
                let rows = RemoteRows { open, types };
                Ok(QueryResult::Rows(Rows::new(Arc::clone(schema), RowSource::Remote(rows))))
            }
            None => {
                // Drain the (empty) row stream to its CommandComplete for the count.
                let count = wait_on(&CLIENT, async move {
                    let mut stream = Box::pin(stream);
                    while let Some(row) = stream.next().await {
                        row?;
                    }
                    Ok::<_, tokio_postgres::Error>(stream.rows_affected())
                })
                .map_err(wire_error)?;
                let (tag, rows) = command_tag(&statement.sql, count);
                Ok(QueryResult::Command { tag, rows })
            }
        }
    }
}

/// Sends a cancel request for a remote connection's running statement, over TLS as it connected.
#[derive(Clone)]
pub(super) struct Canceller {
    token: tokio_postgres::CancelToken,
    tls: MakeRustlsConnect,
}

impl Canceller {
    pub(super) fn cancel(&self) -> Result<()> {
        let (token, tls) = (self.token.clone(), self.tls.clone());
        wait_on(&CLIENT, async move { token.cancel_query(tls).await }).map_err(wire_error)
    }
}

/// The Arrow schema of a prepared statement's result columns.
fn result_schema(statement: &tokio_postgres::Statement) -> Result<SchemaRef> {
    let fields = statement
        .columns()
        .iter()
        .map(|column| {
            let data_type = crate::endpoint::encode::client_arrow_type(column.type_(), column.type_modifier())
                .ok_or_else(|| {
                    err!(
                        FEATURE_NOT_SUPPORTED,
                        "column \"{}\" has type {}, which the client cannot read yet",
                        column.name(),
                        column.type_()
                    )
                })?;
            let field = Field::new(column.name(), data_type, true);
            let length = (column.type_modifier() - 4).max(0) as u32;
            Ok(match *column.type_() {
                Type::VARCHAR if column.type_modifier() >= 4 => with_sql_type(field, SqlType::Varchar(length)),
                Type::BPCHAR if column.type_modifier() >= 4 => with_sql_type(field, SqlType::Char(length)),
                _ => field,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Arc::new(Schema::new(fields)))
}

/// PostgreSQL's command tag for a statement the server completed, and its row count for the
/// commands that count rows (tokio-postgres passes on a number, 0 for tags without one):
/// `INSERT 0 3`, `UPDATE 2`, `CREATE TABLE`, …
fn command_tag(sql: &str, rows: Option<u64>) -> (String, Option<u64>) {
    let words: Vec<String> = sql
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .take(6)
        .map(str::to_ascii_uppercase)
        .collect();
    let first = words.first().map_or("", String::as_str);
    if first == "CREATE" && is_create_table_as(sql) {
        // PostgreSQL tags CREATE TABLE … AS like the SELECT that filled it.
        return (format!("SELECT {}", rows.unwrap_or(0)), rows);
    }
    let count = rows.unwrap_or(0);
    let tag = match first {
        "INSERT" => return (format!("INSERT 0 {count}"), Some(count)),
        "UPDATE" | "DELETE" | "SELECT" | "COPY" | "MERGE" | "FETCH" | "MOVE" => {
            return (format!("{first} {count}"), Some(count))
        }
        "CREATE" | "DROP" | "ALTER" => {
            let modifiers = ["OR", "REPLACE", "TEMP", "TEMPORARY", "LOCAL", "GLOBAL", "EXTERNAL"];
            let object: Vec<&str> =
                words[1..].iter().map(String::as_str).skip_while(|w| modifiers.contains(w)).take(1).collect();
            match object.first() {
                Some(&"MATERIALIZED") => format!("{first} MATERIALIZED VIEW"),
                Some(&"RLS") => format!("{first} RLS POLICY"),
                Some(&"DEFAULT") => format!("{first} DEFAULT PRIVILEGES"),
                Some(&"TABLE") if first == "CREATE" && words.get(1).is_some_and(|w| w == "EXTERNAL") => {
                    "CREATE EXTERNAL TABLE".to_string()
                }
                Some(object) => format!("{first} {object}"),
                None => first.to_string(),
            }
        }
        "ATTACH" | "DETACH" => format!("{first} RLS POLICY"),
        "ROTATE" => "ROTATE ENCRYPTION KEY".to_string(),
        "START" => "START TRANSACTION".to_string(),
        "DECLARE" => "DECLARE CURSOR".to_string(),
        "CLOSE" => "CLOSE CURSOR".to_string(),
        "END" => "COMMIT".to_string(),
        "ABORT" => "ROLLBACK".to_string(),
        "TRUNCATE" => "TRUNCATE TABLE".to_string(),
        other => other.to_string(),
    };
    (tag, None)
}

fn is_create_table_as(sql: &str) -> bool {
    use datafusion::sql::sqlparser::ast::Statement;
    use datafusion::sql::sqlparser::dialect::RedshiftSqlDialect;
    use datafusion::sql::sqlparser::parser::Parser;
    matches!(Parser::parse_sql(&RedshiftSqlDialect {}, sql).as_deref(), Ok([Statement::CreateTable(create)]) if create.query.is_some())
}

/// The statements of a string, each as written (split at semicolons outside quotes, comments
/// and dollar quotes, as the server's own parser would).
fn split_statements(sql: &str) -> Vec<String> {
    use datafusion::sql::sqlparser::dialect::PostgreSqlDialect;
    use datafusion::sql::sqlparser::tokenizer::{Token, Tokenizer};
    let Ok(tokens) = Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize() else {
        // The server reports what it cannot read.
        return vec![sql.to_string()];
    };
    let mut statements = vec![];
    let mut current = String::new();
    for token in tokens {
        if token == Token::SemiColon {
            statements.push(std::mem::take(&mut current));
        } else {
            current.push_str(&token.to_string());
        }
    }
    statements.push(current);
    statements.into_iter().filter(|s| !s.trim().is_empty()).map(|s| s.trim().to_string()).collect()
}

/// A parameter sent in text format for whatever type the server inferred: the server parses it
/// as the embedded path parses a bound value.
#[derive(Debug)]
struct TextParam(Option<String>);

impl ToSql for TextParam {
    fn to_sql(
        &self,
        _ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match &self.0 {
            Some(text) => {
                out.extend_from_slice(text.as_bytes());
                Ok(IsNull::No)
            }
            None => Ok(IsNull::Yes),
        }
    }
    fn accepts(_ty: &Type) -> bool {
        true
    }
    fn encode_format(&self, _ty: &Type) -> tokio_postgres::types::Format {
        tokio_postgres::types::Format::Text
    }
    tokio_postgres::types::to_sql_checked!();
}

/// A value's bytes in binary format, decoded below by column type.
struct Raw<'a>(&'a [u8]);

impl<'a> FromSql<'a> for Raw<'a> {
    fn from_sql(_ty: &Type, raw: &'a [u8]) -> std::result::Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Raw(raw))
    }
    fn accepts(_ty: &Type) -> bool {
        true
    }
}

/// A query's rows: those read ahead (when the connection had another request to send), then the
/// server's stream, then the error that ended it, if any.
struct OpenRows {
    read: std::collections::VecDeque<tokio_postgres::Row>,
    /// `None` once the server's rows have ended (a finished row stream must not be polled again).
    stream: Option<std::pin::Pin<Box<RowStream>>>,
    failure: Option<Error>,
}

pub(super) struct RemoteRows {
    open: Arc<tokio::sync::Mutex<OpenRows>>,
    types: Vec<Type>,
}

impl RemoteRows {
    pub(super) fn next_batch(&mut self, schema: &SchemaRef) -> Result<Option<RecordBatch>> {
        let open = Arc::clone(&self.open);
        let rows = wait_on(&CLIENT, async move {
            let mut open = open.lock().await;
            let take = open.read.len().min(BATCH_ROWS);
            let mut rows: Vec<tokio_postgres::Row> = open.read.drain(..take).collect();
            while let (Some(stream), true) = (open.stream.as_mut(), rows.len() < BATCH_ROWS) {
                match stream.next().await {
                    Some(row) => rows.push(row.map_err(wire_error)?),
                    None => open.stream = None,
                }
            }
            match open.failure.take() {
                Some(failure) if rows.is_empty() => Err(failure),
                Some(failure) => {
                    open.failure = Some(failure);
                    Ok(rows)
                }
                None => Ok(rows),
            }
        })?;
        if rows.is_empty() {
            return Ok(None);
        }
        let columns = schema
            .fields()
            .iter()
            .enumerate()
            .map(|(i, field)| decode_column(&rows, i, &self.types[i], field.data_type()))
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(RecordBatch::try_new(Arc::clone(schema), columns)?))
    }
}

fn bad_value(ty: &Type) -> Error {
    err!(PROTOCOL_VIOLATION, "the server sent a malformed {ty} value")
}

fn fixed<const N: usize>(raw: &[u8], ty: &Type) -> Result<[u8; N]> {
    raw.try_into().map_err(|_| bad_value(ty))
}

/// One result column of `rows` as an Arrow array of `data_type`.
fn decode_column(rows: &[tokio_postgres::Row], index: usize, ty: &Type, data_type: &DataType) -> Result<ArrayRef> {
    let values = rows
        .iter()
        .map(|row| row.try_get::<_, Option<Raw>>(index).map(|v| v.map(|r| r.0)))
        .collect::<std::result::Result<Vec<Option<&[u8]>>, _>>()
        .map_err(wire_error)?;
    let mut builder = new_builder(data_type, values.len())?;
    for value in &values {
        append(builder.as_mut(), *value, ty, data_type)?;
    }
    Ok(builder.finish())
}

fn new_builder(data_type: &DataType, capacity: usize) -> Result<Box<dyn ArrayBuilder>> {
    Ok(match data_type {
        DataType::Decimal128(p, s) => {
            Box::new(Decimal128Builder::with_capacity(capacity).with_precision_and_scale(*p, *s)?)
        }
        DataType::Timestamp(_, tz) => {
            Box::new(TimestampMicrosecondBuilder::with_capacity(capacity).with_timezone_opt(tz.clone()))
        }
        DataType::List(element) => {
            Box::new(ListBuilder::new(new_builder(element.data_type(), capacity)?).with_field(Arc::clone(element)))
        }
        other => datafusion::arrow::array::make_builder(other, capacity),
    })
}

/// Appends one binary value (or NULL) of wire type `ty` to a builder of `data_type`.
fn append(builder: &mut dyn ArrayBuilder, value: Option<&[u8]>, ty: &Type, data_type: &DataType) -> Result<()> {
    macro_rules! put {
        ($builder:ty, |$raw:ident| $convert:expr) => {{
            let b = builder.as_any_mut().downcast_mut::<$builder>().expect("builder of the column's type");
            match value {
                Some($raw) => b.append_value($convert?),
                None => b.append_null(),
            }
        }};
    }
    match data_type {
        DataType::Boolean => put!(BooleanBuilder, |raw| Ok::<_, Error>(fixed::<1>(raw, ty)?[0] != 0)),
        DataType::Int16 => put!(Int16Builder, |raw| Ok::<_, Error>(i16::from_be_bytes(fixed(raw, ty)?))),
        DataType::Int32 => put!(Int32Builder, |raw| Ok::<_, Error>(match raw.len() {
            // OID is unsigned on the wire.
            4 if *ty == Type::OID => u32::from_be_bytes(fixed(raw, ty)?) as i32,
            _ => i32::from_be_bytes(fixed(raw, ty)?),
        })),
        DataType::Int64 => put!(Int64Builder, |raw| Ok::<_, Error>(i64::from_be_bytes(fixed(raw, ty)?))),
        DataType::Float32 => put!(Float32Builder, |raw| Ok::<_, Error>(f32::from_be_bytes(fixed(raw, ty)?))),
        DataType::Float64 => put!(Float64Builder, |raw| Ok::<_, Error>(f64::from_be_bytes(fixed(raw, ty)?))),
        DataType::Decimal128(_, scale) => put!(Decimal128Builder, |raw| decode_numeric(raw, *scale as i32)),
        DataType::Utf8 if matches!(*ty, Type::INT2_VECTOR | Type::OID_VECTOR) => {
            put!(StringBuilder, |raw| vector_text(raw, ty))
        }
        DataType::Utf8 => put!(StringBuilder, |raw| std::str::from_utf8(raw).map_err(|_| bad_value(ty))),
        DataType::Binary => put!(BinaryBuilder, |raw| Ok::<_, Error>(raw)),
        DataType::Date32 => {
            put!(Date32Builder, |raw| Ok::<_, Error>(i32::from_be_bytes(fixed(raw, ty)?) + PG_EPOCH_DAYS))
        }
        DataType::Timestamp(..) => {
            put!(TimestampMicrosecondBuilder, |raw| Ok::<_, Error>(
                i64::from_be_bytes(fixed(raw, ty)?) + PG_EPOCH_MICROS
            ))
        }
        DataType::Time64(_) => {
            put!(Time64MicrosecondBuilder, |raw| Ok::<_, Error>(i64::from_be_bytes(fixed(raw, ty)?)))
        }
        DataType::Interval(_) => put!(IntervalMonthDayNanoBuilder, |raw| {
            let raw: [u8; 16] = fixed(raw, ty)?;
            let micros = i64::from_be_bytes(raw[0..8].try_into().expect("8 bytes"));
            let days = i32::from_be_bytes(raw[8..12].try_into().expect("4 bytes"));
            let months = i32::from_be_bytes(raw[12..16].try_into().expect("4 bytes"));
            Ok::<_, Error>(IntervalMonthDayNano::new(months, days, micros * 1_000))
        }),
        DataType::List(element) => {
            let b = builder.as_any_mut().downcast_mut::<ListBuilder<Box<dyn ArrayBuilder>>>().expect("list builder");
            match value {
                None => b.append_null(),
                Some(raw) => {
                    let element_type = element_wire_type(ty);
                    for item in decode_array(raw, ty)? {
                        append(b.values().as_mut(), item, &element_type, element.data_type())?;
                    }
                    b.append(true);
                }
            }
        }
        other => return Err(err!(FEATURE_NOT_SUPPORTED, "the client cannot read {other} values yet")),
    }
    Ok(())
}

/// An int2vector or oidvector (binary: an array) as PostgreSQL prints it: `1 2`.
fn vector_text(raw: &[u8], ty: &Type) -> Result<String> {
    let numbers = decode_array(raw, ty)?
        .into_iter()
        .map(|item| match item {
            Some(&[a, b]) => Ok(i16::from_be_bytes([a, b]).to_string()),
            Some(&[a, b, c, d]) => Ok(u32::from_be_bytes([a, b, c, d]).to_string()),
            _ => Err(bad_value(ty)),
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(numbers.join(" "))
}

fn element_wire_type(array: &Type) -> Type {
    match *array {
        Type::INT2_ARRAY => Type::INT2,
        Type::INT4_ARRAY => Type::INT4,
        Type::INT8_ARRAY => Type::INT8,
        _ => Type::TEXT,
    }
}

/// The elements of a one-dimensional array in binary format.
fn decode_array<'a>(raw: &'a [u8], ty: &Type) -> Result<Vec<Option<&'a [u8]>>> {
    let read_i32 = |at: usize| -> Result<i32> {
        raw.get(at..at + 4).map(|b| i32::from_be_bytes(b.try_into().expect("4 bytes"))).ok_or_else(|| bad_value(ty))
    };
    let dimensions = read_i32(0)?;
    if dimensions == 0 {
        return Ok(vec![]);
    }
    if dimensions != 1 {
        return Err(err!(FEATURE_NOT_SUPPORTED, "the client reads one-dimensional arrays only"));
    }
    let length = read_i32(12)?.max(0) as usize;
    let mut at = 20;
    let mut items = Vec::with_capacity(length);
    for _ in 0..length {
        let size = read_i32(at)?;
        at += 4;
        if size < 0 {
            items.push(None);
        } else {
            let end = at + size as usize;
            items.push(Some(raw.get(at..end).ok_or_else(|| bad_value(ty))?));
            at = end;
        }
    }
    Ok(items)
}

/// A NUMERIC in binary format (base-10000 digits) as an integer scaled by `scale`.
fn decode_numeric(raw: &[u8], scale: i32) -> Result<i128> {
    let bad = || bad_value(&Type::NUMERIC);
    let word = |i: usize| raw.get(i * 2..i * 2 + 2).map(|b| i16::from_be_bytes([b[0], b[1]])).ok_or_else(bad);
    let (digits, weight, sign) = (word(0)?.max(0) as usize, word(1)? as i32, word(2)? as u16);
    if sign == 0xC000 {
        return Err(err!(NUMERIC_VALUE_OUT_OF_RANGE, "NaN cannot be read as a decimal"));
    }
    let overflow = || err!(NUMERIC_VALUE_OUT_OF_RANGE, "a numeric value does not fit 38 digits");
    let mut value: i128 = 0;
    for i in 0..digits {
        let digit = word(4 + i)? as i128;
        // This digit is worth 10000^(weight - i), i.e. 10^(4 × (weight - i) + scale) scaled.
        let exponent = 4 * (weight - i as i32) + scale;
        let part = if exponent >= 0 {
            10i128.checked_pow(exponent as u32).and_then(|p| p.checked_mul(digit)).ok_or_else(overflow)?
        } else {
            digit / 10i128.checked_pow((-exponent) as u32).unwrap_or(i128::MAX)
        };
        value = value.checked_add(part).ok_or_else(overflow)?;
    }
    Ok(if sign == 0x4000 { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        let tag = |sql, rows| command_tag(sql, rows);
        assert_eq!(tag("insert into t values (1)", Some(3)), ("INSERT 0 3".to_string(), Some(3)));
        assert_eq!(tag("  CREATE TEMP TABLE t (a int)", Some(0)), ("CREATE TABLE".to_string(), None));
        assert_eq!(tag("create or replace view v as select 1", None), ("CREATE VIEW".to_string(), None));
        assert_eq!(tag("DELETE FROM t", Some(2)), ("DELETE 2".to_string(), Some(2)));
        assert_eq!(tag("begin", Some(0)), ("BEGIN".to_string(), None));
        assert_eq!(tag("create table t distkey(a) as select 1 as a", Some(1)), ("SELECT 1".to_string(), Some(1)));
        assert_eq!(tag("create table t (a int default cast(1 as int))", Some(0)), ("CREATE TABLE".to_string(), None));
        assert_eq!(
            tag("create external table s.t (a int) stored as parquet location 's3://b/'", None),
            ("CREATE EXTERNAL TABLE".to_string(), None)
        );
        assert_eq!(tag("create rls policy p using (true)", None), ("CREATE RLS POLICY".to_string(), None));
        assert_eq!(tag("detach rls policy p on t from u", None), ("DETACH RLS POLICY".to_string(), None));
        assert_eq!(
            tag("create external schema s from data catalog database 'd' iam_role 'r'", None),
            ("CREATE SCHEMA".to_string(), None)
        );
    }

    #[test]
    fn statements_split_outside_quotes() {
        assert_eq!(split_statements("select ';'; select 2 -- x;\n;"), vec!["select ';'", "select 2 -- x;"]);
        assert_eq!(split_statements("  "), Vec::<String>::new());
    }

    #[test]
    fn numerics() {
        // 12345.678: digits 1, 2345, 6780; weight 1; dscale 3
        let raw = [0, 3, 0, 1, 0, 0, 0, 3, 0, 1, 0x09, 0x29, 0x1a, 0x7c];
        assert_eq!(decode_numeric(&raw, 3).unwrap(), 12_345_678);
        assert_eq!(decode_numeric(&raw, 5).unwrap(), 1_234_567_800);
        let negative = [0, 1, 0xff, 0xff, 0x40, 0, 0, 2, 0x13, 0x88]; // -0.5
        assert_eq!(decode_numeric(&negative, 2).unwrap(), -50);
    }
}

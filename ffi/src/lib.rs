//! The C ABI over Redwood's client API (`redwood_core::client`): `include/redwood.h`, generated
//! from this file by cbindgen. Every exported function catches panics, checks its handles and
//! strings, and reports failures as a status with the SQLSTATE and message kept on the handle.

#![allow(clippy::missing_safety_doc)]

use redwood_core::arrow::array::{Array, AsArray, RecordBatch};
use redwood_core::arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, SchemaRef,
    TimestampMicrosecondType,
};
use redwood_core::arrow::ffi_stream::FFI_ArrowArrayStream;
use redwood_core::client::{self, Options, Rows, Value};
use redwood_core::err;
use redwood_core::error::Error;
use std::cell::RefCell;
use std::ffi::{c_char, CStr, CString};

/// What a call did.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedwoodStatus {
    Ok = 0,
    /// The call failed: the handle (or `redwood_last_error_*`) says why.
    Error = 1,
    /// No more batches.
    Done = 2,
    /// A NULL handle or string, invalid UTF-8, a column or row out of range, a value read as a
    /// type it does not have.
    InvalidArgument = 3,
}

/// An error as a handle keeps it.
#[derive(Default)]
struct ErrorSlot {
    sqlstate: CString,
    message: CString,
}

impl ErrorSlot {
    fn set(&mut self, error: &Error) {
        self.sqlstate = text(error.sqlstate);
        self.message = text(&error.message);
    }
    fn clear(&mut self) {
        *self = ErrorSlot::default();
    }
}

fn text(s: &str) -> CString {
    CString::new(s.replace('\0', " ")).expect("no NUL left")
}

thread_local! {
    /// The calling thread's last failure, for calls without a handle to keep it (open, NULL handles).
    static LAST_ERROR: RefCell<ErrorSlot> = RefCell::new(ErrorSlot::default());
}

fn set_last_error(error: &Error) {
    LAST_ERROR.with(|slot| slot.borrow_mut().set(error));
}

/// Runs an exported function's body: a panic becomes an error status, never an unwind into C.
fn guard(body: impl FnOnce() -> RedwoodStatus) -> RedwoodStatus {
    client::catch_panic(body).unwrap_or_else(|panic| {
        set_last_error(&panic);
        RedwoodStatus::Error
    })
}

fn invalid(message: &str) -> RedwoodStatus {
    set_last_error(&err!(INVALID_PARAMETER_VALUE, "{message}"));
    RedwoodStatus::InvalidArgument
}

/// Why a call failed: an argument it cannot use (`REDWOOD_STATUS_INVALID_ARGUMENT`), or the
/// work itself (`REDWOOD_STATUS_ERROR`).
enum Failure {
    Invalid(Error),
    Failed(Error),
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Failed(error)
    }
}

fn rejected(error: Error) -> Failure {
    Failure::Invalid(error)
}

/// A C string argument as UTF-8.
unsafe fn arg<'a>(value: *const c_char, name: &str) -> Result<&'a str, Failure> {
    if value.is_null() {
        return Err(rejected(err!(INVALID_PARAMETER_VALUE, "{name} is NULL")));
    }
    CStr::from_ptr(value).to_str().map_err(|_| rejected(err!(CHARACTER_NOT_IN_REPERTOIRE, "{name} is not valid UTF-8")))
}

unsafe fn optional_arg<'a>(value: *const c_char, name: &str) -> Result<Option<&'a str>, Failure> {
    if value.is_null() {
        return Ok(None);
    }
    arg(value, name).map(Some)
}

/// Records a failure on a handle's slot and the thread's, and says which kind it is.
fn fail(slot: &mut ErrorSlot, failure: impl Into<Failure>) -> RedwoodStatus {
    let (error, status) = match failure.into() {
        Failure::Invalid(error) => (error, RedwoodStatus::InvalidArgument),
        Failure::Failed(error) => (error, RedwoodStatus::Error),
    };
    slot.set(&error);
    set_last_error(&error);
    status
}

/// A connection: embedded or remote.
pub struct Connection {
    connection: client::Connection,
    error: ErrorSlot,
}

/// A prepared statement and the values bound to its parameters.
pub struct PreparedStatement {
    statement: client::Statement,
    params: Vec<Value>,
    error: ErrorSlot,
}

/// What a statement produced: rows read a batch at a time, or a command's tag and row count.
pub struct QueryResult {
    schema: Option<SchemaRef>,
    rows: Option<Rows>,
    tag: CString,
    affected: i64,
    batch: Option<RecordBatch>,
    names: Vec<CString>,
    /// The text of the last value read with `redwood_result_get_text`.
    value_text: Option<CString>,
    error: ErrorSlot,
}

/// Cancels the running query of the connection it was made from; usable from any thread.
pub struct CancelHandle {
    handle: client::CancelHandle,
}

impl QueryResult {
    fn new(result: client::QueryResult) -> QueryResult {
        let empty = QueryResult {
            schema: None,
            rows: None,
            tag: CString::default(),
            affected: -1,
            batch: None,
            names: vec![],
            value_text: None,
            error: ErrorSlot::default(),
        };
        match result {
            client::QueryResult::Rows(rows) => {
                let schema = rows.schema();
                let names = schema.fields().iter().map(|f| text(f.name())).collect();
                QueryResult { tag: text("SELECT"), schema: Some(schema), rows: Some(rows), names, ..empty }
            }
            client::QueryResult::Command { tag, rows } => {
                QueryResult { tag: text(&tag), affected: rows.map_or(-1, |r| r as i64), ..empty }
            }
        }
    }

    fn column(&self, column: usize) -> Result<&dyn Array, Failure> {
        let batch = self.batch.as_ref().ok_or_else(|| {
            rejected(err!(INVALID_PARAMETER_VALUE, "no current batch: call redwood_result_next_batch first"))
        })?;
        if column >= batch.num_columns() {
            let count = batch.num_columns();
            return Err(rejected(err!(
                INVALID_PARAMETER_VALUE,
                "column {column} is out of range: the result has {count} columns"
            )));
        }
        Ok(batch.column(column).as_ref())
    }

    /// The column's array and the row, checked.
    fn value(&self, column: usize, row: usize) -> Result<(&dyn Array, usize), Failure> {
        let array = self.column(column)?;
        if row >= array.len() {
            let count = array.len();
            return Err(rejected(err!(
                INVALID_PARAMETER_VALUE,
                "row {row} is out of range: the batch has {count} rows"
            )));
        }
        Ok((array, row))
    }
}

macro_rules! handle {
    ($pointer:expr, $name:literal) => {
        match unsafe { $pointer.as_mut() } {
            Some(handle) => handle,
            None => return invalid(concat!($name, " is NULL")),
        }
    };
}

/// Writes `value` through `out` when the caller asked for it.
unsafe fn put<T>(out: *mut T, value: T) {
    if !out.is_null() {
        *out = value;
    }
}

/// The calling thread's last failure: its SQLSTATE ("" after none).
#[no_mangle]
pub extern "C" fn redwood_last_error_sqlstate() -> *const c_char {
    LAST_ERROR.with(|slot| slot.borrow().sqlstate.as_ptr())
}

/// The calling thread's last failure: its message ("" after none).
#[no_mangle]
pub extern "C" fn redwood_last_error_message() -> *const c_char {
    LAST_ERROR.with(|slot| slot.borrow().message.as_ptr())
}

/// Opens `target`: ":memory:", a directory (created if missing), or
/// `redwood://user:password@host:port/database` (also `postgres://`); `user` and `password`
/// (may be NULL) fill in what the URL leaves out. On failure `*out` is NULL and
/// `redwood_last_error_*` say why.
#[no_mangle]
pub unsafe extern "C" fn redwood_open(
    target: *const c_char,
    user: *const c_char,
    password: *const c_char,
    out: *mut *mut Connection,
) -> RedwoodStatus {
    guard(|| {
        if out.is_null() {
            return invalid("out is NULL");
        }
        *out = std::ptr::null_mut();
        let opened = (|| {
            let options = Options {
                user: optional_arg(user, "user")?.map(str::to_string),
                password: optional_arg(password, "password")?.map(str::to_string),
                ..Options::default()
            };
            Ok::<_, Failure>(client::Connection::open(arg(target, "target")?, options)?)
        })();
        match opened {
            Ok(connection) => {
                *out = Box::into_raw(Box::new(Connection { connection, error: ErrorSlot::default() }));
                RedwoodStatus::Ok
            }
            Err(e) => fail(&mut ErrorSlot::default(), e),
        }
    })
}

/// Closes a connection and sets `*connection` to NULL (NULL or an already closed one: no-op).
/// Its statements and results stay valid until freed.
#[no_mangle]
pub unsafe extern "C" fn redwood_close(connection: *mut *mut Connection) -> RedwoodStatus {
    guard(|| free_handle(connection))
}

unsafe fn free_handle<T>(handle: *mut *mut T) -> RedwoodStatus {
    if handle.is_null() {
        return invalid("the handle's address is NULL");
    }
    if !(*handle).is_null() {
        drop(Box::from_raw(*handle));
        *handle = std::ptr::null_mut();
    }
    RedwoodStatus::Ok
}

/// The SQLSTATE of the connection's last failure ("" after a success).
#[no_mangle]
pub unsafe extern "C" fn redwood_connection_sqlstate(connection: *const Connection) -> *const c_char {
    connection.as_ref().map_or(c"".as_ptr(), |c| c.error.sqlstate.as_ptr())
}

/// The message of the connection's last failure ("" after a success).
#[no_mangle]
pub unsafe extern "C" fn redwood_connection_error_message(connection: *const Connection) -> *const c_char {
    connection.as_ref().map_or(c"".as_ptr(), |c| c.error.message.as_ptr())
}

/// Runs SQL (one statement, or several: the last one's result). `out` may be NULL to discard
/// the result; else free it with `redwood_result_free`.
#[no_mangle]
pub unsafe extern "C" fn redwood_execute(
    connection: *mut Connection,
    sql: *const c_char,
    out: *mut *mut QueryResult,
) -> RedwoodStatus {
    guard(|| {
        let connection = handle!(connection, "connection");
        put(out, std::ptr::null_mut());
        connection.error.clear();
        let result = arg(sql, "sql").and_then(|sql| Ok(connection.connection.execute(sql)?));
        finish_execute(connection, result, out)
    })
}

unsafe fn finish_execute(
    connection: &mut Connection,
    result: Result<client::QueryResult, Failure>,
    out: *mut *mut QueryResult,
) -> RedwoodStatus {
    match result {
        Ok(client::QueryResult::Rows(rows)) if out.is_null() => {
            // Discarded: the rows are still read, so that errors producing them are reported.
            match rows.collect::<Result<Vec<_>, Error>>() {
                Ok(_) => RedwoodStatus::Ok,
                Err(e) => fail(&mut connection.error, e),
            }
        }
        Ok(client::QueryResult::Command { .. }) if out.is_null() => RedwoodStatus::Ok,
        Ok(result) => {
            *out = Box::into_raw(Box::new(QueryResult::new(result)));
            RedwoodStatus::Ok
        }
        Err(e) => fail(&mut connection.error, e),
    }
}

/// Prepares one statement with `$1`, `$2`, … parameters; free it with `redwood_statement_free`.
#[no_mangle]
pub unsafe extern "C" fn redwood_prepare(
    connection: *mut Connection,
    sql: *const c_char,
    out: *mut *mut PreparedStatement,
) -> RedwoodStatus {
    guard(|| {
        let connection = handle!(connection, "connection");
        if out.is_null() {
            return invalid("out is NULL");
        }
        *out = std::ptr::null_mut();
        connection.error.clear();
        match arg(sql, "sql").and_then(|sql| Ok(connection.connection.prepare(sql)?)) {
            Ok(statement) => {
                let params = vec![Value::Null; statement.param_count];
                *out = Box::into_raw(Box::new(PreparedStatement { statement, params, error: ErrorSlot::default() }));
                RedwoodStatus::Ok
            }
            Err(e) => fail(&mut connection.error, e),
        }
    })
}

/// Frees a statement and sets `*statement` to NULL.
#[no_mangle]
pub unsafe extern "C" fn redwood_statement_free(statement: *mut *mut PreparedStatement) -> RedwoodStatus {
    guard(|| free_handle(statement))
}

/// The number of `$n` parameters.
#[no_mangle]
pub unsafe extern "C" fn redwood_statement_param_count(
    statement: *const PreparedStatement,
    out: *mut usize,
) -> RedwoodStatus {
    guard(|| {
        let Some(statement) = statement.as_ref() else { return invalid("statement is NULL") };
        put(out, statement.statement.param_count);
        RedwoodStatus::Ok
    })
}

/// The SQLSTATE of the statement's last failure (a bind out of range, a bad value).
#[no_mangle]
pub unsafe extern "C" fn redwood_statement_sqlstate(statement: *const PreparedStatement) -> *const c_char {
    statement.as_ref().map_or(c"".as_ptr(), |s| s.error.sqlstate.as_ptr())
}

#[no_mangle]
pub unsafe extern "C" fn redwood_statement_error_message(statement: *const PreparedStatement) -> *const c_char {
    statement.as_ref().map_or(c"".as_ptr(), |s| s.error.message.as_ptr())
}

/// Binds `value` to parameter `index` (1-based, as `$1`).
unsafe fn bind(
    statement: *mut PreparedStatement,
    index: usize,
    value: impl FnOnce() -> Result<Value, Failure>,
) -> RedwoodStatus {
    guard(|| {
        let statement = handle!(statement, "statement");
        statement.error.clear();
        let count = statement.params.len();
        if index == 0 || index > count {
            let error =
                err!(INVALID_PARAMETER_VALUE, "parameter ${index} is out of range: the statement takes {count}");
            return fail(&mut statement.error, rejected(error));
        }
        match value() {
            Ok(value) => {
                statement.params[index - 1] = value;
                RedwoodStatus::Ok
            }
            Err(e) => fail(&mut statement.error, e),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn redwood_bind_null(statement: *mut PreparedStatement, index: usize) -> RedwoodStatus {
    bind(statement, index, || Ok(Value::Null))
}

#[no_mangle]
pub unsafe extern "C" fn redwood_bind_bool(
    statement: *mut PreparedStatement,
    index: usize,
    value: bool,
) -> RedwoodStatus {
    bind(statement, index, || Ok(Value::Bool(value)))
}

#[no_mangle]
pub unsafe extern "C" fn redwood_bind_int64(
    statement: *mut PreparedStatement,
    index: usize,
    value: i64,
) -> RedwoodStatus {
    bind(statement, index, || Ok(Value::Int64(value)))
}

#[no_mangle]
pub unsafe extern "C" fn redwood_bind_double(
    statement: *mut PreparedStatement,
    index: usize,
    value: f64,
) -> RedwoodStatus {
    bind(statement, index, || Ok(Value::Double(value)))
}

/// Binds text (UTF-8, NUL-terminated).
#[no_mangle]
pub unsafe extern "C" fn redwood_bind_text(
    statement: *mut PreparedStatement,
    index: usize,
    value: *const c_char,
) -> RedwoodStatus {
    bind(statement, index, || arg(value, "value").map(|v| Value::Text(v.to_string())))
}

/// Binds a decimal number written out (`"-12.50"`), exactly.
#[no_mangle]
pub unsafe extern "C" fn redwood_bind_decimal(
    statement: *mut PreparedStatement,
    index: usize,
    value: *const c_char,
) -> RedwoodStatus {
    bind(statement, index, || {
        let text = arg(value, "value")?;
        if text.trim().parse::<f64>().is_err() {
            return Err(err!(INVALID_TEXT_REPRESENTATION, "invalid input syntax for type numeric: \"{text}\"").into());
        }
        Ok(Value::Decimal(text.to_string()))
    })
}

/// Binds a date: days since 1970-01-01.
#[no_mangle]
pub unsafe extern "C" fn redwood_bind_date(
    statement: *mut PreparedStatement,
    index: usize,
    days: i32,
) -> RedwoodStatus {
    bind(statement, index, || Ok(Value::Date(days)))
}

/// Binds a timestamp: microseconds since 1970-01-01 00:00:00.
#[no_mangle]
pub unsafe extern "C" fn redwood_bind_timestamp(
    statement: *mut PreparedStatement,
    index: usize,
    micros: i64,
) -> RedwoodStatus {
    bind(statement, index, || Ok(Value::Timestamp(micros)))
}

/// Runs a prepared statement with the values bound so far (unbound parameters are NULL).
#[no_mangle]
pub unsafe extern "C" fn redwood_execute_prepared(
    connection: *mut Connection,
    statement: *const PreparedStatement,
    out: *mut *mut QueryResult,
) -> RedwoodStatus {
    guard(|| {
        let connection = handle!(connection, "connection");
        put(out, std::ptr::null_mut());
        let Some(statement) = statement.as_ref() else { return invalid("statement is NULL") };
        connection.error.clear();
        let result = connection.connection.execute_prepared(&statement.statement, &statement.params);
        finish_execute(connection, result.map_err(Failure::from), out)
    })
}

/// Frees a result and sets `*result` to NULL.
#[no_mangle]
pub unsafe extern "C" fn redwood_result_free(result: *mut *mut QueryResult) -> RedwoodStatus {
    guard(|| free_handle(result))
}

#[no_mangle]
pub unsafe extern "C" fn redwood_result_sqlstate(result: *const QueryResult) -> *const c_char {
    result.as_ref().map_or(c"".as_ptr(), |r| r.error.sqlstate.as_ptr())
}

#[no_mangle]
pub unsafe extern "C" fn redwood_result_error_message(result: *const QueryResult) -> *const c_char {
    result.as_ref().map_or(c"".as_ptr(), |r| r.error.message.as_ptr())
}

/// The command tag (`INSERT 0 5`, `CREATE TABLE`; `SELECT` for rows) and the rows a command
/// affected (-1 when it counts none, and for rows).
#[no_mangle]
pub unsafe extern "C" fn redwood_result_command(
    result: *const QueryResult,
    tag: *mut *const c_char,
    rows_affected: *mut i64,
) -> RedwoodStatus {
    guard(|| {
        let Some(result) = result.as_ref() else { return invalid("result is NULL") };
        put(tag, result.tag.as_ptr());
        put(rows_affected, result.affected);
        RedwoodStatus::Ok
    })
}

/// The number of result columns (0 for a command).
#[no_mangle]
pub unsafe extern "C" fn redwood_result_column_count(result: *const QueryResult, out: *mut usize) -> RedwoodStatus {
    guard(|| {
        let Some(result) = result.as_ref() else { return invalid("result is NULL") };
        put(out, result.names.len());
        RedwoodStatus::Ok
    })
}

/// Column `column` (0-based): its name, type, precision (decimal digits, or the length of
/// CHAR/VARCHAR; -1 when it has none), scale (-1 when none) and whether it may hold NULLs. Any
/// out pointer may be NULL.
#[no_mangle]
pub unsafe extern "C" fn redwood_result_column(
    result: *mut QueryResult,
    column: usize,
    name: *mut *const c_char,
    column_type: *mut client::ColumnKind,
    precision: *mut i32,
    scale: *mut i32,
    nullable: *mut bool,
) -> RedwoodStatus {
    guard(|| {
        let result = handle!(result, "result");
        let Some(field) = result.schema.as_ref().and_then(|s| s.fields().get(column).cloned()) else {
            let count = result.names.len();
            return fail(
                &mut result.error,
                rejected(err!(
                    INVALID_PARAMETER_VALUE,
                    "column {column} is out of range: the result has {count} columns"
                )),
            );
        };
        let described = client::ColumnType::of(&field);
        put(name, result.names[column].as_ptr());
        put(column_type, described.kind);
        put(precision, described.precision);
        put(scale, described.scale);
        put(nullable, field.is_nullable());
        RedwoodStatus::Ok
    })
}

/// Makes the next batch of rows current: `REDWOOD_STATUS_OK` with its row count in `*rows`,
/// `REDWOOD_STATUS_DONE` after the last (and for a command), or an error that arose while the
/// rows were produced.
#[no_mangle]
pub unsafe extern "C" fn redwood_result_next_batch(result: *mut QueryResult, rows: *mut usize) -> RedwoodStatus {
    guard(|| {
        let result = handle!(result, "result");
        put(rows, 0);
        result.batch = None;
        let Some(source) = result.rows.as_mut() else { return RedwoodStatus::Done };
        match source.next_batch() {
            Ok(Some(batch)) => {
                put(rows, batch.num_rows());
                result.batch = Some(batch);
                RedwoodStatus::Ok
            }
            Ok(None) => {
                result.rows = None;
                RedwoodStatus::Done
            }
            Err(e) => {
                result.rows = None;
                fail(&mut result.error, e)
            }
        }
    })
}

/// Reads one value of the current batch with `read`.
unsafe fn get<T>(
    result: *mut QueryResult,
    column: usize,
    row: usize,
    out: *mut T,
    read: impl FnOnce(&dyn Array, usize) -> Result<T, Failure>,
) -> RedwoodStatus {
    guard(|| {
        let result = handle!(result, "result");
        if out.is_null() {
            return invalid("out is NULL");
        }
        match result.value(column, row).and_then(|(array, row)| {
            if array.is_null(row) {
                return Err(
                    err!(NULL_VALUE_NOT_ALLOWED, "the value is NULL: check redwood_result_is_null first").into()
                );
            }
            read(array, row)
        }) {
            Ok(value) => {
                *out = value;
                RedwoodStatus::Ok
            }
            Err(e) => fail(&mut result.error, e),
        }
    })
}

fn mismatch(array: &dyn Array, wanted: &str) -> Failure {
    err!(DATATYPE_MISMATCH, "a {} value cannot be read as {wanted}", array.data_type()).into()
}

/// Whether a value of the current batch is NULL.
#[no_mangle]
pub unsafe extern "C" fn redwood_result_is_null(
    result: *mut QueryResult,
    column: usize,
    row: usize,
    out: *mut bool,
) -> RedwoodStatus {
    guard(|| {
        let result = handle!(result, "result");
        match result.value(column, row) {
            Ok((array, row)) => {
                put(out, array.is_null(row));
                RedwoodStatus::Ok
            }
            Err(e) => fail(&mut result.error, e),
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn redwood_result_get_bool(
    result: *mut QueryResult,
    column: usize,
    row: usize,
    out: *mut bool,
) -> RedwoodStatus {
    get(result, column, row, out, |array, row| match array.data_type() {
        DataType::Boolean => Ok(array.as_boolean().value(row)),
        _ => Err(mismatch(array, "a boolean")),
    })
}

/// An integer of any width.
#[no_mangle]
pub unsafe extern "C" fn redwood_result_get_int64(
    result: *mut QueryResult,
    column: usize,
    row: usize,
    out: *mut i64,
) -> RedwoodStatus {
    get(result, column, row, out, |array, row| match array.data_type() {
        DataType::Int16 => Ok(array.as_primitive::<Int16Type>().value(row) as i64),
        DataType::Int32 => Ok(array.as_primitive::<Int32Type>().value(row) as i64),
        DataType::Int64 => Ok(array.as_primitive::<Int64Type>().value(row)),
        _ => Err(mismatch(array, "an integer")),
    })
}

/// A number of any kind (decimals rounded to the nearest double).
#[no_mangle]
pub unsafe extern "C" fn redwood_result_get_double(
    result: *mut QueryResult,
    column: usize,
    row: usize,
    out: *mut f64,
) -> RedwoodStatus {
    get(result, column, row, out, |array, row| match array.data_type() {
        DataType::Float32 => Ok(array.as_primitive::<Float32Type>().value(row) as f64),
        DataType::Float64 => Ok(array.as_primitive::<Float64Type>().value(row)),
        DataType::Int16 => Ok(array.as_primitive::<Int16Type>().value(row) as f64),
        DataType::Int32 => Ok(array.as_primitive::<Int32Type>().value(row) as f64),
        DataType::Int64 => Ok(array.as_primitive::<Int64Type>().value(row) as f64),
        DataType::Decimal128(_, scale) => {
            Ok(array.as_primitive::<Decimal128Type>().value(row) as f64 / 10f64.powi(*scale as i32))
        }
        _ => Err(mismatch(array, "a number")),
    })
}

/// A date: days since 1970-01-01.
#[no_mangle]
pub unsafe extern "C" fn redwood_result_get_date(
    result: *mut QueryResult,
    column: usize,
    row: usize,
    out: *mut i32,
) -> RedwoodStatus {
    get(result, column, row, out, |array, row| match array.data_type() {
        DataType::Date32 => Ok(array.as_primitive::<Date32Type>().value(row)),
        _ => Err(mismatch(array, "a date")),
    })
}

/// A timestamp: microseconds since 1970-01-01 00:00:00 (UTC for TIMESTAMPTZ).
#[no_mangle]
pub unsafe extern "C" fn redwood_result_get_timestamp(
    result: *mut QueryResult,
    column: usize,
    row: usize,
    out: *mut i64,
) -> RedwoodStatus {
    get(result, column, row, out, |array, row| match array.data_type() {
        DataType::Timestamp(..) => Ok(array.as_primitive::<TimestampMicrosecondType>().value(row)),
        _ => Err(mismatch(array, "a timestamp")),
    })
}

/// Any value as PostgreSQL's text form (decimals exactly, TIMESTAMPTZ in UTC): `*out` is NULL for
/// NULL, else valid until the next call on the result.
#[no_mangle]
pub unsafe extern "C" fn redwood_result_get_text(
    result: *mut QueryResult,
    column: usize,
    row: usize,
    out: *mut *const c_char,
) -> RedwoodStatus {
    guard(|| {
        let result = handle!(result, "result");
        if out.is_null() {
            return invalid("out is NULL");
        }
        let value = result.value(column, row).and_then(|(array, row)| {
            let one = array.slice(row, 1);
            let utc: redwood_core::arrow::array::timezone::Tz =
                "UTC".parse().map_err(|_| err!(INTERNAL_ERROR, "UTC"))?;
            Ok::<_, Failure>(redwood_core::sql::format::column_to_text(&one, &utc)?.pop().flatten())
        });
        match value {
            Ok(text_value) => {
                result.value_text = text_value.map(|v| text(&v));
                *out = result.value_text.as_ref().map_or(std::ptr::null(), |v| v.as_ptr());
                RedwoodStatus::Ok
            }
            Err(e) => fail(&mut result.error, e),
        }
    })
}

/// The rows not yet read, as an Arrow C stream (`*out` is then the caller's to release): zero-copy
/// for consumers such as pyarrow, DuckDB or nanoarrow. The result has no rows left afterwards.
#[no_mangle]
pub unsafe extern "C" fn redwood_result_arrow_stream(
    result: *mut QueryResult,
    out: *mut FFI_ArrowArrayStream,
) -> RedwoodStatus {
    guard(|| {
        let result = handle!(result, "result");
        if out.is_null() {
            return invalid("out is NULL");
        }
        let Some(rows) = result.rows.take() else {
            return fail(
                &mut result.error,
                rejected(err!(INVALID_PARAMETER_VALUE, "the result has no rows left to stream")),
            );
        };
        result.batch = None;
        std::ptr::write(out, rows.into_arrow_stream());
        RedwoodStatus::Ok
    })
}

/// A handle that cancels the query `connection` is running, from any thread; free it with
/// `redwood_cancel_handle_free` (it may outlive the connection).
#[no_mangle]
pub unsafe extern "C" fn redwood_cancel_handle_new(
    connection: *const Connection,
    out: *mut *mut CancelHandle,
) -> RedwoodStatus {
    guard(|| {
        let Some(connection) = connection.as_ref() else { return invalid("connection is NULL") };
        if out.is_null() {
            return invalid("out is NULL");
        }
        *out = Box::into_raw(Box::new(CancelHandle { handle: connection.connection.cancel_handle() }));
        RedwoodStatus::Ok
    })
}

/// Cancels the running query, if any: it fails with SQLSTATE 57014.
#[no_mangle]
pub unsafe extern "C" fn redwood_cancel(handle: *const CancelHandle) -> RedwoodStatus {
    guard(|| {
        let Some(handle) = handle.as_ref() else { return invalid("cancel handle is NULL") };
        match handle.handle.cancel() {
            Ok(()) => RedwoodStatus::Ok,
            Err(e) => {
                set_last_error(&e);
                RedwoodStatus::Error
            }
        }
    })
}

#[no_mangle]
pub unsafe extern "C" fn redwood_cancel_handle_free(handle: *mut *mut CancelHandle) -> RedwoodStatus {
    guard(|| free_handle(handle))
}

#[cfg(test)]
mod tests {
    /// `.ci/run` fails when the checked-in header differs from what the code generates.
    #[test]
    fn the_checked_in_header_is_current() {
        let generated = std::fs::read_to_string(concat!(env!("OUT_DIR"), "/redwood.h")).unwrap();
        let checked_in =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../include/redwood.h")).unwrap_or_default();
        assert!(
            generated == checked_in,
            "include/redwood.h is stale: regenerate it with REDWOOD_UPDATE_HEADER=1 cargo build -p redwood-ffi"
        );
    }
}

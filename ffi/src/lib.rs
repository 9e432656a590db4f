//! The C ABI over Redwood's client API (`redwood_core::client`): `include/redwood.h`, generated
//! from this file by cbindgen. Every exported function catches panics, checks its handles and
//! strings, and reports failures as a status with the SQLSTATE and message kept on the handle.

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
///
/// # Safety
/// `value` is NULL or NUL-terminated, and outlives `'a`.
unsafe fn arg<'a>(value: *const c_char, name: &str) -> Result<&'a str, Failure> {
    if value.is_null() {
        return Err(rejected(err!(INVALID_PARAMETER_VALUE, "{name} is NULL")));
    }
    // SAFETY: not NULL, so NUL-terminated (the caller's guarantee).
    let value = unsafe { CStr::from_ptr(value) };
    value.to_str().map_err(|_| rejected(err!(CHARACTER_NOT_IN_REPERTOIRE, "{name} is not valid UTF-8")))
}

/// # Safety
/// As for [`arg`].
unsafe fn optional_arg<'a>(value: *const c_char, name: &str) -> Result<Option<&'a str>, Failure> {
    if value.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller's guarantee is `arg`'s.
    unsafe { arg(value, name) }.map(Some)
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

/// The handle behind an argument (`mut`: exclusive), or an early return of
/// `REDWOOD_STATUS_INVALID_ARGUMENT` for NULL.
macro_rules! handle {
    (mut $pointer:expr, $name:literal) => {
        // SAFETY: the exported functions require their handles to be NULL or live, and used by
        // one thread at a time.
        match unsafe { $pointer.as_mut() } {
            Some(handle) => handle,
            None => return invalid(concat!($name, " is NULL")),
        }
    };
    ($pointer:expr, $name:literal) => {
        // SAFETY: as above.
        match unsafe { $pointer.as_ref() } {
            Some(handle) => handle,
            None => return invalid(concat!($name, " is NULL")),
        }
    };
}

/// Writes `value` through `out` when the caller asked for it.
///
/// # Safety
/// `out` is NULL or valid for writing a `T`.
unsafe fn put<T>(out: *mut T, value: T) {
    if !out.is_null() {
        // SAFETY: not NULL, so writable (the caller's guarantee).
        unsafe { *out = value };
    }
}

/// An error slot's text, or "" for a NULL handle.
///
/// # Safety
/// `handle` is NULL or live.
unsafe fn error_text<T>(handle: *const T, text: impl FnOnce(&T) -> &CString) -> *const c_char {
    // SAFETY: the caller's guarantee.
    unsafe { handle.as_ref() }.map_or(c"".as_ptr(), |h| text(h).as_ptr())
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
///
/// # Safety
/// Each string is NULL or NUL-terminated; `out` is NULL or valid for writing one value.
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
        // SAFETY: `out` is writable and the strings NULL or NUL-terminated (# Safety).
        unsafe { *out = std::ptr::null_mut() };
        let opened = (|| {
            // SAFETY: as above.
            let (target, user, password) =
                unsafe { (arg(target, "target"), optional_arg(user, "user"), optional_arg(password, "password")) };
            let options = Options {
                user: user?.map(str::to_string),
                password: password?.map(str::to_string),
                ..Options::default()
            };
            Ok::<_, Failure>(client::Connection::open(target?, options)?)
        })();
        match opened {
            Ok(connection) => {
                let connection = Box::new(Connection { connection, error: ErrorSlot::default() });
                // SAFETY: as above.
                unsafe { *out = Box::into_raw(connection) };
                RedwoodStatus::Ok
            }
            Err(e) => fail(&mut ErrorSlot::default(), e),
        }
    })
}

/// Closes a connection and sets `*connection` to NULL (NULL or an already closed one: no-op).
/// Its statements and results stay valid until freed.
///
/// # Safety
/// `connection` is NULL or points to NULL or to a connection from `redwood_open`, used by no other
/// thread.
#[no_mangle]
pub unsafe extern "C" fn redwood_close(connection: *mut *mut Connection) -> RedwoodStatus {
    // SAFETY: the handle's address is NULL or valid, its handle NULL or unused elsewhere (# Safety).
    guard(|| unsafe { free_handle(connection) })
}

/// Frees `*handle` (made by `Box::into_raw`) and sets it to NULL.
///
/// # Safety
/// `handle` is NULL or valid for reads and writes; `*handle` is NULL or a live handle of type `T`
/// that no other thread uses.
unsafe fn free_handle<T>(handle: *mut *mut T) -> RedwoodStatus {
    // SAFETY: the caller's guarantee.
    let Some(handle) = (unsafe { handle.as_mut() }) else { return invalid("the handle's address is NULL") };
    if !handle.is_null() {
        // SAFETY: live, made by `Box::into_raw`, and no longer used (the caller's guarantee).
        drop(unsafe { Box::from_raw(*handle) });
        *handle = std::ptr::null_mut();
    }
    RedwoodStatus::Ok
}

/// The SQLSTATE of the connection's last failure ("" after a success).
///
/// # Safety
/// `connection` is NULL or a connection from `redwood_open` that is not closed.
#[no_mangle]
pub unsafe extern "C" fn redwood_connection_sqlstate(connection: *const Connection) -> *const c_char {
    // SAFETY: `connection` is NULL or live (# Safety).
    unsafe { error_text(connection, |c| &c.error.sqlstate) }
}

/// The message of the connection's last failure ("" after a success).
///
/// # Safety
/// `connection` is NULL or a connection from `redwood_open` that is not closed.
#[no_mangle]
pub unsafe extern "C" fn redwood_connection_error_message(connection: *const Connection) -> *const c_char {
    // SAFETY: `connection` is NULL or live (# Safety).
    unsafe { error_text(connection, |c| &c.error.message) }
}

/// Runs SQL (one statement, or several: the last one's result). `out` may be NULL to discard
/// the result; else free it with `redwood_result_free`.
///
/// # Safety
/// `connection` is NULL or a connection from `redwood_open` that is not closed; `sql` is NULL or
/// NUL-terminated; `out` is NULL or valid for writing one value.
#[no_mangle]
pub unsafe extern "C" fn redwood_execute(
    connection: *mut Connection,
    sql: *const c_char,
    out: *mut *mut QueryResult,
) -> RedwoodStatus {
    guard(|| {
        let connection = handle!(mut connection, "connection");
        // SAFETY: `out` is NULL or writable and `sql` NULL or NUL-terminated (# Safety).
        let sql = unsafe {
            put(out, std::ptr::null_mut());
            arg(sql, "sql")
        };
        connection.error.clear();
        let result = sql.and_then(|sql| Ok(connection.connection.execute(sql)?));
        // SAFETY: as above.
        unsafe { finish_execute(connection, result, out) }
    })
}

/// Hands a statement's result to the caller through `out`, or discards it when `out` is NULL.
///
/// # Safety
/// `out` is NULL or valid for writing a pointer.
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
            // SAFETY: not NULL (the arms above), so writable (the caller's guarantee).
            unsafe { *out = Box::into_raw(Box::new(QueryResult::new(result))) };
            RedwoodStatus::Ok
        }
        Err(e) => fail(&mut connection.error, e),
    }
}

/// Prepares one statement with `$1`, `$2`, … parameters; free it with `redwood_statement_free`.
///
/// # Safety
/// `connection` is NULL or a connection from `redwood_open` that is not closed; `sql` is NULL or
/// NUL-terminated; `out` is NULL or valid for writing one value.
#[no_mangle]
pub unsafe extern "C" fn redwood_prepare(
    connection: *mut Connection,
    sql: *const c_char,
    out: *mut *mut PreparedStatement,
) -> RedwoodStatus {
    guard(|| {
        let connection = handle!(mut connection, "connection");
        if out.is_null() {
            return invalid("out is NULL");
        }
        // SAFETY: `out` is writable and `sql` NULL or NUL-terminated (# Safety).
        let sql = unsafe {
            *out = std::ptr::null_mut();
            arg(sql, "sql")
        };
        connection.error.clear();
        match sql.and_then(|sql| Ok(connection.connection.prepare(sql)?)) {
            Ok(statement) => {
                let params = vec![Value::Null; statement.param_count];
                let statement = Box::new(PreparedStatement { statement, params, error: ErrorSlot::default() });
                // SAFETY: as above.
                unsafe { *out = Box::into_raw(statement) };
                RedwoodStatus::Ok
            }
            Err(e) => fail(&mut connection.error, e),
        }
    })
}

/// Frees a statement and sets `*statement` to NULL.
///
/// # Safety
/// `statement` is NULL or points to NULL or to a statement from `redwood_prepare`, used by no other
/// thread.
#[no_mangle]
pub unsafe extern "C" fn redwood_statement_free(statement: *mut *mut PreparedStatement) -> RedwoodStatus {
    // SAFETY: the handle's address is NULL or valid, its handle NULL or unused elsewhere (# Safety).
    guard(|| unsafe { free_handle(statement) })
}

/// The number of `$n` parameters.
///
/// # Safety
/// `statement` is NULL or a statement from `redwood_prepare` that is not freed; `out` is NULL or
/// valid for writing one value.
#[no_mangle]
pub unsafe extern "C" fn redwood_statement_param_count(
    statement: *const PreparedStatement,
    out: *mut usize,
) -> RedwoodStatus {
    guard(|| {
        let statement = handle!(statement, "statement");
        // SAFETY: `out` is NULL or writable (# Safety).
        unsafe { put(out, statement.statement.param_count) };
        RedwoodStatus::Ok
    })
}

/// The SQLSTATE of the statement's last failure (a bind out of range, a bad value).
///
/// # Safety
/// `statement` is NULL or a statement from `redwood_prepare` that is not freed.
#[no_mangle]
pub unsafe extern "C" fn redwood_statement_sqlstate(statement: *const PreparedStatement) -> *const c_char {
    // SAFETY: `statement` is NULL or live (# Safety).
    unsafe { error_text(statement, |s| &s.error.sqlstate) }
}

/// # Safety
/// `statement` is NULL or a statement from `redwood_prepare` that is not freed.
#[no_mangle]
pub unsafe extern "C" fn redwood_statement_error_message(statement: *const PreparedStatement) -> *const c_char {
    // SAFETY: `statement` is NULL or live (# Safety).
    unsafe { error_text(statement, |s| &s.error.message) }
}

/// Binds `value` to parameter `index` (1-based, as `$1`).
///
/// # Safety
/// `statement` is NULL or live, and used by no other thread.
unsafe fn bind(
    statement: *mut PreparedStatement,
    index: usize,
    value: impl FnOnce() -> Result<Value, Failure>,
) -> RedwoodStatus {
    guard(|| {
        let statement = handle!(mut statement, "statement");
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

/// # Safety
/// `statement` is NULL or a statement from `redwood_prepare` that is not freed.
#[no_mangle]
pub unsafe extern "C" fn redwood_bind_null(statement: *mut PreparedStatement, index: usize) -> RedwoodStatus {
    // SAFETY: `statement` is NULL or live (# Safety).
    unsafe { bind(statement, index, || Ok(Value::Null)) }
}

/// # Safety
/// `statement` is NULL or a statement from `redwood_prepare` that is not freed.
#[no_mangle]
pub unsafe extern "C" fn redwood_bind_bool(
    statement: *mut PreparedStatement,
    index: usize,
    value: bool,
) -> RedwoodStatus {
    // SAFETY: `statement` is NULL or live (# Safety).
    unsafe { bind(statement, index, || Ok(Value::Bool(value))) }
}

/// # Safety
/// `statement` is NULL or a statement from `redwood_prepare` that is not freed.
#[no_mangle]
pub unsafe extern "C" fn redwood_bind_int64(
    statement: *mut PreparedStatement,
    index: usize,
    value: i64,
) -> RedwoodStatus {
    // SAFETY: `statement` is NULL or live (# Safety).
    unsafe { bind(statement, index, || Ok(Value::Int64(value))) }
}

/// # Safety
/// `statement` is NULL or a statement from `redwood_prepare` that is not freed.
#[no_mangle]
pub unsafe extern "C" fn redwood_bind_double(
    statement: *mut PreparedStatement,
    index: usize,
    value: f64,
) -> RedwoodStatus {
    // SAFETY: `statement` is NULL or live (# Safety).
    unsafe { bind(statement, index, || Ok(Value::Double(value))) }
}

/// Binds text (UTF-8, NUL-terminated).
///
/// # Safety
/// `statement` is NULL or a statement from `redwood_prepare` that is not freed; `value` is NULL or
/// NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn redwood_bind_text(
    statement: *mut PreparedStatement,
    index: usize,
    value: *const c_char,
) -> RedwoodStatus {
    // SAFETY: `statement` is NULL or live, `value` NULL or NUL-terminated (# Safety).
    unsafe { bind(statement, index, || arg(value, "value").map(|v| Value::Text(v.to_string()))) }
}

/// Binds a decimal number written out (`"-12.50"`), exactly.
///
/// # Safety
/// `statement` is NULL or a statement from `redwood_prepare` that is not freed; `value` is NULL or
/// NUL-terminated.
#[no_mangle]
pub unsafe extern "C" fn redwood_bind_decimal(
    statement: *mut PreparedStatement,
    index: usize,
    value: *const c_char,
) -> RedwoodStatus {
    // SAFETY: `statement` is NULL or live, `value` NULL or NUL-terminated (# Safety).
    unsafe {
        bind(statement, index, || {
            let text = arg(value, "value")?;
            if text.trim().parse::<f64>().is_err() {
                return Err(
                    err!(INVALID_TEXT_REPRESENTATION, "invalid input syntax for type numeric: \"{text}\"").into()
                );
            }
            Ok(Value::Decimal(text.to_string()))
        })
    }
}

/// Binds a date: days since 1970-01-01.
///
/// # Safety
/// `statement` is NULL or a statement from `redwood_prepare` that is not freed.
#[no_mangle]
pub unsafe extern "C" fn redwood_bind_date(
    statement: *mut PreparedStatement,
    index: usize,
    days: i32,
) -> RedwoodStatus {
    // SAFETY: `statement` is NULL or live (# Safety).
    unsafe { bind(statement, index, || Ok(Value::Date(days))) }
}

/// Binds a timestamp: microseconds since 1970-01-01 00:00:00.
///
/// # Safety
/// `statement` is NULL or a statement from `redwood_prepare` that is not freed.
#[no_mangle]
pub unsafe extern "C" fn redwood_bind_timestamp(
    statement: *mut PreparedStatement,
    index: usize,
    micros: i64,
) -> RedwoodStatus {
    // SAFETY: `statement` is NULL or live (# Safety).
    unsafe { bind(statement, index, || Ok(Value::Timestamp(micros))) }
}

/// Runs a prepared statement with the values bound so far (unbound parameters are NULL).
///
/// # Safety
/// `connection` is NULL or a connection from `redwood_open` that is not closed; `statement` is NULL
/// or a statement from `redwood_prepare` that is not freed; `out` is NULL or valid for writing one
/// value.
#[no_mangle]
pub unsafe extern "C" fn redwood_execute_prepared(
    connection: *mut Connection,
    statement: *const PreparedStatement,
    out: *mut *mut QueryResult,
) -> RedwoodStatus {
    guard(|| {
        let connection = handle!(mut connection, "connection");
        // SAFETY: `out` is NULL or writable (# Safety).
        unsafe { put(out, std::ptr::null_mut()) };
        let statement = handle!(statement, "statement");
        connection.error.clear();
        let result = connection.connection.execute_prepared(&statement.statement, &statement.params);
        // SAFETY: as above.
        unsafe { finish_execute(connection, result.map_err(Failure::from), out) }
    })
}

/// Frees a result and sets `*result` to NULL.
///
/// # Safety
/// `result` is NULL or points to NULL or to a result, used by no other thread.
#[no_mangle]
pub unsafe extern "C" fn redwood_result_free(result: *mut *mut QueryResult) -> RedwoodStatus {
    // SAFETY: the handle's address is NULL or valid, its handle NULL or unused elsewhere (# Safety).
    guard(|| unsafe { free_handle(result) })
}

/// # Safety
/// `result` is NULL or a result from `redwood_execute`/`redwood_execute_prepared` that is not
/// freed.
#[no_mangle]
pub unsafe extern "C" fn redwood_result_sqlstate(result: *const QueryResult) -> *const c_char {
    // SAFETY: `result` is NULL or live (# Safety).
    unsafe { error_text(result, |r| &r.error.sqlstate) }
}

/// # Safety
/// `result` is NULL or a result from `redwood_execute`/`redwood_execute_prepared` that is not
/// freed.
#[no_mangle]
pub unsafe extern "C" fn redwood_result_error_message(result: *const QueryResult) -> *const c_char {
    // SAFETY: `result` is NULL or live (# Safety).
    unsafe { error_text(result, |r| &r.error.message) }
}

/// The command tag (`INSERT 0 5`, `CREATE TABLE`; `SELECT` for rows) and the rows a command
/// affected (-1 when it counts none, and for rows).
///
/// # Safety
/// `result` is NULL or a result from `redwood_execute`/`redwood_execute_prepared` that is not
/// freed; `tag` and `rows_affected` are NULL or valid for writing one value.
#[no_mangle]
pub unsafe extern "C" fn redwood_result_command(
    result: *const QueryResult,
    tag: *mut *const c_char,
    rows_affected: *mut i64,
) -> RedwoodStatus {
    guard(|| {
        let result = handle!(result, "result");
        // SAFETY: the out pointers are NULL or writable (# Safety).
        unsafe {
            put(tag, result.tag.as_ptr());
            put(rows_affected, result.affected);
        }
        RedwoodStatus::Ok
    })
}

/// The number of result columns (0 for a command).
///
/// # Safety
/// `result` is NULL or a result from `redwood_execute`/`redwood_execute_prepared` that is not
/// freed; `out` is NULL or valid for writing one value.
#[no_mangle]
pub unsafe extern "C" fn redwood_result_column_count(result: *const QueryResult, out: *mut usize) -> RedwoodStatus {
    guard(|| {
        let result = handle!(result, "result");
        // SAFETY: `out` is NULL or writable (# Safety).
        unsafe { put(out, result.names.len()) };
        RedwoodStatus::Ok
    })
}

/// Column `column` (0-based): its name, type, precision (decimal digits, or the length of
/// CHAR/VARCHAR; -1 when it has none), scale (-1 when none) and whether it may hold NULLs. Any
/// out pointer may be NULL.
///
/// # Safety
/// `result` is NULL or a result from `redwood_execute`/`redwood_execute_prepared` that is not
/// freed; each out pointer is NULL or valid for writing one value.
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
        let result = handle!(mut result, "result");
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
        // SAFETY: the out pointers are NULL or writable (# Safety).
        unsafe {
            put(name, result.names[column].as_ptr());
            put(column_type, described.kind);
            put(precision, described.precision);
            put(scale, described.scale);
            put(nullable, field.is_nullable());
        }
        RedwoodStatus::Ok
    })
}

/// Makes the next batch of rows current: `REDWOOD_STATUS_OK` with its row count in `*rows`,
/// `REDWOOD_STATUS_DONE` after the last (and for a command), or an error that arose while the
/// rows were produced.
///
/// # Safety
/// `result` is NULL or a result from `redwood_execute`/`redwood_execute_prepared` that is not
/// freed; `rows` is NULL or valid for writing one value.
#[no_mangle]
pub unsafe extern "C" fn redwood_result_next_batch(result: *mut QueryResult, rows: *mut usize) -> RedwoodStatus {
    guard(|| {
        let result = handle!(mut result, "result");
        // SAFETY: `rows` is NULL or writable (# Safety).
        unsafe { put(rows, 0) };
        result.batch = None;
        let Some(source) = result.rows.as_mut() else { return RedwoodStatus::Done };
        match source.next_batch() {
            Ok(Some(batch)) => {
                // SAFETY: as above.
                unsafe { put(rows, batch.num_rows()) };
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
///
/// # Safety
/// `result` is NULL or live and used by no other thread; `out` is NULL or valid for writing a `T`.
unsafe fn get<T>(
    result: *mut QueryResult,
    column: usize,
    row: usize,
    out: *mut T,
    read: impl FnOnce(&dyn Array, usize) -> Result<T, Failure>,
) -> RedwoodStatus {
    guard(|| {
        let result = handle!(mut result, "result");
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
                // SAFETY: not NULL (checked above), so writable (the caller's guarantee).
                unsafe { *out = value };
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
///
/// # Safety
/// `result` is NULL or a result from `redwood_execute`/`redwood_execute_prepared` that is not
/// freed; `out` is NULL or valid for writing one value.
#[no_mangle]
pub unsafe extern "C" fn redwood_result_is_null(
    result: *mut QueryResult,
    column: usize,
    row: usize,
    out: *mut bool,
) -> RedwoodStatus {
    guard(|| {
        let result = handle!(mut result, "result");
        match result.value(column, row) {
            Ok((array, row)) => {
                // SAFETY: `out` is NULL or writable (# Safety).
                unsafe { put(out, array.is_null(row)) };
                RedwoodStatus::Ok
            }
            Err(e) => fail(&mut result.error, e),
        }
    })
}

/// # Safety
/// `result` is NULL or a result from `redwood_execute`/`redwood_execute_prepared` that is not
/// freed; `out` is NULL or valid for writing one value.
#[no_mangle]
pub unsafe extern "C" fn redwood_result_get_bool(
    result: *mut QueryResult,
    column: usize,
    row: usize,
    out: *mut bool,
) -> RedwoodStatus {
    // SAFETY: `result` is NULL or live, `out` NULL or writable (# Safety).
    unsafe {
        get(result, column, row, out, |array, row| match array.data_type() {
            DataType::Boolean => Ok(array.as_boolean().value(row)),
            _ => Err(mismatch(array, "a boolean")),
        })
    }
}

/// An integer of any width.
///
/// # Safety
/// `result` is NULL or a result from `redwood_execute`/`redwood_execute_prepared` that is not
/// freed; `out` is NULL or valid for writing one value.
#[no_mangle]
pub unsafe extern "C" fn redwood_result_get_int64(
    result: *mut QueryResult,
    column: usize,
    row: usize,
    out: *mut i64,
) -> RedwoodStatus {
    // SAFETY: `result` is NULL or live, `out` NULL or writable (# Safety).
    unsafe {
        get(result, column, row, out, |array, row| match array.data_type() {
            DataType::Int16 => Ok(array.as_primitive::<Int16Type>().value(row) as i64),
            DataType::Int32 => Ok(array.as_primitive::<Int32Type>().value(row) as i64),
            DataType::Int64 => Ok(array.as_primitive::<Int64Type>().value(row)),
            _ => Err(mismatch(array, "an integer")),
        })
    }
}

/// A number of any kind (decimals rounded to the nearest double).
///
/// # Safety
/// `result` is NULL or a result from `redwood_execute`/`redwood_execute_prepared` that is not
/// freed; `out` is NULL or valid for writing one value.
#[no_mangle]
pub unsafe extern "C" fn redwood_result_get_double(
    result: *mut QueryResult,
    column: usize,
    row: usize,
    out: *mut f64,
) -> RedwoodStatus {
    // SAFETY: `result` is NULL or live, `out` NULL or writable (# Safety).
    unsafe {
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
}

/// A date: days since 1970-01-01.
///
/// # Safety
/// `result` is NULL or a result from `redwood_execute`/`redwood_execute_prepared` that is not
/// freed; `out` is NULL or valid for writing one value.
#[no_mangle]
pub unsafe extern "C" fn redwood_result_get_date(
    result: *mut QueryResult,
    column: usize,
    row: usize,
    out: *mut i32,
) -> RedwoodStatus {
    // SAFETY: `result` is NULL or live, `out` NULL or writable (# Safety).
    unsafe {
        get(result, column, row, out, |array, row| match array.data_type() {
            DataType::Date32 => Ok(array.as_primitive::<Date32Type>().value(row)),
            _ => Err(mismatch(array, "a date")),
        })
    }
}

/// A timestamp: microseconds since 1970-01-01 00:00:00 (UTC for TIMESTAMPTZ).
///
/// # Safety
/// `result` is NULL or a result from `redwood_execute`/`redwood_execute_prepared` that is not
/// freed; `out` is NULL or valid for writing one value.
#[no_mangle]
pub unsafe extern "C" fn redwood_result_get_timestamp(
    result: *mut QueryResult,
    column: usize,
    row: usize,
    out: *mut i64,
) -> RedwoodStatus {
    // SAFETY: `result` is NULL or live, `out` NULL or writable (# Safety).
    unsafe {
        get(result, column, row, out, |array, row| match array.data_type() {
            DataType::Timestamp(..) => Ok(array.as_primitive::<TimestampMicrosecondType>().value(row)),
            _ => Err(mismatch(array, "a timestamp")),
        })
    }
}

/// Any value as PostgreSQL's text form (decimals exactly, TIMESTAMPTZ in UTC): `*out` is NULL for
/// NULL, else valid until the next call on the result.
///
/// # Safety
/// `result` is NULL or a result from `redwood_execute`/`redwood_execute_prepared` that is not
/// freed; `out` is NULL or valid for writing one value.
#[no_mangle]
pub unsafe extern "C" fn redwood_result_get_text(
    result: *mut QueryResult,
    column: usize,
    row: usize,
    out: *mut *const c_char,
) -> RedwoodStatus {
    guard(|| {
        let result = handle!(mut result, "result");
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
                let value = result.value_text.as_ref().map_or(std::ptr::null(), |v| v.as_ptr());
                // SAFETY: not NULL (checked above), so writable (# Safety).
                unsafe { *out = value };
                RedwoodStatus::Ok
            }
            Err(e) => fail(&mut result.error, e),
        }
    })
}

/// The rows not yet read, as an Arrow C stream (`*out` is then the caller's to release): zero-copy
/// for consumers such as pyarrow, DuckDB or nanoarrow. The result has no rows left afterwards.
///
/// # Safety
/// `result` is NULL or a result from `redwood_execute`/`redwood_execute_prepared` that is not
/// freed; `out` is NULL or valid for writing a `struct ArrowArrayStream` (whatever it held is
/// overwritten, not released).
#[no_mangle]
pub unsafe extern "C" fn redwood_result_arrow_stream(
    result: *mut QueryResult,
    out: *mut FFI_ArrowArrayStream,
) -> RedwoodStatus {
    guard(|| {
        let result = handle!(mut result, "result");
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
        // SAFETY: not NULL (checked above), so writable (# Safety); `write` does not drop what was there.
        unsafe { std::ptr::write(out, rows.into_arrow_stream()) };
        RedwoodStatus::Ok
    })
}

/// A handle that cancels the query `connection` is running, from any thread; free it with
/// `redwood_cancel_handle_free` (it may outlive the connection).
///
/// # Safety
/// `connection` is NULL or a connection from `redwood_open` that is not closed; `out` is NULL or
/// valid for writing one value.
#[no_mangle]
pub unsafe extern "C" fn redwood_cancel_handle_new(
    connection: *const Connection,
    out: *mut *mut CancelHandle,
) -> RedwoodStatus {
    guard(|| {
        let connection = handle!(connection, "connection");
        if out.is_null() {
            return invalid("out is NULL");
        }
        let cancel = Box::new(CancelHandle { handle: connection.connection.cancel_handle() });
        // SAFETY: not NULL (checked above), so writable (# Safety).
        unsafe { *out = Box::into_raw(cancel) };
        RedwoodStatus::Ok
    })
}

/// Cancels the running query, if any: it fails with SQLSTATE 57014.
///
/// # Safety
/// `handle` is NULL or a cancel handle from `redwood_cancel_handle_new` that is not freed.
#[no_mangle]
pub unsafe extern "C" fn redwood_cancel(handle: *const CancelHandle) -> RedwoodStatus {
    guard(|| {
        let handle = handle!(handle, "cancel handle");
        match handle.handle.cancel() {
            Ok(()) => RedwoodStatus::Ok,
            Err(e) => {
                set_last_error(&e);
                RedwoodStatus::Error
            }
        }
    })
}

/// # Safety
/// `handle` is NULL or points to NULL or to a cancel handle, used by no other thread.
#[no_mangle]
pub unsafe extern "C" fn redwood_cancel_handle_free(handle: *mut *mut CancelHandle) -> RedwoodStatus {
    // SAFETY: the handle's address is NULL or valid, its handle NULL or unused elsewhere (# Safety).
    guard(|| unsafe { free_handle(handle) })
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

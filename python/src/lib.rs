//! `redwood._redwood`: Redwood's client API for Python. The DB-API 2.0 layer (`redwood/`) is thin
//! Python over this: connections, results read as tuples of Python values or as Arrow through the
//! PyCapsule stream interface, bulk loads from Arrow, and the PEP 249 exceptions chosen by
//! SQLSTATE. Calls that wait on the database release the GIL, and Ctrl-C cancels them.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyCapsule, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use redwood_core::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use redwood_core::arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, DecimalType, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type,
    IntervalMonthDayNanoType, SchemaRef, Time64MicrosecondType, TimestampMicrosecondType,
};
use redwood_core::arrow::ffi::FFI_ArrowSchema;
use redwood_core::arrow::ffi_stream::{ArrowArrayStreamReader, FFI_ArrowArrayStream};
use redwood_core::client::{self, CancelHandle, ColumnType, Options, ParamStyle, Rows, Value};
use std::sync::{Mutex, MutexGuard, TryLockError};
use std::time::Duration;

create_exception!(_redwood, Warning, PyException, "PEP 249: an important warning.");
create_exception!(_redwood, Error, PyException, "PEP 249: the base of Redwood's errors.");
create_exception!(
    _redwood,
    InterfaceError,
    Error,
    "PEP 249: a misuse of the interface (a closed connection or cursor)."
);
create_exception!(_redwood, DatabaseError, Error, "PEP 249: an error the database reported.");
create_exception!(_redwood, DataError, DatabaseError, "SQLSTATE class 22: a value out of range, of the wrong form, …");
create_exception!(
    _redwood,
    OperationalError,
    DatabaseError,
    "Connections, cancels, resources, conflicts (08, 40, 53, 57, …)."
);
create_exception!(_redwood, IntegrityError, DatabaseError, "SQLSTATE class 23: a constraint was violated.");
create_exception!(_redwood, InternalError, DatabaseError, "Transaction state and internal errors (25, XX, …).");
create_exception!(
    _redwood,
    ProgrammingError,
    DatabaseError,
    "SQL that cannot run: syntax, unknown objects, wrong parameters (42, …)."
);
create_exception!(_redwood, NotSupportedError, DatabaseError, "SQLSTATE 0A000: a feature Redwood does not have.");

/// The PEP 249 exception for a Redwood error, with its `sqlstate`.
fn database_error(py: Python<'_>, error: redwood_core::Error) -> PyErr {
    let message = error.message;
    let err = match (error.sqlstate, error.sqlstate.get(..2).unwrap_or("")) {
        (_, "22") => DataError::new_err(message),
        (_, "23") => IntegrityError::new_err(message),
        (_, "0A") => NotSupportedError::new_err(message),
        (_, "42" | "26" | "3D" | "3F" | "2B") => ProgrammingError::new_err(message),
        (_, "08" | "28" | "34" | "40" | "53" | "54" | "55" | "57" | "58" | "HV") => OperationalError::new_err(message),
        (_, "24" | "25" | "2D" | "XX") => InternalError::new_err(message),
        _ => DatabaseError::new_err(message),
    };
    let _ = err.value(py).setattr("sqlstate", error.sqlstate);
    err
}

fn programming_error(message: impl Into<String>) -> PyErr {
    ProgrammingError::new_err(message.into())
}

/// Runs `work` on a thread of its own without the GIL; Ctrl-C (a signal the main thread sees
/// while it waits) cancels the statement through `cancel` and raises KeyboardInterrupt.
fn interruptible<T: Send>(py: Python<'_>, cancel: &CancelHandle, work: impl FnOnce() -> T + Send) -> PyResult<T> {
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::channel();
        // Shared with the waits below, which run without the GIL (a Receiver is not Sync).
        let receiver = Mutex::new(receiver);
        scope.spawn(move || {
            let _ = sender.send(work());
        });
        loop {
            match py.detach(|| redwood_core::sync::lock(&receiver).recv_timeout(Duration::from_millis(100))) {
                Ok(done) => return Ok(done),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    if let Err(interrupt) = py.check_signals() {
                        let _ = cancel.cancel();
                        let _ = py.detach(|| redwood_core::sync::lock(&receiver).recv());
                        return Err(interrupt);
                    }
                }
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(InternalError::new_err("the statement's thread ended without a result"));
                }
            }
        }
    })
}

/// Locks a connection's or result's state; one Python thread at a time uses either (PEP 249
/// threadsafety 1), so a second one gets an error rather than waiting with the GIL held. A lock
/// poisoned by a panic is recovered, as `redwood_core::sync` does.
fn lock<'a, T>(mutex: &'a Mutex<T>, what: &str) -> PyResult<MutexGuard<'a, T>> {
    match mutex.try_lock() {
        Ok(guard) => Ok(guard),
        Err(TryLockError::Poisoned(poisoned)) => Ok(poisoned.into_inner()),
        Err(TryLockError::WouldBlock) => {
            Err(InterfaceError::new_err(format!("the {what} is in use by another thread")))
        }
    }
}

/// A connection: embedded (`:memory:`, a directory) or remote (`redwood://…`, `postgres://…`).
#[pyclass(module = "redwood._redwood")]
struct Connection {
    inner: Mutex<Option<client::Connection>>,
    cancel: CancelHandle,
    #[pyo3(get)]
    remote: bool,
}

impl Connection {
    /// Runs `work` on the open connection.
    fn with<T: Send>(
        &self,
        py: Python<'_>,
        work: impl FnOnce(&mut client::Connection) -> redwood_core::Result<T> + Send,
    ) -> PyResult<T> {
        let mut guard = lock(&self.inner, "connection")?;
        let connection = guard.as_mut().ok_or_else(|| InterfaceError::new_err("the connection is closed"))?;
        interruptible(py, &self.cancel, || work(connection))?.map_err(|e| database_error(py, e))
    }
}

#[pymethods]
impl Connection {
    #[new]
    #[pyo3(signature = (target, user=None, password=None))]
    fn new(py: Python<'_>, target: String, user: Option<String>, password: Option<String>) -> PyResult<Connection> {
        let options = Options { user, password, ..Default::default() };
        let opened = py.detach(move || client::Connection::open(&target, options));
        let connection = opened.map_err(|e| match e.sqlstate {
            // A target that cannot be read is the caller's mistake, as psycopg's invalid DSN.
            "22023" => programming_error(e.message),
            _ => database_error(py, e),
        })?;
        Ok(Connection {
            cancel: connection.cancel_handle(),
            remote: connection.is_remote(),
            inner: Mutex::new(Some(connection)),
        })
    }

    /// Runs `sql`. Without `params` it may hold several statements (the last one's result is
    /// returned); with them, one statement whose `%s` markers take a sequence's values in order,
    /// `%(name)s` markers a mapping's by name, or (with no such markers) `$1`, `$2`, … a
    /// sequence's.
    #[pyo3(signature = (sql, params=None))]
    fn execute(&self, py: Python<'_>, sql: &str, params: Option<&Bound<'_, PyAny>>) -> PyResult<QueryResult> {
        let Some(params) = params.filter(|p| !p.is_none()) else {
            let result = self.with(py, |c| c.execute(sql))?;
            return QueryResult::new(py, result, self.cancel.clone());
        };
        let (sql, values) = bind(sql, params, &PyTypes::get(py)?)?;
        let types: Vec<_> = values.iter().map(Value::declared_type).collect();
        let result = self.with(py, |c| {
            let statement = c.prepare_typed(&sql, &types)?;
            check_count(statement.param_count, values.len())?;
            c.execute_prepared(&statement, &values)
        })?;
        QueryResult::new(py, result, self.cancel.clone())
    }

    /// Runs one statement once per parameter set (prepared once); returns the rows affected in
    /// all, or -1 when the statement does not count rows.
    fn execute_many(&self, py: Python<'_>, sql: &str, param_sets: &Bound<'_, PyAny>) -> PyResult<i64> {
        let mut sets = vec![];
        let mut numbered: Option<String> = None;
        let py_types = PyTypes::get(py)?;
        for params in param_sets.try_iter()? {
            let (sql, values) = bind(sql, &params?, &py_types)?;
            if numbered.as_ref().is_some_and(|n| *n != sql) {
                return Err(programming_error("every parameter set must use the same markers"));
            }
            numbered = Some(sql);
            sets.push(values);
        }
        let Some(sql) = numbered else { return Ok(0) };
        let types = common_types(&sets);
        self.with(py, |c| {
            let statement = c.prepare_typed(&sql, &types)?;
            let mut total: Option<u64> = None;
            for values in &sets {
                check_count(statement.param_count, values.len())?;
                if let client::QueryResult::Command { rows: Some(rows), .. } = c.execute_prepared(&statement, values)? {
                    total = Some(total.unwrap_or(0) + rows);
                }
            }
            Ok(total.map_or(-1, |t| t as i64))
        })
    }

    /// Appends the rows of an Arrow stream (anything with `__arrow_c_stream__`: a pyarrow
    /// Table or RecordBatchReader, a polars DataFrame, …) to `table`, columns by position; all or
    /// nothing. Returns the rows added.
    fn append_arrow(&self, py: Python<'_>, table: &str, data: &Bound<'_, PyAny>) -> PyResult<u64> {
        if !data.hasattr("__arrow_c_stream__")? {
            return Err(programming_error(format!(
                "{} is not Arrow data: pass a pyarrow Table or RecordBatchReader, or a polars DataFrame",
                data.get_type().name()?
            )));
        }
        let capsule = data.call_method0("__arrow_c_stream__")?;
        let capsule = capsule
            .cast::<PyCapsule>()
            .map_err(|_| programming_error("__arrow_c_stream__ did not return a capsule"))?;
        let pointer = capsule.pointer_checked(Some(c"arrow_array_stream"))?.cast::<FFI_ArrowArrayStream>();
        // Moves the stream out of the capsule (the capsule is left released, as the protocol asks).
        let reader = unsafe { ArrowArrayStreamReader::from_raw(pointer.as_ptr()) }
            .map_err(|e| programming_error(format!("reading the Arrow stream: {e}")))?;
        let batches = reader
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| programming_error(format!("reading the Arrow stream: {e}")))?;
        self.with(py, |c| c.append(table, batches))
    }

    /// Cancels the running statement (from any thread): it fails with 57014.
    fn cancel(&self, py: Python<'_>) -> PyResult<()> {
        let cancel = self.cancel.clone();
        py.detach(move || cancel.cancel()).map_err(|e| database_error(py, e))
    }

    /// Closes the connection (an open transaction is rolled back); closing twice is allowed.
    fn close(&self) -> PyResult<()> {
        lock(&self.inner, "connection")?.take();
        Ok(())
    }

    #[getter]
    fn closed(&self) -> PyResult<bool> {
        Ok(lock(&self.inner, "connection")?.is_none())
    }
}

/// Each parameter's type where every set's value declares the same (NULLs aside).
fn common_types(sets: &[Vec<Value>]) -> Vec<Option<DataType>> {
    let width = sets.iter().map(Vec::len).max().unwrap_or(0);
    (0..width)
        .map(|i| {
            let mut declared =
                sets.iter().filter_map(|set| set.get(i)).filter(|v| **v != Value::Null).map(Value::declared_type);
            let first = declared.next().flatten();
            declared.all(|t| t == first).then_some(first).flatten()
        })
        .collect()
}

fn check_count(expected: usize, given: usize) -> redwood_core::Result<()> {
    if expected != given {
        return Err(redwood_core::err!(
            SYNTAX_ERROR,
            "the statement has {expected} parameter{}, but {given} value{} were given",
            if expected == 1 { "" } else { "s" },
            if given == 1 { "" } else { "s" }
        ));
    }
    Ok(())
}

/// The statement with `$n` markers and its values, from DB-API parameters.
fn bind(sql: &str, params: &Bound<'_, PyAny>, types: &PyTypes<'_>) -> PyResult<(String, Vec<Value>)> {
    let numbered = |style| client::numbered_placeholders(sql, style).map_err(|e| programming_error(e.message));
    if let Ok(mapping) = params.cast::<PyDict>() {
        let numbered = numbered(ParamStyle::Pyformat)?;
        let values = numbered
            .names
            .iter()
            .map(|name| match mapping.get_item(name)? {
                Some(value) => to_value(&value, types),
                None => Err(programming_error(format!("no value for the parameter %({name})s"))),
            })
            .collect::<PyResult<Vec<_>>>()?;
        return Ok((numbered.sql, values));
    }
    if params.is_instance_of::<PyString>() || params.is_instance_of::<PyBytes>() {
        return Err(programming_error("parameters must be a sequence or a mapping, not a string"));
    }
    let values = params
        .try_iter()
        .map_err(|_| programming_error("parameters must be a sequence or a mapping"))?
        .map(|value| to_value(&value?, types))
        .collect::<PyResult<Vec<_>>>()?;
    let numbered = numbered(ParamStyle::Format)?;
    // No %s markers: the statement numbers its own ($1, $2, …).
    Ok((if numbered.markers == 0 { sql.to_string() } else { numbered.sql }, values))
}

/// A Python value as a parameter.
fn to_value(value: &Bound<'_, PyAny>, types: &PyTypes<'_>) -> PyResult<Value> {
    Ok(if value.is_none() {
        Value::Null
    } else if value.is_instance_of::<PyBool>() {
        Value::Bool(value.extract()?)
    } else if value.is_instance_of::<PyInt>() {
        match value.extract::<i64>() {
            Ok(v) => Value::Int64(v),
            Err(_) => Value::Decimal(value.str()?.to_string()),
        }
    } else if value.is_instance_of::<PyFloat>() {
        Value::Double(value.extract()?)
    } else if value.is_instance_of::<PyString>() {
        Value::Text(value.extract()?)
    } else if value.is_instance(&types.decimal)? {
        Value::Decimal(value.str()?.to_string())
    } else if value.is_instance(&types.datetime)? {
        if value.getattr("tzinfo")?.is_none() {
            let days: i64 = value.call_method0("toordinal")?.extract::<i64>()? - UNIX_EPOCH_ORDINAL;
            let seconds: i64 = value.getattr("hour")?.extract::<i64>()? * 3600
                + value.getattr("minute")?.extract::<i64>()? * 60
                + value.getattr("second")?.extract::<i64>()?;
            let micros: i64 = value.getattr("microsecond")?.extract()?;
            Value::Timestamp((days * 86_400 + seconds) * 1_000_000 + micros)
        } else {
            // An instant: its offset goes with it.
            Value::Text(value.call_method1("isoformat", (" ",))?.extract()?)
        }
    } else if value.is_instance(&types.date)? {
        Value::Date((value.call_method0("toordinal")?.extract::<i64>()? - UNIX_EPOCH_ORDINAL) as i32)
    } else if value.is_instance(&types.time)? {
        Value::Text(value.call_method0("isoformat")?.extract()?)
    } else {
        return Err(NotSupportedError::new_err(format!(
            "cannot bind a value of type {}: use None, bool, int, float, Decimal, str, date, datetime or time",
            value.get_type().name()?
        )));
    })
}

/// `date(1970, 1, 1).toordinal()`.
const UNIX_EPOCH_ORDINAL: i64 = 719_163;

/// The Python types values are made of, looked up once per call.
struct PyTypes<'py> {
    decimal: Bound<'py, PyAny>,
    date: Bound<'py, PyAny>,
    datetime: Bound<'py, PyAny>,
    time: Bound<'py, PyAny>,
    timedelta: Bound<'py, PyAny>,
    utc: Bound<'py, PyAny>,
}

impl<'py> PyTypes<'py> {
    fn get(py: Python<'py>) -> PyResult<PyTypes<'py>> {
        let datetime = py.import("datetime")?;
        Ok(PyTypes {
            decimal: py.import("decimal")?.getattr("Decimal")?,
            date: datetime.getattr("date")?,
            time: datetime.getattr("time")?,
            timedelta: datetime.getattr("timedelta")?,
            utc: datetime.getattr("timezone")?.getattr("utc")?,
            datetime: datetime.getattr("datetime")?,
        })
    }
}

/// A statement's result: rows (read as tuples or as Arrow) or a command's row count.
#[pyclass(module = "redwood._redwood")]
struct QueryResult {
    state: Mutex<ResultState>,
    /// The rows' schema (`None` for a command).
    schema: Option<SchemaRef>,
    cancel: CancelHandle,
    /// PEP 249 `description`: a 7-item tuple per column, `None` for a command.
    #[pyo3(get)]
    description: Option<Py<PyAny>>,
    /// Rows affected by a command; -1 for queries and commands that count nothing.
    #[pyo3(get)]
    rowcount: i64,
    /// The command tag (`INSERT 0 3`, `CREATE TABLE`); `None` for a query.
    #[pyo3(get)]
    command_tag: Option<String>,
}

struct ResultState {
    rows: Option<Rows>,
    /// The batch being read and the next row in it.
    batch: Option<RecordBatch>,
    next_row: usize,
}

impl QueryResult {
    fn new(py: Python<'_>, result: client::QueryResult, cancel: CancelHandle) -> PyResult<QueryResult> {
        let (rows, description, rowcount, command_tag) = match result {
            client::QueryResult::Rows(rows) => {
                let description = describe(py, &rows.schema())?;
                (Some(rows), Some(description), -1, None)
            }
            client::QueryResult::Command { tag, rows } => (None, None, rows.map_or(-1, |r| r as i64), Some(tag)),
        };
        let schema = rows.as_ref().map(Rows::schema);
        let state = Mutex::new(ResultState { rows, batch: None, next_row: 0 });
        Ok(QueryResult { state, schema, cancel, description, rowcount, command_tag })
    }
}

/// PEP 249's description: name, type code (PostgreSQL's type OID, as psycopg reports),
/// display size, internal size, precision, scale, null_ok.
fn describe(py: Python<'_>, schema: &SchemaRef) -> PyResult<Py<PyAny>> {
    let columns = schema
        .fields()
        .iter()
        .map(|field| {
            let column = ColumnType::of(field);
            let (precision, scale) = match column.kind {
                client::ColumnKind::Decimal => (Some(column.precision), Some(column.scale)),
                _ => (None, None),
            };
            let size = matches!(column.kind, client::ColumnKind::Varchar | client::ColumnKind::Char)
                .then_some(column.precision);
            (field.name().as_str(), column.pg_oid(), size, size, precision, scale, field.is_nullable())
                .into_pyobject(py)
        })
        .collect::<PyResult<Vec<_>>>()?;
    Ok(PyList::new(py, columns)?.into_any().unbind())
}

#[pymethods]
impl QueryResult {
    /// The next `size` rows as tuples (all that are left when `size` is None); fewer at the end.
    #[pyo3(signature = (size=None))]
    fn fetch(&self, py: Python<'_>, size: Option<usize>) -> PyResult<Py<PyList>> {
        let mut state = lock(&self.state, "result")?;
        let types = PyTypes::get(py)?;
        let mut out: Vec<Bound<'_, PyAny>> = vec![];
        let wanted = size.unwrap_or(usize::MAX);
        while out.len() < wanted {
            let available = state.batch.as_ref().map_or(0, |b| b.num_rows() - state.next_row);
            if available == 0 {
                let Some(rows) = state.rows.as_mut() else { break };
                match interruptible(py, &self.cancel, || rows.next_batch())?.map_err(|e| database_error(py, e))? {
                    Some(batch) => {
                        state.batch = Some(batch);
                        state.next_row = 0;
                        continue;
                    }
                    None => {
                        state.rows = None;
                        state.batch = None;
                        break;
                    }
                }
            }
            let take = available.min(wanted - out.len());
            let batch = state.batch.as_ref().expect("a batch with rows");
            out.extend(rows_to_tuples(py, batch, state.next_row, take, &types)?);
            state.next_row += take;
        }
        Ok(PyList::new(py, out)?.unbind())
    }

    /// The rows not yet read, as an Arrow C stream (the PyCapsule protocol): pyarrow, polars
    /// and duckdb read it without copies. `requested_schema` is not applied.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Py<PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let mut state = lock(&self.state, "result")?;
        let mut rows = state.rows.take().ok_or_else(|| programming_error("the result has no rows left to read"))?;
        if let Some(batch) = state.batch.take() {
            let next = state.next_row;
            rows.unread(batch.slice(next, batch.num_rows() - next));
        }
        PyCapsule::new_with_value(py, rows.into_arrow_stream(), c"arrow_array_stream")
    }

    /// The rows' schema as an Arrow C schema (the PyCapsule protocol), so that a consumer can
    /// plan before it reads the stream.
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        let schema = self.schema.as_ref().ok_or_else(|| programming_error("a command returns no rows"))?;
        let exported = FFI_ArrowSchema::try_from(schema.as_ref()).map_err(|e| InternalError::new_err(e.to_string()))?;
        PyCapsule::new_with_value(py, exported, c"arrow_schema")
    }

    /// Drops the rows not read (a running query stops).
    fn close(&self) -> PyResult<()> {
        let mut state = lock(&self.state, "result")?;
        state.rows = None;
        state.batch = None;
        Ok(())
    }
}

/// `count` rows from `first` as tuples.
fn rows_to_tuples<'py>(
    py: Python<'py>,
    batch: &RecordBatch,
    first: usize,
    count: usize,
    types: &PyTypes<'py>,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let columns = batch
        .columns()
        .iter()
        .map(|column| column_values(py, &column.slice(first, count), types))
        .collect::<PyResult<Vec<_>>>()?;
    (0..count).map(|row| Ok(PyTuple::new(py, columns.iter().map(|c| &c[row]))?.into_any())).collect()
}

/// A column's values as Python objects.
fn column_values<'py>(py: Python<'py>, column: &ArrayRef, types: &PyTypes<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let none = || py.None().into_bound(py);
    let each = |value: &dyn Fn(usize) -> PyResult<Bound<'py, PyAny>>| -> PyResult<Vec<Bound<'py, PyAny>>> {
        (0..column.len()).map(|i| if column.is_null(i) { Ok(none()) } else { value(i) }).collect()
    };
    match column.data_type() {
        DataType::Null => Ok((0..column.len()).map(|_| none()).collect()),
        DataType::Boolean => {
            let a = column.as_boolean();
            each(&|i| Ok(PyBool::new(py, a.value(i)).to_owned().into_any()))
        }
        DataType::Int16 => {
            let a = column.as_primitive::<Int16Type>();
            each(&|i| Ok(a.value(i).into_pyobject(py)?.into_any()))
        }
        DataType::Int32 => {
            let a = column.as_primitive::<Int32Type>();
            each(&|i| Ok(a.value(i).into_pyobject(py)?.into_any()))
        }
        DataType::Int64 => {
            let a = column.as_primitive::<Int64Type>();
            each(&|i| Ok(a.value(i).into_pyobject(py)?.into_any()))
        }
        DataType::Float32 => {
            // The float's shortest digits (0.1, not 0.10000000149…), as the server prints it.
            let a = column.as_primitive::<Float32Type>();
            each(&|i| Ok(a.value(i).to_string().parse::<f64>().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()))
        }
        DataType::Float64 => {
            let a = column.as_primitive::<Float64Type>();
            each(&|i| Ok(a.value(i).into_pyobject(py)?.into_any()))
        }
        DataType::Decimal128(precision, scale) => {
            let (a, precision, scale) = (column.as_primitive::<Decimal128Type>(), *precision, *scale);
            each(&|i| types.decimal.call1((Decimal128Type::format_decimal(a.value(i), precision, scale),)))
        }
        DataType::Utf8 => {
            let a = column.as_string::<i32>();
            each(&|i| Ok(PyString::new(py, a.value(i)).into_any()))
        }
        DataType::Binary => {
            let a = column.as_binary::<i32>();
            each(&|i| Ok(PyBytes::new(py, a.value(i)).into_any()))
        }
        DataType::Date32 => {
            let (a, from_ordinal) = (column.as_primitive::<Date32Type>(), types.date.getattr("fromordinal")?);
            each(&|i| from_ordinal.call1((a.value(i) as i64 + UNIX_EPOCH_ORDINAL,)))
        }
        DataType::Timestamp(_, zone) => {
            let a = column.as_primitive::<TimestampMicrosecondType>();
            let utc = zone.as_ref().map(|_| &types.utc);
            each(&|i| {
                let micros = a.value(i);
                let (days, of_day) = (micros.div_euclid(86_400_000_000), micros.rem_euclid(86_400_000_000));
                let date = types.date.call_method1("fromordinal", (days + UNIX_EPOCH_ORDINAL,))?;
                let (year, month, day): (i32, u8, u8) = (
                    date.getattr("year")?.extract()?,
                    date.getattr("month")?.extract()?,
                    date.getattr("day")?.extract()?,
                );
                let (hour, minute, second, micro) = time_parts(of_day);
                types.datetime.call1((year, month, day, hour, minute, second, micro, utc))
            })
        }
        DataType::Time64(_) => {
            let a = column.as_primitive::<Time64MicrosecondType>();
            each(&|i| {
                let (hour, minute, second, micro) = time_parts(a.value(i));
                types.time.call1((hour, minute, second, micro))
            })
        }
        // A month counts 30 days, as psycopg reads intervals.
        DataType::Interval(_) => {
            let a = column.as_primitive::<IntervalMonthDayNanoType>();
            each(&|i| {
                let v = a.value(i);
                types.timedelta.call1((v.months as i64 * 30 + v.days as i64, 0, v.nanoseconds / 1_000))
            })
        }
        DataType::List(_) => {
            let a = column.as_list::<i32>();
            each(&|i| Ok(PyList::new(py, column_values(py, &a.value(i), types)?)?.into_any()))
        }
        other => Err(NotSupportedError::new_err(format!("cannot read {other} values into Python yet"))),
    }
}

fn time_parts(micros_of_day: i64) -> (u8, u8, u8, u32) {
    let seconds = micros_of_day / 1_000_000;
    ((seconds / 3600) as u8, (seconds / 60 % 60) as u8, (seconds % 60) as u8, (micros_of_day % 1_000_000) as u32)
}

#[pymodule]
fn _redwood(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<Connection>()?;
    m.add_class::<QueryResult>()?;
    for (name, class) in [
        ("Warning", py.get_type::<Warning>()),
        ("Error", py.get_type::<Error>()),
        ("InterfaceError", py.get_type::<InterfaceError>()),
        ("DatabaseError", py.get_type::<DatabaseError>()),
        ("DataError", py.get_type::<DataError>()),
        ("OperationalError", py.get_type::<OperationalError>()),
        ("IntegrityError", py.get_type::<IntegrityError>()),
        ("InternalError", py.get_type::<InternalError>()),
        ("ProgrammingError", py.get_type::<ProgrammingError>()),
        ("NotSupportedError", py.get_type::<NotSupportedError>()),
    ] {
        m.add(name, class)?;
    }
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

//! Statements: prepare and execute (parameters, arrays of them, data at execution), and the
//! result set (columns, fetch into bound row arrays, SQLGetData in chunks).

use crate::catalog::{self, CatalogQuery, SqlTypeInfo};
use crate::connection::DbcState;
use crate::convert::{self, ParamSource, Stored, Target};
use crate::handle::{lock, Diag, Stmt};
use odbc_sys::SqlReturn;
use redwood_core::arrow::array::{Array, AsArray, RecordBatch};
use redwood_core::arrow::datatypes::{DataType, Field, Schema};
use redwood_core::client::{self, ColumnType, ParamStyle, QueryResult, Rows, Statement, Value};
use redwood_core::{Error, Result};
use std::collections::BTreeMap;
use std::ffi::c_void;
use std::sync::{Arc, Mutex};

/// Row status values (SQL_ATTR_ROW_STATUS_PTR, SQL_ATTR_PARAM_STATUS_PTR).
const ROW_SUCCESS: u16 = 0;
const ROW_NOROW: u16 = 3;
const ROW_ERROR: u16 = 5;
const ROW_SUCCESS_WITH_INFO: u16 = 6;
const PARAM_UNUSED: u16 = 7;

/// Statement attributes the driver honours (the others are refused or reported as changed).
pub(crate) struct Attributes {
    pub row_array_size: usize,
    /// 0: column-wise binding; otherwise the size of one row's structure.
    pub row_bind_type: usize,
    pub row_bind_offset: *mut isize,
    pub rows_fetched: *mut usize,
    pub row_status: *mut u16,
    pub paramset_size: usize,
    pub param_bind_type: usize,
    pub param_bind_offset: *mut isize,
    pub params_processed: *mut usize,
    pub param_status: *mut u16,
    pub max_rows: usize,
    pub query_timeout: usize,
    pub max_length: usize,
    pub metadata_id: bool,
    pub noscan: bool,
    pub retrieve_data: bool,
}

impl Default for Attributes {
    fn default() -> Self {
        Attributes {
            row_array_size: 1,
            row_bind_type: 0,
            row_bind_offset: std::ptr::null_mut(),
            rows_fetched: std::ptr::null_mut(),
            row_status: std::ptr::null_mut(),
            paramset_size: 1,
            param_bind_type: 0,
            param_bind_offset: std::ptr::null_mut(),
            params_processed: std::ptr::null_mut(),
            param_status: std::ptr::null_mut(),
            max_rows: 0,
            query_timeout: 0,
            max_length: 0,
            metadata_id: false,
            noscan: false,
            retrieve_data: true,
        }
    }
}

/// SQLBindCol's binding of a result column.
#[derive(Clone, Copy)]
pub(crate) struct ColumnBinding {
    pub c_type: i16,
    pub ptr: *mut c_void,
    pub buffer_len: isize,
    pub indicator: *mut isize,
}

/// SQLBindParameter's binding.
#[derive(Clone, Copy)]
pub(crate) struct ParamBinding {
    pub c_type: i16,
    pub sql_type: i16,
    pub ptr: *mut c_void,
    pub buffer_len: isize,
    pub indicator: *mut isize,
}

/// A statement prepared (SQLPrepare) or about to run (SQLExecDirect with markers).
pub(crate) struct PreparedSql {
    /// With `$n` markers.
    pub sql: String,
    pub markers: usize,
    /// Prepared on the connection, with the parameter types it was prepared with.
    statement: Option<(Statement, Vec<Option<DataType>>)>,
}

/// An execution waiting for data-at-execution parameters (SQLParamData/SQLPutData).
struct Pending {
    values: Vec<Value>,
    /// Parameter numbers still to be sent, in order.
    missing: std::collections::VecDeque<u16>,
    /// The parameter being sent and its bytes so far.
    current: Option<(u16, Vec<u8>)>,
}

/// A result column.
pub(crate) struct ResultColumn {
    pub name: String,
    pub column_type: ColumnType,
    pub sql: SqlTypeInfo,
}

impl ResultColumn {
    fn of(field: &Field) -> ResultColumn {
        let column_type = ColumnType::of(field);
        ResultColumn {
            name: field.name().clone(),
            column_type,
            sql: catalog::sql_type_of(column_type.kind, column_type.precision, column_type.scale),
        }
    }
}

fn columns_of(schema: &Schema) -> Vec<ResultColumn> {
    schema.fields().iter().map(|f| ResultColumn::of(f)).collect()
}

/// An open cursor.
pub(crate) struct Cursor {
    pub columns: Vec<ResultColumn>,
    rows: Option<Rows>,
    batch: Option<RecordBatch>,
    /// Row of `batch` under the cursor; `None` before the first fetch.
    current: Option<usize>,
    /// Text forms of the current batch's columns, computed when a conversion needs them.
    texts: Vec<Option<Vec<Option<String>>>>,
    /// SQLGetData's progress: the column last read and how much of it was returned.
    get_data: Option<(usize, usize)>,
    fetched: usize,
    max_rows: usize,
}

impl Cursor {
    fn new(rows: Rows, names: Option<&[&str]>, max_rows: usize) -> Cursor {
        let mut columns = columns_of(&rows.schema());
        if let Some(names) = names {
            for (column, name) in columns.iter_mut().zip(names) {
                column.name = name.to_string();
            }
        }
        let texts = columns.iter().map(|_| None).collect();
        Cursor { columns, rows: Some(rows), batch: None, current: None, texts, get_data: None, fetched: 0, max_rows }
    }

    /// Moves to the next row; false at the end.
    fn advance(&mut self) -> Result<bool> {
        self.get_data = None;
        if self.max_rows > 0 && self.fetched >= self.max_rows {
            self.rows = None;
            return Ok(false);
        }
        if let (Some(batch), Some(row)) = (&self.batch, self.current) {
            if row + 1 < batch.num_rows() {
                self.current = Some(row + 1);
                self.fetched += 1;
                return Ok(true);
            }
        }
        self.batch = None;
        self.current = None;
        while let Some(rows) = self.rows.as_mut() {
            match rows.next_batch()? {
                Some(batch) if batch.num_rows() > 0 => {
                    self.batch = Some(batch);
                    self.current = Some(0);
                    self.texts.iter_mut().for_each(|t| *t = None);
                    self.fetched += 1;
                    return Ok(true);
                }
                Some(_) => {}
                None => self.rows = None,
            }
        }
        Ok(false)
    }

    /// Stores column `index` (0-based) of the current row into `target`.
    fn store(&mut self, index: usize, target: &Target, offset: &mut usize) -> Result<Stored> {
        let (Some(batch), Some(row)) = (&self.batch, self.current) else {
            return Err(odbc_error!("24000", "the cursor is not positioned on a row"));
        };
        let array = batch.column(index);
        let needs_text = !matches!(
            array.data_type(),
            DataType::Utf8
                | DataType::Boolean
                | DataType::Binary
                | DataType::Int16
                | DataType::Int32
                | DataType::Int64
                | DataType::Decimal128(..)
        );
        if needs_text && self.texts[index].is_none() {
            let utc = "UTC".parse().map_err(|_| odbc_error!("HY000", "the UTC time zone is unknown"))?;
            self.texts[index] = Some(redwood_core::sql::format::column_to_text(array, &utc)?);
        }
        let text: Option<&str> = match array.data_type() {
            DataType::Utf8 if !array.is_null(row) => Some(array.as_string::<i32>().value(row)),
            _ => self.texts[index].as_ref().and_then(|t| t[row].as_deref()),
        };
        let cell = convert::cell(array.as_ref(), row);
        // SAFETY: the application bound or passed buffers valid for the C type and length.
        unsafe { convert::store(&cell, text, target, offset, self.columns[index].column_type.kind) }
    }
}

/// A statement handle's state.
#[derive(Default)]
pub(crate) struct StmtState {
    pub attributes: Attributes,
    pub prepared: Option<PreparedSql>,
    pub params: BTreeMap<u16, ParamBinding>,
    pub bindings: Vec<Option<ColumnBinding>>,
    pub cursor: Option<Cursor>,
    /// Rows the last statement affected (-1: not a count).
    pub row_count: isize,
    pending: Option<Pending>,
    /// Shared with the statement handle: how SQLCancel (from another thread) and the query
    /// timeout stop the running query, while one runs or its cursor is open.
    cancel: CancelSlot,
}

/// A statement's cancel handle, when a query runs or has an open cursor.
pub(crate) type CancelSlot = Arc<Mutex<Option<client::CancelHandle>>>;

impl StmtState {
    pub(crate) fn new(metadata_id: bool, cancel: CancelSlot) -> StmtState {
        StmtState {
            attributes: Attributes { metadata_id, ..Default::default() },
            row_count: -1,
            cancel,
            ..Default::default()
        }
    }

    /// Calls `f` with the columns of the open cursor, or of the prepared statement before it
    /// runs (none for commands).
    pub(crate) fn with_columns<T>(&self, f: impl FnOnce(&[ResultColumn]) -> Result<T>) -> Result<T> {
        if let Some(cursor) = &self.cursor {
            return f(&cursor.columns);
        }
        let prepared = self.prepared.as_ref().and_then(|p| p.statement.as_ref()).and_then(|(s, _)| s.columns.as_ref());
        match prepared {
            Some(schema) => f(&columns_of(schema)),
            None => f(&[]),
        }
    }

    pub(crate) fn close_cursor(&mut self) {
        self.cursor = None;
        self.pending = None;
        *lock(&self.cancel) = None;
    }

    fn check_not_pending(&self) -> Result<()> {
        match self.pending {
            Some(_) => {
                Err(odbc_error!("HY010", "the statement is waiting for data-at-execution parameters (SQLParamData)"))
            }
            None => Ok(()),
        }
    }
}

/// The statement as the server takes it: escape clauses translated (unless SQL_ATTR_NOSCAN),
/// `?` markers numbered `$n`.
fn number_markers(sql: &str, noscan: bool) -> Result<client::Numbered> {
    match noscan {
        true => client::numbered_placeholders(sql, ParamStyle::Qmark),
        false => client::numbered_placeholders(&client::translate_escapes(sql)?, ParamStyle::Qmark),
    }
}

/// SQLPrepare.
pub(crate) fn prepare(stmt: &Stmt, state: &mut StmtState, sql: &str) -> Result<()> {
    state.check_not_pending()?;
    state.close_cursor();
    state.prepared = None;
    let numbered = number_markers(sql, state.attributes.noscan)?;
    let statement = stmt.dbc().state().connection()?.prepare(&numbered.sql)?;
    let types = vec![None; numbered.markers];
    state.prepared =
        Some(PreparedSql { sql: numbered.sql, markers: numbered.markers, statement: Some((statement, types)) });
    Ok(())
}

/// SQLExecDirect: statements without markers run as they are (several, separated by `;`, too).
pub(crate) fn execute_direct(stmt: &Stmt, state: &mut StmtState, sql: &str) -> Result<SqlReturn> {
    state.check_not_pending()?;
    state.close_cursor();
    let numbered = number_markers(sql, state.attributes.noscan)?;
    if numbered.markers == 0 {
        state.prepared = None;
        let result = run(stmt, state.attributes.query_timeout, |dbc| dbc.connection()?.execute(&numbered.sql))?;
        state.take_result(result, None);
        return Ok(SqlReturn::SUCCESS);
    }
    state.prepared = Some(PreparedSql { sql: numbered.sql, markers: numbered.markers, statement: None });
    execute(stmt, state)
}

/// SQLExecute (and the second half of SQLExecDirect with markers).
pub(crate) fn execute(stmt: &Stmt, state: &mut StmtState) -> Result<SqlReturn> {
    state.check_not_pending()?;
    state.close_cursor();
    let markers = state.prepared.as_ref().ok_or_else(|| odbc_error!("HY010", "no statement was prepared"))?.markers;
    if let Some(missing) = (1..=markers as u16).find(|n| !state.params.contains_key(n)) {
        return Err(odbc_error!("07002", "parameter {missing} is not bound (the statement has {markers} markers)"));
    }
    let rows = if markers == 0 { 1 } else { state.attributes.paramset_size.max(1) };
    let mut processed = 0usize;
    let mut affected: Option<isize> = None;
    let mut last = None;
    let mut failure = None;
    for row in 0..rows {
        processed += 1;
        let values = match param_values(state, row) {
            Ok(Values::Ready(values)) => values,
            Ok(Values::DataAtExecution(values, missing)) if rows == 1 => {
                state.pending = Some(Pending { values, missing: missing.into(), current: None });
                return Ok(SqlReturn::NEED_DATA);
            }
            Ok(Values::DataAtExecution(..)) => {
                return Err(odbc_error!(
                    "HYC00",
                    "data-at-execution parameters with SQL_ATTR_PARAMSET_SIZE > 1 are not supported"
                ))
            }
            Err(error) => {
                set_param_status(&state.attributes, row, ROW_ERROR);
                failure.get_or_insert(error);
                break;
            }
        };
        match execute_values(stmt, state, values) {
            Ok(result) => {
                set_param_status(&state.attributes, row, ROW_SUCCESS);
                if let QueryResult::Command { rows: Some(n), .. } = &result {
                    affected = Some(affected.unwrap_or(0) + *n as isize);
                }
                last = Some(result);
            }
            Err(error) => {
                set_param_status(&state.attributes, row, ROW_ERROR);
                failure = Some(error);
                break;
            }
        }
    }
    for row in processed..rows {
        set_param_status(&state.attributes, row, PARAM_UNUSED);
    }
    // SAFETY: the application set the pointer to a SQLULEN it owns.
    unsafe { crate::text::put(state.attributes.params_processed, processed) };
    if let Some(error) = failure {
        return Err(error);
    }
    if let Some(result) = last {
        state.take_result(result, None);
    }
    if rows > 1 {
        state.row_count = affected.unwrap_or(-1);
    }
    Ok(SqlReturn::SUCCESS)
}

fn set_param_status(attributes: &Attributes, row: usize, status: u16) {
    if !attributes.param_status.is_null() {
        // SAFETY: the application's array has SQL_ATTR_PARAMSET_SIZE elements.
        unsafe { attributes.param_status.add(row).write_unaligned(status) };
    }
}

enum Values {
    Ready(Vec<Value>),
    /// With placeholders for the parameters sent later, whose numbers follow.
    DataAtExecution(Vec<Value>, Vec<u16>),
}

/// The address of element `row` of a bound array: column-wise (elements of `element` bytes) or
/// row-wise (`bind_type` bytes per row), shifted by the bind offset.
fn element(base: *mut c_void, row: usize, element: usize, bind_type: usize, offset: *mut isize) -> *mut c_void {
    if base.is_null() {
        return base;
    }
    let step = if bind_type == 0 { element } else { bind_type };
    // SAFETY: the offset pointer, when set, points to the application's SQLLEN.
    let shift = if offset.is_null() { 0 } else { unsafe { offset.read_unaligned() } };
    (base as *mut u8).wrapping_offset(shift).wrapping_add(row * step) as *mut c_void
}

fn indicator_at(base: *mut isize, row: usize, bind_type: usize, offset: *mut isize) -> *mut isize {
    element(base as *mut c_void, row, std::mem::size_of::<isize>(), bind_type, offset) as *mut isize
}

fn param_source(binding: &ParamBinding, attributes: &Attributes, row: usize) -> ParamSource {
    let size = convert::fixed_size(binding.c_type).unwrap_or(binding.buffer_len.max(0) as usize);
    let (bind_type, offset) = (attributes.param_bind_type, attributes.param_bind_offset);
    ParamSource {
        c_type: binding.c_type,
        sql_type: binding.sql_type,
        ptr: element(binding.ptr, row, size, bind_type, offset),
        buffer_len: binding.buffer_len,
        indicator: indicator_at(binding.indicator, row, bind_type, offset),
    }
}

fn param_values(state: &StmtState, row: usize) -> Result<Values> {
    let markers = state.prepared.as_ref().map_or(0, |p| p.markers);
    let mut values = Vec::with_capacity(markers);
    let mut later = vec![];
    for number in 1..=markers as u16 {
        let binding = &state.params[&number];
        let source = param_source(binding, &state.attributes, row);
        // SAFETY: the application bound buffers valid for its C type.
        let indicator = if source.indicator.is_null() { 0 } else { unsafe { source.indicator.read_unaligned() } };
        if convert::is_data_at_exec(indicator) {
            later.push(number);
            values.push(Value::Null);
            continue;
        }
        // SAFETY: as above.
        let value = unsafe { convert::read_param(&source) }
            .map_err(|e| Error { message: format!("parameter {number}: {}", e.message), ..e })?;
        values.push(value);
    }
    Ok(if later.is_empty() { Values::Ready(values) } else { Values::DataAtExecution(values, later) })
}

/// Runs the prepared statement with `values`, preparing it again when the parameters declare
/// other types than it was prepared with.
fn execute_values(stmt: &Stmt, state: &mut StmtState, values: Vec<Value>) -> Result<QueryResult> {
    let declared: Vec<Option<DataType>> = (1..=values.len() as u16)
        .map(|n| match &values[n as usize - 1] {
            Value::Null => None,
            _ => convert::declared_type(state.params[&n].sql_type),
        })
        .collect();
    let prepared = state.prepared.as_mut().ok_or_else(|| odbc_error!("HY010", "no statement was prepared"))?;
    let sql = prepared.sql.clone();
    let reusable = matches!(&prepared.statement, Some((_, types)) if types.iter().zip(&declared).all(|(t, d)| d.is_none() || t == d));
    if !reusable {
        let statement = stmt.dbc().state().connection()?.prepare_typed(&sql, &declared)?;
        prepared.statement = Some((statement, declared));
    }
    let (statement, _) = prepared.statement.as_ref().expect("prepared above");
    run(stmt, state.attributes.query_timeout, |dbc| dbc.connection()?.execute_prepared(statement, &values))
}

/// Runs `body` on the connection in the statement's transaction, cancellable by SQLCancel and by
/// the query timeout. A query's cancel handle stays with the statement while its cursor is open:
/// its later batches are computed in SQLFetch.
fn run(
    stmt: &Stmt,
    query_timeout: usize,
    body: impl FnOnce(&mut DbcState) -> Result<QueryResult>,
) -> Result<QueryResult> {
    let dbc = stmt.dbc();
    let mut dbc_state = dbc.state();
    dbc_state.before_statement()?;
    let cancel = dbc_state.connection()?.cancel_handle();
    *lock(&stmt.cancel) = Some(cancel.clone());
    // A query's first batch is read here, so that the statement runs (and fails, or is
    // cancelled) in SQLExecute as ODBC applications expect, embedded as remotely.
    let result = cancellable(&cancel, query_timeout, || match body(&mut dbc_state)? {
        QueryResult::Rows(mut rows) => {
            if let Some(batch) = rows.next_batch()? {
                rows.unread(batch);
            }
            Ok(QueryResult::Rows(rows))
        }
        command => Ok(command),
    });
    if !matches!(result, Ok(QueryResult::Rows(_))) {
        *lock(&stmt.cancel) = None;
    }
    if let Ok(result) = &result {
        dbc_state.after_statement(result);
    }
    result
}

/// Runs `work` under the query timeout (0: none); a cancelled query fails with ODBC's HY008, or
/// HYT00 when the timeout cancelled it.
fn cancellable<T>(cancel: &client::CancelHandle, query_timeout: usize, work: impl FnOnce() -> Result<T>) -> Result<T> {
    let timer = (query_timeout > 0).then(|| QueryTimer::start(cancel.clone(), query_timeout));
    let result = work();
    let timed_out = timer.is_some_and(QueryTimer::stop);
    match result {
        Err(error) if error.sqlstate == "57014" && timed_out => {
            Err(odbc_error!("HYT00", "the query timeout ({query_timeout} s) expired: the statement was cancelled"))
        }
        Err(error) if error.sqlstate == "57014" => Err(Error { sqlstate: "HY008", ..error }),
        other => other,
    }
}

/// Cancels the running statement when SQL_ATTR_QUERY_TIMEOUT expires.
struct QueryTimer {
    done: std::sync::mpsc::Sender<()>,
    thread: std::thread::JoinHandle<bool>,
}

impl QueryTimer {
    fn start(cancel: client::CancelHandle, seconds: usize) -> QueryTimer {
        let (done, finished) = std::sync::mpsc::channel::<()>();
        let thread =
            std::thread::spawn(move || match finished.recv_timeout(std::time::Duration::from_secs(seconds as u64)) {
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => cancel.cancel().is_ok(),
                _ => false,
            });
        QueryTimer { done, thread }
    }

    /// Stops the timer; whether it fired.
    fn stop(self) -> bool {
        let _ = self.done.send(());
        self.thread.join().unwrap_or(false)
    }
}

impl StmtState {
    /// Keeps a statement's result: a cursor for rows, the count for commands.
    fn take_result(&mut self, result: QueryResult, names: Option<&'static [&'static str]>) {
        match result {
            QueryResult::Rows(rows) => {
                self.row_count = -1;
                self.cursor = Some(Cursor::new(rows, names, self.attributes.max_rows));
            }
            QueryResult::Command { rows, .. } => {
                self.row_count = rows.map_or(-1, |n| n as isize);
                self.cursor = None;
            }
        }
    }
}

/// Runs a catalog function (the metadata contract's call and its projection); its result
/// columns get ODBC's names.
pub(crate) fn catalog_query(stmt: &Stmt, state: &mut StmtState, query: CatalogQuery) -> Result<()> {
    state.check_not_pending()?;
    state.close_cursor();
    state.prepared = None;
    let run_query = query.run;
    let result = run(stmt, state.attributes.query_timeout, |dbc| run_query(dbc.connection()?))?;
    state.take_result(result, Some(query.names));
    Ok(())
}

/// SQLParamData: finishes the parameter being sent, then asks for the next one (NEED_DATA with
/// its token) or runs the statement.
pub(crate) fn param_data(stmt: &Stmt, state: &mut StmtState, token: *mut *mut c_void) -> Result<SqlReturn> {
    let Some(mut pending) = state.pending.take() else {
        return Err(odbc_error!("HY010", "no statement is waiting for data-at-execution parameters"));
    };
    if let Some((number, bytes)) = pending.current.take() {
        let binding = state.params[&number];
        let length = bytes.len() as isize;
        let source = ParamSource {
            c_type: binding.c_type,
            sql_type: binding.sql_type,
            ptr: bytes.as_ptr() as *const c_void,
            buffer_len: length,
            indicator: &length,
        };
        // SAFETY: the source points to the bytes collected from SQLPutData.
        pending.values[number as usize - 1] = unsafe { convert::read_param(&source) }?;
    }
    if let Some(number) = pending.missing.pop_front() {
        let binding = state.params[&number];
        if !token.is_null() {
            // SAFETY: the application passes a pointer to a SQLPOINTER.
            unsafe { token.write_unaligned(binding.ptr) };
        }
        pending.current = Some((number, vec![]));
        state.pending = Some(pending);
        return Ok(SqlReturn::NEED_DATA);
    }
    let result = execute_values(stmt, state, pending.values)?;
    state.take_result(result, None);
    Ok(SqlReturn::SUCCESS)
}

/// SQLPutData: a chunk of the parameter being sent.
///
/// # Safety
/// `data` is valid for `length` bytes (or NUL-terminated when `length` is SQL_NTS).
pub(crate) unsafe fn put_data(state: &mut StmtState, data: *const c_void, length: isize) -> Result<()> {
    let pending = state
        .pending
        .as_mut()
        .filter(|p| p.current.is_some())
        .ok_or_else(|| odbc_error!("HY010", "SQLPutData is only valid after SQLParamData asked for a parameter"))?;
    let number = pending.current.as_ref().map_or(0, |(n, _)| *n);
    let c_type = state.params[&number].c_type;
    if length == -1 {
        // SQL_NULL_DATA: the parameter is NULL (and SQLParamData has nothing to convert).
        pending.values[number as usize - 1] = Value::Null;
        pending.current = None;
        return Ok(());
    }
    let Some((_, bytes)) = pending.current.as_mut() else { unreachable!("checked above") };
    let len = match (length, convert::fixed_size(c_type)) {
        (_, Some(size)) => size,
        // SAFETY: an SQL_NTS chunk ends with its NUL (the caller's guarantee).
        (crate::text::NTS, None) => unsafe { convert::terminated_len(data, c_type) },
        (n, None) if n >= 0 => n as usize,
        (n, None) => return Err(odbc_error!("HY090", "invalid length {n}")),
    };
    // SAFETY: `data` is valid for the chunk's `len` bytes (the caller's guarantee).
    let chunk = unsafe { std::slice::from_raw_parts(data as *const u8, len) };
    bytes.extend_from_slice(chunk);
    Ok(())
}

/// SQLFetch / SQLFetchScroll(SQL_FETCH_NEXT): the next rowset into the bound columns.
pub(crate) fn fetch(state: &mut StmtState, diag: &Diag) -> Result<SqlReturn> {
    state.check_not_pending()?;
    let StmtState { attributes, bindings, cursor, cancel, .. } = state;
    let cursor = cursor.as_mut().ok_or_else(|| {
        odbc_error!("24000", "there is no result set to fetch from (no query ran, or its cursor was closed)")
    })?;
    let rowset = attributes.row_array_size.max(1);
    let mut fetched = 0;
    let mut warned = false;
    let running = lock(cancel).clone();
    for row in 0..rowset {
        // Later batches are computed here: under SQLCancel and the query timeout too.
        let more = match &running {
            Some(handle) => cancellable(handle, attributes.query_timeout, || cursor.advance())?,
            None => cursor.advance()?,
        };
        if !more {
            *lock(cancel) = None;
            break;
        }
        fetched += 1;
        let mut status = ROW_SUCCESS;
        for (index, binding) in bindings.iter().enumerate() {
            let Some(binding) = binding.filter(|_| index < cursor.columns.len()) else { continue };
            let size = convert::fixed_size(binding.c_type).unwrap_or(binding.buffer_len.max(0) as usize);
            let target = Target {
                c_type: binding.c_type,
                ptr: element(binding.ptr, row, size, attributes.row_bind_type, attributes.row_bind_offset),
                buffer_len: binding.buffer_len,
                indicator: indicator_at(binding.indicator, row, attributes.row_bind_type, attributes.row_bind_offset),
            };
            let mut offset = 0;
            match cursor.store(index, &target, &mut offset) {
                Ok(Stored::Truncated) => {
                    status = ROW_SUCCESS_WITH_INFO;
                    diag.push(&odbc_error!("01004", "string data, right truncated (column {})", index + 1));
                }
                Ok(Stored::Fraction) => {
                    status = ROW_SUCCESS_WITH_INFO;
                    diag.push(&odbc_error!("01S07", "fractional truncation (column {})", index + 1));
                }
                Ok(_) => {}
                Err(error) if rowset == 1 => return Err(error),
                Err(error) => {
                    status = ROW_ERROR;
                    diag.push(&Error {
                        message: format!("row {}, column {}: {}", row + 1, index + 1, error.message),
                        ..error
                    });
                }
            }
        }
        warned |= status != ROW_SUCCESS;
        if !attributes.row_status.is_null() {
            // SAFETY: the application's status array has SQL_ATTR_ROW_ARRAY_SIZE elements.
            unsafe { attributes.row_status.add(row).write_unaligned(status) };
        }
    }
    if !attributes.row_status.is_null() {
        for row in fetched..rowset {
            // SAFETY: as above.
            unsafe { attributes.row_status.add(row).write_unaligned(ROW_NOROW) };
        }
    }
    // SAFETY: the application's SQLULEN.
    unsafe { crate::text::put(attributes.rows_fetched, fetched) };
    if fetched == 0 {
        return Ok(SqlReturn::NO_DATA);
    }
    Ok(if warned { SqlReturn::SUCCESS_WITH_INFO } else { SqlReturn::SUCCESS })
}

/// SQLGetData: column `number` (1-based) of the current row, in chunks for characters and bytes.
pub(crate) fn get_data(state: &mut StmtState, diag: &Diag, number: u16, target: Target) -> Result<SqlReturn> {
    state.check_not_pending()?;
    let cursor = state.cursor.as_mut().ok_or_else(|| odbc_error!("24000", "there is no result set"))?;
    if number == 0 {
        return Err(odbc_error!("07009", "bookmarks are not supported: columns are numbered from 1"));
    }
    let index = number as usize - 1;
    if index >= cursor.columns.len() {
        return Err(odbc_error!(
            "07009",
            "column {number} does not exist: the result has {} columns",
            cursor.columns.len()
        ));
    }
    if !convert::known(target.c_type) {
        return Err(odbc_error!("HY003", "invalid application buffer type {}", target.c_type));
    }
    let mut offset = match cursor.get_data {
        Some((column, offset)) if column == index => offset,
        _ => 0,
    };
    let stored = cursor.store(index, &target, &mut offset)?;
    cursor.get_data = Some((index, offset));
    Ok(match stored {
        Stored::Whole => SqlReturn::SUCCESS,
        Stored::NoData => SqlReturn::NO_DATA,
        Stored::Truncated => {
            diag.push(&odbc_error!("01004", "string data, right truncated: call SQLGetData again for the rest"));
            SqlReturn::SUCCESS_WITH_INFO
        }
        Stored::Fraction => {
            diag.push(&odbc_error!("01S07", "fractional truncation"));
            SqlReturn::SUCCESS_WITH_INFO
        }
    })
}

/// How parameter `number` (1-based) is described: its type as the statement uses it (text when
/// undecided).
pub(crate) fn describe_param(stmt: &Stmt, state: &mut StmtState, number: u16) -> Result<SqlTypeInfo> {
    let prepared = state.prepared.as_mut().ok_or_else(|| odbc_error!("HY010", "no statement was prepared"))?;
    if number == 0 || number as usize > prepared.markers {
        return Err(odbc_error!("07009", "parameter {number} does not exist: the statement has {}", prepared.markers));
    }
    if prepared.statement.is_none() {
        let statement = stmt.dbc().state().connection()?.prepare(&prepared.sql)?;
        prepared.statement = Some((statement, vec![None; prepared.markers]));
    }
    let (statement, _) = prepared.statement.as_ref().expect("prepared above");
    let data_type = statement.param_types.get(number as usize - 1).cloned().flatten().unwrap_or(DataType::Utf8);
    Ok(ResultColumn::of(&Field::new("", data_type, true)).sql)
}

/// The parameter count of the prepared statement.
pub(crate) fn param_count(state: &StmtState) -> Result<usize> {
    Ok(state.prepared.as_ref().ok_or_else(|| odbc_error!("HY010", "no statement was prepared"))?.markers)
}

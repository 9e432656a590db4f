//! Preparing and running statements, their parameters, and cancelling them.

use super::{with_stmt, Ptr};
use crate::convert;
use crate::handle::{lock, Handle, Stmt, OK};
use crate::statement::{self, ParamBinding};
use crate::text;
use odbc_sys::SqlReturn;

ansi_and_wide! {
    fn SQLExecDirect / SQLExecDirectW<C>(handle: Ptr, sql: *const C, len: i32) -> SqlReturn {
        with_stmt(handle, |stmt, state| {
            // SAFETY: the arguments are valid as # Safety says.
            let sql = unsafe { text::read(sql, len as isize) }?
                .ok_or_else(|| odbc_error!("HY009", "the statement text is a null pointer"))?;
            statement::execute_direct(stmt, state, &sql)
        })
    }
}

ansi_and_wide! {
    fn SQLPrepare / SQLPrepareW<C>(handle: Ptr, sql: *const C, len: i32) -> SqlReturn {
        with_stmt(handle, |stmt, state| {
            // SAFETY: the arguments are valid as # Safety says.
            let sql = unsafe { text::read(sql, len as isize) }?
                .ok_or_else(|| odbc_error!("HY009", "the statement text is a null pointer"))?;
            statement::prepare(stmt, state, &sql)?;
            OK
        })
    }
}

/// # Safety
/// The buffers bound with SQLBindParameter are still valid for their lengths; `handle` is not freed
/// by another thread during the call (ODBC's rule for every handle argument).
#[no_mangle]
pub unsafe extern "system" fn SQLExecute(handle: Ptr) -> SqlReturn {
    with_stmt(handle, statement::execute)
}

/// # Safety
/// `token` is null or valid for writing a pointer, and the buffers bound with SQLBindParameter are
/// still valid; `handle` is not freed by another thread during the call (ODBC's rule for every
/// handle argument).
#[no_mangle]
pub unsafe extern "system" fn SQLParamData(handle: Ptr, token: *mut Ptr) -> SqlReturn {
    with_stmt(handle, |stmt, state| statement::param_data(stmt, state, token))
}

/// # Safety
/// `data` is null or valid for `length` bytes (up to a NUL when `length` is SQL_NTS); `handle` is
/// not freed by another thread during the call (ODBC's rule for every handle argument).
#[no_mangle]
pub unsafe extern "system" fn SQLPutData(handle: Ptr, data: Ptr, length: isize) -> SqlReturn {
    with_stmt(handle, |_, state| {
        // SAFETY: the arguments are valid as # Safety says.
        unsafe { statement::put_data(state, data, length) }?;
        OK
    })
}

/// SQL_PARAM_INPUT: the only parameter direction Redwood has.
const PARAM_INPUT: i16 = 1;

/// # Safety
/// `ptr` (for `buffer_len` bytes per row) and `indicator` stay valid until the parameter is unbound
/// or the statement freed: SQLExecute reads them.
#[no_mangle]
pub unsafe extern "system" fn SQLBindParameter(
    handle: Ptr,
    number: u16,
    input_output: i16,
    c_type: i16,
    sql_type: i16,
    _column_size: usize,
    _decimal_digits: i16,
    ptr: Ptr,
    buffer_len: isize,
    indicator: *mut isize,
) -> SqlReturn {
    with_stmt(handle, |_, state| {
        if number == 0 {
            return Err(odbc_error!("07009", "parameters are numbered from 1"));
        }
        if input_output != PARAM_INPUT {
            return Err(odbc_error!("HY105", "only input parameters are supported (SQL_PARAM_INPUT)"));
        }
        if !convert::known(c_type) {
            return Err(odbc_error!("HY003", "invalid application buffer type {c_type}"));
        }
        if buffer_len < 0 {
            return Err(odbc_error!("HY090", "invalid buffer length {buffer_len}"));
        }
        state.params.insert(number, ParamBinding { c_type, sql_type, ptr, buffer_len, indicator });
        OK
    })
}

/// # Safety
/// `count` is null or valid for writing an `i16`; `handle` is not freed by another thread during
/// the call (ODBC's rule for every handle argument).
#[no_mangle]
pub unsafe extern "system" fn SQLNumParams(handle: Ptr, count: *mut i16) -> SqlReturn {
    with_stmt(handle, |_, state| {
        // SAFETY: the arguments are valid as # Safety says.
        unsafe { text::put(count, statement::param_count(state)?) };
        OK
    })
}

/// SQL_NULLABLE_UNKNOWN: what a parameter is.
const SQL_NULLABLE_UNKNOWN: i16 = 2;

/// # Safety
/// Each out pointer is null or valid for writing its type; `handle` is not freed by another thread
/// during the call (ODBC's rule for every handle argument).
#[no_mangle]
pub unsafe extern "system" fn SQLDescribeParam(
    handle: Ptr,
    number: u16,
    data_type: *mut i16,
    size: *mut usize,
    digits: *mut i16,
    nullable: *mut i16,
) -> SqlReturn {
    with_stmt(handle, |stmt, state| {
        let described = statement::describe_param(stmt, state, number)?;
        if !data_type.is_null() {
            // SAFETY: the arguments are valid as # Safety says.
            unsafe { data_type.write_unaligned(described.sql_type) };
        }
        // SAFETY: the arguments are valid as # Safety says.
        unsafe {
            text::put(size, described.column_size);
            text::put(digits, described.decimal_digits.max(0) as usize);
            text::put(nullable, SQL_NULLABLE_UNKNOWN as usize);
        }
        OK
    })
}

/// # Safety
/// `handle` is not freed during the call (the statement may be running on another thread).
#[no_mangle]
pub unsafe extern "system" fn SQLCancel(handle: Ptr) -> SqlReturn {
    // Not through `with_stmt`: the statement's state is held by the thread running it.
    // SAFETY: the statement is not freed during the call (# Safety).
    let Some(stmt) = (unsafe { Stmt::from_raw(handle) }) else {
        return SqlReturn::INVALID_HANDLE;
    };
    let cancel = lock(&stmt.cancel).clone();
    match cancel.map(|c| c.cancel()) {
        Some(Err(error)) => {
            stmt.diag.push(&error);
            SqlReturn::ERROR
        }
        _ => SqlReturn::SUCCESS,
    }
}

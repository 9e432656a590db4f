//! Diagnostic records: what the previous call on a handle reported.

use super::{put_value, Ptr, HANDLE_DBC, HANDLE_ENV, HANDLE_STMT};
use crate::handle::{self, Dbc, Env, Handle, Stmt};
use crate::text;
use odbc_sys::SqlReturn;

/// The diagnostics of a handle of any type, without clearing them (the diagnostic functions
/// read the records of the previous call).
///
/// # Safety
/// No other thread frees the handle while the diagnostics are used.
unsafe fn diagnostics_of<'a>(handle_type: i16, handle: Ptr) -> Option<(&'a handle::Diag, Option<&'a Dbc>)> {
    // SAFETY: the caller's guarantee.
    unsafe {
        match handle_type {
            HANDLE_ENV => Env::from_raw(handle).map(|h| (&h.diag, None)),
            HANDLE_DBC => Dbc::from_raw(handle).map(|h| (&h.diag, Some(h))),
            HANDLE_STMT => Stmt::from_raw(handle).map(|h| (&h.diag, Some(h.dbc()))),
            _ => None,
        }
    }
}

ansi_and_wide! {
    fn SQLGetDiagRec / SQLGetDiagRecW<C>(
        handle_type: i16,
        handle: Ptr,
        number: i16,
        state_out: *mut C,
        native: *mut i32,
        message: *mut C,
        capacity: i16,
        length: *mut i16,
    ) -> SqlReturn {
        // SAFETY: the arguments are valid as # Safety says.
        let Some((diag, _)) = (unsafe { diagnostics_of(handle_type, handle) }) else {
            return SqlReturn::INVALID_HANDLE;
        };
        if number < 1 || capacity < 0 {
            return SqlReturn::ERROR;
        }
        let Some(record) = diag.lock().records.get(number as usize - 1).cloned() else {
            return SqlReturn::NO_DATA;
        };
        // SAFETY: the arguments are valid as # Safety says.
        unsafe { text::write(&record.state, state_out, 6) };
        if !native.is_null() {
            // SAFETY: the arguments are valid as # Safety says.
            unsafe { native.write_unaligned(record.native) };
        }
        // SAFETY: the arguments are valid as # Safety says.
        match unsafe { text::write_counted(&record.message, message, capacity as isize, length) } {
            Ok(written) if written.truncated() => SqlReturn::SUCCESS_WITH_INFO,
            Ok(_) => SqlReturn::SUCCESS,
            Err(_) => SqlReturn::ERROR,
        }
    }
}

/// SQLGetDiagField identifiers.
mod diag_field {
    pub const RETURNCODE: i16 = 1;
    pub const NUMBER: i16 = 2;
    pub const ROW_COUNT: i16 = 3;
    pub const SQLSTATE: i16 = 4;
    pub const NATIVE: i16 = 5;
    pub const MESSAGE_TEXT: i16 = 6;
    pub const DYNAMIC_FUNCTION: i16 = 7;
    pub const CLASS_ORIGIN: i16 = 8;
    pub const SUBCLASS_ORIGIN: i16 = 9;
    pub const CONNECTION_NAME: i16 = 10;
    pub const SERVER_NAME: i16 = 11;
    pub const DYNAMIC_FUNCTION_CODE: i16 = 12;
    pub const CURSOR_ROW_COUNT: i16 = -1249;
    pub const ROW_NUMBER: i16 = -1248;
    pub const COLUMN_NUMBER: i16 = -1247;
}

/// SQLSTATEs defined by ODBC rather than by the SQL standard (what SQL_DIAG_*_ORIGIN report).
fn odbc_defined(state: &str) -> bool {
    state.starts_with("HY") || state.starts_with("IM") || state.as_bytes().get(2) == Some(&b'S')
}

ansi_and_wide! {
    fn SQLGetDiagField / SQLGetDiagFieldW<C>(
        handle_type: i16,
        handle: Ptr,
        number: i16,
        id: i16,
        value: Ptr,
        buffer_len: i16,
        length: *mut i16,
    ) -> SqlReturn {
        use diag_field::*;
        // SAFETY: the arguments are valid as # Safety says.
        let Some((diag, dbc)) = (unsafe { diagnostics_of(handle_type, handle) }) else {
            return SqlReturn::INVALID_HANDLE;
        };
        let header = diag.lock();
        // SAFETY: the arguments are valid as # Safety says.
        let text_answer = |text: &str| match unsafe {
            text::write_bytes_counted(text, value as *mut C, buffer_len as isize, length)
        } {
            Ok(written) if written.truncated() => SqlReturn::SUCCESS_WITH_INFO,
            Ok(_) => SqlReturn::SUCCESS,
            Err(_) => SqlReturn::ERROR,
        };
        match id {
            // SAFETY: the arguments are valid as # Safety says.
            RETURNCODE => unsafe { put_value(value, length, header.return_code) },
            // SAFETY: the arguments are valid as # Safety says.
            NUMBER => unsafe { put_value(value, length, header.records.len() as i32) },
            // SAFETY: the arguments are valid as # Safety says.
            ROW_COUNT | CURSOR_ROW_COUNT if handle_type == HANDLE_STMT => unsafe {
                put_value(value, length, header.row_count)
            },
            DYNAMIC_FUNCTION if handle_type == HANDLE_STMT => return text_answer(""),
            // SAFETY: the arguments are valid as # Safety says.
            DYNAMIC_FUNCTION_CODE if handle_type == HANDLE_STMT => unsafe { put_value(value, length, 0i32) },
            ROW_COUNT | CURSOR_ROW_COUNT | DYNAMIC_FUNCTION | DYNAMIC_FUNCTION_CODE => return SqlReturn::ERROR,
            _ => {
                if number < 1 {
                    return SqlReturn::ERROR;
                }
                let Some(record) = header.records.get(number as usize - 1) else {
                    return SqlReturn::NO_DATA;
                };
                match id {
                    SQLSTATE => return text_answer(&record.state),
                    // SAFETY: the arguments are valid as # Safety says.
                    NATIVE => unsafe { put_value(value, length, record.native) },
                    MESSAGE_TEXT => return text_answer(&record.message),
                    CLASS_ORIGIN => {
                        return text_answer(if odbc_defined(&record.state[..2]) { "ODBC 3.0" } else { "ISO 9075" })
                    }
                    SUBCLASS_ORIGIN => {
                        return text_answer(if odbc_defined(&record.state) { "ODBC 3.0" } else { "ISO 9075" })
                    }
                    CONNECTION_NAME => return text_answer(""),
                    SERVER_NAME => {
                        return text_answer(&dbc.map(|d| d.state().facts.server_name.clone()).unwrap_or_default())
                    }
                    // SQL_NO_ROW_NUMBER / SQL_NO_COLUMN_NUMBER: not known per record.
                    // SAFETY: the arguments are valid as # Safety says.
                    ROW_NUMBER => unsafe { put_value(value, length, -1isize) },
                    // SAFETY: the arguments are valid as # Safety says.
                    COLUMN_NUMBER => unsafe { put_value(value, length, -1i32) },
                    _ => return SqlReturn::ERROR,
                }
            }
        }
        SqlReturn::SUCCESS
    }
}

//! What the driver and the connection are (SQLGetInfo) and SQL as the driver sends it.

use super::{put_value, Ptr};
use crate::handle::{entry, Dbc, OK};
use crate::info::{self, InfoValue};
use crate::text;
use odbc_sys::SqlReturn;

ansi_and_wide! {
    fn SQLGetInfo / SQLGetInfoW<C>(
        handle: Ptr,
        info_type: u16,
        value: Ptr,
        buffer_len: i16,
        length: *mut i16,
    ) -> SqlReturn {
        entry::<Dbc>(handle, |dbc| {
            let state = dbc.state();
            let answer = info::info(info_type, &state.facts())
                .ok_or_else(|| odbc_error!("HY096", "unknown information type {info_type}"))?;
            match answer {
                InfoValue::Text(text) => {
                    // SAFETY: the arguments are valid as # Safety says.
                    if unsafe { text::write_bytes_counted(&text, value as *mut C, buffer_len as isize, length) }?
                        .truncated()
                    {
                        dbc.diag.push(&odbc_error!("01004", "the answer was truncated"));
                    }
                }
                // SAFETY: the arguments are valid as # Safety says.
                InfoValue::U16(n) => unsafe { put_value(value, length, n) },
                // SAFETY: the arguments are valid as # Safety says.
                InfoValue::U32(n) => unsafe { put_value(value, length, n) },
                // SAFETY: the arguments are valid as # Safety says.
                InfoValue::ULen(n) => unsafe { put_value(value, length, n) },
            }
            OK
        })
    }
}

ansi_and_wide! {
    fn SQLNativeSql / SQLNativeSqlW<C>(
        handle: Ptr,
        input: *const C,
        input_len: i32,
        output: *mut C,
        capacity: i32,
        length: *mut i32,
    ) -> SqlReturn {
        entry::<Dbc>(handle, |dbc| {
            // SAFETY: the arguments are valid as # Safety says.
            let sql = unsafe { text::read(input, input_len as isize) }?
                .ok_or_else(|| odbc_error!("HY009", "the statement text is a null pointer"))?;
            let sql = redwood_core::client::translate_escapes(&sql)?;
            // SAFETY: the arguments are valid as # Safety says.
            if unsafe { text::write_counted(&sql, output, capacity as isize, length) }?.truncated() {
                dbc.diag.push(&odbc_error!("01004", "the statement text was truncated"));
            }
            OK
        })
    }
}

//! Describing and fetching results.

use super::{with_stmt, Ptr};
use crate::convert::{self, Target};
use crate::handle::OK;
use crate::statement::{self, ColumnBinding};
use crate::text;
use odbc_sys::SqlReturn;
use redwood_core::Error;

/// SQL_NULLABLE: what every result column is.
const SQL_NULLABLE: i16 = 1;

/// # Safety
/// `count` is null or valid for writing an `i16`; `handle` is not freed by another thread during
/// the call (ODBC's rule for every handle argument).
#[no_mangle]
pub unsafe extern "system" fn SQLNumResultCols(handle: Ptr, count: *mut i16) -> SqlReturn {
    with_stmt(handle, |_, state| {
        let n = state.with_columns(|columns| Ok(columns.len()))?;
        // SAFETY: the arguments are valid as # Safety says.
        unsafe { text::put(count, n) };
        OK
    })
}

ansi_and_wide! {
    fn SQLDescribeCol / SQLDescribeColW<C>(
        handle: Ptr,
        number: u16,
        name: *mut C,
        capacity: i16,
        name_len: *mut i16,
        data_type: *mut i16,
        size: *mut usize,
        digits: *mut i16,
        nullable: *mut i16,
    ) -> SqlReturn {
        with_stmt(handle, |stmt, state| {
            state.with_columns(|columns| {
                let column = column_at(columns, number)?;
                // SAFETY: the arguments are valid as # Safety says.
                if unsafe { text::write_counted(&column.name, name, capacity as isize, name_len) }?.truncated() {
                    stmt.diag.push(&odbc_error!("01004", "the column name was truncated"));
                }
                if !data_type.is_null() {
                    // SAFETY: the arguments are valid as # Safety says.
                    unsafe { data_type.write_unaligned(column.sql.sql_type) };
                }
                // SAFETY: the arguments are valid as # Safety says.
                unsafe {
                    text::put(size, column.sql.column_size);
                    text::put(digits, column.sql.decimal_digits.max(0) as usize);
                    text::put(nullable, SQL_NULLABLE as usize);
                }
                OK
            })
        })
    }
}

fn column_at(columns: &[statement::ResultColumn], number: u16) -> Result<&statement::ResultColumn, Error> {
    match number {
        0 => Err(odbc_error!("07009", "bookmarks are not supported: columns are numbered from 1")),
        n if n as usize > columns.len() => {
            Err(odbc_error!("07009", "column {n} does not exist: the result has {} columns", columns.len()))
        }
        n => Ok(&columns[n as usize - 1]),
    }
}

/// SQLColAttribute field identifiers (SQL_DESC_* and their ODBC 2 SQL_COLUMN_* twins).
mod field {
    pub const COLUMN_NAME: u16 = 1;
    pub const CONCISE_TYPE: u16 = 2;
    pub const COLUMN_LENGTH: u16 = 3;
    pub const COLUMN_PRECISION: u16 = 4;
    pub const COLUMN_SCALE: u16 = 5;
    pub const DISPLAY_SIZE: u16 = 6;
    pub const COLUMN_NULLABLE: u16 = 7;
    pub const UNSIGNED: u16 = 8;
    pub const FIXED_PREC_SCALE: u16 = 9;
    pub const UPDATABLE: u16 = 10;
    pub const AUTO_UNIQUE_VALUE: u16 = 11;
    pub const CASE_SENSITIVE: u16 = 12;
    pub const SEARCHABLE: u16 = 13;
    pub const TYPE_NAME: u16 = 14;
    pub const TABLE_NAME: u16 = 15;
    pub const SCHEMA_NAME: u16 = 16;
    pub const CATALOG_NAME: u16 = 17;
    pub const LABEL: u16 = 18;
    pub const BASE_COLUMN_NAME: u16 = 22;
    pub const BASE_TABLE_NAME: u16 = 23;
    pub const LITERAL_PREFIX: u16 = 27;
    pub const LITERAL_SUFFIX: u16 = 28;
    pub const LOCAL_TYPE_NAME: u16 = 29;
    pub const NUM_PREC_RADIX: u16 = 32;
    pub const COUNT: u16 = 1001;
    pub const TYPE: u16 = 1002;
    pub const LENGTH: u16 = 1003;
    pub const PRECISION: u16 = 1005;
    pub const SCALE: u16 = 1006;
    pub const DATETIME_INTERVAL_CODE: u16 = 1007;
    pub const NULLABLE: u16 = 1008;
    pub const NAME: u16 = 1011;
    pub const UNNAMED: u16 = 1012;
    pub const OCTET_LENGTH: u16 = 1013;
}

enum Attribute {
    Text(String),
    Number(isize),
}

/// SQL_DESC_* numbers of the kinds of numeric types (whose precision is digits, not length).
fn is_numeric_sql_type(sql_type: i16) -> bool {
    matches!(sql_type, 2..=8 | -5 | -6 | -7)
}

fn column_attribute(columns: &[statement::ResultColumn], number: u16, field_id: u16) -> Result<Attribute, Error> {
    use field::*;
    if field_id == COUNT {
        return Ok(Attribute::Number(columns.len() as isize));
    }
    let column = column_at(columns, number)?;
    let sql = &column.sql;
    Ok(match field_id {
        COLUMN_NAME | NAME | LABEL | BASE_COLUMN_NAME => Attribute::Text(column.name.clone()),
        TABLE_NAME | SCHEMA_NAME | CATALOG_NAME | BASE_TABLE_NAME => Attribute::Text(String::new()),
        TYPE_NAME => Attribute::Text(sql.type_name.to_string()),
        LOCAL_TYPE_NAME => Attribute::Text(String::new()),
        LITERAL_PREFIX | LITERAL_SUFFIX => Attribute::Text(match sql.sql_type {
            1 | 12 | -1 | -8 | -9 | -10 | 91 | 92 | 93 => "'".to_string(),
            _ => String::new(),
        }),
        CONCISE_TYPE => Attribute::Number(sql.concise_type as isize),
        TYPE => Attribute::Number(sql.verbose_type as isize),
        DATETIME_INTERVAL_CODE => Attribute::Number(sql.datetime_sub as isize),
        LENGTH | COLUMN_LENGTH => Attribute::Number(if is_numeric_sql_type(sql.sql_type) {
            sql.octet_length
        } else {
            sql.column_size as isize
        }),
        OCTET_LENGTH => Attribute::Number(sql.octet_length),
        PRECISION | COLUMN_PRECISION => Attribute::Number(match sql.sql_type {
            91..=93 => sql.decimal_digits.max(0) as isize,
            _ => sql.column_size as isize,
        }),
        SCALE | COLUMN_SCALE => Attribute::Number(sql.decimal_digits.max(0) as isize),
        DISPLAY_SIZE => Attribute::Number(sql.display_size),
        NULLABLE | COLUMN_NULLABLE => Attribute::Number(SQL_NULLABLE as isize),
        UNSIGNED => Attribute::Number(isize::from(sql.unsigned)),
        FIXED_PREC_SCALE | AUTO_UNIQUE_VALUE => Attribute::Number(0),
        // SQL_ATTR_READONLY: result columns are not updatable through the cursor.
        UPDATABLE => Attribute::Number(0),
        CASE_SENSITIVE => Attribute::Number(isize::from(sql.case_sensitive)),
        SEARCHABLE => Attribute::Number(sql.searchable as isize),
        NUM_PREC_RADIX => Attribute::Number(sql.num_prec_radix as isize),
        // SQL_NAMED / SQL_UNNAMED
        UNNAMED => Attribute::Number(isize::from(column.name.is_empty())),
        other => return Err(odbc_error!("HY091", "invalid descriptor field identifier {other}")),
    })
}

ansi_and_wide! {
    fn SQLColAttribute / SQLColAttributeW<C>(
        handle: Ptr,
        number: u16,
        field_id: u16,
        text_out: Ptr,
        buffer_len: i16,
        text_len: *mut i16,
        number_out: *mut isize,
    ) -> SqlReturn {
        with_stmt(handle, |stmt, state| {
            match state.with_columns(|columns| column_attribute(columns, number, field_id))? {
                Attribute::Text(text) => {
                    let out = text_out as *mut C;
                    // SAFETY: the arguments are valid as # Safety says.
                    if unsafe { text::write_bytes_counted(&text, out, buffer_len as isize, text_len) }?.truncated() {
                        stmt.diag.push(&odbc_error!("01004", "the attribute was truncated"));
                    }
                }
                Attribute::Number(n) => {
                    if !number_out.is_null() {
                        // SAFETY: the arguments are valid as # Safety says.
                        unsafe { number_out.write_unaligned(n) };
                    }
                }
            }
            OK
        })
    }
}

/// # Safety
/// `ptr` (for `buffer_len` bytes per row) and `indicator` stay valid until the column is unbound or
/// the statement freed: fetches write them.
#[no_mangle]
pub unsafe extern "system" fn SQLBindCol(
    handle: Ptr,
    number: u16,
    c_type: i16,
    ptr: Ptr,
    buffer_len: isize,
    indicator: *mut isize,
) -> SqlReturn {
    with_stmt(handle, |_, state| {
        if number == 0 {
            return Err(odbc_error!("07009", "bookmarks are not supported: columns are numbered from 1"));
        }
        if buffer_len < 0 {
            return Err(odbc_error!("HY090", "invalid buffer length {buffer_len}"));
        }
        let index = number as usize - 1;
        if state.bindings.len() <= index {
            state.bindings.resize(index + 1, None);
        }
        // A null buffer and indicator unbind the column.
        if ptr.is_null() && indicator.is_null() {
            state.bindings[index] = None;
            return OK;
        }
        if !convert::known(c_type) {
            return Err(odbc_error!("HY003", "invalid application buffer type {c_type}"));
        }
        state.bindings[index] = Some(ColumnBinding { c_type, ptr, buffer_len, indicator });
        OK
    })
}

/// # Safety
/// The buffers bound with SQLBindCol and the row status and rows-fetched pointers set as statement
/// attributes are valid for the rowset; `handle` is not freed by another thread during the call
/// (ODBC's rule for every handle argument).
#[no_mangle]
pub unsafe extern "system" fn SQLFetch(handle: Ptr) -> SqlReturn {
    with_stmt(handle, |stmt, state| statement::fetch(state, &stmt.diag))
}

/// SQL_FETCH_NEXT: the one orientation of a forward-only cursor.
const FETCH_NEXT: i16 = 1;

/// # Safety
/// As for SQLFetch.
#[no_mangle]
pub unsafe extern "system" fn SQLFetchScroll(handle: Ptr, orientation: i16, _offset: isize) -> SqlReturn {
    with_stmt(handle, |stmt, state| match orientation {
        FETCH_NEXT => statement::fetch(state, &stmt.diag),
        other => Err(odbc_error!(
            "HY106",
            "fetch orientation {other} needs a scrollable cursor: Redwood's are forward-only (SQL_FETCH_NEXT)"
        )),
    })
}

/// # Safety
/// `ptr` is null or valid for `buffer_len` bytes and `indicator` null or valid for writing an
/// `isize`; `handle` is not freed by another thread during the call (ODBC's rule for every handle
/// argument).
#[no_mangle]
pub unsafe extern "system" fn SQLGetData(
    handle: Ptr,
    number: u16,
    c_type: i16,
    ptr: Ptr,
    buffer_len: isize,
    indicator: *mut isize,
) -> SqlReturn {
    with_stmt(handle, |stmt, state| {
        if buffer_len < 0 {
            return Err(odbc_error!("HY090", "invalid buffer length {buffer_len}"));
        }
        statement::get_data(state, &stmt.diag, number, Target { c_type, ptr, buffer_len, indicator })
    })
}

/// # Safety
/// `count` is null or valid for writing an `isize`; `handle` is not freed by another thread during
/// the call (ODBC's rule for every handle argument).
#[no_mangle]
pub unsafe extern "system" fn SQLRowCount(handle: Ptr, count: *mut isize) -> SqlReturn {
    with_stmt(handle, |_, state| {
        if !count.is_null() {
            // SAFETY: the arguments are valid as # Safety says.
            unsafe { count.write_unaligned(state.row_count) };
        }
        OK
    })
}

/// # Safety
/// `handle` is not freed by another thread during the call (ODBC's rule for every handle argument).
#[no_mangle]
pub unsafe extern "system" fn SQLMoreResults(handle: Ptr) -> SqlReturn {
    // One result per execution: a statement string with several statements reports the last.
    with_stmt(handle, |_, state| {
        state.close_cursor();
        Ok(SqlReturn::NO_DATA)
    })
}

/// # Safety
/// `handle` is not freed by another thread during the call (ODBC's rule for every handle argument).
#[no_mangle]
pub unsafe extern "system" fn SQLCloseCursor(handle: Ptr) -> SqlReturn {
    with_stmt(handle, |_, state| {
        if state.cursor.is_none() {
            return Err(odbc_error!("24000", "no cursor is open"));
        }
        state.close_cursor();
        OK
    })
}

ansi_and_wide! {
    fn SQLGetCursorName / SQLGetCursorNameW<C>(
        handle: Ptr,
        name: *mut C,
        capacity: i16,
        length: *mut i16,
    ) -> SqlReturn {
        with_stmt(handle, |stmt, _| {
            let cursor = format!("SQL_CUR{:x}", handle as usize);
            // SAFETY: the arguments are valid as # Safety says.
            if unsafe { text::write_counted(&cursor, name, capacity as isize, length) }?.truncated() {
                stmt.diag.push(&odbc_error!("01004", "the cursor name was truncated"));
            }
            OK
        })
    }
}

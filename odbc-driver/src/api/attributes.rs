//! Environment, connection and statement attributes.

use super::{put_value, with_stmt, Ptr};
use crate::handle::{entry, lock, Dbc, Env, OK};
use crate::text::{self, CharUnit};
use odbc_sys::SqlReturn;

const ATTR_ODBC_VERSION: i32 = 200;
const ATTR_CONNECTION_POOLING: i32 = 201;
const ATTR_CP_MATCH: i32 = 202;
const ATTR_OUTPUT_NTS: i32 = 10001;

/// # Safety
/// `handle` is not freed by another thread during the call (ODBC's rule for every handle argument).
#[no_mangle]
pub unsafe extern "system" fn SQLSetEnvAttr(handle: Ptr, attribute: i32, value: Ptr, _length: i32) -> SqlReturn {
    entry::<Env>(handle, |env| {
        let number = value as usize as i32;
        match attribute {
            ATTR_ODBC_VERSION if matches!(number, 2 | 3 | 380) => *lock(&env.odbc_version) = number,
            ATTR_ODBC_VERSION => return Err(odbc_error!("HY024", "invalid ODBC version {number}")),
            ATTR_OUTPUT_NTS if number == 1 => {}
            ATTR_OUTPUT_NTS => return Err(odbc_error!("HYC00", "output strings are always NUL-terminated")),
            // Pooling is the driver manager's.
            ATTR_CONNECTION_POOLING | ATTR_CP_MATCH => {}
            other => return Err(odbc_error!("HY092", "unknown environment attribute {other}")),
        }
        OK
    })
}

/// # Safety
/// `value` is null or valid for writing a 32-bit integer and `length` null or valid for writing an
/// `i32`; `handle` is not freed by another thread during the call (ODBC's rule for every handle
/// argument).
#[no_mangle]
pub unsafe extern "system" fn SQLGetEnvAttr(
    handle: Ptr,
    attribute: i32,
    value: Ptr,
    _buffer_len: i32,
    length: *mut i32,
) -> SqlReturn {
    entry::<Env>(handle, |env| {
        let number = match attribute {
            ATTR_ODBC_VERSION => *lock(&env.odbc_version),
            ATTR_OUTPUT_NTS => 1,
            ATTR_CONNECTION_POOLING | ATTR_CP_MATCH => 0,
            other => return Err(odbc_error!("HY092", "unknown environment attribute {other}")),
        };
        // SAFETY: the arguments are valid as # Safety says.
        unsafe { put_value(value, length, number as u32) };
        OK
    })
}

/// Connection attributes (SQL_ATTR_*).
mod connect_attr {
    pub const ASYNC_ENABLE: i32 = 4;
    pub const ACCESS_MODE: i32 = 101;
    pub const AUTOCOMMIT: i32 = 102;
    pub const LOGIN_TIMEOUT: i32 = 103;
    pub const TRACE: i32 = 104;
    pub const TRACEFILE: i32 = 105;
    pub const TXN_ISOLATION: i32 = 108;
    pub const CURRENT_CATALOG: i32 = 109;
    pub const ODBC_CURSORS: i32 = 110;
    pub const QUIET_MODE: i32 = 111;
    pub const PACKET_SIZE: i32 = 112;
    pub const CONNECTION_TIMEOUT: i32 = 113;
    /// unixODBC tells drivers whether the application is ANSI.
    pub const ANSI_APP: i32 = 115;
    pub const CONNECTION_DEAD: i32 = 1209;
    pub const AUTO_IPD: i32 = 10001;
    pub const METADATA_ID: i32 = 10014;
}

const TXN_SERIALIZABLE: u32 = 8;
const TXN_LEVELS: [u32; 4] = [1, 2, 4, 8];

ansi_and_wide! {
    fn SQLSetConnectAttr / SQLSetConnectAttrW<C>(handle: Ptr, attribute: i32, value: Ptr, length: i32) -> SqlReturn {
        use connect_attr::*;
        entry::<Dbc>(handle, |dbc| {
            let number = value as usize;
            let mut state = dbc.state();
            match attribute {
                AUTOCOMMIT if number <= 1 => state.set_autocommit(number == 1)?,
                ACCESS_MODE if number <= 1 => state.set_read_only(number == 1)?,
                TXN_ISOLATION if TXN_LEVELS.contains(&(number as u32)) => {
                    if number as u32 != TXN_SERIALIZABLE {
                        dbc.diag.push(&odbc_error!(
                            "01S02",
                            "Redwood runs every transaction SERIALIZABLE: the isolation level was raised to it"
                        ));
                    }
                }
                LOGIN_TIMEOUT => state.login_timeout = number as u32,
                CONNECTION_TIMEOUT => state.connection_timeout = number as u32,
                METADATA_ID if number <= 1 => state.metadata_id = number == 1,
                CURRENT_CATALOG => {
                    // SAFETY: the arguments are valid as # Safety says.
                    let catalog = unsafe { text::read(
                        value as *const C,
                        if length < 0 { length as isize } else { length as isize / C::SIZE as isize },
                    ) }?
                    .unwrap_or_default();
                    if !catalog.eq_ignore_ascii_case(&state.facts.database) {
                        return Err(odbc_error!(
                            "HYC00",
                            "a connection stays in its database ({}): connect again to use {catalog}",
                            state.facts.database
                        ));
                    }
                }
                ASYNC_ENABLE if number == 0 => {}
                ASYNC_ENABLE => return Err(odbc_error!("HYC00", "asynchronous execution is not supported")),
                PACKET_SIZE | QUIET_MODE | ANSI_APP | TRACE | TRACEFILE | ODBC_CURSORS => {}
                AUTOCOMMIT | ACCESS_MODE | TXN_ISOLATION | METADATA_ID => {
                    return Err(odbc_error!("HY024", "invalid value {number} for attribute {attribute}"))
                }
                other => return Err(odbc_error!("HY092", "unknown connection attribute {other}")),
            }
            OK
        })
    }
}

ansi_and_wide! {
    fn SQLGetConnectAttr / SQLGetConnectAttrW<C>(
        handle: Ptr,
        attribute: i32,
        value: Ptr,
        buffer_len: i32,
        length: *mut i32,
    ) -> SqlReturn {
        use connect_attr::*;
        entry::<Dbc>(handle, |dbc| {
            let state = dbc.state();
            let number = match attribute {
                AUTOCOMMIT => u32::from(state.autocommit),
                ACCESS_MODE => u32::from(state.read_only),
                TXN_ISOLATION => TXN_SERIALIZABLE,
                LOGIN_TIMEOUT => state.login_timeout,
                CONNECTION_TIMEOUT => state.connection_timeout,
                METADATA_ID => u32::from(state.metadata_id),
                CONNECTION_DEAD => u32::from(state.connection.is_none() || state.link_lost),
                AUTO_IPD | ASYNC_ENABLE => 0,
                CURRENT_CATALOG => {
                    if state.connection.is_none() {
                        return Err(odbc_error!("08003", "the connection is not open"));
                    }
                    let database = &state.facts.database;
                    // SAFETY: the arguments are valid as # Safety says.
                    if unsafe { text::write_bytes_counted(database, value as *mut C, buffer_len as isize, length) }?
                        .truncated()
                    {
                        dbc.diag.push(&odbc_error!("01004", "the catalog name was truncated"));
                    }
                    return OK;
                }
                other => return Err(odbc_error!("HY092", "unknown connection attribute {other}")),
            };
            // SAFETY: the arguments are valid as # Safety says.
            unsafe { put_value(value, length, number) };
            OK
        })
    }
}

/// Statement attributes (SQL_ATTR_*).
mod stmt_attr {
    pub const QUERY_TIMEOUT: i32 = 0;
    pub const MAX_ROWS: i32 = 1;
    pub const NOSCAN: i32 = 2;
    pub const MAX_LENGTH: i32 = 3;
    pub const ASYNC_ENABLE: i32 = 4;
    pub const ROW_BIND_TYPE: i32 = 5;
    pub const CURSOR_TYPE: i32 = 6;
    pub const CONCURRENCY: i32 = 7;
    pub const KEYSET_SIZE: i32 = 8;
    /// SQL_ROWSET_SIZE (ODBC 2's SQLExtendedFetch).
    pub const ROWSET_SIZE: i32 = 9;
    pub const SIMULATE_CURSOR: i32 = 10;
    pub const RETRIEVE_DATA: i32 = 11;
    pub const USE_BOOKMARKS: i32 = 12;
    pub const ROW_NUMBER: i32 = 14;
    pub const ENABLE_AUTO_IPD: i32 = 15;
    pub const PARAM_BIND_OFFSET_PTR: i32 = 17;
    pub const PARAM_BIND_TYPE: i32 = 18;
    pub const PARAM_STATUS_PTR: i32 = 20;
    pub const PARAMS_PROCESSED_PTR: i32 = 21;
    pub const PARAMSET_SIZE: i32 = 22;
    pub const ROW_BIND_OFFSET_PTR: i32 = 23;
    pub const ROW_STATUS_PTR: i32 = 25;
    pub const ROWS_FETCHED_PTR: i32 = 26;
    pub const ROW_ARRAY_SIZE: i32 = 27;
    pub const CURSOR_SCROLLABLE: i32 = -1;
    pub const CURSOR_SENSITIVITY: i32 = -2;
    pub const APP_ROW_DESC: i32 = 10010;
    pub const APP_PARAM_DESC: i32 = 10011;
    pub const IMP_ROW_DESC: i32 = 10012;
    pub const IMP_PARAM_DESC: i32 = 10013;
    pub const METADATA_ID: i32 = 10014;
}

/// SQL_CONCUR_READ_ONLY, SQL_CURSOR_FORWARD_ONLY, SQL_INSENSITIVE (the cursor Redwood has).
const CONCUR_READ_ONLY: usize = 1;
const CURSOR_FORWARD_ONLY: usize = 0;

ansi_and_wide! {
    fn SQLSetStmtAttr / SQLSetStmtAttrW(handle: Ptr, attribute: i32, value: Ptr, _length: i32) -> SqlReturn {
        use stmt_attr::*;
        with_stmt(handle, |stmt, state| {
            let number = value as usize;
            let a = &mut state.attributes;
            let changed = |what: &str| {
                stmt.diag.push(&odbc_error!("01S02", "option value changed: Redwood's cursors are {what}"))
            };
            match attribute {
                QUERY_TIMEOUT => a.query_timeout = number,
                MAX_ROWS => a.max_rows = number,
                NOSCAN => a.noscan = number == 1,
                MAX_LENGTH => a.max_length = number,
                RETRIEVE_DATA => a.retrieve_data = number == 1,
                METADATA_ID => a.metadata_id = number == 1,
                ROW_ARRAY_SIZE | ROWSET_SIZE if number >= 1 => a.row_array_size = number,
                ROW_BIND_TYPE => a.row_bind_type = number,
                ROW_BIND_OFFSET_PTR => a.row_bind_offset = value as *mut isize,
                ROWS_FETCHED_PTR => a.rows_fetched = value as *mut usize,
                ROW_STATUS_PTR => a.row_status = value as *mut u16,
                PARAMSET_SIZE if number >= 1 => a.paramset_size = number,
                PARAM_BIND_TYPE => a.param_bind_type = number,
                PARAM_BIND_OFFSET_PTR => a.param_bind_offset = value as *mut isize,
                PARAMS_PROCESSED_PTR => a.params_processed = value as *mut usize,
                PARAM_STATUS_PTR => a.param_status = value as *mut u16,
                CURSOR_TYPE if number != CURSOR_FORWARD_ONLY => changed("forward-only"),
                CONCURRENCY if number != CONCUR_READ_ONLY => changed("read-only"),
                CURSOR_SCROLLABLE if number != 0 => {
                    return Err(odbc_error!("HYC00", "scrollable cursors are not supported"))
                }
                CURSOR_SENSITIVITY if number > 1 => changed("insensitive"),
                SIMULATE_CURSOR | KEYSET_SIZE if number != 0 => changed("forward-only"),
                ASYNC_ENABLE | USE_BOOKMARKS | ENABLE_AUTO_IPD if number != 0 => {
                    return Err(odbc_error!("HYC00", "attribute {attribute} can only be off"))
                }
                CURSOR_TYPE | CONCURRENCY | CURSOR_SCROLLABLE | CURSOR_SENSITIVITY | ASYNC_ENABLE | USE_BOOKMARKS
                | ENABLE_AUTO_IPD | SIMULATE_CURSOR | KEYSET_SIZE => {}
                ROW_ARRAY_SIZE | ROWSET_SIZE | PARAMSET_SIZE => {
                    return Err(odbc_error!("HY024", "the array size must be at least 1"))
                }
                APP_ROW_DESC | APP_PARAM_DESC => {
                    return Err(odbc_error!("HYC00", "explicit descriptors are not supported"))
                }
                ROW_NUMBER | IMP_ROW_DESC | IMP_PARAM_DESC => {
                    return Err(odbc_error!("HY092", "attribute {attribute} is read-only"))
                }
                other => return Err(odbc_error!("HY092", "unknown statement attribute {other}")),
            }
            OK
        })
    }
}

ansi_and_wide! {
    fn SQLGetStmtAttr / SQLGetStmtAttrW(
        handle: Ptr,
        attribute: i32,
        value: Ptr,
        _buffer_len: i32,
        length: *mut i32,
    ) -> SqlReturn {
        use stmt_attr::*;
        with_stmt(handle, |stmt, state| {
            let a = &state.attributes;
            let answer: usize = match attribute {
                QUERY_TIMEOUT => a.query_timeout,
                MAX_ROWS => a.max_rows,
                NOSCAN => usize::from(a.noscan),
                MAX_LENGTH => a.max_length,
                RETRIEVE_DATA => usize::from(a.retrieve_data),
                METADATA_ID => usize::from(a.metadata_id),
                ROW_ARRAY_SIZE | ROWSET_SIZE => a.row_array_size,
                ROW_BIND_TYPE => a.row_bind_type,
                ROW_BIND_OFFSET_PTR => a.row_bind_offset as usize,
                ROWS_FETCHED_PTR => a.rows_fetched as usize,
                ROW_STATUS_PTR => a.row_status as usize,
                PARAMSET_SIZE => a.paramset_size,
                PARAM_BIND_TYPE => a.param_bind_type,
                PARAM_BIND_OFFSET_PTR => a.param_bind_offset as usize,
                PARAMS_PROCESSED_PTR => a.params_processed as usize,
                PARAM_STATUS_PTR => a.param_status as usize,
                CURSOR_TYPE => CURSOR_FORWARD_ONLY,
                CONCURRENCY => CONCUR_READ_ONLY,
                // SQL_NONSCROLLABLE, SQL_INSENSITIVE
                CURSOR_SCROLLABLE => 0,
                CURSOR_SENSITIVITY => 1,
                ASYNC_ENABLE | USE_BOOKMARKS | ENABLE_AUTO_IPD | KEYSET_SIZE | SIMULATE_CURSOR => 0,
                ROW_NUMBER => 0,
                APP_ROW_DESC => &stmt.descriptors[0] as *const u32 as usize,
                APP_PARAM_DESC => &stmt.descriptors[1] as *const u32 as usize,
                IMP_ROW_DESC => &stmt.descriptors[2] as *const u32 as usize,
                IMP_PARAM_DESC => &stmt.descriptors[3] as *const u32 as usize,
                other => return Err(odbc_error!("HY092", "unknown statement attribute {other}")),
            };
            // SAFETY: the arguments are valid as # Safety says.
            unsafe { put_value(value, length, answer) };
            OK
        })
    }
}

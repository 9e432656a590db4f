//! `libredwoododbc.so`: Redwood's ODBC 3.x driver, for unixODBC (and the applications over it:
//! Excel, Tableau, pyodbc, isql). `Driver=Redwood;Database=:memory:` (or a directory) opens an
//! embedded database; `Server=host;Port=5439;Database=dev;UID=…;PWD=…` a remote one.
//!
//! It sits on the Rust client API, as the JDBC and Python bindings do, rather than on the C ABI:
//! the same `Connection`, without a second error channel. Every exported function checks its
//! handle, records errors as diagnostic records with a SQLSTATE (the server's, or ODBC's own for
//! driver-side errors) and catches panics: nothing unwinds into the application. Functions with
//! strings are exported twice: ANSI (UTF-8) and wide (UTF-16), over one generic body.

#![allow(clippy::missing_safety_doc, clippy::too_many_arguments, non_snake_case)]

/// An error with an ODBC (or PostgreSQL) SQLSTATE.
macro_rules! odbc_error {
    ($state:literal, $($arg:tt)*) => {
        redwood_core::Error::new($state, format!($($arg)*))
    };
}

mod catalog;
mod connection;
mod convert;
mod handle;
mod info;
mod statement;
mod text;

use connection::Attributes;
use convert::Target;
use handle::{entry, lock, Dbc, Env, Handle, Stmt, OK};
use info::InfoValue;
use odbc_sys::SqlReturn;
use redwood_core::Error;
use statement::{ColumnBinding, ParamBinding, StmtState};
use std::ffi::c_void;
use text::CharUnit;

type Ptr = *mut c_void;

/// Handle types (SQL_HANDLE_*).
const HANDLE_ENV: i16 = 1;
const HANDLE_DBC: i16 = 2;
const HANDLE_STMT: i16 = 3;
const HANDLE_DESC: i16 = 4;

// ------------------------------------------------------------------------------------ handles

#[no_mangle]
pub unsafe extern "system" fn SQLAllocHandle(handle_type: i16, input: Ptr, output: *mut Ptr) -> SqlReturn {
    if output.is_null() {
        return SqlReturn::ERROR;
    }
    match handle_type {
        HANDLE_ENV => {
            output.write(Env::alloc());
            SqlReturn::SUCCESS
        }
        HANDLE_DBC => entry::<Env>(input, |env| {
            let dbc = Dbc::alloc(env);
            lock(&env.connections).push(dbc as usize);
            output.write(dbc);
            OK
        }),
        HANDLE_STMT => entry::<Dbc>(input, |dbc| {
            let mut state = dbc.state();
            if state.connection.is_none() {
                return Err(odbc_error!("08003", "the connection is not open"));
            }
            let stmt = Stmt::alloc(dbc, state.metadata_id);
            state.statements.push(stmt as usize);
            output.write(stmt);
            OK
        }),
        HANDLE_DESC => entry::<Dbc>(input, |_| Err(odbc_error!("HYC00", "explicit descriptors are not supported"))),
        _ => SqlReturn::ERROR,
    }
}

#[no_mangle]
pub unsafe extern "system" fn SQLFreeHandle(handle_type: i16, handle: Ptr) -> SqlReturn {
    match handle_type {
        HANDLE_ENV => {
            let code = entry::<Env>(handle, |env| match lock(&env.connections).is_empty() {
                true => OK,
                false => Err(odbc_error!("HY010", "the environment still has connections: free them first")),
            });
            if code == SqlReturn::SUCCESS {
                handle::free::<Env>(handle);
            }
            code
        }
        HANDLE_DBC => {
            let code = entry::<Dbc>(handle, |dbc| {
                if dbc.state().connection.is_some() {
                    return Err(odbc_error!("HY010", "the connection is open: call SQLDisconnect first"));
                }
                lock(&dbc.env().connections).retain(|c| *c != handle as usize);
                OK
            });
            if code == SqlReturn::SUCCESS {
                handle::free::<Dbc>(handle);
            }
            code
        }
        HANDLE_STMT => free_statement(handle),
        _ => SqlReturn::INVALID_HANDLE,
    }
}

unsafe fn free_statement(handle: Ptr) -> SqlReturn {
    let code = entry::<Stmt>(handle, |stmt| {
        stmt.dbc().state().statements.retain(|s| *s != handle as usize);
        OK
    });
    if code == SqlReturn::SUCCESS {
        handle::free::<Stmt>(handle);
    }
    code
}

/// SQLFreeStmt options.
const CLOSE: u16 = 0;
const DROP: u16 = 1;
const UNBIND: u16 = 2;
const RESET_PARAMS: u16 = 3;

#[no_mangle]
pub unsafe extern "system" fn SQLFreeStmt(handle: Ptr, option: u16) -> SqlReturn {
    if option == DROP {
        return free_statement(handle);
    }
    entry::<Stmt>(handle, |stmt| {
        let mut state = stmt.state();
        match option {
            CLOSE => state.close_cursor(),
            UNBIND => state.bindings.clear(),
            RESET_PARAMS => state.params.clear(),
            other => return Err(odbc_error!("HY092", "invalid SQLFreeStmt option {other}")),
        }
        OK
    })
}

// -------------------------------------------------------------------------------- environment

const ATTR_ODBC_VERSION: i32 = 200;
const ATTR_CONNECTION_POOLING: i32 = 201;
const ATTR_CP_MATCH: i32 = 202;
const ATTR_OUTPUT_NTS: i32 = 10001;

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
        put_integer(value, length, number as u32);
        OK
    })
}

/// Writes a 32-bit attribute value (and its length, when asked).
unsafe fn put_integer(value: Ptr, length: *mut i32, number: u32) {
    if !value.is_null() {
        (value as *mut u32).write_unaligned(number);
    }
    text::put(length, 4usize);
}

// -------------------------------------------------------------------------------- connections

unsafe fn driver_connect<C: CharUnit>(
    handle: Ptr,
    input: *const C,
    input_len: i16,
    output: *mut C,
    output_capacity: i16,
    output_len: *mut i16,
    completion: u16,
) -> SqlReturn {
    entry::<Dbc>(handle, |dbc| {
        // SQL_DRIVER_NOPROMPT (0) is all a driver without a dialog can do; the prompting modes
        // work while the string is complete.
        if completion > 3 {
            return Err(odbc_error!("HY110", "invalid driver completion {completion}"));
        }
        let text = text::read(input, input_len as isize)?.unwrap_or_default();
        let attributes = Attributes::parse(&text)?.with_dsn();
        dbc.state().connect(&attributes)?;
        if text::write_counted(&attributes.to_connection_string(), output, output_capacity as isize, output_len)?
            .truncated()
        {
            dbc.diag.push(&odbc_error!("01004", "the completed connection string was truncated"));
        }
        OK
    })
}

#[no_mangle]
pub unsafe extern "system" fn SQLDriverConnect(
    handle: Ptr,
    _window: Ptr,
    input: *const u8,
    input_len: i16,
    output: *mut u8,
    output_capacity: i16,
    output_len: *mut i16,
    completion: u16,
) -> SqlReturn {
    driver_connect(handle, input, input_len, output, output_capacity, output_len, completion)
}

#[no_mangle]
pub unsafe extern "system" fn SQLDriverConnectW(
    handle: Ptr,
    _window: Ptr,
    input: *const u16,
    input_len: i16,
    output: *mut u16,
    output_capacity: i16,
    output_len: *mut i16,
    completion: u16,
) -> SqlReturn {
    driver_connect(handle, input, input_len, output, output_capacity, output_len, completion)
}

unsafe fn connect<C: CharUnit>(
    handle: Ptr,
    dsn: *const C,
    dsn_len: i16,
    user: *const C,
    user_len: i16,
    password: *const C,
    password_len: i16,
) -> SqlReturn {
    entry::<Dbc>(handle, |dbc| {
        let mut attributes = Attributes::default();
        attributes.set("DSN", &text::read(dsn, dsn_len as isize)?.unwrap_or_default());
        if let Some(user) = text::read(user, user_len as isize)?.filter(|u| !u.is_empty()) {
            attributes.set("UID", &user);
        }
        if let Some(password) = text::read(password, password_len as isize)?.filter(|p| !p.is_empty()) {
            attributes.set("PWD", &password);
        }
        dbc.state().connect(&attributes.with_dsn())?;
        OK
    })
}

#[no_mangle]
pub unsafe extern "system" fn SQLConnect(
    handle: Ptr,
    dsn: *const u8,
    dsn_len: i16,
    user: *const u8,
    user_len: i16,
    password: *const u8,
    password_len: i16,
) -> SqlReturn {
    connect(handle, dsn, dsn_len, user, user_len, password, password_len)
}

#[no_mangle]
pub unsafe extern "system" fn SQLConnectW(
    handle: Ptr,
    dsn: *const u16,
    dsn_len: i16,
    user: *const u16,
    user_len: i16,
    password: *const u16,
    password_len: i16,
) -> SqlReturn {
    connect(handle, dsn, dsn_len, user, user_len, password, password_len)
}

#[no_mangle]
pub unsafe extern "system" fn SQLDisconnect(handle: Ptr) -> SqlReturn {
    let mut statements = vec![];
    let code = entry::<Dbc>(handle, |dbc| {
        let mut state = dbc.state();
        state.disconnect()?;
        statements = std::mem::take(&mut state.statements);
        OK
    });
    // The connection's statements go with it (a later SQLFreeHandle on one is harmless).
    for stmt in statements {
        handle::free::<Stmt>(stmt as Ptr);
    }
    code
}

/// Completion types of SQLEndTran.
const COMMIT: i16 = 0;
const ROLLBACK: i16 = 1;

#[no_mangle]
pub unsafe extern "system" fn SQLEndTran(handle_type: i16, handle: Ptr, completion: i16) -> SqlReturn {
    let commit = match completion {
        COMMIT => true,
        ROLLBACK => false,
        _ => {
            return match handle_type {
                HANDLE_ENV => entry::<Env>(handle, |_| {
                    Err(odbc_error!("HY012", "invalid transaction operation code {completion}"))
                }),
                _ => entry::<Dbc>(handle, |_| {
                    Err(odbc_error!("HY012", "invalid transaction operation code {completion}"))
                }),
            }
        }
    };
    match handle_type {
        HANDLE_DBC => entry::<Dbc>(handle, |dbc| {
            dbc.state().end_transaction(commit)?;
            OK
        }),
        HANDLE_ENV => entry::<Env>(handle, |env| {
            for connection in lock(&env.connections).iter() {
                if let Some(dbc) = Dbc::from_raw(*connection as Ptr) {
                    let mut state = dbc.state();
                    if state.connection.is_some() {
                        state.end_transaction(commit)?;
                    }
                }
            }
            OK
        }),
        _ => SqlReturn::INVALID_HANDLE,
    }
}

unsafe fn get_info<C: CharUnit>(
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
                if text::write_bytes_counted(&text, value as *mut C, buffer_len as isize, length)?.truncated() {
                    dbc.diag.push(&odbc_error!("01004", "the answer was truncated"));
                }
            }
            InfoValue::U16(n) => put_value(value, length, n),
            InfoValue::U32(n) => put_value(value, length, n),
            InfoValue::ULen(n) => put_value(value, length, n),
        }
        OK
    })
}

/// Writes a fixed-size answer and its size.
unsafe fn put_value<T: Copy, L: TryFrom<usize> + TryFrom<isize>>(value: Ptr, length: *mut L, v: T) {
    if !value.is_null() {
        (value as *mut T).write_unaligned(v);
    }
    text::put(length, std::mem::size_of::<T>());
}

#[no_mangle]
pub unsafe extern "system" fn SQLGetInfo(
    handle: Ptr,
    info_type: u16,
    value: Ptr,
    buffer_len: i16,
    length: *mut i16,
) -> SqlReturn {
    get_info::<u8>(handle, info_type, value, buffer_len, length)
}

#[no_mangle]
pub unsafe extern "system" fn SQLGetInfoW(
    handle: Ptr,
    info_type: u16,
    value: Ptr,
    buffer_len: i16,
    length: *mut i16,
) -> SqlReturn {
    get_info::<u16>(handle, info_type, value, buffer_len, length)
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

unsafe fn set_connect_attr<C: CharUnit>(handle: Ptr, attribute: i32, value: Ptr, length: i32) -> SqlReturn {
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
                let catalog = text::read(
                    value as *const C,
                    if length < 0 { length as isize } else { length as isize / C::SIZE as isize },
                )?
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

#[no_mangle]
pub unsafe extern "system" fn SQLSetConnectAttr(handle: Ptr, attribute: i32, value: Ptr, length: i32) -> SqlReturn {
    set_connect_attr::<u8>(handle, attribute, value, length)
}

#[no_mangle]
pub unsafe extern "system" fn SQLSetConnectAttrW(handle: Ptr, attribute: i32, value: Ptr, length: i32) -> SqlReturn {
    set_connect_attr::<u16>(handle, attribute, value, length)
}

unsafe fn get_connect_attr<C: CharUnit>(
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
                if text::write_bytes_counted(&state.facts.database, value as *mut C, buffer_len as isize, length)?
                    .truncated()
                {
                    dbc.diag.push(&odbc_error!("01004", "the catalog name was truncated"));
                }
                return OK;
            }
            other => return Err(odbc_error!("HY092", "unknown connection attribute {other}")),
        };
        put_integer(value, length, number);
        OK
    })
}

#[no_mangle]
pub unsafe extern "system" fn SQLGetConnectAttr(
    handle: Ptr,
    attribute: i32,
    value: Ptr,
    buffer_len: i32,
    length: *mut i32,
) -> SqlReturn {
    get_connect_attr::<u8>(handle, attribute, value, buffer_len, length)
}

#[no_mangle]
pub unsafe extern "system" fn SQLGetConnectAttrW(
    handle: Ptr,
    attribute: i32,
    value: Ptr,
    buffer_len: i32,
    length: *mut i32,
) -> SqlReturn {
    get_connect_attr::<u16>(handle, attribute, value, buffer_len, length)
}

unsafe fn native_sql<C: CharUnit>(
    handle: Ptr,
    input: *const C,
    input_len: i32,
    output: *mut C,
    capacity: i32,
    length: *mut i32,
) -> SqlReturn {
    entry::<Dbc>(handle, |dbc| {
        let sql = text::read(input, input_len as isize)?
            .ok_or_else(|| odbc_error!("HY009", "the statement text is a null pointer"))?;
        let sql = redwood_core::client::translate_escapes(&sql)?;
        if text::write_counted(&sql, output, capacity as isize, length)?.truncated() {
            dbc.diag.push(&odbc_error!("01004", "the statement text was truncated"));
        }
        OK
    })
}

#[no_mangle]
pub unsafe extern "system" fn SQLNativeSql(
    handle: Ptr,
    input: *const u8,
    input_len: i32,
    output: *mut u8,
    capacity: i32,
    length: *mut i32,
) -> SqlReturn {
    native_sql(handle, input, input_len, output, capacity, length)
}

#[no_mangle]
pub unsafe extern "system" fn SQLNativeSqlW(
    handle: Ptr,
    input: *const u16,
    input_len: i32,
    output: *mut u16,
    capacity: i32,
    length: *mut i32,
) -> SqlReturn {
    native_sql(handle, input, input_len, output, capacity, length)
}

// --------------------------------------------------------------------------------- statements

/// Runs a statement function with its state locked; keeps SQL_DIAG_ROW_COUNT current.
fn with_stmt(handle: Ptr, body: impl FnOnce(&Stmt, &mut StmtState) -> Result<SqlReturn, Error>) -> SqlReturn {
    let code = entry::<Stmt>(handle, |stmt| {
        let mut state = stmt.state();
        let code = body(stmt, &mut state);
        stmt.diag.lock().row_count = state.row_count;
        code
    });
    if code == SqlReturn::ERROR {
        // SAFETY: checked live by `entry` just now; statements are not freed while in use.
        if let Some(stmt) = unsafe { Stmt::from_raw(handle) } {
            if stmt.diag.lock().records.iter().any(|r| r.state == handle::LINK_FAILURE) {
                stmt.dbc().state().link_lost = true;
            }
        }
    }
    code
}

unsafe fn exec_direct<C: CharUnit>(handle: Ptr, sql: *const C, len: i32) -> SqlReturn {
    with_stmt(handle, |stmt, state| {
        let sql = text::read(sql, len as isize)?
            .ok_or_else(|| odbc_error!("HY009", "the statement text is a null pointer"))?;
        statement::execute_direct(stmt, state, &sql)
    })
}

#[no_mangle]
pub unsafe extern "system" fn SQLExecDirect(handle: Ptr, sql: *const u8, len: i32) -> SqlReturn {
    exec_direct(handle, sql, len)
}

#[no_mangle]
pub unsafe extern "system" fn SQLExecDirectW(handle: Ptr, sql: *const u16, len: i32) -> SqlReturn {
    exec_direct(handle, sql, len)
}

unsafe fn prepare<C: CharUnit>(handle: Ptr, sql: *const C, len: i32) -> SqlReturn {
    with_stmt(handle, |stmt, state| {
        let sql = text::read(sql, len as isize)?
            .ok_or_else(|| odbc_error!("HY009", "the statement text is a null pointer"))?;
        statement::prepare(stmt, state, &sql)?;
        OK
    })
}

#[no_mangle]
pub unsafe extern "system" fn SQLPrepare(handle: Ptr, sql: *const u8, len: i32) -> SqlReturn {
    prepare(handle, sql, len)
}

#[no_mangle]
pub unsafe extern "system" fn SQLPrepareW(handle: Ptr, sql: *const u16, len: i32) -> SqlReturn {
    prepare(handle, sql, len)
}

#[no_mangle]
pub unsafe extern "system" fn SQLExecute(handle: Ptr) -> SqlReturn {
    with_stmt(handle, statement::execute)
}

#[no_mangle]
pub unsafe extern "system" fn SQLParamData(handle: Ptr, token: *mut Ptr) -> SqlReturn {
    with_stmt(handle, |stmt, state| statement::param_data(stmt, state, token))
}

#[no_mangle]
pub unsafe extern "system" fn SQLPutData(handle: Ptr, data: Ptr, length: isize) -> SqlReturn {
    with_stmt(handle, |_, state| {
        statement::put_data(state, data, length)?;
        OK
    })
}

/// SQL_PARAM_INPUT: the only parameter direction Redwood has.
const PARAM_INPUT: i16 = 1;

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

#[no_mangle]
pub unsafe extern "system" fn SQLNumParams(handle: Ptr, count: *mut i16) -> SqlReturn {
    with_stmt(handle, |_, state| {
        text::put(count, statement::param_count(state)?);
        OK
    })
}

/// SQL_NULLABLE_UNKNOWN / SQL_NULLABLE.
const SQL_NULLABLE_UNKNOWN: i16 = 2;
const SQL_NULLABLE: i16 = 1;

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
            data_type.write_unaligned(described.sql_type);
        }
        text::put(size, described.column_size);
        text::put(digits, described.decimal_digits.max(0) as usize);
        text::put(nullable, SQL_NULLABLE_UNKNOWN as usize);
        OK
    })
}

#[no_mangle]
pub unsafe extern "system" fn SQLNumResultCols(handle: Ptr, count: *mut i16) -> SqlReturn {
    with_stmt(handle, |_, state| {
        let n = state.with_columns(|columns| Ok(columns.len()))?;
        text::put(count, n);
        OK
    })
}

unsafe fn describe_col<C: CharUnit>(
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
            if text::write_counted(&column.name, name, capacity as isize, name_len)?.truncated() {
                stmt.diag.push(&odbc_error!("01004", "the column name was truncated"));
            }
            if !data_type.is_null() {
                data_type.write_unaligned(column.sql.sql_type);
            }
            text::put(size, column.sql.column_size);
            text::put(digits, column.sql.decimal_digits.max(0) as usize);
            text::put(nullable, SQL_NULLABLE as usize);
            OK
        })
    })
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

#[no_mangle]
pub unsafe extern "system" fn SQLDescribeCol(
    handle: Ptr,
    number: u16,
    name: *mut u8,
    capacity: i16,
    name_len: *mut i16,
    data_type: *mut i16,
    size: *mut usize,
    digits: *mut i16,
    nullable: *mut i16,
) -> SqlReturn {
    describe_col(handle, number, name, capacity, name_len, data_type, size, digits, nullable)
}

#[no_mangle]
pub unsafe extern "system" fn SQLDescribeColW(
    handle: Ptr,
    number: u16,
    name: *mut u16,
    capacity: i16,
    name_len: *mut i16,
    data_type: *mut i16,
    size: *mut usize,
    digits: *mut i16,
    nullable: *mut i16,
) -> SqlReturn {
    describe_col(handle, number, name, capacity, name_len, data_type, size, digits, nullable)
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

unsafe fn col_attribute<C: CharUnit>(
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
                if text::write_bytes_counted(&text, text_out as *mut C, buffer_len as isize, text_len)?.truncated() {
                    stmt.diag.push(&odbc_error!("01004", "the attribute was truncated"));
                }
            }
            Attribute::Number(n) => {
                if !number_out.is_null() {
                    number_out.write_unaligned(n);
                }
            }
        }
        OK
    })
}

#[no_mangle]
pub unsafe extern "system" fn SQLColAttribute(
    handle: Ptr,
    number: u16,
    field_id: u16,
    text_out: Ptr,
    buffer_len: i16,
    text_len: *mut i16,
    number_out: *mut isize,
) -> SqlReturn {
    col_attribute::<u8>(handle, number, field_id, text_out, buffer_len, text_len, number_out)
}

#[no_mangle]
pub unsafe extern "system" fn SQLColAttributeW(
    handle: Ptr,
    number: u16,
    field_id: u16,
    text_out: Ptr,
    buffer_len: i16,
    text_len: *mut i16,
    number_out: *mut isize,
) -> SqlReturn {
    col_attribute::<u16>(handle, number, field_id, text_out, buffer_len, text_len, number_out)
}

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

#[no_mangle]
pub unsafe extern "system" fn SQLFetch(handle: Ptr) -> SqlReturn {
    with_stmt(handle, |stmt, state| statement::fetch(state, &stmt.diag))
}

/// SQL_FETCH_NEXT: the one orientation of a forward-only cursor.
const FETCH_NEXT: i16 = 1;

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

#[no_mangle]
pub unsafe extern "system" fn SQLRowCount(handle: Ptr, count: *mut isize) -> SqlReturn {
    with_stmt(handle, |_, state| {
        if !count.is_null() {
            count.write_unaligned(state.row_count);
        }
        OK
    })
}

#[no_mangle]
pub unsafe extern "system" fn SQLMoreResults(handle: Ptr) -> SqlReturn {
    // One result per execution: a statement string with several statements reports the last.
    with_stmt(handle, |_, state| {
        state.close_cursor();
        Ok(SqlReturn::NO_DATA)
    })
}

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

#[no_mangle]
pub unsafe extern "system" fn SQLCancel(handle: Ptr) -> SqlReturn {
    // Not through `with_stmt`: the statement's state is held by the thread running it.
    let Some(stmt) = Stmt::from_raw(handle) else {
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

unsafe fn get_cursor_name<C: CharUnit>(handle: Ptr, name: *mut C, capacity: i16, length: *mut i16) -> SqlReturn {
    with_stmt(handle, |stmt, _| {
        if text::write_counted(&format!("SQL_CUR{:x}", handle as usize), name, capacity as isize, length)?.truncated() {
            stmt.diag.push(&odbc_error!("01004", "the cursor name was truncated"));
        }
        OK
    })
}

#[no_mangle]
pub unsafe extern "system" fn SQLGetCursorName(
    handle: Ptr,
    name: *mut u8,
    capacity: i16,
    length: *mut i16,
) -> SqlReturn {
    get_cursor_name(handle, name, capacity, length)
}

#[no_mangle]
pub unsafe extern "system" fn SQLGetCursorNameW(
    handle: Ptr,
    name: *mut u16,
    capacity: i16,
    length: *mut i16,
) -> SqlReturn {
    get_cursor_name(handle, name, capacity, length)
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

#[no_mangle]
pub unsafe extern "system" fn SQLSetStmtAttr(handle: Ptr, attribute: i32, value: Ptr, _length: i32) -> SqlReturn {
    set_stmt_attr(handle, attribute, value)
}

#[no_mangle]
pub unsafe extern "system" fn SQLSetStmtAttrW(handle: Ptr, attribute: i32, value: Ptr, _length: i32) -> SqlReturn {
    set_stmt_attr(handle, attribute, value)
}

unsafe fn set_stmt_attr(handle: Ptr, attribute: i32, value: Ptr) -> SqlReturn {
    use stmt_attr::*;
    with_stmt(handle, |stmt, state| {
        let number = value as usize;
        let a = &mut state.attributes;
        let changed =
            |what: &str| stmt.diag.push(&odbc_error!("01S02", "option value changed: Redwood's cursors are {what}"));
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

#[no_mangle]
pub unsafe extern "system" fn SQLGetStmtAttr(
    handle: Ptr,
    attribute: i32,
    value: Ptr,
    buffer_len: i32,
    length: *mut i32,
) -> SqlReturn {
    get_stmt_attr(handle, attribute, value, buffer_len, length)
}

#[no_mangle]
pub unsafe extern "system" fn SQLGetStmtAttrW(
    handle: Ptr,
    attribute: i32,
    value: Ptr,
    buffer_len: i32,
    length: *mut i32,
) -> SqlReturn {
    get_stmt_attr(handle, attribute, value, buffer_len, length)
}

unsafe fn get_stmt_attr(handle: Ptr, attribute: i32, value: Ptr, _buffer_len: i32, length: *mut i32) -> SqlReturn {
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
        put_value(value, length, answer);
        OK
    })
}

// ------------------------------------------------------------------------------------ catalog

/// Reads a catalog function's name argument.
unsafe fn arg<C: CharUnit>(ptr: *const C, len: i16) -> Result<Option<String>, Error> {
    text::read(ptr, len as isize)
}

fn run_catalog(
    handle: Ptr,
    make: impl FnOnce(catalog::ArgumentKind) -> Result<catalog::CatalogQuery, Error>,
) -> SqlReturn {
    with_stmt(handle, |stmt, state| {
        let query = make(catalog::ArgumentKind { identifiers: state.attributes.metadata_id })?;
        statement::catalog_query(stmt, state, query)?;
        OK
    })
}

fn required(name: Option<String>, what: &str) -> Result<String, Error> {
    name.ok_or_else(|| odbc_error!("HY009", "the {what} name is required (a null pointer was passed)"))
}

unsafe fn tables<C: CharUnit>(
    handle: Ptr,
    c: *const C,
    cl: i16,
    s: *const C,
    sl: i16,
    t: *const C,
    tl: i16,
    ty: *const C,
    tyl: i16,
) -> SqlReturn {
    run_catalog(handle, |kind| {
        let (c, s, t, ty) = (arg(c, cl)?, arg(s, sl)?, arg(t, tl)?, arg(ty, tyl)?);
        Ok(catalog::tables(c.as_deref(), s.as_deref(), t.as_deref(), ty.as_deref(), kind))
    })
}

#[no_mangle]
pub unsafe extern "system" fn SQLTables(
    h: Ptr,
    c: *const u8,
    cl: i16,
    s: *const u8,
    sl: i16,
    t: *const u8,
    tl: i16,
    ty: *const u8,
    tyl: i16,
) -> SqlReturn {
    tables(h, c, cl, s, sl, t, tl, ty, tyl)
}

#[no_mangle]
pub unsafe extern "system" fn SQLTablesW(
    h: Ptr,
    c: *const u16,
    cl: i16,
    s: *const u16,
    sl: i16,
    t: *const u16,
    tl: i16,
    ty: *const u16,
    tyl: i16,
) -> SqlReturn {
    tables(h, c, cl, s, sl, t, tl, ty, tyl)
}

unsafe fn columns<C: CharUnit>(
    handle: Ptr,
    c: *const C,
    cl: i16,
    s: *const C,
    sl: i16,
    t: *const C,
    tl: i16,
    col: *const C,
    coll: i16,
) -> SqlReturn {
    run_catalog(handle, |kind| {
        let (c, s, t, col) = (arg(c, cl)?, arg(s, sl)?, arg(t, tl)?, arg(col, coll)?);
        Ok(catalog::columns(c.as_deref(), s.as_deref(), t.as_deref(), col.as_deref(), kind))
    })
}

#[no_mangle]
pub unsafe extern "system" fn SQLColumns(
    h: Ptr,
    c: *const u8,
    cl: i16,
    s: *const u8,
    sl: i16,
    t: *const u8,
    tl: i16,
    col: *const u8,
    coll: i16,
) -> SqlReturn {
    columns(h, c, cl, s, sl, t, tl, col, coll)
}

#[no_mangle]
pub unsafe extern "system" fn SQLColumnsW(
    h: Ptr,
    c: *const u16,
    cl: i16,
    s: *const u16,
    sl: i16,
    t: *const u16,
    tl: i16,
    col: *const u16,
    coll: i16,
) -> SqlReturn {
    columns(h, c, cl, s, sl, t, tl, col, coll)
}

unsafe fn primary_keys<C: CharUnit>(
    handle: Ptr,
    c: *const C,
    cl: i16,
    s: *const C,
    sl: i16,
    t: *const C,
    tl: i16,
) -> SqlReturn {
    run_catalog(handle, |_| {
        let (c, s, t) = (arg(c, cl)?, arg(s, sl)?, required(arg(t, tl)?, "table")?);
        Ok(catalog::primary_keys(c.as_deref(), s.as_deref(), &t))
    })
}

#[no_mangle]
pub unsafe extern "system" fn SQLPrimaryKeys(
    h: Ptr,
    c: *const u8,
    cl: i16,
    s: *const u8,
    sl: i16,
    t: *const u8,
    tl: i16,
) -> SqlReturn {
    primary_keys(h, c, cl, s, sl, t, tl)
}

#[no_mangle]
pub unsafe extern "system" fn SQLPrimaryKeysW(
    h: Ptr,
    c: *const u16,
    cl: i16,
    s: *const u16,
    sl: i16,
    t: *const u16,
    tl: i16,
) -> SqlReturn {
    primary_keys(h, c, cl, s, sl, t, tl)
}

unsafe fn foreign_keys<C: CharUnit>(
    handle: Ptr,
    pc: *const C,
    pcl: i16,
    ps: *const C,
    psl: i16,
    pt: *const C,
    ptl: i16,
    fc: *const C,
    fcl: i16,
    fs: *const C,
    fsl: i16,
    ft: *const C,
    ftl: i16,
) -> SqlReturn {
    run_catalog(handle, |_| {
        let (pc, ps, pt) = (arg(pc, pcl)?, arg(ps, psl)?, arg(pt, ptl)?);
        let (fc, fs, ft) = (arg(fc, fcl)?, arg(fs, fsl)?, arg(ft, ftl)?);
        if pt.is_none() && ft.is_none() {
            return Err(odbc_error!(
                "HY009",
                "SQLForeignKeys needs the primary key table, the foreign key table, or both"
            ));
        }
        Ok(catalog::foreign_keys(
            pc.as_deref(),
            ps.as_deref(),
            pt.as_deref(),
            fc.as_deref(),
            fs.as_deref(),
            ft.as_deref(),
        ))
    })
}

#[no_mangle]
pub unsafe extern "system" fn SQLForeignKeys(
    h: Ptr,
    pc: *const u8,
    pcl: i16,
    ps: *const u8,
    psl: i16,
    pt: *const u8,
    ptl: i16,
    fc: *const u8,
    fcl: i16,
    fs: *const u8,
    fsl: i16,
    ft: *const u8,
    ftl: i16,
) -> SqlReturn {
    foreign_keys(h, pc, pcl, ps, psl, pt, ptl, fc, fcl, fs, fsl, ft, ftl)
}

#[no_mangle]
pub unsafe extern "system" fn SQLForeignKeysW(
    h: Ptr,
    pc: *const u16,
    pcl: i16,
    ps: *const u16,
    psl: i16,
    pt: *const u16,
    ptl: i16,
    fc: *const u16,
    fcl: i16,
    fs: *const u16,
    fsl: i16,
    ft: *const u16,
    ftl: i16,
) -> SqlReturn {
    foreign_keys(h, pc, pcl, ps, psl, pt, ptl, fc, fcl, fs, fsl, ft, ftl)
}

/// SQLStatistics' SQL_INDEX_UNIQUE / SQL_INDEX_ALL.
const INDEX_UNIQUE: u16 = 0;
const INDEX_ALL: u16 = 1;

unsafe fn statistics<C: CharUnit>(
    handle: Ptr,
    c: *const C,
    cl: i16,
    s: *const C,
    sl: i16,
    t: *const C,
    tl: i16,
    unique: u16,
    _reserved: u16,
) -> SqlReturn {
    run_catalog(handle, |_| {
        if unique != INDEX_UNIQUE && unique != INDEX_ALL {
            return Err(odbc_error!(
                "HY100",
                "uniqueness option {unique} is neither SQL_INDEX_UNIQUE nor SQL_INDEX_ALL"
            ));
        }
        let (c, s, t) = (arg(c, cl)?, arg(s, sl)?, required(arg(t, tl)?, "table")?);
        Ok(catalog::statistics(c.as_deref(), s.as_deref(), &t, unique == INDEX_UNIQUE))
    })
}

#[no_mangle]
pub unsafe extern "system" fn SQLStatistics(
    h: Ptr,
    c: *const u8,
    cl: i16,
    s: *const u8,
    sl: i16,
    t: *const u8,
    tl: i16,
    unique: u16,
    reserved: u16,
) -> SqlReturn {
    statistics(h, c, cl, s, sl, t, tl, unique, reserved)
}

#[no_mangle]
pub unsafe extern "system" fn SQLStatisticsW(
    h: Ptr,
    c: *const u16,
    cl: i16,
    s: *const u16,
    sl: i16,
    t: *const u16,
    tl: i16,
    unique: u16,
    reserved: u16,
) -> SqlReturn {
    statistics(h, c, cl, s, sl, t, tl, unique, reserved)
}

unsafe fn special_columns<C: CharUnit>(
    handle: Ptr,
    id: u16,
    c: *const C,
    cl: i16,
    s: *const C,
    sl: i16,
    t: *const C,
    tl: i16,
    scope: u16,
    nullable: u16,
) -> SqlReturn {
    run_catalog(handle, |_| {
        if !(1..=2).contains(&id) {
            return Err(odbc_error!("HY097", "column type {id} is neither SQL_BEST_ROWID nor SQL_ROWVER"));
        }
        if scope > 2 {
            return Err(odbc_error!("HY098", "scope {scope} is out of range"));
        }
        if nullable > 1 {
            return Err(odbc_error!("HY099", "nullable type {nullable} is out of range"));
        }
        let (c, s, t) = (arg(c, cl)?, arg(s, sl)?, required(arg(t, tl)?, "table")?);
        Ok(catalog::special_columns(id, c.as_deref(), s.as_deref(), &t, scope, nullable))
    })
}

#[no_mangle]
pub unsafe extern "system" fn SQLSpecialColumns(
    h: Ptr,
    id: u16,
    c: *const u8,
    cl: i16,
    s: *const u8,
    sl: i16,
    t: *const u8,
    tl: i16,
    scope: u16,
    nullable: u16,
) -> SqlReturn {
    special_columns(h, id, c, cl, s, sl, t, tl, scope, nullable)
}

#[no_mangle]
pub unsafe extern "system" fn SQLSpecialColumnsW(
    h: Ptr,
    id: u16,
    c: *const u16,
    cl: i16,
    s: *const u16,
    sl: i16,
    t: *const u16,
    tl: i16,
    scope: u16,
    nullable: u16,
) -> SqlReturn {
    special_columns(h, id, c, cl, s, sl, t, tl, scope, nullable)
}

#[no_mangle]
pub unsafe extern "system" fn SQLGetTypeInfo(handle: Ptr, data_type: i16) -> SqlReturn {
    run_catalog(handle, |_| Ok(catalog::type_info(data_type)))
}

#[no_mangle]
pub unsafe extern "system" fn SQLGetTypeInfoW(handle: Ptr, data_type: i16) -> SqlReturn {
    SQLGetTypeInfo(handle, data_type)
}

unsafe fn procedures<C: CharUnit>(
    handle: Ptr,
    c: *const C,
    cl: i16,
    s: *const C,
    sl: i16,
    p: *const C,
    pl: i16,
) -> SqlReturn {
    run_catalog(handle, |_| {
        let (c, s, p) = (arg(c, cl)?, arg(s, sl)?, arg(p, pl)?);
        Ok(catalog::procedures(c.as_deref(), s.as_deref(), p.as_deref()))
    })
}

#[no_mangle]
pub unsafe extern "system" fn SQLProcedures(
    h: Ptr,
    c: *const u8,
    cl: i16,
    s: *const u8,
    sl: i16,
    p: *const u8,
    pl: i16,
) -> SqlReturn {
    procedures(h, c, cl, s, sl, p, pl)
}

#[no_mangle]
pub unsafe extern "system" fn SQLProceduresW(
    h: Ptr,
    c: *const u16,
    cl: i16,
    s: *const u16,
    sl: i16,
    p: *const u16,
    pl: i16,
) -> SqlReturn {
    procedures(h, c, cl, s, sl, p, pl)
}

unsafe fn procedure_columns<C: CharUnit>(
    handle: Ptr,
    c: *const C,
    cl: i16,
    s: *const C,
    sl: i16,
    p: *const C,
    pl: i16,
    col: *const C,
    coll: i16,
) -> SqlReturn {
    run_catalog(handle, |_| {
        let (c, s, p, col) = (arg(c, cl)?, arg(s, sl)?, arg(p, pl)?, arg(col, coll)?);
        Ok(catalog::procedure_columns(c.as_deref(), s.as_deref(), p.as_deref(), col.as_deref()))
    })
}

#[no_mangle]
pub unsafe extern "system" fn SQLProcedureColumns(
    h: Ptr,
    c: *const u8,
    cl: i16,
    s: *const u8,
    sl: i16,
    p: *const u8,
    pl: i16,
    col: *const u8,
    coll: i16,
) -> SqlReturn {
    procedure_columns(h, c, cl, s, sl, p, pl, col, coll)
}

#[no_mangle]
pub unsafe extern "system" fn SQLProcedureColumnsW(
    h: Ptr,
    c: *const u16,
    cl: i16,
    s: *const u16,
    sl: i16,
    p: *const u16,
    pl: i16,
    col: *const u16,
    coll: i16,
) -> SqlReturn {
    procedure_columns(h, c, cl, s, sl, p, pl, col, coll)
}

unsafe fn table_privileges<C: CharUnit>(
    handle: Ptr,
    c: *const C,
    cl: i16,
    s: *const C,
    sl: i16,
    t: *const C,
    tl: i16,
) -> SqlReturn {
    run_catalog(handle, |_| {
        let (c, s, t) = (arg(c, cl)?, arg(s, sl)?, arg(t, tl)?);
        Ok(catalog::table_privileges(c.as_deref(), s.as_deref(), t.as_deref()))
    })
}

#[no_mangle]
pub unsafe extern "system" fn SQLTablePrivileges(
    h: Ptr,
    c: *const u8,
    cl: i16,
    s: *const u8,
    sl: i16,
    t: *const u8,
    tl: i16,
) -> SqlReturn {
    table_privileges(h, c, cl, s, sl, t, tl)
}

#[no_mangle]
pub unsafe extern "system" fn SQLTablePrivilegesW(
    h: Ptr,
    c: *const u16,
    cl: i16,
    s: *const u16,
    sl: i16,
    t: *const u16,
    tl: i16,
) -> SqlReturn {
    table_privileges(h, c, cl, s, sl, t, tl)
}

unsafe fn column_privileges<C: CharUnit>(
    handle: Ptr,
    c: *const C,
    cl: i16,
    s: *const C,
    sl: i16,
    t: *const C,
    tl: i16,
    col: *const C,
    coll: i16,
) -> SqlReturn {
    run_catalog(handle, |_| {
        let (c, s, t, col) = (arg(c, cl)?, arg(s, sl)?, required(arg(t, tl)?, "table")?, arg(col, coll)?);
        Ok(catalog::column_privileges(c.as_deref(), s.as_deref(), &t, col.as_deref()))
    })
}

#[no_mangle]
pub unsafe extern "system" fn SQLColumnPrivileges(
    h: Ptr,
    c: *const u8,
    cl: i16,
    s: *const u8,
    sl: i16,
    t: *const u8,
    tl: i16,
    col: *const u8,
    coll: i16,
) -> SqlReturn {
    column_privileges(h, c, cl, s, sl, t, tl, col, coll)
}

#[no_mangle]
pub unsafe extern "system" fn SQLColumnPrivilegesW(
    h: Ptr,
    c: *const u16,
    cl: i16,
    s: *const u16,
    sl: i16,
    t: *const u16,
    tl: i16,
    col: *const u16,
    coll: i16,
) -> SqlReturn {
    column_privileges(h, c, cl, s, sl, t, tl, col, coll)
}

// -------------------------------------------------------------------------------- diagnostics

/// The diagnostics of a handle of any type, without clearing them (the diagnostic functions
/// read the records of the previous call).
unsafe fn diagnostics_of<'a>(handle_type: i16, handle: Ptr) -> Option<(&'a handle::Diag, Option<&'a Dbc>)> {
    match handle_type {
        HANDLE_ENV => Env::from_raw(handle).map(|h| (&h.diag, None)),
        HANDLE_DBC => Dbc::from_raw(handle).map(|h| (&h.diag, Some(h))),
        HANDLE_STMT => Stmt::from_raw(handle).map(|h| (&h.diag, Some(h.dbc()))),
        _ => None,
    }
}

unsafe fn get_diag_rec<C: CharUnit>(
    handle_type: i16,
    handle: Ptr,
    number: i16,
    state_out: *mut C,
    native: *mut i32,
    message: *mut C,
    capacity: i16,
    length: *mut i16,
) -> SqlReturn {
    let Some((diag, _)) = diagnostics_of(handle_type, handle) else {
        return SqlReturn::INVALID_HANDLE;
    };
    if number < 1 || capacity < 0 {
        return SqlReturn::ERROR;
    }
    let Some(record) = diag.lock().records.get(number as usize - 1).cloned() else {
        return SqlReturn::NO_DATA;
    };
    text::write(&record.state, state_out, 6);
    if !native.is_null() {
        native.write_unaligned(record.native);
    }
    match text::write_counted(&record.message, message, capacity as isize, length) {
        Ok(written) if written.truncated() => SqlReturn::SUCCESS_WITH_INFO,
        Ok(_) => SqlReturn::SUCCESS,
        Err(_) => SqlReturn::ERROR,
    }
}

#[no_mangle]
pub unsafe extern "system" fn SQLGetDiagRec(
    t: i16,
    h: Ptr,
    n: i16,
    state: *mut u8,
    native: *mut i32,
    message: *mut u8,
    capacity: i16,
    length: *mut i16,
) -> SqlReturn {
    get_diag_rec(t, h, n, state, native, message, capacity, length)
}

#[no_mangle]
pub unsafe extern "system" fn SQLGetDiagRecW(
    t: i16,
    h: Ptr,
    n: i16,
    state: *mut u16,
    native: *mut i32,
    message: *mut u16,
    capacity: i16,
    length: *mut i16,
) -> SqlReturn {
    get_diag_rec(t, h, n, state, native, message, capacity, length)
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

unsafe fn get_diag_field<C: CharUnit>(
    handle_type: i16,
    handle: Ptr,
    number: i16,
    id: i16,
    value: Ptr,
    buffer_len: i16,
    length: *mut i16,
) -> SqlReturn {
    use diag_field::*;
    let Some((diag, dbc)) = diagnostics_of(handle_type, handle) else {
        return SqlReturn::INVALID_HANDLE;
    };
    let header = diag.lock();
    let text_answer = |text: &str| match text::write_bytes_counted(text, value as *mut C, buffer_len as isize, length) {
        Ok(written) if written.truncated() => SqlReturn::SUCCESS_WITH_INFO,
        Ok(_) => SqlReturn::SUCCESS,
        Err(_) => SqlReturn::ERROR,
    };
    match id {
        RETURNCODE => put_value(value, length, header.return_code),
        NUMBER => put_value(value, length, header.records.len() as i32),
        ROW_COUNT | CURSOR_ROW_COUNT if handle_type == HANDLE_STMT => put_value(value, length, header.row_count),
        DYNAMIC_FUNCTION if handle_type == HANDLE_STMT => return text_answer(""),
        DYNAMIC_FUNCTION_CODE if handle_type == HANDLE_STMT => put_value(value, length, 0i32),
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
                NATIVE => put_value(value, length, record.native),
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
                ROW_NUMBER => put_value(value, length, -1isize),
                COLUMN_NUMBER => put_value(value, length, -1i32),
                _ => return SqlReturn::ERROR,
            }
        }
    }
    SqlReturn::SUCCESS
}

#[no_mangle]
pub unsafe extern "system" fn SQLGetDiagField(
    t: i16,
    h: Ptr,
    n: i16,
    id: i16,
    value: Ptr,
    buffer_len: i16,
    length: *mut i16,
) -> SqlReturn {
    get_diag_field::<u8>(t, h, n, id, value, buffer_len, length)
}

#[no_mangle]
pub unsafe extern "system" fn SQLGetDiagFieldW(
    t: i16,
    h: Ptr,
    n: i16,
    id: i16,
    value: Ptr,
    buffer_len: i16,
    length: *mut i16,
) -> SqlReturn {
    get_diag_field::<u16>(t, h, n, id, value, buffer_len, length)
}

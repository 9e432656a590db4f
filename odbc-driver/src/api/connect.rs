//! Connecting, disconnecting and ending transactions.

use super::{Ptr, HANDLE_DBC, HANDLE_ENV};
use crate::connection::Attributes;
use crate::handle::{self, entry, lock, Dbc, Env, Handle, Stmt, OK};
use crate::text;
use odbc_sys::SqlReturn;

ansi_and_wide! {
    fn SQLDriverConnect / SQLDriverConnectW<C>(
        handle: Ptr,
        _window: Ptr,
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
            // SAFETY: the arguments are valid as # Safety says.
            let text = unsafe { text::read(input, input_len as isize) }?.unwrap_or_default();
            let attributes = Attributes::parse(&text)?.with_dsn();
            dbc.state().connect(&attributes)?;
            let completed = attributes.to_connection_string();
            // SAFETY: the arguments are valid as # Safety says.
            if unsafe { text::write_counted(&completed, output, output_capacity as isize, output_len) }?.truncated() {
                dbc.diag.push(&odbc_error!("01004", "the completed connection string was truncated"));
            }
            OK
        })
    }
}

ansi_and_wide! {
    fn SQLConnect / SQLConnectW<C>(
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
            // SAFETY: the arguments are valid as # Safety says.
            attributes.set("DSN", &unsafe { text::read(dsn, dsn_len as isize) }?.unwrap_or_default());
            // SAFETY: the arguments are valid as # Safety says.
            if let Some(user) = unsafe { text::read(user, user_len as isize) }?.filter(|u| !u.is_empty()) {
                attributes.set("UID", &user);
            }
            // SAFETY: the arguments are valid as # Safety says.
            if let Some(password) = unsafe { text::read(password, password_len as isize) }?.filter(|p| !p.is_empty()) {
                attributes.set("PWD", &password);
            }
            dbc.state().connect(&attributes.with_dsn())?;
            OK
        })
    }
}

/// # Safety
/// No other thread uses the connection or its statements during the call (the statements are
/// freed).
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
        // SAFETY: the arguments are valid as # Safety says.
        unsafe { handle::free::<Stmt>(stmt as Ptr) };
    }
    code
}

/// Completion types of SQLEndTran.
const COMMIT: i16 = 0;
const ROLLBACK: i16 = 1;

/// # Safety
/// `handle` and its connections are not freed by another thread during the call.
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
                // SAFETY: the arguments are valid as # Safety says.
                if let Some(dbc) = unsafe { Dbc::from_raw(*connection as Ptr) } {
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

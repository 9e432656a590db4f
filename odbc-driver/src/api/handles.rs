//! Allocating and freeing handles.

use super::{Ptr, HANDLE_DBC, HANDLE_DESC, HANDLE_ENV, HANDLE_STMT};
use crate::handle::{self, entry, lock, Dbc, Env, Stmt, OK};
use odbc_sys::SqlReturn;

/// # Safety
/// `output` is null or valid for writing a handle, and `input` is not freed by another thread
/// during the call.
#[no_mangle]
pub unsafe extern "system" fn SQLAllocHandle(handle_type: i16, input: Ptr, output: *mut Ptr) -> SqlReturn {
    if output.is_null() {
        return SqlReturn::ERROR;
    }
    match handle_type {
        HANDLE_ENV => {
            // SAFETY: not null, so writable (# Safety).
            unsafe { output.write(Env::alloc()) };
            SqlReturn::SUCCESS
        }
        HANDLE_DBC => entry::<Env>(input, |env| {
            let dbc = Dbc::alloc(env);
            lock(&env.connections).push(dbc as usize);
            // SAFETY: as above.
            unsafe { output.write(dbc) };
            OK
        }),
        HANDLE_STMT => entry::<Dbc>(input, |dbc| {
            let mut state = dbc.state();
            if state.connection.is_none() {
                return Err(odbc_error!("08003", "the connection is not open"));
            }
            let stmt = Stmt::alloc(dbc, state.metadata_id);
            state.statements.push(stmt as usize);
            // SAFETY: as above.
            unsafe { output.write(stmt) };
            OK
        }),
        HANDLE_DESC => entry::<Dbc>(input, |_| Err(odbc_error!("HYC00", "explicit descriptors are not supported"))),
        _ => SqlReturn::ERROR,
    }
}

/// # Safety
/// No other thread uses `handle` during the call, nor anyone after it succeeds.
#[no_mangle]
pub unsafe extern "system" fn SQLFreeHandle(handle_type: i16, handle: Ptr) -> SqlReturn {
    match handle_type {
        HANDLE_ENV => {
            let code = entry::<Env>(handle, |env| match lock(&env.connections).is_empty() {
                true => OK,
                false => Err(odbc_error!("HY010", "the environment still has connections: free them first")),
            });
            if code == SqlReturn::SUCCESS {
                // SAFETY: no other thread uses the handle (# Safety).
                unsafe { handle::free::<Env>(handle) };
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
                // SAFETY: no other thread uses the handle (# Safety).
                unsafe { handle::free::<Dbc>(handle) };
            }
            code
        }
        // SAFETY: as above.
        HANDLE_STMT => unsafe { free_statement(handle) },
        _ => SqlReturn::INVALID_HANDLE,
    }
}

/// # Safety
/// No other thread uses `handle` during the call.
unsafe fn free_statement(handle: Ptr) -> SqlReturn {
    let code = entry::<Stmt>(handle, |stmt| {
        stmt.dbc().state().statements.retain(|s| *s != handle as usize);
        OK
    });
    if code == SqlReturn::SUCCESS {
        // SAFETY: the caller's guarantee.
        unsafe { handle::free::<Stmt>(handle) };
    }
    code
}

/// SQLFreeStmt options.
const CLOSE: u16 = 0;
const DROP: u16 = 1;
const UNBIND: u16 = 2;
const RESET_PARAMS: u16 = 3;

/// # Safety
/// No other thread uses `handle` during the call, nor anyone after SQL_DROP succeeds.
#[no_mangle]
pub unsafe extern "system" fn SQLFreeStmt(handle: Ptr, option: u16) -> SqlReturn {
    if option == DROP {
        // SAFETY: no other thread uses the handle (# Safety).
        return unsafe { free_statement(handle) };
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

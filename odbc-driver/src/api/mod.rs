//! The exported ODBC functions, grouped by area as the ODBC reference groups them. They check
//! their arguments and delegate: to the handles (`crate::handle`), the connection
//! (`crate::connection`), the statement (`crate::statement`) and the catalog queries
//! (`crate::catalog`).

/// Exports a function that ODBC has in two forms from one body: `$ansi` takes strings as UTF-8
/// (`SQLCHAR`) and `$wide` as UTF-16 (`SQLWCHAR`). In the body, `$C` is the character unit (`u8`
/// or `u16`); it is left out for the pairs without string arguments. Each export is generated in
/// a module of its name, where `$C` is an alias of its unit.
macro_rules! ansi_and_wide {
    (
        $(#[$doc:meta])*
        fn $ansi:ident / $wide:ident $(<$C:ident>)? ($($arg:ident: $ty:ty),* $(,)?) -> SqlReturn $body:block
    ) => {
        ansi_and_wide!(@export $ansi, u8, $(#[$doc])* $(<$C>)? ($($arg: $ty),*) $body);
        ansi_and_wide!(@export $wide, u16, $(#[$doc])* $(<$C>)? ($($arg: $ty),*) $body);
    };
    (@export $name:ident, $unit:ty, $(#[$doc:meta])* $(<$C:ident>)? ($($arg:ident: $ty:ty),*) $body:block) => {
        #[allow(non_snake_case)]
        pub mod $name {
            use super::*;
            $(type $C = $unit;)?

            $(#[$doc])*
            ///
            /// # Safety
            /// The arguments are as the ODBC reference defines them for this function: each pointer is null
            /// or valid for the length its length argument gives (in characters for strings, bytes for other
            /// buffers; up to a NUL when the length is SQL_NTS), and no handle argument is freed by another
            /// thread during the call.
            #[no_mangle]
            pub unsafe extern "system" fn $name($($arg: $ty),*) -> SqlReturn $body
        }
    };
}

mod attributes;
mod catalog;
mod connect;
mod diagnostics;
mod execute;
mod handles;
mod info;
mod results;

use crate::handle::{self, entry, Handle, Stmt};
use crate::statement::StmtState;
use crate::text;
use odbc_sys::SqlReturn;
use redwood_core::Error;
use std::ffi::c_void;

type Ptr = *mut c_void;

/// Handle types (SQL_HANDLE_*).
const HANDLE_ENV: i16 = 1;
const HANDLE_DBC: i16 = 2;
const HANDLE_STMT: i16 = 3;
const HANDLE_DESC: i16 = 4;

/// Writes a fixed-size answer and its size.
///
/// # Safety
/// `value` is null or valid for writing a `T`, `length` null or valid for writing an `L`.
unsafe fn put_value<T: Copy, L: TryFrom<usize> + TryFrom<isize>>(value: Ptr, length: *mut L, v: T) {
    if !value.is_null() {
        // SAFETY: not null, so valid (the caller's guarantee).
        unsafe { (value as *mut T).write_unaligned(v) };
    }
    // SAFETY: the caller's guarantee.
    unsafe { text::put(length, std::mem::size_of::<T>()) };
}

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

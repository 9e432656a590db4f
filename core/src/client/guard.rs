//! What every driver entry point runs its body in: nothing may unwind into C, an ODBC
//! application or the JVM, so a panic becomes an ordinary error, which each driver then reports
//! in its own idiom (a status and error slot, a diagnostic record, an `SQLException`).

use crate::err;
use crate::error::Result;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `body`; a panic becomes an error with SQLSTATE XX000 and the panic's message. The state
/// a panic leaves stays usable: locks are taken with [`crate::sync::lock`], which ignores poisoning.
pub fn catch_panic<T>(body: impl FnOnce() -> T) -> Result<T> {
    catch_unwind(AssertUnwindSafe(body)).map_err(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("a panic without a message");
        err!(INTERNAL_ERROR, "internal error in Redwood (a bug): {what}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_internal_error() {
        assert_eq!(catch_panic(|| 7).unwrap(), 7);
        let error = catch_panic(|| -> i32 { panic!("index {} out of range", 3) }).unwrap_err();
        assert_eq!(error.sqlstate, "XX000");
        assert!(error.message.ends_with("index 3 out of range"), "{}", error.message);
        let error = catch_panic(|| std::panic::panic_any(42)).unwrap_err();
        assert!(error.message.ends_with("a panic without a message"), "{}", error.message);
    }
}

//! `libredwoododbc.so`: Redwood's ODBC 3.x driver, for unixODBC (and the applications over it:
//! Excel, Tableau, pyodbc, isql). `Driver=Redwood;Database=:memory:` (or a directory) opens an
//! embedded database; `Server=host;Port=5439;Database=dev;UID=…;PWD=…` a remote one.
//!
//! It sits on the Rust client API, as the JDBC and Python bindings do, rather than on the C ABI:
//! the same `Connection`, without a second error channel. Every exported function checks its
//! handle, records errors as diagnostic records with a SQLSTATE (the server's, or ODBC's own for
//! driver-side errors) and catches panics: nothing unwinds into the application. The exported
//! functions are in `api`, by area; those with strings are exported twice, ANSI (UTF-8) and wide
//! (UTF-16), from one body (`ansi_and_wide!`).

#![allow(clippy::too_many_arguments, non_snake_case)]

/// An error with an ODBC (or PostgreSQL) SQLSTATE.
macro_rules! odbc_error {
    ($state:literal, $($arg:tt)*) => {
        redwood_core::Error::new($state, format!($($arg)*))
    };
}

mod api;
mod catalog;
mod connection;
mod convert;
mod handle;
mod info;
mod statement;
mod text;

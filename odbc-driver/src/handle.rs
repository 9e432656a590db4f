//! Handles (environment, connection, statement), their diagnostic records, and the wrapper
//! every exported function runs its body in: handle check, diagnostics reset, panics caught.

use crate::connection::DbcState;
use crate::statement::StmtState;
use odbc_sys::SqlReturn;
use redwood_core::client::catch_panic;
pub(crate) use redwood_core::sync::lock;
use redwood_core::Error;
use std::collections::BTreeMap;
use std::ffi::c_void;
use std::sync::{Mutex, MutexGuard};

/// The type of a live handle.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Tag {
    Env = 0x5245_4e56,
    Dbc = 0x5244_4243,
    Stmt = 0x5253_544d,
}

/// The addresses of live handles and their types: a pointer not in it (never ours, or freed:
/// SQLDisconnect frees its statements, which the application may free again), or of another
/// type, is not dereferenced.
static LIVE: Mutex<BTreeMap<usize, Tag>> = Mutex::new(BTreeMap::new());

fn live() -> MutexGuard<'static, BTreeMap<usize, Tag>> {
    lock(&LIVE)
}

fn register<H: Handle>(handle: Box<H>) -> *mut c_void {
    let raw = Box::into_raw(handle) as *mut c_void;
    live().insert(raw as usize, H::TAG);
    raw
}

/// One diagnostic record.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub state: String,
    pub native: i32,
    pub message: String,
}

/// The records of a handle's last call, and the facts SQLGetDiagField's header reports.
#[derive(Default)]
pub(crate) struct Diagnostics {
    pub records: Vec<Record>,
    pub return_code: i16,
    /// Rows the last statement affected (SQL_DIAG_ROW_COUNT).
    pub row_count: isize,
}

/// Diagnostics shared by every handle type.
pub(crate) struct Diag(Mutex<Diagnostics>);

impl Diag {
    fn new() -> Diag {
        Diag(Mutex::new(Diagnostics::default()))
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Diagnostics> {
        lock(&self.0)
    }

    /// Adds a warning or error record (the message tagged with the driver's name, as ODBC does
    /// for the component that raised it).
    pub(crate) fn push(&self, error: &Error) {
        let message = match (&error.detail, &error.hint) {
            (Some(detail), _) => format!("[Redwood] {} (DETAIL: {detail})", error.message),
            (None, Some(hint)) => format!("[Redwood] {} (HINT: {hint})", error.message),
            (None, None) => format!("[Redwood] {}", error.message),
        };
        self.lock().records.push(Record { state: error.sqlstate.to_string(), native: 0, message });
    }

    fn has_records(&self) -> bool {
        !self.lock().records.is_empty()
    }
}

pub(crate) struct Env {
    pub diag: Diag,
    /// SQL_ATTR_ODBC_VERSION (2, 3 or 380).
    pub odbc_version: Mutex<i32>,
    /// Its connections' addresses (SQLEndTran on the environment; it cannot be freed before them).
    pub connections: Mutex<Vec<usize>>,
}

pub(crate) struct Dbc {
    pub env: *const Env,
    pub diag: Diag,
    pub state: Mutex<DbcState>,
}

pub(crate) struct Stmt {
    pub dbc: *const Dbc,
    pub diag: Diag,
    pub state: Mutex<StmtState>,
    /// Stops the statement's query from another thread (SQLCancel) while `state` is held by the
    /// executing one.
    pub cancel: crate::statement::CancelSlot,
    /// What SQLGetStmtAttr gives for the implicit descriptors (ARD, APD, IRD, IPD): distinct
    /// non-null handles, which the driver manager keeps; the descriptor functions themselves are
    /// not exported (the driver manager answers IM001).
    pub descriptors: [u32; 4],
}

// SAFETY: handles are used from any thread (the ODBC rule: one thread at a time per
// handle, SQLCancel from any); everything mutable is behind a mutex and the raw parent pointers
// outlive the child (freeing a parent with children is refused).
unsafe impl Send for Dbc {}
// SAFETY: as above.
unsafe impl Sync for Dbc {}
// SAFETY: as above.
unsafe impl Send for Stmt {}
// SAFETY: as above.
unsafe impl Sync for Stmt {}

/// A handle type: how to recognise one behind a `void *`.
pub(crate) trait Handle: Sized {
    const TAG: Tag;
    fn diag(&self) -> &Diag;

    /// The handle behind `raw`, or `None` when it is null or not a live handle of this type.
    ///
    /// # Safety
    /// The handle is not freed while the reference is used (the ODBC rule: no call frees a
    /// handle another call is using).
    unsafe fn from_raw<'a>(raw: *mut c_void) -> Option<&'a Self> {
        // SAFETY: a live handle of this type is a `Self` made by `register`, not freed during the
        // use (the caller's guarantee).
        (live().get(&(raw as usize)) == Some(&Self::TAG)).then(|| unsafe { &*(raw as *const Self) })
    }
}

impl Handle for Env {
    const TAG: Tag = Tag::Env;
    fn diag(&self) -> &Diag {
        &self.diag
    }
}

impl Handle for Dbc {
    const TAG: Tag = Tag::Dbc;
    fn diag(&self) -> &Diag {
        &self.diag
    }
}

impl Handle for Stmt {
    const TAG: Tag = Tag::Stmt;
    fn diag(&self) -> &Diag {
        &self.diag
    }
}

impl Env {
    pub(crate) fn alloc() -> *mut c_void {
        register(Box::new(Env { diag: Diag::new(), odbc_version: Mutex::new(3), connections: Mutex::new(vec![]) }))
    }
}

impl Dbc {
    pub(crate) fn alloc(env: &Env) -> *mut c_void {
        let dbc = Dbc { env, diag: Diag::new(), state: Mutex::new(DbcState::default()) };
        register(Box::new(dbc))
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, DbcState> {
        lock(&self.state)
    }

    pub(crate) fn env(&self) -> &Env {
        // SAFETY: an environment with connections cannot be freed.
        unsafe { &*self.env }
    }
}

impl Stmt {
    pub(crate) fn alloc(dbc: &Dbc, metadata_id: bool) -> *mut c_void {
        let cancel = crate::statement::CancelSlot::default();
        let state = StmtState::new(metadata_id, std::sync::Arc::clone(&cancel));
        let stmt = Stmt { dbc, diag: Diag::new(), state: Mutex::new(state), cancel, descriptors: [0; 4] };
        register(Box::new(stmt))
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, StmtState> {
        lock(&self.state)
    }

    pub(crate) fn dbc(&self) -> &Dbc {
        // SAFETY: a connection with statements cannot be freed.
        unsafe { &*self.dbc }
    }
}

/// Frees a live handle made by `alloc` (nothing when it is not live).
///
/// # Safety
/// `raw` is not used by another thread.
pub(crate) unsafe fn free<H: Handle>(raw: *mut c_void) {
    if live().remove(&(raw as usize)) == Some(H::TAG) {
        // SAFETY: it was live, so made by `register` from a `Box<H>`; removed from `LIVE`, it can
        // be neither found nor freed again, and no other thread uses it (the caller's guarantee).
        drop(unsafe { Box::from_raw(raw as *mut H) });
    }
}

/// Runs an exported function's body on a checked handle: SQL_INVALID_HANDLE for a bad one; the
/// handle's diagnostics start empty; an error (or a panic) becomes a record and SQL_ERROR;
/// SQL_SUCCESS becomes SQL_SUCCESS_WITH_INFO when the body added warnings.
pub(crate) fn entry<H: Handle>(raw: *mut c_void, body: impl FnOnce(&H) -> Result<SqlReturn, Error>) -> SqlReturn {
    // SAFETY: the driver manager passes handles it got from this driver (or null).
    let Some(handle) = (unsafe { H::from_raw(raw) }) else {
        return SqlReturn::INVALID_HANDLE;
    };
    // SQL_DIAG_ROW_COUNT outlives the call that set it: SQLGetDiagField reads it after SQLExecute.
    handle.diag().lock().records.clear();
    let code = match catch_panic(|| body(handle)).and_then(|outcome| outcome) {
        Ok(SqlReturn::SUCCESS) if handle.diag().has_records() => SqlReturn::SUCCESS_WITH_INFO,
        Ok(code) => code,
        Err(error) => {
            handle.diag().push(&link_failure_as_odbc(error));
            SqlReturn::ERROR
        }
    };
    handle.diag().lock().return_code = code.0;
    code
}

/// ODBC's SQLSTATE for a lost connection (08S01, "communication link failure") where the client
/// API says 08006.
fn link_failure_as_odbc(error: Error) -> Error {
    match error.sqlstate {
        "08006" => Error { sqlstate: LINK_FAILURE, ..error },
        _ => error,
    }
}

pub(crate) const LINK_FAILURE: &str = "08S01";

/// The outcome of a body that succeeded.
pub(crate) const OK: Result<SqlReturn, Error> = Ok(SqlReturn::SUCCESS);

//! The audit trail, as Redshift keeps it: connections (`STL_CONNECTION_LOG`), changes to users
//! (`STL_USERLOG`) and every statement with its user, time and outcome (`SYS_QUERY_HISTORY`;
//! Redshift's user activity log). The most recent entries are kept in memory for the system
//! tables; with an audit directory (`redwood serve --audit-log DIR`) every entry is also appended
//! to the file Redshift's audit logging writes it to: `connectionlog`, `userlog`,
//! `useractivitylog`.

use crate::error::{Error, Result};
use std::collections::VecDeque;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// Entries of each kind kept in memory (the most recent).
const KEPT: usize = 10_000;

/// A connection event (`STL_CONNECTION_LOG`).
#[derive(Debug, Clone)]
pub struct ConnectionEvent {
    /// `initiating session`, `authenticated`, `authentication failure`, `disconnecting
    /// session`, or `rejected` (a client address outside the allowed ones).
    pub event: &'static str,
    pub time: SystemTime,
    pub remote: SocketAddr,
    pub pid: i32,
    pub database: String,
    pub user: String,
    /// `password` (md5 or cleartext), `scram-sha-256`, or empty before authentication.
    pub method: String,
    /// Microseconds the session lasted (`disconnecting session`), else 0.
    pub duration_us: i64,
    /// `TLSv1.3` when the connection is encrypted.
    pub ssl_version: String,
    pub application: String,
    /// Why authentication failed or the connection was rejected.
    pub detail: String,
}

impl ConnectionEvent {
    /// An event of the connection from `remote`, other fields empty.
    pub fn new(event: &'static str, remote: SocketAddr) -> ConnectionEvent {
        ConnectionEvent {
            event,
            time: SystemTime::now(),
            remote,
            pid: 0,
            database: crate::catalog::DEFAULT_DATABASE.to_string(),
            user: String::new(),
            method: String::new(),
            duration_us: 0,
            ssl_version: String::new(),
            application: String::new(),
            detail: String::new(),
        }
    }
}

/// A change to a user (`STL_USERLOG`).
#[derive(Debug, Clone)]
pub struct UserEvent {
    pub user_id: i32,
    pub user: String,
    /// The name before a rename.
    pub old_user: String,
    /// `create`, `alter`, `drop` or `rename`.
    pub action: &'static str,
    pub create_db: bool,
    pub superuser: bool,
    pub valid_until: Option<String>,
    pub pid: i32,
    pub xid: i64,
    pub time: SystemTime,
}

/// One statement a session ran (`SYS_QUERY_HISTORY`).
#[derive(Debug, Clone)]
pub struct StatementRecord {
    pub query_id: i64,
    pub user_id: i32,
    pub user: String,
    pub pid: i32,
    pub xid: i64,
    pub start: SystemTime,
    pub end: SystemTime,
    /// SELECT, INSERT, UPDATE, DELETE, COPY, UNLOAD, DDL, UTILITY, …
    pub kind: &'static str,
    pub text: String,
    /// `None`: it succeeded; else its SQLSTATE and message.
    pub error: Option<(String, String)>,
}

#[derive(Debug, Default)]
pub struct AuditLog {
    connections: Mutex<VecDeque<Arc<ConnectionEvent>>>,
    users: Mutex<VecDeque<Arc<UserEvent>>>,
    statements: Mutex<VecDeque<Arc<StatementRecord>>>,
    next_query: std::sync::atomic::AtomicI64,
    /// The audit directory, when one is configured.
    dir: Option<PathBuf>,
    /// Serialises appends to the files.
    files: Mutex<()>,
}

fn keep<T>(entries: &Mutex<VecDeque<Arc<T>>>, entry: T) {
    let mut entries = crate::sync::lock(entries);
    if entries.len() == KEPT {
        entries.pop_front();
    }
    entries.push_back(Arc::new(entry));
}

fn entries<T>(entries: &Mutex<VecDeque<Arc<T>>>) -> Vec<Arc<T>> {
    crate::sync::lock(entries).iter().cloned().collect()
}

/// Redshift's audit-file timestamps: `Fri, 27 Nov 2026 10:00:00:123`.
fn file_time(time: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(time).format("%a, %d %b %Y %H:%M:%S:%3f").to_string()
}

impl AuditLog {
    /// An audit log that also appends to files in `dir` (created if missing).
    pub fn new(dir: Option<&Path>) -> Result<AuditLog> {
        if let Some(dir) = dir {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::io(format!("creating the audit log directory {}", dir.display()), e))?;
        }
        Ok(AuditLog { dir: dir.map(Path::to_path_buf), next_query: 1.into(), ..Default::default() })
    }

    pub fn connection(&self, event: ConnectionEvent) {
        self.append(
            "connectionlog",
            &format!(
                "{} |{} |{} |{} |{} |{} |{} |{} |{} |{} |{} |{}",
                event.event,
                file_time(event.time),
                event.remote.ip(),
                event.remote.port(),
                event.pid,
                event.database,
                event.user,
                event.method,
                event.duration_us,
                event.ssl_version,
                event.application,
                event.detail
            ),
        );
        keep(&self.connections, event);
    }

    pub fn user(&self, event: UserEvent) {
        self.append(
            "userlog",
            &format!(
                "{}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
                event.user_id,
                event.user,
                event.old_user,
                event.action,
                u8::from(event.create_db),
                u8::from(event.superuser),
                event.valid_until.as_deref().unwrap_or(""),
                event.pid,
                event.xid,
                file_time(event.time)
            ),
        );
        keep(&self.users, event);
    }

    /// Records a statement that ended (or whose rows started to stream).
    #[allow(clippy::too_many_arguments)]
    pub fn statement(
        &self,
        user_id: i32,
        user: &str,
        pid: i32,
        xid: i64,
        start: SystemTime,
        kind: &'static str,
        text: &str,
        error: Option<&Error>,
    ) {
        let record = StatementRecord {
            query_id: self.next_query.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            user_id,
            user: user.to_string(),
            pid,
            xid,
            start,
            end: SystemTime::now(),
            kind,
            text: text.chars().take(4000).collect(),
            error: error.map(|e| (e.sqlstate.to_string(), e.message.clone())),
        };
        let stamp = chrono::DateTime::<chrono::Utc>::from(start).format("%Y-%m-%dT%H:%M:%SZ");
        let outcome = match &record.error {
            Some((state, message)) => format!(" -- ERROR {state}: {message}"),
            None => String::new(),
        };
        self.append(
            "useractivitylog",
            &format!(
                "'{stamp} UTC [ db={} user={user} pid={pid} userid={user_id} xid={xid} ]' LOG: {}{outcome}",
                crate::catalog::DEFAULT_DATABASE,
                record.text.replace('\n', " ")
            ),
        );
        keep(&self.statements, record);
    }

    pub fn connections(&self) -> Vec<Arc<ConnectionEvent>> {
        entries(&self.connections)
    }
    pub fn user_events(&self) -> Vec<Arc<UserEvent>> {
        entries(&self.users)
    }
    pub fn statements(&self) -> Vec<Arc<StatementRecord>> {
        entries(&self.statements)
    }

    /// Appends a line to an audit file; a failure to write is reported in the server's log
    /// (it does not fail the statement or connection being recorded).
    fn append(&self, file: &str, line: &str) {
        let Some(dir) = &self.dir else { return };
        let _serialised = crate::sync::lock(&self.files);
        let path = dir.join(file);
        let written =
            std::fs::OpenOptions::new().create(true).append(true).open(&path).and_then(|mut f| writeln!(f, "{line}"));
        if let Err(e) = written {
            tracing::error!("cannot append to the audit log {}: {e}", path.display());
        }
    }
}

/// The kind of statement SYS_QUERY_HISTORY shows.
pub fn statement_kind(statement: &datafusion::sql::sqlparser::ast::Statement) -> &'static str {
    use datafusion::sql::sqlparser::ast::Statement;
    match statement {
        Statement::Query(_) | Statement::Explain { .. } => "SELECT",
        Statement::Insert(_) => "INSERT",
        Statement::Update(_) => "UPDATE",
        Statement::Delete(_) => "DELETE",
        Statement::Copy { .. } => "COPY",
        Statement::Unload { .. } => "UNLOAD",
        Statement::CreateTable(_)
        | Statement::CreateView(_)
        | Statement::CreateSchema { .. }
        | Statement::Drop { .. }
        | Statement::AlterTable(_)
        | Statement::Truncate(_)
        | Statement::Comment { .. }
        | Statement::CreateUser(_)
        | Statement::AlterUser(_)
        | Statement::Grant(_)
        | Statement::Revoke(_) => "DDL",
        _ => "UTILITY",
    }
}

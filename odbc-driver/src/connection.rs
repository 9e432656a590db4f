//! Connections: the connection string (and DSN) to a client `Connection`, transactions in manual
//! commit mode, and what SQLGetInfo reports about the connection.

use crate::info::ConnectionFacts;
use redwood_core::client::{Connection, Options, QueryResult};
use redwood_core::{Error, Result};
use std::collections::BTreeMap;
use std::ffi::{c_char, c_int, CString};

/// A connection handle's state.
pub(crate) struct DbcState {
    pub connection: Option<Connection>,
    pub facts: Facts,
    pub autocommit: bool,
    /// A transaction was begun (manual-commit mode) and not yet ended.
    pub in_transaction: bool,
    pub read_only: bool,
    pub login_timeout: u32,
    pub connection_timeout: u32,
    /// SQL_ATTR_METADATA_ID, the default of new statements.
    pub metadata_id: bool,
    /// Statements allocated on it (freed by SQLDisconnect).
    pub statements: Vec<usize>,
    /// A statement failed with 08S01: the server is gone (SQL_ATTR_CONNECTION_DEAD).
    pub link_lost: bool,
}

impl Default for DbcState {
    fn default() -> Self {
        DbcState {
            connection: None,
            facts: Facts::default(),
            autocommit: true,
            in_transaction: false,
            read_only: false,
            login_timeout: 0,
            connection_timeout: 0,
            metadata_id: false,
            statements: vec![],
            link_lost: false,
        }
    }
}

/// What the connection is, for SQLGetInfo.
#[derive(Default, Clone)]
pub(crate) struct Facts {
    pub server_name: String,
    pub database: String,
    pub user: String,
    pub data_source_name: String,
    pub server_version: String,
}

impl DbcState {
    pub(crate) fn facts(&self) -> ConnectionFacts<'_> {
        ConnectionFacts {
            server_name: &self.facts.server_name,
            database: &self.facts.database,
            user: &self.facts.user,
            data_source_name: &self.facts.data_source_name,
            read_only: self.read_only,
            server_version: &self.facts.server_version,
        }
    }

    pub(crate) fn connection(&mut self) -> Result<&mut Connection> {
        self.connection.as_mut().ok_or_else(|| odbc_error!("08003", "the connection is not open"))
    }

    /// Runs one of the driver's own statements (transaction control, settings).
    fn run(&mut self, sql: &str) -> Result<()> {
        self.connection()?.execute(sql).map(drop)
    }

    /// Begins the transaction an application statement runs in when autocommit is off.
    pub(crate) fn before_statement(&mut self) -> Result<()> {
        if !self.autocommit && !self.in_transaction {
            self.run("BEGIN")?;
            self.in_transaction = true;
        }
        Ok(())
    }

    /// Follows transaction control the application ran as SQL.
    pub(crate) fn after_statement(&mut self, result: &QueryResult) {
        if let QueryResult::Command { tag, .. } = result {
            match tag.as_str() {
                "BEGIN" | "START TRANSACTION" => self.in_transaction = true,
                "COMMIT" | "ROLLBACK" | "END" => self.in_transaction = false,
                _ => {}
            }
        }
    }

    /// SQLEndTran: commits or rolls back the open transaction, if any.
    pub(crate) fn end_transaction(&mut self, commit: bool) -> Result<()> {
        if self.connection.is_none() {
            return Err(odbc_error!("08003", "the connection is not open"));
        }
        if self.in_transaction {
            self.in_transaction = false;
            self.run(if commit { "COMMIT" } else { "ROLLBACK" })?;
        }
        Ok(())
    }

    /// SQL_ATTR_AUTOCOMMIT: turning it on commits the open transaction, as the ODBC spec says.
    pub(crate) fn set_autocommit(&mut self, on: bool) -> Result<()> {
        if on && !self.autocommit && self.connection.is_some() {
            self.end_transaction(true)?;
        }
        self.autocommit = on;
        Ok(())
    }

    /// SQL_ATTR_ACCESS_MODE: the server refuses writes (25006) in read-only mode.
    pub(crate) fn set_read_only(&mut self, read_only: bool) -> Result<()> {
        if self.connection.is_some() {
            self.run(&format!("SET default_transaction_read_only = {}", if read_only { "on" } else { "off" }))?;
        }
        self.read_only = read_only;
        Ok(())
    }

    /// Opens the connection the attributes describe.
    pub(crate) fn connect(&mut self, attributes: &Attributes) -> Result<()> {
        if self.connection.is_some() {
            return Err(odbc_error!("08002", "the connection is already open"));
        }
        let target = attributes.target()?;
        let options = Options {
            user: attributes.user(),
            password: attributes.get("PWD").map(str::to_string),
            ..Default::default()
        };
        let mut connection = Connection::open(&target.url, options).map_err(connect_error)?;
        let user = scalar(&mut connection, "SELECT current_user")?;
        let database = scalar(&mut connection, "SELECT current_database()")?;
        let server_version = scalar(&mut connection, "SHOW server_version").unwrap_or_else(|_| "8.0.2".to_string());
        self.facts = Facts {
            server_name: target.server_name,
            database,
            user,
            data_source_name: attributes.get("DSN").unwrap_or_default().to_string(),
            server_version,
        };
        self.connection = Some(connection);
        self.in_transaction = false;
        self.link_lost = false;
        if self.read_only {
            self.set_read_only(true)?;
        }
        Ok(())
    }

    /// SQLDisconnect. An open transaction is rolled back (the server does so when the session ends).
    pub(crate) fn disconnect(&mut self) -> Result<()> {
        if self.connection.take().is_none() {
            return Err(odbc_error!("08003", "the connection is not open"));
        }
        self.in_transaction = false;
        Ok(())
    }
}

/// Connection failures are 08001 in ODBC unless the server said why (28P01, 3D000, …).
fn connect_error(error: Error) -> Error {
    match error.sqlstate {
        "08006" | "08P01" => Error { sqlstate: "08001", ..error },
        _ => error,
    }
}

fn scalar(connection: &mut Connection, sql: &str) -> Result<String> {
    let (_, batches) = connection.execute(sql)?.collect()?;
    let column = batches
        .iter()
        .find(|b| b.num_rows() > 0)
        .map(|b| std::sync::Arc::clone(b.column(0)))
        .ok_or_else(|| odbc_error!("HY000", "{sql} returned no row"))?;
    let utc = "UTC".parse().map_err(|_| odbc_error!("HY000", "the UTC time zone is unknown"))?;
    Ok(redwood_core::sql::format::column_to_text(&column, &utc)?.swap_remove(0).unwrap_or_default())
}

/// Connection attributes: from the connection string, over those of its DSN.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Attributes {
    /// Upper-cased keys, in synonym-resolved form (UID, PWD, SERVER, …).
    values: BTreeMap<String, String>,
}

/// Where a connection goes.
pub(crate) struct Target {
    pub url: String,
    /// What SQL_SERVER_NAME reports: the host, or the database directory.
    pub server_name: String,
}

/// Keys with several spellings in the wild (psqlODBC's, Redshift ODBC's, the ODBC standard ones).
fn canonical_key(key: &str) -> String {
    let key = key.trim().to_ascii_uppercase();
    match key.as_str() {
        "USER" | "USERNAME" | "USERID" => "UID".to_string(),
        "PASSWORD" => "PWD".to_string(),
        "HOST" | "SERVERNAME" | "HOSTNAME" => "SERVER".to_string(),
        "DB" | "DBNAME" => "DATABASE".to_string(),
        _ => key,
    }
}

impl Attributes {
    /// Parses `KEY=value;KEY={value with ; and }} inside};…`. Keys are case-insensitive; the
    /// first occurrence of a key wins, as the ODBC spec says.
    pub(crate) fn parse(text: &str) -> Result<Attributes> {
        let mut values = BTreeMap::new();
        let mut rest = text;
        while !rest.trim().is_empty() {
            let Some(eq) = rest.find('=') else {
                // A trailing attribute without a value (e.g. "…;Trusted") is ignored.
                break;
            };
            let key = canonical_key(&rest[..eq]);
            rest = &rest[eq + 1..];
            let value;
            if rest.trim_start().starts_with('{') {
                let body = &rest.trim_start()[1..];
                let mut out = String::new();
                let mut chars = body.char_indices().peekable();
                let mut end = None;
                while let Some((i, c)) = chars.next() {
                    if c == '}' {
                        if chars.peek().map(|(_, c)| *c) == Some('}') {
                            chars.next();
                            out.push('}');
                            continue;
                        }
                        end = Some(i + 1);
                        break;
                    }
                    out.push(c);
                }
                let end = end.ok_or_else(|| odbc_error!("08001", "unterminated {{ in the connection string"))?;
                value = out;
                let after = &body[end..];
                rest = after.find(';').map_or("", |i| &after[i + 1..]);
            } else {
                let end = rest.find(';').unwrap_or(rest.len());
                value = rest[..end].trim().to_string();
                rest = rest.get(end + 1..).unwrap_or("");
            }
            if !key.is_empty() {
                values.entry(key).or_insert(value);
            }
        }
        Ok(Attributes { values })
    }

    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.values.get(&canonical_key(key)).map(String::as_str)
    }

    pub(crate) fn set(&mut self, key: &str, value: &str) {
        self.values.insert(canonical_key(key), value.to_string());
    }

    /// Adds the DSN's settings (from odbc.ini, through unixODBC's odbcinst) under those given.
    pub(crate) fn with_dsn(mut self) -> Attributes {
        let Some(dsn) = self.get("DSN").map(str::to_string).filter(|d| !d.is_empty()) else {
            return self;
        };
        for key in ["Database", "Server", "Port", "UID", "Username", "PWD", "Password", "SSLMode", "SSLRootCert"] {
            let canonical = canonical_key(key);
            if self.values.contains_key(&canonical) {
                continue;
            }
            if let Some(value) = profile_string(&dsn, key) {
                self.values.insert(canonical, value);
            }
        }
        self
    }

    fn user(&self) -> Option<String> {
        self.get("UID").filter(|u| !u.is_empty()).map(str::to_string)
    }

    /// The client API's target: `Server` makes it remote, otherwise `Database` is a directory
    /// or `:memory:` (the default).
    pub(crate) fn target(&self) -> Result<Target> {
        let database = self.get("DATABASE").filter(|d| !d.is_empty());
        let Some(server) = self.get("SERVER").filter(|s| !s.is_empty()) else {
            let path = database.unwrap_or(":memory:").to_string();
            return Ok(Target { url: path.clone(), server_name: path });
        };
        let port = match self.get("PORT").filter(|p| !p.is_empty()) {
            Some(port) => port
                .parse::<u16>()
                .map_err(|_| odbc_error!("08001", "invalid Port \"{port}\": a number from 1 to 65535"))?,
            None => redwood_core::client::DEFAULT_PORT,
        };
        let mut query = vec![];
        for (key, parameter) in [("SSLMODE", "sslmode"), ("SSLROOTCERT", "sslrootcert")] {
            if let Some(value) = self.get(key).filter(|v| !v.is_empty()) {
                let value = if key == "SSLMODE" { value.to_ascii_lowercase() } else { value.to_string() };
                query.push(format!("{parameter}={}", percent_encode(&value)));
            }
        }
        let host =
            if server.contains(':') && !server.starts_with('[') { format!("[{server}]") } else { server.to_string() };
        let mut url = format!("redwood://{host}:{port}/{}", percent_encode(database.unwrap_or("dev")));
        if !query.is_empty() {
            url = format!("{url}?{}", query.join("&"));
        }
        Ok(Target { url, server_name: server.to_string() })
    }

    /// The completed connection string SQLDriverConnect returns (the password left out).
    pub(crate) fn to_connection_string(&self) -> String {
        self.values
            .iter()
            .filter(|(k, _)| k.as_str() != "PWD")
            .map(|(k, v)| {
                if v.contains([';', '{', '}']) || v != v.trim() {
                    format!("{k}={{{}}}", v.replace('}', "}}"))
                } else {
                    format!("{k}={v}")
                }
            })
            .collect::<Vec<_>>()
            .join(";")
    }
}

fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[link(name = "odbcinst")]
extern "C" {
    fn SQLGetPrivateProfileString(
        section: *const c_char,
        entry: *const c_char,
        default: *const c_char,
        buffer: *mut c_char,
        size: c_int,
        file: *const c_char,
    ) -> c_int;
}

/// A DSN's setting from odbc.ini (user, then system), as unixODBC finds it.
fn profile_string(dsn: &str, key: &str) -> Option<String> {
    let (section, entry, empty, file) =
        (CString::new(dsn).ok()?, CString::new(key).ok()?, CString::new("").ok()?, CString::new("odbc.ini").ok()?);
    let mut buffer = vec![0u8; 4096];
    // SAFETY: NUL-terminated inputs; the buffer's size is passed.
    let n = unsafe {
        SQLGetPrivateProfileString(
            section.as_ptr(),
            entry.as_ptr(),
            empty.as_ptr(),
            buffer.as_mut_ptr() as *mut c_char,
            buffer.len() as c_int,
            file.as_ptr(),
        )
    };
    let len = buffer.iter().position(|b| *b == 0).unwrap_or(0);
    (n > 0 && len > 0).then(|| String::from_utf8_lossy(&buffer[..len]).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_strings() {
        let a = Attributes::parse(
            "Driver={Redwood};Server=db.example; port=5440;UID=ann;PWD={p;w}}d};Database=sales;SSLMode=REQUIRE",
        )
        .unwrap();
        assert_eq!(a.get("pwd"), Some("p;w}d"));
        assert_eq!(a.get("USER"), Some("ann"));
        let target = a.target().unwrap();
        assert_eq!(target.url, "redwood://db.example:5440/sales?sslmode=require");
        assert_eq!(target.server_name, "db.example");
        assert!(!a.to_connection_string().contains("p;w"));
        let embedded = Attributes::parse("Driver=Redwood;Database=/tmp/db").unwrap().target().unwrap();
        assert_eq!(embedded.url, "/tmp/db");
        assert_eq!(Attributes::parse("").unwrap().target().unwrap().url, ":memory:");
        assert!(Attributes::parse("Server=h;Port=99999").unwrap().target().is_err());
        assert!(Attributes::parse("Server={h").is_err());
        assert_eq!(Attributes::parse("UID=a;uid=b").unwrap().get("UID"), Some("a"), "the first wins");
    }
}

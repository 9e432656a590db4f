//! Startup and authentication: the user and database a client names are checked against the
//! catalog, then the password by SCRAM-SHA-256, md5 or (over TLS only) cleartext. `IAM:user` and
//! `IAMA:user` log in with temporary credentials (`leader::credentials`), sent in cleartext and so
//! over TLS only. On success the connection gets its backend key (for CancelRequest), its session
//! and Redshift's parameters.

use super::{AuthMethod, ConnectionState, Shared};
use crate::catalog::User;
use crate::leader::audit::ConnectionEvent;
use crate::leader::credentials;
use crate::leader::users::parse_scram;
use crate::sql::functions::SERVER_VERSION;
use async_trait::async_trait;
use futures::{Sink, SinkExt};
use pgwire::api::auth::sasl::scram::ScramAuth;
use pgwire::api::auth::sasl::SASLState;
use pgwire::api::auth::{
    finish_authentication, protocol_negotiation, save_startup_parameters_to_metadata, AuthSource, LoginInfo, Password,
    ServerParameterProvider, StartupHandler,
};
use pgwire::api::{ClientInfo, PgWireConnectionState, METADATA_APPLICATION_NAME, METADATA_DATABASE, METADATA_USER};
use pgwire::error::{ErrorInfo, PgWireError, PgWireResult};
use pgwire::messages::startup::{Authentication, PasswordMessageFamily, SecretKey};
use pgwire::messages::{PgWireBackendMessage, PgWireFrontendMessage};
use std::collections::HashMap;
use std::fmt::Debug;
use std::sync::Arc;

enum Stage {
    Start,
    Scram(SASLState),
    Md5([u8; 4]),
    Cleartext,
    /// Temporary credentials for this login name and database.
    Temporary {
        login: String,
        database: String,
    },
}

pub(super) struct Authenticator {
    shared: Arc<Shared>,
    connection: Arc<ConnectionState>,
    stage: tokio::sync::Mutex<Stage>,
    user: std::sync::Mutex<Option<User>>,
}

fn fatal(code: &str, message: String) -> PgWireError {
    PgWireError::UserError(Box::new(ErrorInfo::new("FATAL".into(), code.into(), message)))
}

fn password_failed(user: &str) -> PgWireError {
    fatal("28P01", format!("password authentication failed for user \"{user}\""))
}

impl Authenticator {
    pub(super) fn new(shared: Arc<Shared>, connection: Arc<ConnectionState>) -> Authenticator {
        Authenticator {
            shared,
            connection,
            stage: tokio::sync::Mutex::new(Stage::Start),
            user: std::sync::Mutex::new(None),
        }
    }

    /// The catalog user a login name refers to, if they may log in now.
    fn lookup(&self, login: &str) -> PgWireResult<User> {
        let name = login.to_ascii_lowercase();
        let snapshot = self.shared.db.snapshot();
        let user = snapshot
            .users
            .get(&name)
            .cloned()
            .ok_or_else(|| fatal("28000", format!("user \"{name}\" does not exist")))?;
        if let Some(until) = &user.valid_until {
            let now = chrono::Utc::now().format("%Y-%m-%d %H:%M:%S").to_string();
            if now.as_str() >= until.as_str() {
                return Err(fatal("28P01", format!("password of user \"{name}\" has expired")));
            }
        }
        if let Some(limit) = user.connection_limit {
            let open = self.shared.sessions_of(&name);
            if open >= limit as usize {
                return Err(fatal("53300", format!("too many connections for user \"{name}\"")));
            }
        }
        Ok(user)
    }

    async fn on_startup_message<C>(&self, client: &mut C) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        if self.shared.config.require_ssl && !client.is_secure() {
            return Err(fatal("28000", "this server requires SSL connections (sslmode=require)".into()));
        }
        let login =
            client.metadata().get(METADATA_USER).cloned().ok_or_else(|| fatal("28000", "no user name given".into()))?;
        let database = client.metadata().get(METADATA_DATABASE).cloned().unwrap_or_else(|| login.clone());
        if database != self.shared.database_name() {
            return Err(fatal("3D000", format!("database \"{database}\" does not exist")));
        }
        if credentials::parse_login(&login).is_some() {
            if !client.is_secure() {
                return Err(fatal(
                    "28000",
                    format!("\"{login}\" logs in with temporary credentials, which travel only over SSL: connect with sslmode=require"),
                ));
            }
            *self.stage.lock().await = Stage::Temporary { login, database };
            client.send(PgWireBackendMessage::Authentication(Authentication::CleartextPassword)).await?;
            return Ok(());
        }
        let user = self.lookup(&login)?;
        let Some(verifier) = &user.password else {
            return Err(fatal("28000", format!("password authentication is disabled for user \"{}\"", user.name)));
        };
        // Amazon's Redshift drivers (they send `client_protocol_version`) speak md5, as Redshift
        // asks of them; redshift_connector cannot parse a SASL mechanism list.
        let redshift_driver = client.metadata().contains_key("client_protocol_version");
        let method = match self.shared.config.auth {
            AuthMethod::Scram if verifier.scram.is_some() && !redshift_driver => AuthMethod::Scram,
            AuthMethod::Password if client.is_secure() => AuthMethod::Password,
            _ => AuthMethod::Md5,
        };
        let (stage, request) = match method {
            AuthMethod::Scram => (Stage::Scram(SASLState::Initial), Authentication::SASL(vec!["SCRAM-SHA-256".into()])),
            AuthMethod::Md5 => {
                let salt: [u8; 4] = rand::random();
                (Stage::Md5(salt), Authentication::MD5Password(salt.to_vec()))
            }
            AuthMethod::Password => (Stage::Cleartext, Authentication::CleartextPassword),
        };
        *crate::sync::lock(&self.user) = Some(user);
        *self.stage.lock().await = stage;
        client.send(PgWireBackendMessage::Authentication(request)).await?;
        Ok(())
    }

    /// STL_CONNECTION_LOG: a failed login, with who tried and why.
    fn log_failure<C: ClientInfo>(&self, client: &C, result: &PgWireResult<()>) {
        let Err(error) = result else { return };
        let login = client.metadata().get(METADATA_USER).cloned().unwrap_or_default();
        let detail = match error {
            PgWireError::UserError(info) => info.message.clone(),
            other => other.to_string(),
        };
        let event = ConnectionEvent::new("authentication failure", self.connection.peer);
        self.shared.db.audit().connection(ConnectionEvent { user: login, detail, ..event });
    }

    fn user(&self) -> PgWireResult<User> {
        crate::sync::lock(&self.user).clone().ok_or(PgWireError::InvalidSASLState)
    }

    async fn on_password<C>(&self, client: &mut C, message: PasswordMessageFamily) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let mut stage = self.stage.lock().await;
        if let Stage::Temporary { login, database } = &*stage {
            let password = message.into_password()?.password;
            let db = &self.shared.db;
            let claim = db
                .credentials()
                .verify(login, database, &password, chrono::Utc::now())
                .map_err(|e| fatal(e.sqlstate, e.message))?;
            crate::leader::users::admit_temporary_user(db, &claim).map_err(|e| fatal(e.sqlstate, e.message))?;
            let user = self.lookup(&claim.user)?;
            *crate::sync::lock(&self.user) = Some(user.clone());
            return self.authenticated(client, &user, "iam", claim.groups).await;
        }
        let user = self.user()?;
        let verifier = user.password.clone().ok_or_else(|| password_failed(&user.name))?;
        let done = match &mut *stage {
            Stage::Start | Stage::Temporary { .. } => return Err(PgWireError::InvalidSASLState),
            Stage::Md5(salt) => {
                let answer = message.into_password()?.password;
                let stored = verifier.md5.strip_prefix("md5").unwrap_or_default();
                let mut salted = stored.as_bytes().to_vec();
                salted.extend_from_slice(salt);
                let expected = format!("md5{:x}", md5::compute(salted));
                if stored.is_empty() || answer != expected {
                    return Err(password_failed(&user.name));
                }
                true
            }
            Stage::Cleartext => {
                let password = message.into_password()?.password;
                let matches = match verifier.scram.as_deref().and_then(parse_scram) {
                    Some((iterations, salt, salted)) => {
                        pgwire::api::auth::sasl::scram::gen_salted_password(&password, &salt, iterations) == salted
                    }
                    None => verifier.md5 == format!("md5{:x}", md5::compute(format!("{password}{}", user.name))),
                };
                if !matches {
                    return Err(password_failed(&user.name));
                }
                true
            }
            Stage::Scram(state) => {
                let message = if matches!(state, SASLState::Initial) {
                    let initial = message.into_sasl_initial_response()?;
                    if initial.auth_method != "SCRAM-SHA-256" {
                        return Err(PgWireError::UnsupportedSASLAuthMethod(initial.auth_method));
                    }
                    *state = SASLState::ScramClientFirstReceived;
                    PasswordMessageFamily::SASLInitialResponse(initial)
                } else {
                    PasswordMessageFamily::SASLResponse(message.into_sasl_response()?)
                };
                let (iterations, _, _) =
                    verifier.scram.as_deref().and_then(parse_scram).ok_or_else(|| password_failed(&user.name))?;
                let mut scram = ScramAuth::new(Arc::new(StoredVerifier(user.clone())));
                scram.set_iterations(iterations);
                let (response, next) =
                    scram.process_scram_message(client, message, state).await.map_err(|e| match e {
                        PgWireError::InvalidPassword(_) | PgWireError::InvalidScramMessage(_) => {
                            password_failed(&user.name)
                        }
                        other => other,
                    })?;
                client.send(PgWireBackendMessage::Authentication(response)).await?;
                *state = next;
                matches!(state, SASLState::Finished)
            }
        };
        if done {
            let method = match &*stage {
                Stage::Scram(_) => "scram-sha-256",
                Stage::Md5(_) => "md5",
                _ => "password",
            };
            self.authenticated(client, &user, method, vec![]).await?;
        }
        Ok(())
    }

    /// Opens the session of `user`, who proved who they are by `method`, in `groups` for the
    /// session besides their own.
    async fn authenticated<C>(
        &self,
        client: &mut C,
        user: &User,
        method: &'static str,
        groups: Vec<String>,
    ) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let pid = self.shared.register(&self.connection, &user.name);
        let secret: i32 = rand::random();
        *crate::sync::lock(&self.connection.secret) = secret.to_be_bytes().to_vec();
        client.set_pid_and_secret_key(pid, SecretKey::I32(secret));
        let mut session = self.shared.db.connect_as(&user.name);
        session.set_backends(self.shared.backends(pid));
        session.join_groups_for_session(groups);
        *self.connection.session.lock().await = Some(session);
        *crate::sync::lock(&self.connection.authenticated) = Some((std::time::SystemTime::now(), method));
        self.shared.db.audit().connection(ConnectionEvent {
            pid,
            user: user.name.clone(),
            method: method.to_string(),
            ssl_version: if client.is_secure() { "TLS".into() } else { String::new() },
            application: client.metadata().get(METADATA_APPLICATION_NAME).cloned().unwrap_or_default(),
            ..ConnectionEvent::new("authenticated", self.connection.peer)
        });
        let parameters = Parameters { superuser: user.superuser };
        finish_authentication(client, &parameters).await
    }
}

#[async_trait]
impl StartupHandler for Authenticator {
    async fn on_startup<C>(&self, client: &mut C, message: PgWireFrontendMessage) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        match message {
            PgWireFrontendMessage::Startup(startup) => {
                protocol_negotiation(client, &startup).await?;
                save_startup_parameters_to_metadata(client, &startup);
                client.set_state(PgWireConnectionState::AuthenticationInProgress);
                let result = self.on_startup_message(client).await;
                self.log_failure(client, &result);
                result
            }
            PgWireFrontendMessage::PasswordMessageFamily(message) => {
                let result = self.on_password(client, message).await;
                self.log_failure(client, &result);
                result
            }
            _ => Ok(()),
        }
    }
}

/// Hands pgwire's SCRAM exchange the stored salted password.
#[derive(Debug)]
struct StoredVerifier(User);

#[async_trait]
impl AuthSource for StoredVerifier {
    async fn get_password(&self, _login: &LoginInfo) -> PgWireResult<Password> {
        let scram = self.0.password.as_ref().and_then(|p| p.scram.as_deref()).and_then(parse_scram);
        let (_, salt, salted) = scram.ok_or_else(|| password_failed(&self.0.name))?;
        Ok(Password::new(Some(salt), salted))
    }
}

/// The ParameterStatus values Redshift sends after authentication.
struct Parameters {
    superuser: bool,
}

impl ServerParameterProvider for Parameters {
    fn server_parameters<C: ClientInfo>(&self, client: &C) -> Option<HashMap<String, String>> {
        let on_off = |b: bool| if b { "on" } else { "off" }.to_string();
        let mut p: HashMap<String, String> = [
            ("server_version", SERVER_VERSION),
            ("server_encoding", "UTF8"),
            ("client_encoding", "UTF8"),
            ("DateStyle", "ISO, MDY"),
            ("TimeZone", "UTC"),
            ("integer_datetimes", "on"),
            ("standard_conforming_strings", "on"),
            ("IntervalStyle", "postgres"),
            ("padb_revision", "1.0.00000"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        p.insert("is_superuser".into(), on_off(self.superuser));
        p.insert(
            "application_name".into(),
            client.metadata().get(METADATA_APPLICATION_NAME).cloned().unwrap_or_default(),
        );
        if let Some(user) = client.metadata().get(METADATA_USER) {
            p.insert("session_authorization".into(), user.clone());
        }
        Some(p)
    }
}

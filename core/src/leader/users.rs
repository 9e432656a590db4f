//! CREATE / ALTER / DROP USER, and the password verifiers the SQL endpoint authenticates against.

use crate::catalog::{PasswordVerifier, User};
use crate::err;
use crate::error::{sqlstate, Result};
use crate::leader::credentials::Claim;
use crate::leader::results::Outcome;
use crate::leader::session::Session;
use crate::sql::parser::UserOptions;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;

/// PostgreSQL's default SCRAM iteration count.
pub const SCRAM_ITERATIONS: usize = 4096;

/// Verifiers for `password` (or for an md5 hash given as `md5…`, as Redshift accepts).
pub fn password_verifier(user: &str, password: &str) -> Result<PasswordVerifier> {
    if let Some(hash) =
        password.strip_prefix("md5").filter(|h| h.len() == 32 && h.chars().all(|c| c.is_ascii_hexdigit()))
    {
        return Ok(PasswordVerifier { scram: None, md5: format!("md5{}", hash.to_ascii_lowercase()) });
    }
    check_password_rules(password)?;
    let salt: [u8; 16] = rand::random();
    let salted = pgwire::api::auth::sasl::scram::gen_salted_password(password, &salt, SCRAM_ITERATIONS);
    Ok(PasswordVerifier {
        scram: Some(format!("SCRAM-SHA-256${SCRAM_ITERATIONS}:{}${}", BASE64.encode(salt), BASE64.encode(salted))),
        md5: format!("md5{:x}", md5::compute(format!("{password}{user}"))),
    })
}

/// A SCRAM verifier's (iterations, salt, salted password).
pub fn parse_scram(verifier: &str) -> Option<(usize, Vec<u8>, Vec<u8>)> {
    let rest = verifier.strip_prefix("SCRAM-SHA-256$")?;
    let (params, salted) = rest.split_once('$')?;
    let (iterations, salt) = params.split_once(':')?;
    Some((iterations.parse().ok()?, BASE64.decode(salt).ok()?, BASE64.decode(salted).ok()?))
}

/// Redshift's rules: 8 to 64 characters with an upper-case letter, a lower-case letter and a digit.
fn check_password_rules(password: &str) -> Result<()> {
    let ok = (8..=64).contains(&password.chars().count())
        && password.chars().any(|c| c.is_ascii_uppercase())
        && password.chars().any(|c| c.is_ascii_lowercase())
        && password.chars().any(|c| c.is_ascii_digit());
    if !ok {
        return Err(err!(
            INVALID_PARAMETER_VALUE,
            "password must be 8 to 64 characters long and contain an upper-case letter, a lower-case letter and a digit"
        ));
    }
    Ok(())
}

/// Makes the user of temporary credentials ready to log in: creates them (password disabled,
/// so that they log in only with temporary credentials) when the credentials allow it. The
/// groups the credentials name must exist; the user joins them for the session only
/// ([`Session::join_groups_for_session`]), as on Redshift, so nothing outlives the credentials.
pub fn admit_temporary_user(db: &crate::Database, claim: &Claim) -> Result<()> {
    let snapshot = db.snapshot();
    if let Some(missing) = claim.groups.iter().find(|g| !snapshot.groups.contains_key(*g)) {
        return Err(err!(UNDEFINED_OBJECT, "group \"{missing}\" does not exist"));
    }
    if snapshot.users.contains_key(&claim.user) {
        return Ok(());
    }
    if !claim.auto_create {
        return Err(err!(INVALID_AUTHORIZATION, "user \"{}\" does not exist", claim.user));
    }
    let create = |s: &mut Session| match s.txn().state().users.contains_key(&claim.user) {
        true => Ok(()),
        false => s.create_user(&claim.user, &UserOptions { password: Some(None), ..Default::default() }).map(|_| ()),
    };
    let mut session = db.connect();
    // Two first logins at once: the one that loses the race finds the user made.
    session.run_internal(create).or_else(|e| match e.sqlstate {
        sqlstate::DUPLICATE_OBJECT | sqlstate::SERIALIZATION_FAILURE => session.run_internal(create),
        _ => Err(e),
    })
}

impl Session {
    pub(crate) fn create_user(&mut self, name: &str, options: &UserOptions) -> Result<Outcome> {
        self.require_superuser("create users")?;
        let state = std::sync::Arc::clone(self.txn().state());
        if state.users.contains_key(name) {
            return Err(err!(DUPLICATE_OBJECT, "user \"{name}\" already exists"));
        }
        let password = match &options.password {
            Some(Some(p)) => Some(password_verifier(name, p)?),
            Some(None) => None,
            None => return Err(err!(SYNTAX_ERROR, "CREATE USER needs PASSWORD '…' or PASSWORD DISABLE")),
        };
        let id = crate::catalog::next_id(state.users.values().map(|u| u.id), USER_ID_BASE);
        let mut user = User {
            id,
            name: name.to_string(),
            superuser: false,
            create_db: false,
            password,
            valid_until: None,
            connection_limit: None,
        };
        apply_options(&mut user, options);
        self.log_user_change(&user, "", "create");
        for group in &options.groups {
            let mut group = state
                .groups
                .get(group)
                .cloned()
                .ok_or_else(|| err!(UNDEFINED_OBJECT, "group \"{group}\" does not exist"))?;
            group.members.insert(name.to_string());
            self.txn().put_group(group);
        }
        self.txn().put_user(user);
        Ok(Outcome::command("CREATE USER"))
    }

    pub(crate) fn alter_user(&mut self, name: &str, options: &UserOptions) -> Result<Outcome> {
        let own = self.user() == name;
        if !options.groups.is_empty() {
            return Err(err!(SYNTAX_ERROR, "ALTER USER has no IN GROUP; use ALTER GROUP g ADD USER {name}"));
        }
        let changes_only_password =
            options == &UserOptions { password: options.password.clone(), ..Default::default() };
        if !(own && changes_only_password) {
            self.require_superuser("alter other users or their privileges")?;
        }
        let mut user = self.txn().state().require_user(name)?.clone();
        if let Some(password) = &options.password {
            user.password = password.as_deref().map(|p| password_verifier(name, p)).transpose()?;
        }
        apply_options(&mut user, options);
        if let Some(new_name) = &options.rename_to {
            if self.txn().state().users.contains_key(new_name) {
                return Err(err!(DUPLICATE_OBJECT, "user \"{new_name}\" already exists"));
            }
            // The md5 verifier is salted with the name, so it no longer matches (as in PostgreSQL).
            if user.password.is_some() {
                self.notice("MD5 password cleared because of user rename".into());
                if let Some(p) = user.password.as_mut() {
                    p.md5.clear();
                }
            }
            self.txn().remove_user(name);
            self.rename_owner(name, new_name);
            user.name = new_name.clone();
        }
        self.log_user_change(&user, name, if options.rename_to.is_some() { "rename" } else { "alter" });
        self.txn().put_user(user);
        Ok(Outcome::command("ALTER USER"))
    }

    pub(crate) fn drop_users(&mut self, names: &[String], if_exists: bool) -> Result<Outcome> {
        self.require_superuser("drop users")?;
        for name in names {
            if name == self.user() {
                return Err(err!(OBJECT_IN_USE, "current user cannot be dropped"));
            }
            if !self.txn().state().users.contains_key(name) {
                if if_exists {
                    continue;
                }
                return Err(err!(UNDEFINED_OBJECT, "user \"{name}\" does not exist"));
            }
            if self.txn().state().user_is_referenced(name) {
                return Err(err!(
                    DEPENDENT_OBJECTS_STILL_EXIST,
                    "user \"{name}\" cannot be dropped because the user owns some object or has a privilege on some object"
                ));
            }
            self.remove_from_groups_and_roles(name);
            let user = self.txn().state().require_user(name)?.clone();
            self.log_user_change(&user, "", "drop");
            self.txn().remove_user(name);
        }
        Ok(Outcome::command("DROP USER"))
    }

    /// STL_USERLOG: who was created, changed, renamed (`old_name`) or dropped. (Recorded when
    /// the statement runs; a rolled-back change stays in the log, as an attempt.)
    fn log_user_change(&mut self, user: &User, old_name: &str, action: &'static str) {
        let xid = self.txn().xid as i64;
        self.db.audit().user(crate::leader::audit::UserEvent {
            user_id: user.id as i32,
            user: user.name.clone(),
            old_user: old_name.to_string(),
            action,
            create_db: user.create_db,
            superuser: user.superuser,
            valid_until: user.valid_until.clone(),
            pid: self.pid,
            xid,
            time: std::time::SystemTime::now(),
        });
    }

    pub(crate) fn require_superuser(&mut self, action: &str) -> Result<()> {
        let user = self.user().to_string();
        if self.txn().state().is_superuser(&user) {
            return Ok(());
        }
        Err(err!(INSUFFICIENT_PRIVILEGE, "permission denied: only superusers can {action}"))
    }
}

/// Ids of users start above PostgreSQL's reserved range (`usesysid` 1 is rdsdb on Redshift).
const USER_ID_BASE: u32 = 100;

fn apply_options(user: &mut User, options: &UserOptions) {
    if let Some(s) = options.superuser {
        user.superuser = s;
    }
    if let Some(c) = options.create_db {
        user.create_db = c;
    }
    if let Some(v) = &options.valid_until {
        user.valid_until = Some(v.clone());
    }
    if let Some(limit) = options.connection_limit {
        user.connection_limit = limit;
    }
}

/// The first superuser of a new database (`redwood serve --admin-user`).
pub fn bootstrap_admin(session: &mut Session, name: &str, password: &str) -> Result<()> {
    let options = UserOptions {
        password: Some(Some(password.to_string())),
        superuser: Some(true),
        create_db: Some(true),
        ..Default::default()
    };
    session.run_internal(|s| s.create_user(name, &options)).map(drop)
}

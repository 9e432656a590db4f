//! Temporary database credentials, as Redshift's GetClusterCredentials issues them: a password
//! for `IAM:user` (or `IAMA:user`, which may create the user) that expires, and that the leader
//! checks without storing it.
//!
//! The password is a signed claim, `rwt1.<claim>.<tag>`: the claim (user, database, groups,
//! auto-create, expiry) in base64url JSON, the tag an HMAC-SHA256 of it under the cluster's
//! credential key. The key lives in the data directory (`credentials.key`, owner-only), so
//! credentials survive a restart and `redwood credentials` can issue them offline; a database in
//! memory gets a key for the life of the process. Being a bearer token, the password travels only
//! over TLS (see `endpoint::auth`).

use crate::err;
use crate::error::Result;
use crate::storage::secret_file;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use base64::Engine;
use chrono::{DateTime, Utc};
use ring::hmac;
use serde::{Deserialize, Serialize};
use std::path::Path;

const KEY_FILE: &str = "credentials.key";
const TOKEN_PREFIX: &str = "rwt1.";
/// Login-name prefixes of temporary credentials: `IAMA:` when the user may be created.
pub const IAM_PREFIX: &str = "IAM:";
pub const IAM_AUTO_CREATE_PREFIX: &str = "IAMA:";
/// Redshift's bounds and default for `DurationSeconds`.
pub const MIN_DURATION_SECONDS: i64 = 900;
pub const MAX_DURATION_SECONDS: i64 = 3600;
pub const DEFAULT_DURATION_SECONDS: i64 = 900;

/// What a temporary password lets its holder do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    /// The database user (without prefix, lower case).
    #[serde(rename = "u")]
    pub user: String,
    #[serde(rename = "d")]
    pub database: String,
    /// Groups the user joins on logging in.
    #[serde(rename = "g", default)]
    pub groups: Vec<String>,
    /// Whether logging in creates the user when missing.
    #[serde(rename = "c", default)]
    pub auto_create: bool,
    /// Seconds since the epoch.
    #[serde(rename = "e")]
    pub expires: i64,
}

impl Claim {
    /// The login name the credentials are used with (GetClusterCredentials' `DbUser`).
    pub fn login(&self) -> String {
        let prefix = if self.auto_create { IAM_AUTO_CREATE_PREFIX } else { IAM_PREFIX };
        format!("{prefix}{}", self.user)
    }

    pub fn expiration(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.expires, 0).unwrap_or_default()
    }
}

/// A login name of temporary credentials: the user it names and whether it may be created.
pub fn parse_login(login: &str) -> Option<(String, bool)> {
    if let Some(user) = login.strip_prefix(IAM_AUTO_CREATE_PREFIX) {
        return Some((user.to_ascii_lowercase(), true));
    }
    login.strip_prefix(IAM_PREFIX).map(|user| (user.to_ascii_lowercase(), false))
}

/// Issues and checks temporary passwords with one cluster's credential key.
pub struct CredentialSigner {
    key: hmac::Key,
}

impl CredentialSigner {
    /// The signer of the database in `dir`, creating its key on first use.
    pub fn for_directory(dir: &Path) -> Result<CredentialSigner> {
        let fresh: [u8; 32] = rand::random();
        let bytes = secret_file::create_or_read_owner_only(&dir.join(KEY_FILE), "credential key file", &fresh)?;
        if bytes.len() != 32 {
            return Err(err!(
                DATA_CORRUPTED,
                "credential key file {} is not a 256-bit key",
                dir.join(KEY_FILE).display()
            ));
        }
        Ok(CredentialSigner { key: hmac::Key::new(hmac::HMAC_SHA256, &bytes) })
    }

    /// A signer whose key lasts as long as the process (a database in memory).
    pub fn ephemeral() -> CredentialSigner {
        let key: [u8; 32] = rand::random();
        CredentialSigner { key: hmac::Key::new(hmac::HMAC_SHA256, &key) }
    }

    /// The temporary password for `claim`.
    pub fn issue(&self, claim: &Claim) -> String {
        let body = BASE64URL.encode(serde_json::to_vec(claim).expect("a claim serializes"));
        let tag = hmac::sign(&self.key, body.as_bytes());
        format!("{TOKEN_PREFIX}{body}.{}", BASE64URL.encode(tag.as_ref()))
    }

    /// The claim `password` carries when it is a valid, unexpired temporary password for
    /// `login` on `database`; 28P01 otherwise (saying "expired" only for a genuine one).
    pub fn verify(&self, login: &str, database: &str, password: &str, now: DateTime<Utc>) -> Result<Claim> {
        let refused = || err!(INVALID_PASSWORD, "password authentication failed for user \"{login}\"");
        let (body, tag) = password.strip_prefix(TOKEN_PREFIX).and_then(|t| t.split_once('.')).ok_or_else(refused)?;
        let tag = BASE64URL.decode(tag).map_err(|_| refused())?;
        hmac::verify(&self.key, body.as_bytes(), &tag).map_err(|_| refused())?;
        let claim: Claim =
            BASE64URL.decode(body).ok().and_then(|json| serde_json::from_slice(&json).ok()).ok_or_else(refused)?;
        if parse_login(login) != Some((claim.user.clone(), claim.auto_create)) || claim.database != database {
            return Err(refused());
        }
        if now.timestamp() >= claim.expires {
            return Err(err!(
                INVALID_PASSWORD,
                "temporary credentials for user \"{login}\" expired at {}",
                claim.expiration().format("%Y-%m-%d %H:%M:%S UTC")
            )
            .with_hint("request new ones (GetClusterCredentials or `redwood credentials`)"));
        }
        Ok(claim)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(expires: i64) -> Claim {
        Claim {
            user: "alice".into(),
            database: "dev".into(),
            groups: vec!["analysts".into()],
            auto_create: true,
            expires,
        }
    }

    #[test]
    fn a_password_opens_only_its_own_login_database_and_time() {
        let signer = CredentialSigner::ephemeral();
        let now = Utc::now();
        let claim = claim(now.timestamp() + 900);
        let password = signer.issue(&claim);
        assert_eq!(signer.verify("IAMA:alice", "dev", &password, now).unwrap(), claim);
        assert_eq!(signer.verify("IAMA:Alice", "dev", &password, now).unwrap(), claim);
        for (login, database) in [("IAM:alice", "dev"), ("IAMA:bob", "dev"), ("alice", "dev"), ("IAMA:alice", "prod")] {
            assert_eq!(signer.verify(login, database, &password, now).unwrap_err().sqlstate, "28P01");
        }
        let later = now + chrono::Duration::seconds(901);
        let expired = signer.verify("IAMA:alice", "dev", &password, later).unwrap_err();
        assert!(expired.message.contains("expired"), "{expired:?}");
        // Another cluster's key, or a changed claim, does not verify.
        assert!(CredentialSigner::ephemeral().verify("IAMA:alice", "dev", &password, now).is_err());
        let (body, tag) = password.strip_prefix(TOKEN_PREFIX).unwrap().split_once('.').unwrap();
        let forged = BASE64URL.encode(serde_json::to_vec(&Claim { user: "admin".into(), ..claim.clone() }).unwrap());
        let forged = format!("{TOKEN_PREFIX}{forged}.{tag}");
        assert!(signer.verify("IAMA:admin", "dev", &forged, now).is_err());
        assert!(signer.verify("IAMA:alice", "dev", &format!("{TOKEN_PREFIX}{body}.x{tag}"), now).is_err());
    }

    #[test]
    fn the_key_file_is_created_once_and_kept_private() {
        let dir = tempfile::tempdir().unwrap();
        let first = CredentialSigner::for_directory(dir.path()).unwrap();
        let password = first.issue(&claim(Utc::now().timestamp() + 900));
        let second = CredentialSigner::for_directory(dir.path()).unwrap();
        assert!(second.verify("IAMA:alice", "dev", &password, Utc::now()).is_ok());
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join(KEY_FILE)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

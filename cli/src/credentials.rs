//! `redwood credentials`: temporary credentials issued offline by whoever holds the data
//! directory, as an operator would call GetClusterCredentials (the server's Redshift API issues
//! the same ones to holders of access keys).

use redwood_core::catalog::DEFAULT_DATABASE;
use redwood_core::leader::credentials::{Claim, CredentialSigner, MAX_DURATION_SECONDS};
use redwood_core::{err, Result};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct CredentialsArgs {
    /// Data directory of the database (its credential key is kept there).
    #[arg(long, env = "REDWOOD_DATA", default_value = "redwood-data")]
    data: PathBuf,
    /// The database user the credentials log in as.
    #[arg(long)]
    db_user: String,
    /// The database they are good for.
    #[arg(long, default_value = DEFAULT_DATABASE)]
    db_name: String,
    /// A group the user joins on logging in (repeat for several).
    #[arg(long = "db-group")]
    db_groups: Vec<String>,
    /// Create the user on first login if missing (the login name is then IAMA:user).
    #[arg(long)]
    auto_create: bool,
    /// How long the credentials last, in seconds (at most 3600; the API's minimum of 900 does not
    /// apply here).
    #[arg(long, default_value_t = 900)]
    duration_seconds: i64,
}

/// Prints the credentials as `aws redshift get-cluster-credentials` does (JSON).
pub fn run(args: CredentialsArgs) -> Result<()> {
    if !args.data.join("catalog.db").exists() {
        return Err(err!(UNDEFINED_FILE, "{} holds no Redwood database", args.data.display()));
    }
    if !(1..=MAX_DURATION_SECONDS).contains(&args.duration_seconds) {
        return Err(err!(INVALID_PARAMETER_VALUE, "--duration-seconds must be between 1 and {MAX_DURATION_SECONDS}"));
    }
    let claim = Claim {
        user: args.db_user.to_ascii_lowercase(),
        database: args.db_name,
        groups: args.db_groups.iter().map(|g| g.to_ascii_lowercase()).collect(),
        auto_create: args.auto_create,
        expires: chrono::Utc::now().timestamp() + args.duration_seconds,
    };
    let password = CredentialSigner::for_directory(&args.data)?.issue(&claim);
    let printed = serde_json::json!({
        "DbUser": claim.login(),
        "DbPassword": password,
        "Expiration": claim.expiration().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    });
    println!("{}", serde_json::to_string_pretty(&printed).expect("JSON"));
    Ok(())
}

//! Session settings: the configuration parameters SET, SHOW and RESET know, their defaults
//! and checks, and the session's handling of those statements. Kept apart from `session.rs`,
//! which dispatches the statements, as the settings are their own table of Redshift's and
//! PostgreSQL's parameters.

use crate::err;
use crate::error::Result;
use crate::leader::results::Outcome;
use crate::leader::session::{access_mode, Session};
use crate::sql::functions::SERVER_VERSION;
use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::array::RecordBatch;
use datafusion::sql::sqlparser::ast::Value;
use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

/// Configuration parameters: lower-case name, name as PostgreSQL spells it, default.
pub(crate) const DEFAULT_SETTINGS: &[(&str, &str, &str)] = &[
    // Redshift's configuration parameters (SET/SHOW/RESET); statement_timeout is enforced by
    // the endpoint, the others are kept for clients that set and read them.
    ("analyze_threshold_percent", "analyze_threshold_percent", "10"),
    ("datestyle", "DateStyle", "ISO, MDY"),
    ("describe_field_name_in_uppercase", "describe_field_name_in_uppercase", "off"),
    ("enable_case_sensitive_identifier", "enable_case_sensitive_identifier", "off"),
    ("enable_result_cache_for_session", "enable_result_cache_for_session", "on"),
    ("extra_float_digits", "extra_float_digits", "0"),
    ("json_serialization_enable", "json_serialization_enable", "false"),
    ("max_concurrency_scaling_clusters", "max_concurrency_scaling_clusters", "1"),
    ("query_group", "query_group", "default"),
    ("search_path", "search_path", "$user, public"),
    ("statement_timeout", "statement_timeout", "0"),
    ("timezone", "TimeZone", "UTC"),
    ("wlm_query_slot_count", "wlm_query_slot_count", "1"),
    // PostgreSQL's, which drivers set or read.
    ("application_name", "application_name", ""),
    ("client_encoding", "client_encoding", "UTF8"),
    ("client_min_messages", "client_min_messages", "notice"),
    ("integer_datetimes", "integer_datetimes", "on"),
    ("intervalstyle", "IntervalStyle", "postgres"),
    ("max_identifier_length", "max_identifier_length", "127"),
    ("server_encoding", "server_encoding", "UTF8"),
    ("server_version", "server_version", SERVER_VERSION),
    ("standard_conforming_strings", "standard_conforming_strings", "on"),
    ("transaction_isolation", "transaction_isolation", "serializable"),
    ("default_transaction_read_only", "default_transaction_read_only", "off"),
];

pub(super) fn default_settings() -> BTreeMap<String, String> {
    DEFAULT_SETTINGS.iter().map(|(k, _, v)| (k.to_string(), v.to_string())).collect()
}

/// A parameter's name as the settings table keys it (`DateStyle` → `datestyle`).
fn setting_name(name: &str) -> String {
    match name.to_ascii_lowercase().as_str() {
        "time zone" => "timezone".to_string(),
        other => other.to_string(),
    }
}

fn default_setting(name: &str) -> Result<&'static str> {
    DEFAULT_SETTINGS
        .iter()
        .find(|(k, _, _)| *k == name)
        .map(|(_, _, v)| *v)
        .ok_or_else(|| err!(UNDEFINED_OBJECT, "unrecognized configuration parameter \"{name}\""))
}

/// A SET value checked where Redwood acts on it or a bad one would mislead.
fn checked_setting(name: &str, value: String) -> Result<String> {
    let invalid = || err!(INVALID_PARAMETER_VALUE, "invalid value for parameter \"{name}\": \"{value}\"");
    match name {
        "statement_timeout" => {
            value.trim().parse::<u64>().map_err(|_| invalid())?;
        }
        "timezone" => {
            value.parse::<Tz>().map_err(|_| invalid())?;
        }
        "default_transaction_read_only" => {
            return match value.trim().to_ascii_lowercase().as_str() {
                "on" | "true" | "yes" | "1" => Ok("on".to_string()),
                "off" | "false" | "no" | "0" => Ok("off".to_string()),
                _ => Err(invalid()),
            };
        }
        "server_version" | "integer_datetimes" | "max_identifier_length" | "server_encoding" => {
            return Err(err!(CANT_CHANGE_RUNTIME_PARAM, "parameter \"{name}\" cannot be changed"));
        }
        _ => {}
    }
    Ok(value)
}

fn on_off(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}

pub(super) fn variable_name(variable: &[datafusion::sql::sqlparser::ast::Ident]) -> String {
    variable.iter().map(|i| i.value.to_ascii_lowercase()).collect::<Vec<_>>().join(".")
}

impl Session {
    /// The session's time zone (`SET timezone`): TIMESTAMPTZ values are shown in it, and local
    /// times become TIMESTAMPTZ in it.
    pub fn time_zone(&self) -> Tz {
        let settings = crate::sync::read(&self.cell.settings);
        settings.get("timezone").and_then(|zone| zone.parse().ok()).unwrap_or(Tz::from_str("UTC").expect("UTC"))
    }

    /// DataFusion reads the time zone from its configuration: `CAST(… AS TIMESTAMPTZ)`, `now()`
    /// and Redwood's analyzer rules (`sql/timezone.rs`).
    pub(super) fn apply_time_zone(&self) {
        let zone = crate::sync::read(&self.cell.settings).get("timezone").cloned();
        self.context.state_ref().write().config_mut().options_mut().execution.time_zone = zone;
    }

    pub(super) fn set(&mut self, set: &datafusion::sql::sqlparser::ast::Set) -> Result<Outcome> {
        use datafusion::sql::sqlparser::ast::Set;
        let (name, value) = match set {
            Set::SingleAssignment { variable, values, .. } => {
                let value = values
                    .iter()
                    .map(|v| match v {
                        datafusion::sql::sqlparser::ast::Expr::Value(v) => match &v.value {
                            Value::SingleQuotedString(s) => s.clone(),
                            other => other.to_string(),
                        },
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                (setting_name(&variable.to_string()), value)
            }
            Set::SetTimeZone { value, .. } => {
                ("timezone".to_string(), value.to_string().trim_matches('\'').to_string())
            }
            // Every transaction is SERIALIZABLE: only the access mode has an effect.
            Set::SetTransaction { modes, session: true, .. } => match access_mode(modes) {
                Some(read_only) => ("default_transaction_read_only".to_string(), on_off(read_only).to_string()),
                None => return Ok(Outcome::command("SET")),
            },
            Set::SetTransaction { modes, session: false, .. } => {
                if !self.explicit {
                    self.notices.push("WARNING: SET TRANSACTION can only be used in transaction blocks".into());
                } else if let Some(read_only) = access_mode(modes) {
                    self.read_only = read_only;
                }
                return Ok(Outcome::command("SET"));
            }
            other => return Err(err!(FEATURE_NOT_SUPPORTED, "{other} is not supported")),
        };
        let default = default_setting(&name)?;
        let value =
            if value.eq_ignore_ascii_case("default") { default.to_string() } else { checked_setting(&name, value)? };
        crate::sync::write(&self.cell.settings).insert(name, value);
        self.apply_time_zone();
        Ok(Outcome::command("SET"))
    }

    /// `RESET name` / `RESET ALL`: back to the defaults.
    pub(super) fn reset(&mut self, reset: &datafusion::sql::sqlparser::ast::Reset) -> Result<Outcome> {
        use datafusion::sql::sqlparser::ast::Reset;
        match reset {
            Reset::ALL => *crate::sync::write(&self.cell.settings) = default_settings(),
            Reset::ConfigurationParameter(name) => {
                let name = setting_name(&name.to_string());
                let default = default_setting(&name)?;
                crate::sync::write(&self.cell.settings).insert(name, default.to_string());
            }
        }
        self.apply_time_zone();
        Ok(Outcome::command("RESET"))
    }

    /// `statement_timeout` (0: none).
    pub fn statement_timeout(&self) -> Option<std::time::Duration> {
        let millis: u64 = crate::sync::read(&self.cell.settings).get("statement_timeout")?.parse().ok()?;
        (millis > 0).then(|| std::time::Duration::from_millis(millis))
    }

    pub(super) fn show(&self, name: &str) -> Result<Outcome> {
        let name = match name {
            "transaction.isolation.level" => "transaction_isolation",
            other => other,
        };
        let value = self
            .cell
            .settings
            .read()
            .unwrap()
            .get(name)
            .cloned()
            .ok_or_else(|| err!(UNDEFINED_OBJECT, "unrecognized configuration parameter \"{name}\""))?;
        // The column is named as PostgreSQL spells the parameter (`DateStyle`, `TimeZone`).
        let column = DEFAULT_SETTINGS.iter().find(|(k, _, _)| *k == name).map_or(name, |(_, display, _)| display);
        let schema =
            Arc::new(datafusion::arrow::datatypes::Schema::new(vec![datafusion::arrow::datatypes::Field::new(
                column,
                datafusion::arrow::datatypes::DataType::Utf8,
                false,
            )]));
        let batch = RecordBatch::try_new(
            Arc::clone(&schema),
            vec![Arc::new(datafusion::arrow::array::StringArray::from(vec![value]))],
        )?;
        Ok(Outcome::Rows { schema, batches: vec![batch] })
    }
}

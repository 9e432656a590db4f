//! Redwood's scalar functions that need neither the catalog nor the session, by the name plans
//! call them: the leader registers them in every session, and compute nodes know them, so that a
//! plan fragment calling one runs where its rows are.

pub mod datetime;

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{create_udf, ColumnarValue, ScalarUDF, Volatility};
use std::sync::Arc;

/// The PostgreSQL version Redshift reports (`server_version`, `version()`): clients parse it
/// (redshift_connector as a PEP 440 version), so it is Redshift's, not Redwood's.
pub const SERVER_VERSION: &str = "8.0.2";

/// The functions every node knows (DataFusion's own besides).
pub fn portable_functions() -> Vec<Arc<ScalarUDF>> {
    let mut functions: Vec<_> = crate::sql::timezone::conversion_functions().into_iter().map(Arc::new).collect();
    functions.push(Arc::new(redshift_version()));
    functions.extend(datetime::datetime_functions().into_iter().map(Arc::new));
    functions
}

/// `version()` in Redshift's form, which clients (SQLAlchemy, Flyway, ADBC) parse.
pub fn redshift_version() -> ScalarUDF {
    let text = format!(
        "PostgreSQL {SERVER_VERSION} on x86_64-pc-linux-gnu, compiled by rustc, Redwood {} Redshift 1.0.{:05}",
        env!("CARGO_PKG_VERSION"),
        REDWOOD_BUILD
    );
    create_udf(
        "version",
        vec![],
        DataType::Utf8,
        Volatility::Immutable,
        Arc::new(move |_| Ok(ColumnarValue::Scalar(ScalarValue::Utf8(Some(text.clone()))))),
    )
}

/// The build number shown in `version()`: Redwood's version as one number (0.1.0 → 100).
const REDWOOD_BUILD: u32 = 100;

//! Dates and times the PostgreSQL way, in the session's time zone (`SET timezone`).
//!
//! TIMESTAMPTZ values are instants, stored as UTC; the session's zone decides how local times
//! become instants and instants local times. Arrow casts know only the zone a type names, so
//! this analyzer rule, run before DataFusion's type coercion, rewrites what depends on it:
//! - text → DATE/TIMESTAMP/TIMESTAMPTZ goes through Redwood's reader (`sql::datetime`:
//!   PostgreSQL's forms, offsets ignored by local types, local times read in the session zone);
//! - TIMESTAMPTZ → TIMESTAMP/DATE gives the local time in the session zone, and TIMESTAMP/DATE →
//!   TIMESTAMPTZ reads the local time there;
//! - `date_trunc`, `date_part`/`EXTRACT` and `date_bin` work on TIMESTAMPTZ in the session zone;
//! - dates and timestamps cast to text print as the wire protocol prints them.
//!
//! `timezone(zone, t)` is `t AT TIME ZONE zone`.

use crate::sql::analyzer::rewrite_expressions;
use crate::sql::datetime::{self, Unreadable};
use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, Date32Array, StringArray, TimestampMicrosecondArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::compute::kernels::cast_utils;
use datafusion::arrow::datatypes::{DataType, TimeUnit, TimestampMicrosecondType};
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::Transformed;
use datafusion::common::{exec_err, DFSchema, Result, ScalarValue};
use datafusion::logical_expr::expr::{Cast, ScalarFunction, TryCast};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ExprSchemable, LogicalPlan, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    Volatility,
};
use datafusion::optimizer::AnalyzerRule;
use std::sync::Arc;

const UTC: &str = crate::types::UTC;

#[derive(Debug, Default)]
pub struct SessionTimeZone;

impl AnalyzerRule for SessionTimeZone {
    fn analyze(&self, plan: LogicalPlan, config: &ConfigOptions) -> Result<LogicalPlan> {
        let zone: Arc<str> = config.execution.time_zone.as_deref().unwrap_or(UTC).into();
        rewrite_expressions(plan, |e, schema| rewrite(e, schema, &zone))
    }

    fn name(&self) -> &str {
        "redwood_session_time_zone"
    }
}

fn rewrite(expr: Expr, schema: &DFSchema, zone: &Arc<str>) -> Result<Transformed<Expr>> {
    match expr {
        Expr::Cast(Cast { expr, field }) => Ok(convert(*expr, field.data_type().clone(), false, schema, zone)),
        Expr::TryCast(TryCast { expr, field }) => Ok(convert(*expr, field.data_type().clone(), true, schema, zone)),
        Expr::ScalarFunction(ScalarFunction { func, args })
            if matches!(func.name(), "date_trunc" | "date_part" | "date_bin") =>
        {
            let mut changed = false;
            let args = args
                .into_iter()
                .map(|arg| match arg.get_type(schema) {
                    Ok(DataType::Timestamp(unit, Some(tz))) if *tz != **zone => {
                        changed = true;
                        cast_to(arg, DataType::Timestamp(unit, Some(Arc::clone(zone))))
                    }
                    _ => arg,
                })
                .collect();
            let expr = Expr::ScalarFunction(ScalarFunction { func, args });
            Ok(if changed { Transformed::yes(expr) } else { Transformed::no(expr) })
        }
        other => Ok(Transformed::no(other)),
    }
}

/// `CAST(expr AS target)` (or TRY_CAST when `safe`) with the session zone's meaning.
fn convert(expr: Expr, target: DataType, safe: bool, schema: &DFSchema, zone: &Arc<str>) -> Transformed<Expr> {
    let rebuild = |expr: Expr, data_type: DataType| {
        let expr = Box::new(expr);
        if safe {
            Expr::TryCast(TryCast::new(expr, data_type))
        } else {
            Expr::Cast(Cast::new(expr, data_type))
        }
    };
    let Ok(from) = expr.get_type(schema) else { return Transformed::no(rebuild(expr, target)) };
    let zoned = |unit: TimeUnit| DataType::Timestamp(unit, Some(Arc::clone(zone)));
    let converted = match (&from, &target) {
        (DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View, DataType::Date32 | DataType::Timestamp(..)) => {
            let kind = Temporal::of(&target).expect("a date or timestamp");
            let text = if from == DataType::Utf8 { expr } else { cast_to(expr, DataType::Utf8) };
            let parsed = ScalarUDF::new_from_impl(TextToTemporal::new(kind, safe)).call(vec![text, zone_literal(zone)]);
            rebuild(parsed, target)
        }
        (DataType::Timestamp(unit, Some(_)), DataType::Timestamp(_, None) | DataType::Date32 | DataType::Time64(_)) => {
            let local = datafusion::functions::datetime::to_local_time().call(vec![cast_to(expr, zoned(*unit))]);
            rebuild(local, target)
        }
        (DataType::Timestamp(unit, None), DataType::Timestamp(_, Some(tz))) if **tz != **zone => {
            rebuild(cast_to(expr, zoned(*unit)), target)
        }
        (DataType::Date32, DataType::Timestamp(_, Some(_))) => {
            let local = cast_to(expr, DataType::Timestamp(TimeUnit::Microsecond, None));
            rebuild(cast_to(local, zoned(TimeUnit::Microsecond)), target)
        }
        (DataType::Timestamp(..) | DataType::Date32, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) => {
            let text = ScalarUDF::new_from_impl(TemporalToText::new()).call(vec![expr, zone_literal(zone)]);
            if target == DataType::Utf8 {
                text
            } else {
                rebuild(text, target)
            }
        }
        _ => return Transformed::no(rebuild(expr, target)),
    };
    Transformed::yes(converted)
}

fn cast_to(expr: Expr, data_type: DataType) -> Expr {
    Expr::Cast(Cast::new(Box::new(expr), data_type))
}

fn zone_literal(zone: &str) -> Expr {
    Expr::Literal(ScalarValue::Utf8(Some(zone.to_string())), None)
}

fn parse_zone(name: &str) -> Result<Tz> {
    name.parse()
        .map_err(|_| datafusion::error::DataFusionError::Execution(format!("time zone \"{name}\" not recognized")))
}

/// The time zone argument of these functions: a constant (the session's, or AT TIME ZONE's).
fn zone_argument(args: &ScalarFunctionArgs, index: usize) -> Result<Tz> {
    match &args.args[index] {
        ColumnarValue::Scalar(ScalarValue::Utf8(Some(name))) => parse_zone(name),
        _ => exec_err!("the time zone must be a constant"),
    }
}

/// The date and time types whose meaning depends on a time zone (also the kinds of values the
/// `_CMP` functions of `sql::functions::datetime` compare).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Temporal {
    Date,
    Timestamp,
    TimestampTz,
}

impl Temporal {
    /// What a cast to `data_type` reads text as, if it is a date or timestamp type.
    fn of(data_type: &DataType) -> Option<Temporal> {
        match data_type {
            DataType::Date32 => Some(Temporal::Date),
            DataType::Timestamp(_, None) => Some(Temporal::Timestamp),
            DataType::Timestamp(_, Some(_)) => Some(Temporal::TimestampTz),
            _ => None,
        }
    }

    pub(crate) fn data_type(self) -> DataType {
        match self {
            Temporal::Date => DataType::Date32,
            Temporal::Timestamp => DataType::Timestamp(TimeUnit::Microsecond, None),
            Temporal::TimestampTz => DataType::Timestamp(TimeUnit::Microsecond, Some(UTC.into())),
        }
    }

    fn pg_name(self) -> &'static str {
        match self {
            Temporal::Date => "date",
            Temporal::Timestamp => "timestamp",
            Temporal::TimestampTz => "timestamp with time zone",
        }
    }
}

/// Text read as a date or timestamp (`sql::datetime`), with Arrow's reader for other forms;
/// unreadable text is an error (22007), or NULL for TRY_CAST.
#[derive(Debug, PartialEq, Eq, Hash)]
struct TextToTemporal {
    kind: Temporal,
    safe: bool,
    signature: Signature,
}

impl TextToTemporal {
    fn new(kind: Temporal, safe: bool) -> Self {
        TextToTemporal {
            kind,
            safe,
            signature: Signature::exact(vec![DataType::Utf8, DataType::Utf8], Volatility::Stable),
        }
    }

    /// Microseconds since the epoch (days for a date).
    fn read(&self, text: &str, zone: &Tz) -> Result<i64, Unreadable> {
        let written = datetime::parse(text, zone).or_else(|unreadable| {
            // Other forms Arrow reads (RFC 3339 and its relatives), as local times.
            let instant = cast_utils::string_to_datetime(zone, text).map_err(|_| unreadable)?;
            Ok(datetime::Written { local: instant.naive_local(), zone: None })
        })?;
        match self.kind {
            Temporal::Date => {
                let days =
                    written.local.date().signed_duration_since(chrono::DateTime::UNIX_EPOCH.date_naive()).num_days();
                Ok(days)
            }
            Temporal::Timestamp => Ok(written.local.and_utc().timestamp_micros()),
            Temporal::TimestampTz => Ok(written.instant(zone).ok_or(Unreadable::OutOfRange)?.timestamp_micros()),
        }
    }
}

impl ScalarUDFImpl for TextToTemporal {
    fn name(&self) -> &str {
        // Distinct names for TRY_CAST's variants: compute nodes find functions by name.
        match (self.kind, self.safe) {
            (Temporal::Date, false) => "text_to_date",
            (Temporal::Timestamp, false) => "text_to_timestamp",
            (Temporal::TimestampTz, false) => "text_to_timestamptz",
            (Temporal::Date, true) => "text_to_date_or_null",
            (Temporal::Timestamp, true) => "text_to_timestamp_or_null",
            (Temporal::TimestampTz, true) => "text_to_timestamptz_or_null",
        }
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _args: &[DataType]) -> Result<DataType> {
        Ok(self.kind.data_type())
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let zone = zone_argument(&args, 1)?;
        let texts = args.args[0].to_array(args.number_rows)?;
        Ok(ColumnarValue::Array(self.read_all(texts.as_string::<i32>(), &zone).map_err(crate::Error::into_datafusion)?))
    }
}

impl TextToTemporal {
    fn read_all(&self, texts: &StringArray, zone: &Tz) -> crate::Result<ArrayRef> {
        let mut values = Vec::with_capacity(texts.len());
        for text in texts.iter() {
            values.push(match text {
                None => None,
                Some(text) => match self.read(text, zone) {
                    Ok(value) => Some(value),
                    Err(_) if self.safe => None,
                    Err(Unreadable::Syntax) => {
                        return Err(crate::err!(
                            INVALID_DATETIME_FORMAT,
                            "invalid input syntax for type {}: \"{text}\"",
                            self.kind.pg_name()
                        ))
                    }
                    Err(Unreadable::OutOfRange) => {
                        return Err(crate::err!(
                            DATETIME_FIELD_OVERFLOW,
                            "date/time field value out of range: \"{text}\""
                        ))
                    }
                },
            });
        }
        Ok(match self.kind {
            Temporal::Date => {
                Arc::new(Date32Array::from_iter(values.into_iter().map(|d| d.and_then(|d| i32::try_from(d).ok()))))
            }
            Temporal::Timestamp => Arc::new(TimestampMicrosecondArray::from(values)),
            Temporal::TimestampTz => Arc::new(TimestampMicrosecondArray::from(values).with_timezone(UTC)),
        })
    }
}

/// Text values read as the DATE, TIMESTAMP or TIMESTAMPTZ `target` (local times in `zone`), as
/// a cast in SQL reads them; `None` when `target` is not one of those. Unreadable values are an
/// error, or NULL when `safe`.
pub fn read_text_as(texts: &StringArray, target: &DataType, zone: &Tz, safe: bool) -> Option<crate::Result<ArrayRef>> {
    let kind = Temporal::of(target)?;
    Some(TextToTemporal::new(kind, safe).read_all(texts, zone).and_then(|values| {
        if values.data_type() == target {
            Ok(values)
        } else {
            Ok(cast(&values, target)?)
        }
    }))
}

/// A date or timestamp as text, as the wire protocol prints it (TIMESTAMPTZ in the given zone).
#[derive(Debug, PartialEq, Eq, Hash)]
struct TemporalToText {
    signature: Signature,
}

impl TemporalToText {
    fn new() -> Self {
        TemporalToText { signature: Signature::any(2, Volatility::Stable) }
    }
}

impl ScalarUDFImpl for TemporalToText {
    fn name(&self) -> &str {
        "temporal_to_text"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _args: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let zone = zone_argument(&args, 1)?;
        let values = args.args[0].to_array(args.number_rows)?;
        let texts = crate::sql::format::column_to_text(&values, &zone).map_err(crate::Error::into_datafusion)?;
        Ok(ColumnarValue::Array(Arc::new(StringArray::from(texts))))
    }
}

/// `timezone(zone, t)`, which `t AT TIME ZONE zone` becomes: a TIMESTAMPTZ's local time in
/// `zone` (a TIMESTAMP), or the instant a TIMESTAMP's local time names in `zone` (a TIMESTAMPTZ).
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct AtTimeZone {
    signature: Signature,
}

/// The functions `SessionTimeZone` puts into plans, which compute nodes must know by name.
pub fn conversion_functions() -> Vec<ScalarUDF> {
    let mut functions = vec![at_time_zone(), ScalarUDF::new_from_impl(TemporalToText::new())];
    for kind in [Temporal::Date, Temporal::Timestamp, Temporal::TimestampTz] {
        for safe in [false, true] {
            functions.push(ScalarUDF::new_from_impl(TextToTemporal::new(kind, safe)));
        }
    }
    functions
}

pub fn at_time_zone() -> ScalarUDF {
    ScalarUDF::new_from_impl(AtTimeZone { signature: Signature::any(2, Volatility::Immutable) })
}

impl ScalarUDFImpl for AtTimeZone {
    fn name(&self) -> &str {
        "timezone"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, args: &[DataType]) -> Result<DataType> {
        match &args[1] {
            DataType::Timestamp(_, Some(_)) => Ok(DataType::Timestamp(TimeUnit::Microsecond, None)),
            DataType::Timestamp(_, None) | DataType::Date32 | DataType::Null => {
                Ok(DataType::Timestamp(TimeUnit::Microsecond, Some(UTC.into())))
            }
            other => exec_err!("AT TIME ZONE needs a timestamp, not {other}"),
        }
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let zone = zone_argument(&args, 0)?;
        let values = args.args[1].to_array(args.number_rows)?;
        let zoned = matches!(values.data_type(), DataType::Timestamp(_, Some(_)));
        let micros = cast(&values, &DataType::Timestamp(TimeUnit::Microsecond, None))?;
        let micros = micros.as_primitive::<TimestampMicrosecondType>();
        let converted: TimestampMicrosecondArray = micros
            .iter()
            .map(|value| {
                let value = value?;
                let moment = chrono::DateTime::from_timestamp_micros(value)?;
                if zoned {
                    Some(moment.with_timezone(&zone).naive_local().and_utc().timestamp_micros())
                } else {
                    let written = datetime::Written { local: moment.naive_utc(), zone: None };
                    Some(written.instant(&zone)?.timestamp_micros())
                }
            })
            .collect();
        let converted = if zoned { converted } else { converted.with_timezone(UTC) };
        Ok(ColumnarValue::Array(Arc::new(converted)))
    }
}

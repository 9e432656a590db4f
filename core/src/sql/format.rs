//! Values as text, the way Redshift (PostgreSQL 8) prints them: `t`/`f`, `2024-01-31 12:00:00`,
//! TIMESTAMPTZ in the session's time zone with its offset (`…-05`), decimals at their scale, floats in shortest form. Used by the shell, the
//! tests and the text format of the wire protocol.

use crate::error::Result;
use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{
    DataType, DurationMicrosecondType, DurationMillisecondType, DurationNanosecondType, DurationSecondType,
    Float32Type, Float64Type, IntervalDayTimeType, IntervalMonthDayNanoType, IntervalUnit, IntervalYearMonthType,
    TimeUnit, TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType,
};
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};

/// Formats every value of a column, TIMESTAMPTZ values in `zone`; `None` for NULL.
pub fn column_to_text(array: &ArrayRef, zone: &Tz) -> Result<Vec<Option<String>>> {
    let options = FormatOptions::default();
    let fallback = ArrayFormatter::try_new(array.as_ref(), &options)?;
    let mut out = Vec::with_capacity(array.len());
    for row in 0..array.len() {
        if array.is_null(row) || array.data_type() == &DataType::Null {
            out.push(None);
            continue;
        }
        let text = match array.data_type() {
            DataType::Boolean => (if array.as_boolean().value(row) { "t" } else { "f" }).to_string(),
            DataType::Float64 => float(array.as_primitive::<Float64Type>().value(row)),
            // Shortest digits of the f32 itself, not of its widened f64 (0.1, not 0.10000000149…).
            DataType::Float32 => {
                float(array.as_primitive::<Float32Type>().value(row).to_string().parse().unwrap_or(f64::NAN))
            }
            DataType::Timestamp(unit, tz) => {
                let micros = match unit {
                    TimeUnit::Second => array.as_primitive::<TimestampSecondType>().value(row) * 1_000_000,
                    TimeUnit::Millisecond => array.as_primitive::<TimestampMillisecondType>().value(row) * 1_000,
                    TimeUnit::Microsecond => array.as_primitive::<TimestampMicrosecondType>().value(row),
                    TimeUnit::Nanosecond => array.as_primitive::<TimestampNanosecondType>().value(row) / 1_000,
                };
                crate::sql::datetime::format_timestamp(micros, tz.as_ref().map(|_| zone))
            }
            DataType::List(_) => array_literal(&array.as_list::<i32>().value(row), zone)?,
            DataType::Interval(IntervalUnit::MonthDayNano) => {
                let v = array.as_primitive::<IntervalMonthDayNanoType>().value(row);
                interval_text(v.months, v.days, v.nanoseconds / 1_000)
            }
            DataType::Interval(IntervalUnit::DayTime) => {
                let v = array.as_primitive::<IntervalDayTimeType>().value(row);
                interval_text(0, v.days, v.milliseconds as i64 * 1_000)
            }
            DataType::Interval(IntervalUnit::YearMonth) => {
                interval_text(array.as_primitive::<IntervalYearMonthType>().value(row), 0, 0)
            }
            // The difference of two timestamps: whole days, then the time of day.
            DataType::Duration(unit) => {
                let micros = match unit {
                    TimeUnit::Second => array.as_primitive::<DurationSecondType>().value(row) * 1_000_000,
                    TimeUnit::Millisecond => array.as_primitive::<DurationMillisecondType>().value(row) * 1_000,
                    TimeUnit::Microsecond => array.as_primitive::<DurationMicrosecondType>().value(row),
                    TimeUnit::Nanosecond => array.as_primitive::<DurationNanosecondType>().value(row) / 1_000,
                };
                interval_text(0, (micros / MICROS_PER_DAY) as i32, micros % MICROS_PER_DAY)
            }
            _ => fallback.value(row).to_string(),
        };
        out.push(Some(text));
    }
    Ok(out)
}

const MICROS_PER_DAY: i64 = 86_400_000_000;

/// An interval as PostgreSQL prints it: `1 year 2 mons 3 days 04:05:06.5`, `-00:30:00`,
/// `00:00:00` for zero.
fn interval_text(months: i32, days: i32, micros: i64) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n.abs() == 1 { "" } else { "s" });
    let mut parts = vec![];
    let (years, months) = (months / 12, months % 12);
    if years != 0 {
        parts.push(plural(years as i64, "year"));
    }
    if months != 0 {
        parts.push(plural(months as i64, "mon"));
    }
    if days != 0 {
        parts.push(plural(days as i64, "day"));
    }
    if micros != 0 || parts.is_empty() {
        let sign = if micros < 0 { "-" } else { "" };
        let total = micros.unsigned_abs();
        let (seconds, fraction) = (total / 1_000_000, total % 1_000_000);
        let mut time = format!("{sign}{:02}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60);
        if fraction != 0 {
            time.push_str(format!(".{fraction:06}").trim_end_matches('0'));
        }
        parts.push(time);
    }
    parts.join(" ")
}

/// An array as PostgreSQL prints it: `{1,2}`, `{a,"b c",NULL}`.
fn array_literal(values: &ArrayRef, zone: &Tz) -> Result<String> {
    let elements: Vec<String> = column_to_text(values, zone)?
        .into_iter()
        .map(|value| match value {
            None => "NULL".to_string(),
            Some(v)
                if v.is_empty() || v.eq_ignore_ascii_case("null") || v.contains([',', '{', '}', '"', '\\', ' ']) =>
            {
                format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
            }
            Some(v) => v,
        })
        .collect();
    Ok(format!("{{{}}}", elements.join(",")))
}

/// PostgreSQL's float output: shortest round-trip digits, exponent outside [1e-4, 1e15).
fn float(v: f64) -> String {
    if v.is_nan() {
        return "NaN".into();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    let abs = v.abs();
    if abs != 0.0 && !(1e-4..1e15).contains(&abs) {
        let s = format!("{v:e}");
        let (mantissa, exponent) = s.split_once('e').expect("exponent form");
        let exponent: i32 = exponent.parse().expect("exponent");
        return format!("{mantissa}e{}{:02}", if exponent < 0 { '-' } else { '+' }, exponent.abs());
    }
    format!("{v}")
}

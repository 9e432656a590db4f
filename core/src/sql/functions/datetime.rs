//! Redshift's date and time functions, as scalar functions with Redshift's argument coercions
//! and result types. Each implements the page of the Amazon Redshift Database Developer Guide
//! named in its doc comment (docs.aws.amazon.com/redshift/latest/dg/<page>.html).
//!
//! Text arguments are read as the type Redshift reads them as (a timestamp for DATEADD and
//! ADD_MONTHS, a date for LAST_DAY); a TIMESTAMPTZ argument of a function that works on local
//! times is taken in UTC.

use crate::err;
use crate::error::Result as RedwoodResult;
use crate::sql::timezone::Temporal;
use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveDateTime, TimeDelta, Weekday};
use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Date32Array, Float64Array, Int32Array, Time64MicrosecondArray, TimestampMicrosecondArray,
};
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Int64Type, IntervalMonthDayNano, IntervalMonthDayNanoType, IntervalUnit,
    Time64MicrosecondType, TimeUnit, TimestampMicrosecondType,
};
use datafusion::common::{plan_err, Result};
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};
use std::cmp::Ordering;
use std::sync::Arc;

const MICROS_PER_DAY: i64 = 86_400_000_000;
/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01 (Arrow's day 0).
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// Redshift's date functions: DATEADD, ADD_MONTHS, MONTHS_BETWEEN, NEXT_DAY, LAST_DAY,
/// DATE_PART_YEAR, the DATE/TIMESTAMP/TIMESTAMPTZ comparisons and INTERVAL_CMP.
pub fn datetime_functions() -> Vec<ScalarUDF> {
    use Temporal::{Date, Timestamp, TimestampTz};
    let comparisons = [
        ("date_cmp", Date, Date),
        ("date_cmp_timestamp", Date, Timestamp),
        ("date_cmp_timestamptz", Date, TimestampTz),
        ("timestamp_cmp", Timestamp, Timestamp),
        ("timestamp_cmp_date", Timestamp, Date),
        ("timestamp_cmp_timestamptz", Timestamp, TimestampTz),
        ("timestamptz_cmp", TimestampTz, TimestampTz),
        ("timestamptz_cmp_date", TimestampTz, Date),
        ("timestamptz_cmp_timestamp", TimestampTz, Timestamp),
    ];
    [
        ("dateadd", DateFunction::DateAdd),
        ("add_months", DateFunction::AddMonths),
        ("months_between", DateFunction::MonthsBetween),
        ("next_day", DateFunction::NextDay),
        ("last_day", DateFunction::LastDay),
        ("date_part_year", DateFunction::DatePartYear),
        ("interval_cmp", DateFunction::IntervalCmp),
    ]
    .into_iter()
    .chain(comparisons.into_iter().map(|(name, left, right)| (name, DateFunction::Compare(left, right))))
    .map(|(name, function)| ScalarUDF::new_from_impl(RedshiftDateFunction::new(name, function)))
    .collect()
}

/// Redshift date parts (and their abbreviations) as an interval unit and a multiple of it.
pub fn date_part(part: &str) -> RedwoodResult<(&'static str, i64)> {
    let part = part.trim_matches(|c| c == '\'' || c == '"').to_ascii_lowercase();
    Ok(match part.as_str() {
        "millennium" | "millennia" | "mil" | "mils" => ("year", 1000),
        "century" | "centuries" | "c" | "cent" | "cents" => ("year", 100),
        "decade" | "decades" | "dec" | "decs" => ("year", 10),
        "year" | "years" | "y" | "yr" | "yrs" | "yy" | "yyy" | "yyyy" => ("year", 1),
        "quarter" | "quarters" | "qtr" | "qtrs" | "q" => ("month", 3),
        "month" | "months" | "mon" | "mons" | "mm" => ("month", 1),
        "week" | "weeks" | "w" | "wk" | "wks" => ("day", 7),
        "day" | "days" | "d" | "dd" => ("day", 1),
        "hour" | "hours" | "h" | "hh" | "hr" | "hrs" => ("hour", 1),
        "minute" | "minutes" | "m" | "mi" | "min" | "mins" => ("minute", 1),
        "second" | "seconds" | "s" | "sec" | "secs" => ("second", 1),
        "millisecond" | "milliseconds" | "ms" | "msec" | "msecs" | "msecond" | "mseconds" => ("millisecond", 1),
        "microsecond" | "microseconds" | "microsec" | "microsecs" | "us" | "usec" | "usecs" => ("microsecond", 1),
        other => return Err(err!(INVALID_PARAMETER_VALUE, "unrecognized datepart \"{other}\"")),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum DateFunction {
    /// `DATEADD(datepart, interval, {date|time|timestamp|timestamptz})`: r_DATEADD_function.
    DateAdd,
    /// `ADD_MONTHS({date|timestamp}, integer)`: r_ADD_MONTHS.
    AddMonths,
    /// `MONTHS_BETWEEN(date1, date2)`: r_MONTHS_BETWEEN_function.
    MonthsBetween,
    /// `NEXT_DAY({date|timestamp}, day)`: r_NEXT_DAY.
    NextDay,
    /// `LAST_DAY(date)`: r_LAST_DAY.
    LastDay,
    /// `DATE_PART_YEAR(date)`: r_DATE_PART_YEAR.
    DatePartYear,
    /// `INTERVAL_CMP(interval1, interval2)`: r_INTERVAL_CMP.
    IntervalCmp,
    /// `DATE_CMP`, `DATE_CMP_TIMESTAMP`, …, `TIMESTAMPTZ_CMP_TIMESTAMP`: r_DATE_CMP,
    /// r_DATE_CMP_TIMESTAMP, r_DATE_CMP_TIMESTAMPTZ, r_TIMESTAMP_CMP, r_TIMESTAMP_CMP_DATE,
    /// r_TIMESTAMP_CMP_TIMESTAMPTZ, r_TIMESTAMPTZ_CMP, r_TIMESTAMPTZ_CMP_DATE,
    /// r_TIMESTAMPTZ_CMP_TIMESTAMP: -1, 0 or 1 as the first value is earlier, equal or later.
    Compare(Temporal, Temporal),
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct RedshiftDateFunction {
    name: &'static str,
    function: DateFunction,
    signature: Signature,
}

impl RedshiftDateFunction {
    fn new(name: &'static str, function: DateFunction) -> Self {
        RedshiftDateFunction { name, function, signature: Signature::user_defined(Volatility::Immutable) }
    }

    fn no_such_function<T>(&self, args: &[DataType]) -> Result<T> {
        let types: Vec<String> = args.iter().map(|t| t.to_string()).collect();
        plan_err!("function {}({}) does not exist", self.name, types.join(", "))
    }
}

fn is_text(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null)
}

/// A date, timestamp or text argument read as `target`.
fn temporal_as(t: &DataType, target: Temporal) -> Option<DataType> {
    (is_text(t) || matches!(t, DataType::Date32 | DataType::Timestamp(..))).then(|| target.data_type())
}

fn integer(t: &DataType) -> Option<DataType> {
    (t.is_numeric() || *t == DataType::Null).then_some(DataType::Int64)
}

fn text(t: &DataType) -> Option<DataType> {
    is_text(t).then_some(DataType::Utf8)
}

impl ScalarUDFImpl for RedshiftDateFunction {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, args: &[DataType]) -> Result<Vec<DataType>> {
        use Temporal::{Date, Timestamp};
        let coerced: Option<Vec<DataType>> = match (self.function, args) {
            (DateFunction::DateAdd, [part, count, value]) => {
                let value = match value {
                    DataType::Date32 => Some(DataType::Date32),
                    DataType::Timestamp(_, zone) => Some(DataType::Timestamp(TimeUnit::Microsecond, zone.clone())),
                    DataType::Time32(_) | DataType::Time64(_) => Some(DataType::Time64(TimeUnit::Microsecond)),
                    other => temporal_as(other, Timestamp),
                };
                [text(part), integer(count), value].into_iter().collect()
            }
            (DateFunction::AddMonths, [value, count]) => {
                [temporal_as(value, Timestamp), integer(count)].into_iter().collect()
            }
            (DateFunction::MonthsBetween, [a, b]) => {
                [temporal_as(a, Timestamp), temporal_as(b, Timestamp)].into_iter().collect()
            }
            (DateFunction::NextDay, [value, day]) => [temporal_as(value, Date), text(day)].into_iter().collect(),
            (DateFunction::LastDay | DateFunction::DatePartYear, [value]) => {
                [temporal_as(value, Date)].into_iter().collect()
            }
            (DateFunction::IntervalCmp, [a, b]) => [a, b]
                .into_iter()
                .map(|t| {
                    (is_text(t) || matches!(t, DataType::Interval(_)))
                        .then_some(DataType::Interval(IntervalUnit::MonthDayNano))
                })
                .collect(),
            (DateFunction::Compare(left, right), [a, b]) => {
                [temporal_as(a, left), temporal_as(b, right)].into_iter().collect()
            }
            _ => None,
        };
        match coerced {
            Some(types) => Ok(types),
            None => self.no_such_function(args),
        }
    }

    fn return_type(&self, args: &[DataType]) -> Result<DataType> {
        let timestamp = DataType::Timestamp(TimeUnit::Microsecond, None);
        Ok(match self.function {
            // Redshift's DATEADD gives a TIMESTAMP for a DATE, otherwise the type it was given.
            DateFunction::DateAdd => match args.get(2) {
                Some(DataType::Date32) | None => timestamp,
                Some(other) => other.clone(),
            },
            DateFunction::AddMonths => timestamp,
            DateFunction::MonthsBetween => DataType::Float64,
            DateFunction::NextDay | DateFunction::LastDay => DataType::Date32,
            DateFunction::DatePartYear | DateFunction::IntervalCmp | DateFunction::Compare(..) => DataType::Int32,
        })
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let result: ArrayRef = match self.function {
            DateFunction::DateAdd => dateadd(&arrays)?,
            DateFunction::AddMonths => {
                let values = timestamps(&arrays[0]);
                let counts = arrays[1].as_primitive::<Int64Type>();
                let mut result = Vec::with_capacity(values.len());
                for (value, count) in values.into_iter().zip(counts.iter()) {
                    result.push(match (value, count) {
                        (Some(value), Some(count)) => Some(micros(add_months_keeping_month_end(value, count)?)),
                        _ => None,
                    });
                }
                Arc::new(TimestampMicrosecondArray::from(result))
            }
            DateFunction::MonthsBetween => {
                let (a, b) = (timestamps(&arrays[0]), timestamps(&arrays[1]));
                let result: Float64Array = a.into_iter().zip(b).map(|(a, b)| Some(months_between(a?, b?))).collect();
                Arc::new(result)
            }
            DateFunction::NextDay => {
                let dates = dates(&arrays[0]);
                let names = arrays[1].as_string::<i32>();
                let mut result = Vec::with_capacity(dates.len());
                for (date, name) in dates.into_iter().zip(names.iter()) {
                    result.push(match (date, name) {
                        (Some(date), Some(name)) => Some(days(next_day(date, weekday(name)?))),
                        _ => None,
                    });
                }
                Arc::new(Date32Array::from(result))
            }
            DateFunction::LastDay => {
                let result: Date32Array =
                    dates(&arrays[0]).into_iter().map(|d| Some(days(last_day_of_month(d?)))).collect();
                Arc::new(result)
            }
            DateFunction::DatePartYear => {
                let result: Int32Array = dates(&arrays[0]).into_iter().map(|d| Some(d?.year())).collect();
                Arc::new(result)
            }
            DateFunction::IntervalCmp => {
                let (a, b) = (
                    arrays[0].as_primitive::<IntervalMonthDayNanoType>(),
                    arrays[1].as_primitive::<IntervalMonthDayNanoType>(),
                );
                // Redshift compares intervals with 1 month = 30 days (so 1 year = 360 days).
                let nanoseconds = |i: IntervalMonthDayNano| {
                    (i128::from(i.months) * 30 + i128::from(i.days)) * 86_400_000_000_000 + i128::from(i.nanoseconds)
                };
                let result: Int32Array = a
                    .iter()
                    .zip(b.iter())
                    .map(|(a, b)| Some(ordering(nanoseconds(a?).cmp(&nanoseconds(b?)))))
                    .collect();
                Arc::new(result)
            }
            DateFunction::Compare(..) => {
                let (a, b) = (instants(&arrays[0]), instants(&arrays[1]));
                let result: Int32Array = a.into_iter().zip(b).map(|(a, b)| Some(ordering(a?.cmp(&b?)))).collect();
                Arc::new(result)
            }
        };
        Ok(ColumnarValue::Array(result))
    }
}

fn ordering(order: Ordering) -> i32 {
    order as i32
}

fn out_of_range() -> datafusion::error::DataFusionError {
    err!(DATETIME_FIELD_OVERFLOW, "timestamp out of range").into_datafusion()
}

fn date_of(days: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(days + UNIX_EPOCH_DAYS_FROM_CE).expect("a Date32 within chrono's range")
}

fn days(date: NaiveDate) -> i32 {
    date.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE
}

fn datetime_of(micros: i64) -> NaiveDateTime {
    DateTime::from_timestamp_micros(micros).expect("a timestamp within chrono's range").naive_utc()
}

fn micros(datetime: NaiveDateTime) -> i64 {
    datetime.and_utc().timestamp_micros()
}

/// A DATE column as dates.
fn dates(array: &ArrayRef) -> Vec<Option<NaiveDate>> {
    array.as_primitive::<Date32Type>().iter().map(|d| d.map(date_of)).collect()
}

/// A TIMESTAMP column (microseconds) as local date-times.
fn timestamps(array: &ArrayRef) -> Vec<Option<NaiveDateTime>> {
    array.as_primitive::<TimestampMicrosecondType>().iter().map(|t| t.map(datetime_of)).collect()
}

/// A DATE or TIMESTAMP[TZ] column as microseconds since the epoch (dates at midnight).
fn instants(array: &ArrayRef) -> Vec<Option<i64>> {
    match array.data_type() {
        DataType::Date32 => {
            array.as_primitive::<Date32Type>().iter().map(|d| d.map(|d| i64::from(d) * MICROS_PER_DAY)).collect()
        }
        _ => array.as_primitive::<TimestampMicrosecondType>().iter().collect(),
    }
}

fn last_day_of_month(date: NaiveDate) -> NaiveDate {
    let first = date.with_day(1).expect("every month has a first day");
    first.checked_add_months(Months::new(1)).and_then(|next| next.pred_opt()).unwrap_or(NaiveDate::MAX)
}

fn is_last_day_of_month(date: NaiveDate) -> bool {
    date == last_day_of_month(date)
}

/// `datetime` moved by `count` months, on the last day of the month when the day does not exist.
fn shift_months(datetime: NaiveDateTime, count: i64) -> Result<NaiveDateTime> {
    let months = u32::try_from(count.unsigned_abs()).map_err(|_| out_of_range())?;
    let shifted = if count >= 0 {
        datetime.checked_add_months(Months::new(months))
    } else {
        datetime.checked_sub_months(Months::new(months))
    };
    shifted.ok_or_else(out_of_range)
}

/// ADD_MONTHS: the last day of a month stays the last day of the result's month.
fn add_months_keeping_month_end(datetime: NaiveDateTime, count: i64) -> Result<NaiveDateTime> {
    let shifted = shift_months(datetime, count)?;
    Ok(if is_last_day_of_month(datetime.date()) {
        last_day_of_month(shifted.date()).and_time(shifted.time())
    } else {
        shifted
    })
}

/// MONTHS_BETWEEN: whole months when both days of the month are equal or both are the last
/// day of their month; otherwise the difference in days and time over 31-day months.
fn months_between(a: NaiveDateTime, b: NaiveDateTime) -> f64 {
    let whole = (a.year() - b.year()) * 12 + a.month() as i32 - b.month() as i32;
    if a.day() == b.day() || (is_last_day_of_month(a.date()) && is_last_day_of_month(b.date())) {
        return f64::from(whole);
    }
    let time_difference = (a.time() - b.time()).num_microseconds().unwrap_or(0) as f64 / MICROS_PER_DAY as f64;
    f64::from(whole) + (f64::from(a.day() as i32 - b.day() as i32) + time_difference) / 31.0
}

/// NEXT_DAY's day names: a prefix of the name at least as long as Redshift's shortest
/// abbreviation (Su, M, Tu, W, Th, F, Sa), in any case.
fn weekday(name: &str) -> Result<Weekday> {
    const NAMES: [(&str, usize, Weekday); 7] = [
        ("sunday", 2, Weekday::Sun),
        ("monday", 1, Weekday::Mon),
        ("tuesday", 2, Weekday::Tue),
        ("wednesday", 1, Weekday::Wed),
        ("thursday", 2, Weekday::Thu),
        ("friday", 1, Weekday::Fri),
        ("saturday", 2, Weekday::Sat),
    ];
    let lower = name.trim().to_ascii_lowercase();
    NAMES
        .iter()
        .find(|(full, shortest, _)| lower.len() >= *shortest && full.starts_with(lower.as_str()))
        .map(|(_, _, day)| *day)
        .ok_or_else(|| err!(INVALID_PARAMETER_VALUE, "invalid day name \"{name}\" for NEXT_DAY").into_datafusion())
}

/// The first `day` after `date` (a week later when `date` is one).
fn next_day(date: NaiveDate, day: Weekday) -> NaiveDate {
    let ahead = (7 + day.num_days_from_monday() - date.weekday().num_days_from_monday()) % 7;
    date + TimeDelta::days(if ahead == 0 { 7 } else { i64::from(ahead) })
}

/// DATEADD's datepart as either a number of months or of microseconds.
enum Step {
    Months(i64),
    Micros(i64),
}

fn step(part: &str, count: i64) -> Result<Step> {
    let (unit, multiple) = date_part(part).map_err(|e| e.into_datafusion())?;
    let count = count.checked_mul(multiple).ok_or_else(out_of_range)?;
    let scaled = |per_unit: i64| count.checked_mul(per_unit).ok_or_else(out_of_range);
    Ok(match unit {
        "year" => Step::Months(scaled(12)?),
        "month" => Step::Months(count),
        "day" => Step::Micros(scaled(MICROS_PER_DAY)?),
        "hour" => Step::Micros(scaled(3_600_000_000)?),
        "minute" => Step::Micros(scaled(60_000_000)?),
        "second" => Step::Micros(scaled(1_000_000)?),
        "millisecond" => Step::Micros(scaled(1_000)?),
        _ => Step::Micros(count),
    })
}

fn add_step(datetime: NaiveDateTime, step: &Step) -> Result<NaiveDateTime> {
    match *step {
        Step::Months(months) => shift_months(datetime, months),
        Step::Micros(micros) => datetime.checked_add_signed(TimeDelta::microseconds(micros)).ok_or_else(out_of_range),
    }
}

/// DATEADD over columns: dates and timestamps move by calendar months (the day kept, or the
/// month's last day when it does not exist) or by exact time; times wrap around midnight.
fn dateadd(arrays: &[ArrayRef]) -> Result<ArrayRef> {
    let parts = arrays[0].as_string::<i32>();
    let counts = arrays[1].as_primitive::<Int64Type>();
    let steps = parts.iter().zip(counts.iter()).map(|(part, count)| match (part, count) {
        (Some(part), Some(count)) => step(part, count).map(Some),
        _ => Ok(None),
    });
    let value = &arrays[2];
    Ok(match value.data_type() {
        DataType::Time64(_) => {
            let times = value.as_primitive::<Time64MicrosecondType>();
            let mut result = Vec::with_capacity(times.len());
            for (time, step) in times.iter().zip(steps) {
                result.push(match (time, step?) {
                    (Some(time), Some(Step::Micros(micros))) => {
                        Some((i128::from(time) + i128::from(micros)).rem_euclid(i128::from(MICROS_PER_DAY)) as i64)
                    }
                    (Some(_), Some(Step::Months(_))) => {
                        return Err(err!(INVALID_PARAMETER_VALUE, "DATEADD of a month or year to a TIME is not valid")
                            .into_datafusion())
                    }
                    _ => None,
                });
            }
            Arc::new(Time64MicrosecondArray::from(result))
        }
        data_type => {
            let instants = instants(value);
            let mut result = Vec::with_capacity(instants.len());
            for (instant, step) in instants.into_iter().zip(steps) {
                result.push(match (instant, step?) {
                    (Some(instant), Some(step)) => Some(micros(add_step(datetime_of(instant), &step)?)),
                    _ => None,
                });
            }
            let zone = match data_type {
                DataType::Timestamp(_, zone) => zone.clone(),
                _ => None,
            };
            Arc::new(TimestampMicrosecondArray::from(result).with_timezone_opt(zone))
        }
    })
}

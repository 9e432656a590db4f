//! Text read by COPY becomes a table's values, with Redshift's rules: an empty field is NULL for
//! every type but CHAR/VARCHAR (EMPTYASNULL and BLANKSASNULL extend that to them), lengths are in
//! bytes (TRUNCATECOLUMNS cuts instead of refusing), dates and times in DATEFORMAT/TIMEFORMAT or
//! any form SQL reads, invalid UTF-8 refused or replaced (ACCEPTINVCHARS).
//!
//! Whole columns convert at once; a value that does not convert rejects its row (a [`Reject`])
//! rather than the piece, so MAXERROR can let a load go on.

use super::delimited::{trim_line, TextColumn, TextRows};
use super::{Reject, RejectKind};
use crate::err;
use crate::error::Result;
use crate::types::SqlType;
use chrono::Datelike;
use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::array::{
    new_null_array, Array, ArrayRef, BooleanArray, Date32Array, Decimal128Array, StringArray,
};
use datafusion::arrow::buffer::{Buffer, NullBuffer, OffsetBuffer, ScalarBuffer};
use datafusion::arrow::compute::{cast_with_options, CastOptions};
use datafusion::arrow::datatypes::ArrowNativeType;
use datafusion::arrow::datatypes::{DataType, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use std::sync::Arc;

/// A column of the target table, as loading needs it.
#[derive(Debug, Clone)]
pub struct TargetColumn {
    pub name: String,
    pub sql_type: SqlType,
    /// NOT NULL and no identity to fill it.
    pub required: bool,
}

/// How a date or time value is written in the files.
#[derive(Debug, Clone, PartialEq)]
pub enum TimeFormat {
    /// Whatever SQL reads (`'auto'`, or no DATEFORMAT/TIMEFORMAT).
    Auto,
    /// A Redshift pattern (`'MM/DD/YYYY'`), as a chrono format.
    Pattern(String),
    EpochSeconds,
    EpochMillis,
}

impl TimeFormat {
    /// A DATEFORMAT or TIMEFORMAT string.
    pub fn parse(text: Option<&str>, time: bool) -> Result<TimeFormat> {
        let Some(text) = text else { return Ok(TimeFormat::Auto) };
        Ok(match text.to_ascii_lowercase().as_str() {
            "auto" => TimeFormat::Auto,
            "epochsecs" if time => TimeFormat::EpochSeconds,
            "epochmillisecs" if time => TimeFormat::EpochMillis,
            _ => TimeFormat::Pattern(chrono_pattern(text)?),
        })
    }
}

/// Redshift's datetime format elements as chrono's.
fn chrono_pattern(text: &str) -> Result<String> {
    const ELEMENTS: &[(&str, &str)] = &[
        ("YYYY", "%Y"),
        ("HH24", "%H"),
        ("HH12", "%I"),
        ("MONTH", "%B"),
        ("MON", "%b"),
        ("YY", "%y"),
        ("MM", "%m"),
        ("DD", "%d"),
        ("HH", "%H"),
        ("MI", "%M"),
        ("SS", "%S"),
        ("AM", "%p"),
        ("PM", "%p"),
        ("US", "%6f"),
    ];
    let mut out = String::new();
    let mut rest = text;
    'outer: while !rest.is_empty() {
        for (element, chrono) in ELEMENTS {
            if rest.len() >= element.len() && rest[..element.len()].eq_ignore_ascii_case(element) {
                out.push_str(chrono);
                rest = &rest[element.len()..];
                continue 'outer;
            }
        }
        let c = rest.chars().next().expect("not empty");
        if c.is_ascii_alphabetic() {
            return Err(err!(INVALID_PARAMETER_VALUE, "unsupported element in date/time format \"{text}\""));
        }
        if c == '%' {
            out.push('%');
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    Ok(out)
}

/// The value rules of one COPY.
#[derive(Debug, Clone)]
pub struct ValueRules {
    pub empty_as_null: bool,
    pub blanks_as_null: bool,
    pub truncate_columns: bool,
    /// TRIMBLANKS: trailing blanks of VARCHAR values are dropped.
    pub trim_blanks: bool,
    /// ACCEPTINVCHARS: invalid UTF-8 becomes this character instead of rejecting the row.
    pub replace_invalid: Option<char>,
    pub date_format: TimeFormat,
    pub time_format: TimeFormat,
    /// Local times are in this zone.
    pub zone: Tz,
}

impl ValueRules {
    /// Redshift's defaults: no EMPTYASNULL/BLANKSASNULL/TRUNCATECOLUMNS, any date and time form.
    pub fn new(zone: Tz) -> ValueRules {
        ValueRules {
            empty_as_null: false,
            blanks_as_null: false,
            truncate_columns: false,
            trim_blanks: false,
            replace_invalid: None,
            date_format: TimeFormat::Auto,
            time_format: TimeFormat::Auto,
            zone,
        }
    }
}

/// A piece's rows as a batch of the table (`schema`); `listed[i]` is the table column the i-th
/// text column fills, the others are NULL. Rows that do not convert are left out and returned
/// as rejects (with those the tokenizer found).
pub fn text_to_batch(
    mut rows: TextRows,
    raw: &[u8],
    table: &[TargetColumn],
    listed: &[usize],
    rules: &ValueRules,
    schema: &SchemaRef,
) -> Result<(RecordBatch, Vec<Reject>)> {
    let count = rows.len();
    let mut rejected = vec![false; count];
    let mut rejects = std::mem::take(&mut rows.rejects);
    let mut arrays: Vec<Option<ArrayRef>> = vec![None; table.len()];
    let texts = std::mem::take(&mut rows.columns);
    for (text, &column) in texts.into_iter().zip(listed) {
        let target = &table[column];
        let mut refuse = |row: usize, kind: RejectKind, value: &str, detail: String| {
            if !rejected[row] {
                rejected[row] = true;
                let (start, end) = rows.spans[row];
                let raw_line = String::from_utf8_lossy(trim_line(&raw[start as usize..end as usize])).into_owned();
                rejects.push(
                    Reject::new(kind, rows.lines[row], Some(column), raw_line, value.to_string()).with_detail(detail),
                );
            }
        };
        let strings = utf8_column(text, rules.replace_invalid, &mut refuse);
        let strings = apply_null_rules(&strings, &target.sql_type, rules);
        let values = convert_column(&strings, target, rules, &mut refuse)?;
        if target.required && values.null_count() > 0 {
            for row in (0..count).filter(|r| values.is_null(*r)) {
                refuse(row, RejectKind::NotNull, "", format!("column \"{}\"", target.name));
            }
        }
        arrays[column] = Some(values);
    }
    let keep = BooleanArray::from(rejected.iter().map(|r| !r).collect::<Vec<bool>>());
    let any_rejected = rejected.iter().any(|r| *r);
    let columns = arrays
        .into_iter()
        .zip(schema.fields())
        .map(|(array, field)| {
            let array = array.unwrap_or_else(|| new_null_array(field.data_type(), count));
            if any_rejected {
                Ok(datafusion::arrow::compute::filter(&array, &keep)?)
            } else {
                Ok(array)
            }
        })
        .collect::<Result<Vec<_>>>()?;
    let options = datafusion::arrow::record_batch::RecordBatchOptions::new()
        .with_row_count(Some(count - rejected.iter().filter(|r| **r).count()));
    rejects.sort_by_key(|r| r.line);
    Ok((RecordBatch::try_new_with_options(Arc::clone(schema), columns, &options)?, rejects))
}

/// The column's bytes as a string array; rows with invalid UTF-8 are rejected (NULL here) or
/// repaired.
fn utf8_column(
    text: TextColumn,
    replace: Option<char>,
    refuse: &mut impl FnMut(usize, RejectKind, &str, String),
) -> StringArray {
    let rows = text.len();
    let nulls = NullBuffer::from(text.valid.clone());
    if text.bytes.is_ascii() {
        let offsets = OffsetBuffer::new(ScalarBuffer::from(text.offsets));
        // SAFETY: ASCII is UTF-8, and every offset of ASCII text is a character boundary.
        return unsafe { StringArray::new_unchecked(offsets, Buffer::from_vec(text.bytes), Some(nulls)) };
    }
    let offsets = OffsetBuffer::new(ScalarBuffer::from(text.offsets.clone()));
    if let Ok(strings) = StringArray::try_new(offsets, Buffer::from_vec(text.bytes.clone()), Some(nulls)) {
        return strings;
    }
    (0..rows)
        .map(|row| {
            let bytes = text.value(row)?;
            match std::str::from_utf8(bytes) {
                Ok(s) => Some(s.to_string()),
                Err(_) => match replace {
                    Some(c) => Some(String::from_utf8_lossy(bytes).replace('\u{FFFD}', &c.to_string())),
                    None => {
                        refuse(row, RejectKind::InvalidUtf8, &String::from_utf8_lossy(bytes), String::new());
                        None
                    }
                },
            }
        })
        .collect()
}

/// Empty fields are NULL except in CHAR/VARCHAR columns, where EMPTYASNULL and BLANKSASNULL
/// decide.
fn apply_null_rules(strings: &StringArray, sql_type: &SqlType, rules: &ValueRules) -> StringArray {
    let text_type = matches!(sql_type, SqlType::Char(_) | SqlType::Varchar(_));
    let blank = |v: &str| v.is_empty() || (has_outer_space(v) && v.trim().is_empty());
    let is_null = |v: &str| {
        if text_type {
            (rules.empty_as_null && v.is_empty()) || (rules.blanks_as_null && blank(v))
        } else {
            blank(v)
        }
    };
    if !strings.iter().flatten().any(is_null) {
        return strings.clone();
    }
    strings.iter().map(|v| v.filter(|v| !is_null(v))).collect()
}

/// Starts or ends with white space (most values do not: checked before trimming).
fn has_outer_space(v: &str) -> bool {
    let bytes = v.as_bytes();
    bytes.first().is_some_and(|b| b.is_ascii_whitespace()) || bytes.last().is_some_and(|b| b.is_ascii_whitespace())
}

fn convert_column(
    strings: &StringArray,
    target: &TargetColumn,
    rules: &ValueRules,
    refuse: &mut impl FnMut(usize, RejectKind, &str, String),
) -> Result<ArrayRef> {
    let data_type = target.sql_type.arrow_type();
    match &target.sql_type {
        SqlType::Char(_) | SqlType::Varchar(_) => Ok(Arc::new(fit_text(strings, target, rules, refuse))),
        SqlType::Date | SqlType::Timestamp | SqlType::TimestampTz => {
            let (format, kind) = match target.sql_type {
                SqlType::Date => (&rules.date_format, RejectKind::InvalidDate),
                _ => (&rules.time_format, RejectKind::InvalidTimestamp),
            };
            let simple = match (format, &target.sql_type) {
                (TimeFormat::Auto, SqlType::Date) => read_all(strings, simple_date)
                    .map(|days| Arc::new(Date32Array::new(days, strings.nulls().cloned())) as ArrayRef),
                _ => None,
            };
            let values = match (simple, format) {
                (Some(values), _) => values,
                (None, TimeFormat::Auto) => crate::sql::timezone::read_text_as(strings, &data_type, &rules.zone, true)
                    .expect("a date or time type")?,
                (None, other) => read_formatted(strings, other, &data_type, &rules.zone)?,
            };
            refuse_unconverted(strings, &values, kind, &format!("not a valid {}", target.sql_type), refuse);
            Ok(values)
        }
        _ => {
            let trimmed: StringArray;
            let strings = if strings.iter().flatten().any(has_outer_space) {
                trimmed = strings.iter().map(|v| v.map(str::trim)).collect();
                &trimmed
            } else {
                strings
            };
            if let SqlType::Decimal { precision, scale } = target.sql_type {
                if let Some(values) = read_all(strings, |v| simple_decimal(v, precision, scale)) {
                    return Ok(Arc::new(
                        Decimal128Array::new(values, strings.nulls().cloned())
                            .with_precision_and_scale(precision, scale as i8)?,
                    ));
                }
            }
            let safe = CastOptions { safe: true, ..Default::default() };
            let values = cast_with_options(strings, &data_type, &safe)?;
            let kind = if target.sql_type == SqlType::Boolean {
                RejectKind::InvalidBoolean
            } else {
                RejectKind::InvalidNumber
            };
            if values.null_count() > strings.null_count() {
                let strict = CastOptions { safe: false, ..Default::default() };
                for row in (0..strings.len()).filter(|r| strings.is_valid(*r) && values.is_null(*r)) {
                    let value = strings.value(row);
                    let one = StringArray::from(vec![value]);
                    let detail = match cast_with_options(&one, &data_type, &strict) {
                        Err(e) => e.to_string(),
                        Ok(_) => format!("not a valid {}", target.sql_type),
                    };
                    refuse(row, kind, value, detail);
                }
            }
            Ok(values)
        }
    }
}

/// Every value of a column read by `read` (NULLs read as 0), or `None` as soon as one is not in
/// the form it reads: the general conversion then decides for the whole column.
fn read_all<T: ArrowNativeType>(strings: &StringArray, read: impl Fn(&str) -> Option<T>) -> Option<ScalarBuffer<T>> {
    let mut values = Vec::with_capacity(strings.len());
    for text in strings.iter() {
        values.push(match text {
            Some(text) => read(text)?,
            None => T::default(),
        });
    }
    Some(values.into())
}

/// `YYYY-MM-DD`, the form nearly every file writes dates in, as days since 1970-01-01.
fn simple_date(text: &str) -> Option<i32> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let number =
        |digits: &[u8]| digits.iter().try_fold(0u32, |n, &d| d.is_ascii_digit().then(|| n * 10 + (d - b'0') as u32));
    let date = chrono::NaiveDate::from_ymd_opt(number(&b[..4])? as i32, number(&b[5..7])?, number(&b[8..])?)?;
    Some(date.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE)
}

/// Days from 0001-01-01 to 1970-01-01 (chrono's `num_days_from_ce` of the Unix epoch).
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// `[+-]digits[.digits]` with at most `scale` fractional digits and at most `precision` digits
/// in all, as a DECIMAL's unscaled value. Other forms (exponents, rounding) are arrow's cast's.
fn simple_decimal(text: &str, precision: u8, scale: u8) -> Option<i128> {
    let bytes = text.as_bytes();
    let (negative, digits) = match bytes.first()? {
        b'-' => (true, &bytes[1..]),
        b'+' => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    let (mut value, mut count, mut fraction) = (0i128, 0u32, None::<u32>);
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                if let Some(f) = fraction.as_mut() {
                    *f += 1;
                }
                value = value * 10 + (b - b'0') as i128;
                count += 1;
                if count > 38 {
                    return None;
                }
            }
            b'.' if fraction.is_none() => fraction = Some(0),
            _ => return None,
        }
    }
    let fraction = fraction.unwrap_or(0);
    if count == 0 || fraction > scale as u32 || count - fraction + scale as u32 > 38 {
        return None;
    }
    value *= 10i128.pow(scale as u32 - fraction);
    if value >= 10i128.pow(precision as u32) {
        return None;
    }
    Some(if negative { -value } else { value })
}

fn refuse_unconverted(
    strings: &StringArray,
    values: &ArrayRef,
    kind: RejectKind,
    detail: &str,
    refuse: &mut impl FnMut(usize, RejectKind, &str, String),
) {
    if values.null_count() > strings.null_count() {
        for row in (0..strings.len()).filter(|r| strings.is_valid(*r) && values.is_null(*r)) {
            refuse(row, kind, strings.value(row), detail.to_string());
        }
    }
}

/// CHAR/VARCHAR values within the column's length in bytes (cut at a character boundary with
/// TRUNCATECOLUMNS); CHAR takes single-byte characters only.
fn fit_text(
    strings: &StringArray,
    target: &TargetColumn,
    rules: &ValueRules,
    refuse: &mut impl FnMut(usize, RejectKind, &str, String),
) -> StringArray {
    let max = target.sql_type.max_bytes().map_or(usize::MAX, |m| m as usize);
    let is_char = matches!(target.sql_type, SqlType::Char(_));
    let trimmed: StringArray;
    let strings = if rules.trim_blanks && strings.iter().flatten().any(|v| v.ends_with(' ')) {
        trimmed = strings.iter().map(|v| v.map(|v| v.trim_end_matches(' '))).collect();
        &trimmed
    } else {
        strings
    };
    let fits = |v: &str| v.len() <= max && (v.is_ascii() || !is_char);
    if strings.iter().flatten().all(fits) {
        return strings.clone();
    }
    strings
        .iter()
        .enumerate()
        .map(|(row, v)| {
            let v = v?;
            if is_char && !v.is_ascii() {
                refuse(row, RejectKind::CharField, v, format!("column \"{}\"", target.name));
                return None;
            }
            if v.len() <= max {
                return Some(v.to_string());
            }
            if rules.truncate_columns {
                let mut cut = max;
                while !v.is_char_boundary(cut) {
                    cut -= 1;
                }
                return Some(v[..cut].to_string());
            }
            refuse(
                row,
                RejectKind::TooLong,
                v,
                format!("{} bytes into {} of column \"{}\"", v.len(), target.sql_type, target.name),
            );
            None
        })
        .collect()
}

/// Dates and times in an explicit format (unreadable ones NULL).
fn read_formatted(strings: &StringArray, format: &TimeFormat, data_type: &DataType, zone: &Tz) -> Result<ArrayRef> {
    use chrono::{NaiveDate, NaiveDateTime, TimeZone};
    let micros = |v: &str| -> Option<i64> {
        let v = v.trim();
        match format {
            TimeFormat::EpochSeconds => v.parse::<i64>().ok().and_then(|s| s.checked_mul(1_000_000)),
            TimeFormat::EpochMillis => v.parse::<i64>().ok().and_then(|s| s.checked_mul(1_000)),
            TimeFormat::Pattern(pattern) => {
                let local = NaiveDateTime::parse_from_str(v, pattern).ok().or_else(|| {
                    NaiveDate::parse_from_str(v, pattern).ok().map(|d| d.and_hms_opt(0, 0, 0).expect("midnight"))
                })?;
                match data_type {
                    DataType::Timestamp(_, Some(_)) => {
                        zone.from_local_datetime(&local).earliest().map(|t| t.timestamp_micros())
                    }
                    _ => Some(local.and_utc().timestamp_micros()),
                }
            }
            TimeFormat::Auto => None,
        }
    };
    let values: ArrayRef = match data_type {
        DataType::Date32 => Arc::new(datafusion::arrow::array::Date32Array::from(
            strings.iter().map(|v| v.and_then(micros).map(|m| m.div_euclid(86_400_000_000) as i32)).collect::<Vec<_>>(),
        )),
        DataType::Timestamp(_, zone_name) => Arc::new(
            datafusion::arrow::array::TimestampMicrosecondArray::from(
                strings.iter().map(|v| v.and_then(micros)).collect::<Vec<_>>(),
            )
            .with_timezone_opt(zone_name.clone()),
        ),
        other => return Err(err!(INTERNAL_ERROR, "not a date or time type: {other}")),
    };
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::delimited::Tokenizer;
    use crate::sql::copy::DelimitedFormat;
    use datafusion::arrow::datatypes::{Field, Schema};

    #[test]
    fn simple_forms_read_directly_others_are_left_to_the_cast() {
        assert_eq!(simple_decimal("12.5", 8, 2), Some(1250));
        assert_eq!(simple_decimal("-0.07", 8, 2), Some(-7));
        assert_eq!(simple_decimal("+3", 8, 2), Some(300));
        assert_eq!(simple_decimal(".5", 8, 2), Some(50));
        assert_eq!(simple_decimal("999999.99", 8, 2), Some(99_999_999));
        assert_eq!(simple_decimal("1000000", 8, 2), None, "too many digits");
        assert_eq!(simple_decimal("1.005", 8, 2), None, "rounding");
        assert_eq!(simple_decimal("1e3", 8, 2), None);
        assert_eq!(simple_decimal("", 8, 2), None);
        assert_eq!(simple_decimal("-", 8, 2), None);
        assert_eq!(simple_decimal("1.2.3", 8, 2), None);
        assert_eq!(simple_date("1970-01-02"), Some(1));
        assert_eq!(simple_date("2024-02-29"), Some(19_782));
        assert_eq!(simple_date("2023-02-29"), None);
        assert_eq!(simple_date("2024-1-01"), None);
    }

    #[test]
    fn rows_that_do_not_convert_are_rejected_one_by_one() {
        let table = vec![
            TargetColumn { name: "id".into(), sql_type: SqlType::Integer, required: true },
            TargetColumn { name: "name".into(), sql_type: SqlType::Varchar(3), required: false },
            TargetColumn { name: "day".into(), sql_type: SqlType::Date, required: false },
        ];
        let schema: SchemaRef = Arc::new(Schema::new(
            table.iter().map(|c| Field::new(&c.name, c.sql_type.arrow_type(), true)).collect::<Vec<_>>(),
        ));
        let format = DelimitedFormat::default();
        let data = b"1|abc|2024-01-02\nx|a|\n3|abcd|\n|a|\n5||01/02/2024\n";
        let (rows, _) = Tokenizer::new(format, 3, 0).read(data, true);
        let rules = ValueRules::new("UTC".parse().unwrap());
        let (batch, rejects) = text_to_batch(rows, data, &table, &[0, 1, 2], &rules, &schema).unwrap();
        assert_eq!(batch.num_rows(), 2);
        let found: Vec<(u64, RejectKind, &str)> =
            rejects.iter().map(|r| (r.line, r.kind, r.raw_value.as_str())).collect();
        assert_eq!(
            found,
            vec![(2, RejectKind::InvalidNumber, "x"), (3, RejectKind::TooLong, "abcd"), (4, RejectKind::NotNull, "")]
        );
        assert_eq!(
            batch.column(1).as_any().downcast_ref::<StringArray>().unwrap().value(1),
            "",
            "an empty VARCHAR stays empty"
        );
        assert!(!batch.column(2).is_null(1), "01/02/2024 is a date SQL reads");
        let patterned = ValueRules { date_format: TimeFormat::parse(Some("DD/MM/YYYY"), false).unwrap(), ..rules };
        let (rows, _) =
            Tokenizer::new(DelimitedFormat { delimiter: b',', ..Default::default() }, 1, 0).read(b"02/01/2024\n", true);
        let date_only = vec![table[2].clone()];
        let schema1: SchemaRef = Arc::new(Schema::new(vec![Field::new("day", DataType::Date32, true)]));
        let (batch, rejects) = text_to_batch(rows, b"02/01/2024\n", &date_only, &[0], &patterned, &schema1).unwrap();
        assert!(rejects.is_empty());
        assert_eq!(
            crate::sql::format::column_to_text(batch.column(0), &"UTC".parse().unwrap()).unwrap()[0].as_deref(),
            Some("2024-01-02")
        );
    }
}

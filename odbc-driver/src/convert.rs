//! Values between Arrow and the application's C buffers: result cells to SQL_C_* types (with
//! ODBC's truncation rules and chunked reads), and bound parameters to the client API's values.

use crate::text::{CharUnit, NTS};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use odbc_sys::{CDataType, Date, Numeric, Time, Timestamp};
use redwood_core::arrow::array::{Array, AsArray};
use redwood_core::arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type,
    Time64MicrosecondType, TimestampMicrosecondType,
};
use redwood_core::client::{ColumnKind, Value};
use redwood_core::{Error, Result};
use std::borrow::Cow;
use std::ffi::c_void;

/// SQL_C_* codes the driver reads and writes (numbers from sqlext.h; odbc-sys's enum is not
/// used for input, where a C caller may pass any number).
pub(crate) mod c_type {
    use super::CDataType;
    pub const CHAR: i16 = CDataType::Char as i16;
    pub const WCHAR: i16 = CDataType::WChar as i16;
    pub const BINARY: i16 = CDataType::Binary as i16;
    pub const BIT: i16 = CDataType::Bit as i16;
    pub const STINYINT: i16 = CDataType::STinyInt as i16;
    pub const UTINYINT: i16 = CDataType::UTinyInt as i16;
    /// SQL_C_TINYINT (ODBC 2, signed).
    pub const TINYINT: i16 = -6;
    pub const SSHORT: i16 = CDataType::SShort as i16;
    pub const USHORT: i16 = CDataType::UShort as i16;
    /// SQL_C_SHORT (ODBC 2, signed).
    pub const SHORT: i16 = 5;
    pub const SLONG: i16 = CDataType::SLong as i16;
    pub const ULONG: i16 = CDataType::ULong as i16;
    /// SQL_C_LONG (ODBC 2, signed).
    pub const LONG: i16 = 4;
    pub const SBIGINT: i16 = CDataType::SBigInt as i16;
    pub const UBIGINT: i16 = CDataType::UBigInt as i16;
    pub const FLOAT: i16 = CDataType::Float as i16;
    pub const DOUBLE: i16 = CDataType::Double as i16;
    pub const NUMERIC: i16 = CDataType::Numeric as i16;
    pub const DATE: i16 = CDataType::Date as i16;
    pub const TIME: i16 = CDataType::Time as i16;
    pub const TIMESTAMP: i16 = CDataType::TimeStamp as i16;
    pub const TYPE_DATE: i16 = CDataType::TypeDate as i16;
    pub const TYPE_TIME: i16 = CDataType::TypeTime as i16;
    pub const TYPE_TIMESTAMP: i16 = CDataType::TypeTimestamp as i16;
    pub const DEFAULT: i16 = CDataType::Default as i16;
}

/// The size of a fixed-length C type (`None` for character and binary ones, sized by the buffer).
pub(crate) fn fixed_size(c: i16) -> Option<usize> {
    use c_type::*;
    Some(match c {
        BIT | STINYINT | UTINYINT | TINYINT => 1,
        SSHORT | USHORT | SHORT => 2,
        SLONG | ULONG | LONG => 4,
        SBIGINT | UBIGINT => 8,
        FLOAT => 4,
        DOUBLE => 8,
        NUMERIC => std::mem::size_of::<Numeric>(),
        DATE | TYPE_DATE => std::mem::size_of::<Date>(),
        TIME | TYPE_TIME => std::mem::size_of::<Time>(),
        TIMESTAMP | TYPE_TIMESTAMP => std::mem::size_of::<Timestamp>(),
        _ => return None,
    })
}

/// Whether the driver converts to or from this C type.
pub(crate) fn known(c: i16) -> bool {
    fixed_size(c).is_some() || matches!(c, c_type::CHAR | c_type::WCHAR | c_type::BINARY | c_type::DEFAULT)
}

/// The C type SQL_C_DEFAULT means for a column of this kind.
pub(crate) fn default_c_type(kind: ColumnKind) -> i16 {
    use c_type::*;
    match kind {
        ColumnKind::Boolean => BIT,
        ColumnKind::Smallint => SSHORT,
        ColumnKind::Integer => SLONG,
        ColumnKind::Bigint => SBIGINT,
        ColumnKind::Real => FLOAT,
        ColumnKind::Double => DOUBLE,
        ColumnKind::Date => TYPE_DATE,
        ColumnKind::Time => TYPE_TIME,
        ColumnKind::Timestamp | ColumnKind::Timestamptz => TYPE_TIMESTAMP,
        ColumnKind::Bytea => BINARY,
        _ => CHAR,
    }
}

/// One value of a result, as the conversions see it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Decimal {
        unscaled: i128,
        scale: i8,
    },
    /// Days since 1970-01-01.
    Date(i32),
    /// Microseconds since midnight.
    Time(i64),
    /// Microseconds since 1970-01-01 00:00:00 (UTC for TIMESTAMPTZ).
    Timestamp(i64),
    Bytes(&'a [u8]),
    /// Anything else, in PostgreSQL's text form.
    Other,
}

/// Row `row` of `array`.
pub(crate) fn cell(array: &dyn Array, row: usize) -> Cell<'_> {
    if array.is_null(row) {
        return Cell::Null;
    }
    match array.data_type() {
        DataType::Boolean => Cell::Bool(array.as_boolean().value(row)),
        DataType::Int16 => Cell::Int(array.as_primitive::<Int16Type>().value(row) as i64),
        DataType::Int32 => Cell::Int(array.as_primitive::<Int32Type>().value(row) as i64),
        DataType::Int64 => Cell::Int(array.as_primitive::<Int64Type>().value(row)),
        DataType::Float32 => Cell::Float(array.as_primitive::<Float32Type>().value(row) as f64),
        DataType::Float64 => Cell::Float(array.as_primitive::<Float64Type>().value(row)),
        DataType::Decimal128(_, scale) => {
            Cell::Decimal { unscaled: array.as_primitive::<Decimal128Type>().value(row), scale: *scale }
        }
        DataType::Date32 => Cell::Date(array.as_primitive::<Date32Type>().value(row)),
        DataType::Time64(_) => Cell::Time(array.as_primitive::<Time64MicrosecondType>().value(row)),
        DataType::Timestamp(..) => Cell::Timestamp(array.as_primitive::<TimestampMicrosecondType>().value(row)),
        DataType::Binary => Cell::Bytes(array.as_binary::<i32>().value(row)),
        _ => Cell::Other,
    }
}

/// Where a value goes: an application buffer and its length/indicator.
#[derive(Clone, Copy)]
pub(crate) struct Target {
    pub c_type: i16,
    pub ptr: *mut c_void,
    /// Bytes in the buffer (character and binary types).
    pub buffer_len: isize,
    pub indicator: *mut isize,
}

/// What storing a value did besides storing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stored {
    Whole,
    /// Characters or bytes were left out (01004): more remain for the next SQLGetData.
    Truncated,
    /// Fractional digits or seconds were dropped (01S07).
    Fraction,
    /// SQLGetData was called again after the whole value was returned.
    NoData,
}

const NULL_DATA: isize = -1;

fn restricted(c: i16) -> Error {
    odbc_error!("07006", "the value cannot be converted to C type {c}")
}

fn out_of_range() -> Error {
    odbc_error!("22003", "numeric value out of range for the C type")
}

fn bad_character_value(text: &str) -> Error {
    odbc_error!("22018", "invalid character value for the conversion: \"{text}\"")
}

/// Stores `cell` (whose text form is `text` for [`Cell::Other`] and the numbers) into `target`.
/// `offset` counts the characters or bytes already returned by earlier SQLGetData calls of the
/// same value (always 0 for bound columns); `default_kind` resolves SQL_C_DEFAULT.
///
/// # Safety
/// The target's pointers are valid for its C type and buffer length.
pub(crate) unsafe fn store(
    cell: &Cell,
    text: Option<&str>,
    target: &Target,
    offset: &mut usize,
    default_kind: ColumnKind,
) -> Result<Stored> {
    let c = if target.c_type == c_type::DEFAULT { default_c_type(default_kind) } else { target.c_type };
    if *cell == Cell::Null {
        if target.indicator.is_null() {
            return Err(odbc_error!("22002", "a NULL value was fetched but no indicator variable was bound"));
        }
        if *offset > 0 {
            return Ok(Stored::NoData);
        }
        *offset = 1;
        // SAFETY: not null, so valid (the caller's guarantee).
        unsafe { target.indicator.write_unaligned(NULL_DATA) };
        return Ok(Stored::Whole);
    }
    match c {
        // SAFETY: the target's buffer is valid for its C type and length (the caller's guarantee).
        c_type::CHAR => unsafe { store_text::<u8>(&text_of(cell, text), target, offset) },
        // SAFETY: as above.
        c_type::WCHAR => unsafe { store_text::<u16>(&text_of(cell, text), target, offset) },
        c_type::BINARY => {
            let bytes: Cow<[u8]> = match cell {
                Cell::Bytes(b) => Cow::Borrowed(b),
                _ => Cow::Owned(text_of(cell, text).into_owned().into_bytes()),
            };
            // SAFETY: as above.
            unsafe {
                store_chunk(
                    &bytes,
                    target.ptr as *mut u8,
                    target.buffer_len.max(0) as usize,
                    false,
                    target.indicator,
                    offset,
                )
            }
        }
        _ => {
            if *offset > 0 {
                return Ok(Stored::NoData);
            }
            // SAFETY: as above.
            let stored = unsafe { store_fixed(cell, text, c, target.ptr) }?;
            *offset = 1;
            if !target.indicator.is_null() {
                // SAFETY: not null, so valid (the caller's guarantee).
                unsafe { target.indicator.write_unaligned(fixed_size(c).unwrap_or(0) as isize) };
            }
            Ok(stored)
        }
    }
}

/// The characters a value converts to: ODBC's forms for booleans (1/0) and binary (hex), PostgreSQL's text otherwise.
fn text_of<'a>(cell: &Cell<'a>, text: Option<&'a str>) -> Cow<'a, str> {
    match (cell, text) {
        (Cell::Bool(b), _) => Cow::Borrowed(if *b { "1" } else { "0" }),
        (Cell::Bytes(bytes), _) => Cow::Owned(bytes.iter().map(|b| format!("{b:02X}")).collect()),
        (_, Some(text)) => Cow::Borrowed(text),
        (Cell::Int(v), None) => Cow::Owned(v.to_string()),
        (Cell::Float(v), None) => Cow::Owned(v.to_string()),
        (Cell::Decimal { unscaled, scale }, None) => Cow::Owned(decimal_text(*unscaled, *scale)),
        _ => Cow::Borrowed(""),
    }
}

/// # Safety
/// As for [`store`].
unsafe fn store_text<C: CharUnit>(text: &str, target: &Target, offset: &mut usize) -> Result<Stored> {
    let units = C::encode(text);
    let capacity = target.buffer_len.max(0) as usize / C::SIZE;
    // SAFETY: `buffer_len` bytes are `capacity` units; the caller's guarantee covers the rest.
    unsafe { store_chunk(&units, target.ptr as *mut C, capacity, true, target.indicator, offset) }
}

/// Copies what remains of `units` after `offset` (as much as fits, NUL-terminated when
/// `terminate`), sets the indicator to the bytes that remained before the copy, advances `offset`.
///
/// # Safety
/// `buf` is null or valid for `capacity` units; `indicator` is null or valid for writing.
unsafe fn store_chunk<C: CharUnit>(
    units: &[C],
    buf: *mut C,
    capacity: usize,
    terminate: bool,
    indicator: *mut isize,
    offset: &mut usize,
) -> Result<Stored> {
    if *offset > 0 && *offset >= units.len() {
        return Ok(Stored::NoData);
    }
    let rest = &units[*offset..];
    // Pieces fill the buffer: a character may be split between two pieces, which the
    // application joins (ODBC's rule for SQLGetData in parts).
    let room = if terminate { capacity.saturating_sub(1) } else { capacity };
    let copied = rest.len().min(room);
    if !buf.is_null() {
        // SAFETY: `copied` <= `room` units, and with the NUL at most `capacity`, for which `buf`
        // is valid (the caller's guarantee); `units` is ours, so they do not overlap.
        unsafe {
            std::ptr::copy_nonoverlapping(rest.as_ptr(), buf, copied);
            if terminate && capacity > 0 {
                *buf.add(copied) = C::default();
            }
        }
    }
    if !indicator.is_null() {
        // SAFETY: not null, so valid (the caller's guarantee).
        unsafe { indicator.write_unaligned((rest.len() * C::SIZE) as isize) };
    }
    // An empty value counts as returned, so that the next call gives SQL_NO_DATA.
    *offset += copied.max(usize::from(rest.is_empty()));
    Ok(if copied < rest.len() { Stored::Truncated } else { Stored::Whole })
}

/// A number as an integer: (value, fractional digits dropped).
fn integer_of(cell: &Cell, text: Option<&str>, c: i16) -> Result<(i128, bool)> {
    Ok(match cell {
        Cell::Bool(b) => (i128::from(*b), false),
        Cell::Int(v) => (*v as i128, false),
        Cell::Float(v) if v.is_finite() && v.abs() < 1e38 => (v.trunc() as i128, v.fract() != 0.0),
        Cell::Float(_) => return Err(out_of_range()),
        Cell::Decimal { unscaled, scale } => {
            let factor = 10i128.pow(*scale as u32);
            (unscaled / factor, unscaled % factor != 0)
        }
        Cell::Other | Cell::Bytes(_) => {
            let text = text.unwrap_or("").trim();
            match parse_decimal(text) {
                Some((unscaled, scale)) => integer_of(&Cell::Decimal { unscaled, scale }, None, c)?,
                None => return Err(bad_character_value(text)),
            }
        }
        _ => return Err(restricted(c)),
    })
}

fn float_of(cell: &Cell, text: Option<&str>, c: i16) -> Result<f64> {
    Ok(match cell {
        Cell::Bool(b) => f64::from(u8::from(*b)),
        Cell::Int(v) => *v as f64,
        Cell::Float(v) => *v,
        Cell::Decimal { unscaled, scale } => decimal_text(*unscaled, *scale).parse().unwrap_or(f64::NAN),
        Cell::Other | Cell::Bytes(_) => {
            let text = text.unwrap_or("").trim();
            text.parse().map_err(|_| bad_character_value(text))?
        }
        _ => return Err(restricted(c)),
    })
}

/// A decimal's text: `unscaled` with `scale` fractional digits.
pub(crate) fn decimal_text(unscaled: i128, scale: i8) -> String {
    if scale <= 0 {
        return (unscaled * 10i128.pow((-scale) as u32)).to_string();
    }
    let digits = unscaled.unsigned_abs().to_string();
    let scale = scale as usize;
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (whole, fraction) = padded.split_at(padded.len() - scale);
    format!("{}{whole}.{fraction}", if unscaled < 0 { "-" } else { "" })
}

/// `-12.50` as (-1250, 2); `1e3` is not accepted (ODBC's character-to-numeric conversions take
/// plain decimal literals, and exponent forms go through floats).
pub(crate) fn parse_decimal(text: &str) -> Option<(i128, i8)> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
    if whole.is_empty() && fraction.is_empty() || !whole.chars().chain(fraction.chars()).all(|c| c.is_ascii_digit()) {
        return match text.parse::<f64>() {
            Ok(v) if v.is_finite() => parse_decimal(&format!("{v}")),
            _ => None,
        };
    }
    let unscaled: i128 = format!("{whole}{fraction}").trim_start_matches('0').parse().unwrap_or(0);
    let scale = i8::try_from(fraction.len()).ok()?;
    Some((if negative { -unscaled } else { unscaled }, scale))
}

/// # Safety
/// `ptr` is valid for writing the C type `c`'s value.
unsafe fn store_fixed(cell: &Cell, text: Option<&str>, c: i16, ptr: *mut c_void) -> Result<Stored> {
    use c_type::*;
    /// Writes the value of C type `c`, whose Rust type is `$t`.
    macro_rules! put {
        ($t:ty, $value:expr) => {{
            let value: $t = $value;
            // SAFETY: `ptr` is valid for a `$t` (the caller's guarantee for `c`).
            unsafe { (ptr as *mut $t).write_unaligned(value) }
        }};
    }
    macro_rules! integer {
        ($t:ty) => {{
            let (value, fraction) = integer_of(cell, text, c)?;
            put!($t, <$t>::try_from(value).map_err(|_| out_of_range())?);
            fraction
        }};
    }
    let fraction = match c {
        BIT => {
            let (value, fraction) = integer_of(cell, text, c)?;
            if !(0..=1).contains(&value) {
                return Err(out_of_range());
            }
            put!(u8, value as u8);
            fraction
        }
        STINYINT | TINYINT => integer!(i8),
        UTINYINT => integer!(u8),
        SSHORT | SHORT => integer!(i16),
        USHORT => integer!(u16),
        SLONG | LONG => integer!(i32),
        ULONG => integer!(u32),
        SBIGINT => integer!(i64),
        UBIGINT => integer!(u64),
        FLOAT => {
            let value = float_of(cell, text, c)?;
            if value.is_finite() && value.abs() > f32::MAX as f64 {
                return Err(out_of_range());
            }
            put!(f32, value as f32);
            false
        }
        DOUBLE => {
            put!(f64, float_of(cell, text, c)?);
            false
        }
        NUMERIC => {
            let (unscaled, scale) = match cell {
                Cell::Decimal { unscaled, scale } => (*unscaled, *scale),
                Cell::Int(v) => (*v as i128, 0),
                Cell::Bool(b) => (i128::from(*b), 0),
                Cell::Float(v) => parse_decimal(&v.to_string()).ok_or_else(out_of_range)?,
                Cell::Other | Cell::Bytes(_) => {
                    let text = text.unwrap_or("").trim();
                    parse_decimal(text).ok_or_else(|| bad_character_value(text))?
                }
                _ => return Err(restricted(c)),
            };
            let digits = unscaled.unsigned_abs().to_string().len();
            let mut numeric =
                Numeric { precision: digits.clamp(1, 38) as u8, scale, sign: u8::from(unscaled >= 0), val: [0; 16] };
            numeric.val = unscaled.unsigned_abs().to_le_bytes();
            put!(Numeric, numeric);
            false
        }
        DATE | TYPE_DATE => {
            let (moment, time_dropped) = match timestamp_of(cell, text, c)? {
                Moment::Date(d) => (d.and_time(NaiveTime::MIN), false),
                Moment::Timestamp(t) => (t, t.time() != NaiveTime::MIN),
                Moment::Time(_) => return Err(restricted(c)),
            };
            let d = moment.date();
            put!(Date, Date { year: year16(d)?, month: d.month() as u16, day: d.day() as u16 });
            time_dropped
        }
        TIME | TYPE_TIME => {
            let t = match timestamp_of(cell, text, c)? {
                Moment::Time(t) => t,
                Moment::Timestamp(t) => t.time(),
                Moment::Date(_) => return Err(restricted(c)),
            };
            put!(Time, Time { hour: t.hour() as u16, minute: t.minute() as u16, second: t.second() as u16 });
            t.nanosecond() != 0
        }
        TIMESTAMP | TYPE_TIMESTAMP => {
            let t = match timestamp_of(cell, text, c)? {
                Moment::Timestamp(t) => t,
                Moment::Date(d) => d.and_time(NaiveTime::MIN),
                Moment::Time(t) => chrono::Utc::now().date_naive().and_time(t),
            };
            put!(
                Timestamp,
                Timestamp {
                    year: year16(t.date())?,
                    month: t.month() as u16,
                    day: t.day() as u16,
                    hour: t.hour() as u16,
                    minute: t.minute() as u16,
                    second: t.second() as u16,
                    fraction: t.nanosecond(),
                }
            );
            false
        }
        other => return Err(odbc_error!("HY003", "invalid application buffer type {other}")),
    };
    Ok(if fraction { Stored::Fraction } else { Stored::Whole })
}

fn year16(date: NaiveDate) -> Result<i16> {
    i16::try_from(date.year()).map_err(|_| odbc_error!("22008", "year {} does not fit SQL_DATE_STRUCT", date.year()))
}

enum Moment {
    Date(NaiveDate),
    Time(NaiveTime),
    Timestamp(NaiveDateTime),
}

fn timestamp_of(cell: &Cell, text: Option<&str>, c: i16) -> Result<Moment> {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("the epoch").and_time(NaiveTime::MIN);
    Ok(match cell {
        Cell::Date(days) => Moment::Date((epoch + chrono::Duration::days(*days as i64)).date()),
        Cell::Timestamp(micros) => Moment::Timestamp(epoch + chrono::Duration::microseconds(*micros)),
        Cell::Time(micros) => Moment::Time(NaiveTime::MIN + chrono::Duration::microseconds(*micros)),
        Cell::Other => {
            let text = text.unwrap_or("").trim();
            if let Ok(t) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f") {
                Moment::Timestamp(t)
            } else if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Moment::Date(d)
            } else if let Ok(t) = NaiveTime::parse_from_str(text, "%H:%M:%S%.f") {
                Moment::Time(t)
            } else {
                return Err(odbc_error!("22018", "invalid date, time or timestamp: \"{text}\""));
            }
        }
        _ => return Err(restricted(c)),
    })
}

/// A bound parameter: where its value is and how to read it.
#[derive(Clone, Copy)]
pub(crate) struct ParamSource {
    pub c_type: i16,
    /// The SQL type the application declared (SQLBindParameter's ParameterType).
    pub sql_type: i16,
    pub ptr: *const c_void,
    pub buffer_len: isize,
    pub indicator: *const isize,
}

/// `SQL_DATA_AT_EXEC` and `SQL_LEN_DATA_AT_EXEC(n)`: the value comes later through SQLPutData.
pub(crate) fn is_data_at_exec(indicator: isize) -> bool {
    indicator == -2 || indicator <= -100
}

/// Reads a parameter's value (its indicator already checked not to be data-at-execution).
///
/// # Safety
/// The source's pointers are valid for its C type and lengths.
pub(crate) unsafe fn read_param(source: &ParamSource) -> Result<Value> {
    use c_type::*;
    // SAFETY: not null, so valid (the caller's guarantee).
    let indicator = if source.indicator.is_null() { NTS } else { unsafe { source.indicator.read_unaligned() } };
    if indicator == NULL_DATA || source.ptr.is_null() {
        return Ok(Value::Null);
    }
    let c = if source.c_type == DEFAULT { default_c_type_for_sql(source.sql_type) } else { source.c_type };
    macro_rules! read {
        ($t:ty) => {
            // SAFETY: `ptr` is valid for a `$t` (the caller's guarantee for the C type).
            unsafe { (source.ptr as *const $t).read_unaligned() }
        };
    }
    Ok(match c {
        CHAR | WCHAR | BINARY => {
            let bytes = match indicator {
                NTS if c == BINARY => source.buffer_len.max(0) as usize,
                // SAFETY: an SQL_NTS string ends with its NUL (the caller's guarantee).
                NTS => unsafe { terminated_len(source.ptr, c) },
                n if n < 0 => return Err(odbc_error!("HY090", "invalid length/indicator {n} for a parameter")),
                n => n as usize,
            };
            // SAFETY: the value's bytes, valid (the caller's guarantee) and counted above.
            let raw = unsafe { std::slice::from_raw_parts(source.ptr as *const u8, bytes) };
            let text = match c {
                CHAR => String::from_utf8_lossy(raw).into_owned(),
                WCHAR => {
                    let units: Vec<u16> = raw.chunks_exact(2).map(|p| u16::from_ne_bytes([p[0], p[1]])).collect();
                    String::from_utf16_lossy(&units)
                }
                _ => format!("\\x{}", raw.iter().map(|b| format!("{b:02x}")).collect::<String>()),
            };
            if is_exact_numeric(source.sql_type) && c != BINARY {
                Value::Decimal(text.trim().to_string())
            } else {
                Value::Text(text)
            }
        }
        BIT => Value::Bool(read!(u8) != 0),
        STINYINT | TINYINT => Value::Int64(read!(i8) as i64),
        UTINYINT => Value::Int64(read!(u8) as i64),
        SSHORT | SHORT => Value::Int64(read!(i16) as i64),
        USHORT => Value::Int64(read!(u16) as i64),
        SLONG | LONG => Value::Int64(read!(i32) as i64),
        ULONG => Value::Int64(read!(u32) as i64),
        SBIGINT => Value::Int64(read!(i64)),
        UBIGINT => Value::Int64(i64::try_from(read!(u64)).map_err(|_| out_of_range())?),
        FLOAT => Value::Double(read!(f32) as f64),
        DOUBLE => Value::Double(read!(f64)),
        NUMERIC => {
            let n = read!(Numeric);
            let magnitude = i128::from_le_bytes(n.val);
            let unscaled = if n.sign == 0 { -magnitude } else { magnitude };
            Value::Decimal(decimal_text(unscaled, n.scale))
        }
        DATE | TYPE_DATE => {
            let d = read!(Date);
            let date = NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32)
                .ok_or_else(|| odbc_error!("22008", "invalid date {}-{}-{}", d.year, d.month, d.day))?;
            Value::Date((date - NaiveDate::from_ymd_opt(1970, 1, 1).expect("the epoch")).num_days() as i32)
        }
        TIME | TYPE_TIME => {
            let t = read!(Time);
            Value::Text(format!("{:02}:{:02}:{:02}", t.hour, t.minute, t.second))
        }
        TIMESTAMP | TYPE_TIMESTAMP => {
            let t = read!(Timestamp);
            let moment = NaiveDate::from_ymd_opt(t.year as i32, t.month as u32, t.day as u32)
                .and_then(|d| d.and_hms_nano_opt(t.hour as u32, t.minute as u32, t.second as u32, t.fraction))
                .ok_or_else(|| {
                    odbc_error!(
                        "22008",
                        "invalid timestamp {}-{}-{} {}:{}:{}",
                        t.year,
                        t.month,
                        t.day,
                        t.hour,
                        t.minute,
                        t.second
                    )
                })?;
            Value::Timestamp(moment.and_utc().timestamp_micros())
        }
        other => return Err(odbc_error!("HY003", "invalid application buffer type {other}")),
    })
}

/// The bytes of a NUL-terminated SQL_C_CHAR (one-byte NUL) or SQL_C_WCHAR (two-byte NUL) string.
///
/// # Safety
/// `ptr` points to a string of that type ending with its NUL.
pub(crate) unsafe fn terminated_len(ptr: *const c_void, c: i16) -> usize {
    match c {
        c_type::WCHAR => {
            let mut n = 0;
            // SAFETY: up to its NUL, the string is valid (the caller's guarantee).
            while unsafe { (ptr as *const u16).add(n).read_unaligned() } != 0 {
                n += 1;
            }
            n * 2
        }
        // SAFETY: as above.
        _ => unsafe { std::ffi::CStr::from_ptr(ptr as *const std::ffi::c_char) }.to_bytes().len(),
    }
}

/// SQL type codes (sql.h/sqlext.h) the parameter conversions look at.
pub(crate) mod sql_type {
    pub const NUMERIC: i16 = 2;
    pub const DECIMAL: i16 = 3;
    pub const INTEGER: i16 = 4;
    pub const SMALLINT: i16 = 5;
    pub const FLOAT: i16 = 6;
    pub const REAL: i16 = 7;
    pub const DOUBLE: i16 = 8;
    pub const DATE: i16 = 9;
    pub const TIME: i16 = 10;
    pub const TIMESTAMP: i16 = 11;
    pub const TYPE_DATE: i16 = 91;
    pub const TYPE_TIME: i16 = 92;
    pub const TYPE_TIMESTAMP: i16 = 93;
    pub const BINARY: i16 = -2;
    pub const VARBINARY: i16 = -3;
    pub const LONGVARBINARY: i16 = -4;
    pub const BIGINT: i16 = -5;
    pub const TINYINT: i16 = -6;
    pub const BIT: i16 = -7;
}

fn is_exact_numeric(sql: i16) -> bool {
    matches!(sql, sql_type::NUMERIC | sql_type::DECIMAL)
}

fn default_c_type_for_sql(sql: i16) -> i16 {
    use sql_type::*;
    match sql {
        BIT => c_type::BIT,
        TINYINT => c_type::STINYINT,
        SMALLINT => c_type::SSHORT,
        INTEGER => c_type::SLONG,
        BIGINT => c_type::SBIGINT,
        REAL => c_type::FLOAT,
        FLOAT | DOUBLE => c_type::DOUBLE,
        DATE | TYPE_DATE => c_type::TYPE_DATE,
        TIME | TYPE_TIME => c_type::TYPE_TIME,
        TIMESTAMP | TYPE_TIMESTAMP => c_type::TYPE_TIMESTAMP,
        BINARY | VARBINARY | LONGVARBINARY => c_type::BINARY,
        _ => c_type::CHAR,
    }
}

/// The type a parameter declares to the statement, from the SQL type the application bound it
/// as (`None`: the statement decides, as for text).
pub(crate) fn declared_type(sql: i16) -> Option<DataType> {
    use sql_type::*;
    Some(match sql {
        BIT => DataType::Boolean,
        TINYINT | SMALLINT | INTEGER | BIGINT => DataType::Int64,
        REAL | FLOAT | DOUBLE => DataType::Float64,
        DATE | TYPE_DATE => DataType::Date32,
        TIMESTAMP | TYPE_TIMESTAMP => DataType::Timestamp(redwood_core::arrow::datatypes::TimeUnit::Microsecond, None),
        _ => return None,
    })
}

#[cfg(test)]
#[allow(
    clippy::undocumented_unsafe_blocks,
    reason = "every pointer is to a local buffer of the length passed beside it"
)]
mod tests {
    use super::*;

    #[test]
    fn decimals() {
        assert_eq!(decimal_text(-1250, 2), "-12.50");
        assert_eq!(decimal_text(5, 3), "0.005");
        assert_eq!(decimal_text(7, 0), "7");
        assert_eq!(parse_decimal("-12.50"), Some((-1250, 2)));
        assert_eq!(parse_decimal("+.5"), Some((5, 1)));
        assert_eq!(parse_decimal("1e2"), Some((100, 0)));
        assert_eq!(parse_decimal("x"), None);
    }

    #[test]
    fn chunked_text_and_truncation() {
        let mut buf = [0u8; 4];
        let mut indicator = 0isize;
        let target = Target {
            c_type: c_type::CHAR,
            ptr: buf.as_mut_ptr() as *mut c_void,
            buffer_len: 4,
            indicator: &mut indicator,
        };
        let mut offset = 0;
        let cell = Cell::Other;
        let stored = unsafe { store(&cell, Some("abcdefg"), &target, &mut offset, ColumnKind::Text) }.unwrap();
        assert_eq!((stored, indicator, &buf), (Stored::Truncated, 7, b"abc\0"));
        let stored = unsafe { store(&cell, Some("abcdefg"), &target, &mut offset, ColumnKind::Text) }.unwrap();
        assert_eq!((stored, indicator, &buf), (Stored::Truncated, 4, b"def\0"));
        let stored = unsafe { store(&cell, Some("abcdefg"), &target, &mut offset, ColumnKind::Text) }.unwrap();
        assert_eq!((stored, indicator, &buf[..2]), (Stored::Whole, 1, &b"g\0"[..]));
        let stored = unsafe { store(&cell, Some("abcdefg"), &target, &mut offset, ColumnKind::Text) }.unwrap();
        assert_eq!(stored, Stored::NoData);
    }

    #[test]
    fn numbers_check_their_range() {
        let mut small = 0i16;
        let target = Target {
            c_type: c_type::SSHORT,
            ptr: &mut small as *mut i16 as *mut c_void,
            buffer_len: 0,
            indicator: std::ptr::null_mut(),
        };
        let mut offset = 0;
        assert_eq!(
            unsafe { store(&Cell::Int(70_000), None, &target, &mut offset, ColumnKind::Integer) }.unwrap_err().sqlstate,
            "22003"
        );
        offset = 0;
        assert_eq!(
            unsafe {
                store(&Cell::Decimal { unscaled: 1234, scale: 2 }, None, &target, &mut offset, ColumnKind::Decimal)
            }
            .unwrap(),
            Stored::Fraction
        );
        assert_eq!(small, 12);
        offset = 0;
        assert_eq!(
            unsafe { store(&Cell::Other, Some("x1"), &target, &mut offset, ColumnKind::Text) }.unwrap_err().sqlstate,
            "22018"
        );
    }
}

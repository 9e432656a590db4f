//! Dates and timestamps as PostgreSQL and Redshift read and print them.
//!
//! Input: `2024-01-31`, `2024/01/31`, `01/31/2024` (MDY), a time `12:30`, `12:30:45`,
//! `12:30:45.123456` after a blank or `T`, then an optional zone: `Z`, `+05`, `-05:30`, `+0530`,
//! `UTC`, `GMT` or a tz database name (`America/New_York`). The special values `epoch`, `now`,
//! `today`, `yesterday` and `tomorrow` too. A zone is ignored by DATE and TIMESTAMP (JDBC drivers
//! write `'2024-02-29 -05'`); a TIMESTAMPTZ without one is local time in the session's zone.
//! Forms outside this list go to Arrow's parser (RFC 3339 and its relatives).

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc};
use datafusion::arrow::array::timezone::Tz;

/// A date or timestamp as written: its local date and time and the zone it names, if any.
#[derive(Debug, Clone)]
pub struct Written {
    pub local: NaiveDateTime,
    pub zone: Option<Zone>,
}

#[derive(Debug, Clone)]
pub enum Zone {
    Fixed(FixedOffset),
    Named(Tz),
}

impl Written {
    /// The instant it names, reading a local time in `session` (the session's time zone).
    pub fn instant(&self, session: &Tz) -> Option<DateTime<Utc>> {
        let in_zone = |zone: &Tz| zone.from_local_datetime(&self.local).earliest().map(|t| t.with_timezone(&Utc));
        match &self.zone {
            Some(Zone::Fixed(offset)) => {
                offset.from_local_datetime(&self.local).single().map(|t| t.with_timezone(&Utc))
            }
            Some(Zone::Named(zone)) => in_zone(zone),
            None => in_zone(session),
        }
    }
}

/// Why text is not a date or timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    /// Not in one of the forms above (22007).
    Syntax,
    /// In a known form, with a field out of range, like 2024-02-30 or 25:00 (22008).
    OutOfRange,
}

/// Reads a date or timestamp.
pub fn parse(text: &str, session: &Tz) -> Result<Written, Unreadable> {
    let text = text.trim();
    if let Some(special) = special_value(text, session) {
        return Ok(special);
    }
    let (date, rest) = split_date(text)?;
    let rest = rest.trim_start_matches(['T', 't', ' ']);
    let (time, rest) = split_time(rest)?;
    let zone = match rest.trim() {
        "" => None,
        zone => Some(parse_zone(zone).ok_or(Unreadable::Syntax)?),
    };
    Ok(Written { local: date.and_time(time), zone })
}

fn special_value(text: &str, session: &Tz) -> Option<Written> {
    let today = || Utc::now().with_timezone(session).date_naive();
    let midnight = |date: NaiveDate| Written { local: date.and_time(NaiveTime::MIN), zone: None };
    Some(match text.to_ascii_lowercase().as_str() {
        "epoch" => Written { local: DateTime::UNIX_EPOCH.naive_utc(), zone: Some(Zone::Fixed(Utc.fix())) },
        "now" => Written { local: Utc::now().with_timezone(session).naive_local(), zone: None },
        "today" => midnight(today()),
        "yesterday" => midnight(today() - Duration::days(1)),
        "tomorrow" => midnight(today() + Duration::days(1)),
        _ => return None,
    })
}

/// The date at the start of `text` and what follows it.
fn split_date(text: &str) -> Result<(NaiveDate, &str), Unreadable> {
    let end = text.find([' ', 'T', 't']).unwrap_or(text.len());
    let (date, rest) = text.split_at(end);
    let numbers: Vec<u32> =
        date.split(['-', '/'])
            .map(|n| {
                if n.is_empty() || n.len() > 9 || !n.bytes().all(|b| b.is_ascii_digit()) {
                    None
                } else {
                    n.parse().ok()
                }
            })
            .collect::<Option<_>>()
            .ok_or(Unreadable::Syntax)?;
    let [a, b, c] = numbers.as_slice() else { return Err(Unreadable::Syntax) };
    let year_first = date.find(['-', '/']).is_some_and(|i| i >= 3);
    let (year, month, day) = if year_first { (a, b, c) } else { (c, a, b) };
    let year = i32::try_from(*year).map_err(|_| Unreadable::OutOfRange)?;
    let date = NaiveDate::from_ymd_opt(year, *month, *day).ok_or(Unreadable::OutOfRange)?;
    Ok((date, rest))
}

/// The time of day at the start of `text` (midnight if there is none) and what follows it.
fn split_time(text: &str) -> Result<(NaiveTime, &str), Unreadable> {
    let end = text.find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.')).unwrap_or(text.len());
    let (time, rest) = text.split_at(end);
    if time.is_empty() {
        return Ok((NaiveTime::MIN, rest));
    }
    let (clock, fraction) = time.split_once('.').unwrap_or((time, ""));
    let parts: Vec<u32> = clock.split(':').map(|p| p.parse().ok()).collect::<Option<_>>().ok_or(Unreadable::Syntax)?;
    let (hour, minute, second) = match parts.as_slice() {
        [h, m] => (*h, *m, 0),
        [h, m, s] => (*h, *m, *s),
        _ => return Err(Unreadable::Syntax),
    };
    if fraction.len() > 9 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Unreadable::Syntax);
    }
    let nanos =
        if fraction.is_empty() { 0 } else { format!("{fraction:0<9}").parse().map_err(|_| Unreadable::Syntax)? };
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos).ok_or(Unreadable::OutOfRange)?;
    Ok((time, rest))
}

fn parse_zone(zone: &str) -> Option<Zone> {
    if zone.eq_ignore_ascii_case("z") || zone.eq_ignore_ascii_case("utc") || zone.eq_ignore_ascii_case("gmt") {
        return Some(Zone::Fixed(Utc.fix()));
    }
    if let Some(digits) = zone.strip_prefix(['+', '-']) {
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let parts: Vec<&str> = if digits.contains(':') {
            digits.split(':').collect()
        } else if digits.len() == 4 {
            vec![&digits[..2], &digits[2..]]
        } else {
            vec![digits]
        };
        let numbers: Vec<i32> = parts.iter().map(|p| p.parse().ok()).collect::<Option<_>>()?;
        let seconds = match numbers.as_slice() {
            [h] => h * 3600,
            [h, m] => h * 3600 + m * 60,
            [h, m, s] => h * 3600 + m * 60 + s,
            _ => return None,
        };
        return FixedOffset::east_opt(sign * seconds).map(Zone::Fixed);
    }
    zone.parse::<Tz>().ok().map(Zone::Named)
}

/// `YYYY-MM-DD HH:MM:SS[.ffffff]`, trailing zeros of the fraction dropped; with a zone, the
/// local time there followed by its UTC offset (`+00`, `-05`, `+05:30`).
pub fn format_timestamp(micros: i64, zone: Option<&Tz>) -> String {
    let Some(instant) = DateTime::from_timestamp_micros(micros) else { return micros.to_string() };
    let (local, offset) = match zone {
        Some(zone) => {
            let local = instant.with_timezone(zone);
            (local.naive_local(), Some(local.offset().fix().local_minus_utc()))
        }
        None => (instant.naive_utc(), None),
    };
    let mut s = local.format("%Y-%m-%d %H:%M:%S").to_string();
    let fraction = micros.rem_euclid(1_000_000);
    if fraction != 0 {
        let digits = format!("{fraction:06}");
        s.push('.');
        s.push_str(digits.trim_end_matches('0'));
    }
    if let Some(offset) = offset {
        let (sign, abs) = if offset < 0 { ('-', -offset) } else { ('+', offset) };
        s.push_str(&format!("{sign}{:02}", abs / 3600));
        if abs % 3600 != 0 {
            s.push_str(&format!(":{:02}", abs % 3600 / 60));
        }
        if abs % 60 != 0 {
            s.push_str(&format!(":{:02}", abs % 60));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc() -> Tz {
        "UTC".parse().unwrap()
    }

    fn local(text: &str) -> String {
        parse(text, &utc()).unwrap().local.to_string()
    }

    #[test]
    fn dates_and_times_in_postgres_forms() {
        assert_eq!(local("2024-02-29"), "2024-02-29 00:00:00");
        assert_eq!(local("2024/02/29"), "2024-02-29 00:00:00");
        assert_eq!(local("02/29/2024"), "2024-02-29 00:00:00");
        assert_eq!(local("2024-02-29 12:30"), "2024-02-29 12:30:00");
        assert_eq!(local("2024-02-29T12:30:45.5"), "2024-02-29 12:30:45.500");
        assert_eq!(local("2024-02-29 -05"), "2024-02-29 00:00:00");
        assert_eq!(parse("2024-02-30", &utc()).unwrap_err(), Unreadable::OutOfRange);
        assert_eq!(parse("2024-01-31 25:00", &utc()).unwrap_err(), Unreadable::OutOfRange);
        assert_eq!(parse("yesterday-ish", &utc()).unwrap_err(), Unreadable::Syntax);
    }

    #[test]
    fn zones_name_the_instant() {
        let ny: Tz = "America/New_York".parse().unwrap();
        let instant = |text: &str| parse(text, &ny).unwrap().instant(&ny).unwrap().to_rfc3339();
        assert_eq!(instant("2024-01-31 12:00:00"), "2024-01-31T17:00:00+00:00");
        assert_eq!(instant("2024-07-01 12:00:00"), "2024-07-01T16:00:00+00:00");
        assert_eq!(instant("2024-01-31 12:00:00+02"), "2024-01-31T10:00:00+00:00");
        assert_eq!(instant("2024-01-31 12:00:00-05:30"), "2024-01-31T17:30:00+00:00");
        assert_eq!(instant("2024-01-31 12:00:00 UTC"), "2024-01-31T12:00:00+00:00");
        assert_eq!(instant("2024-01-31 12:00:00 Europe/Paris"), "2024-01-31T11:00:00+00:00");
        assert_eq!(instant("2024-01-31T12:00:00Z"), "2024-01-31T12:00:00+00:00");
    }

    #[test]
    fn timestamps_print_in_the_zone_with_its_offset() {
        let micros = 1_706_720_400_000_000; // 2024-01-31 17:00:00 UTC
        assert_eq!(format_timestamp(micros, None), "2024-01-31 17:00:00");
        assert_eq!(format_timestamp(micros, Some(&utc())), "2024-01-31 17:00:00+00");
        assert_eq!(
            format_timestamp(micros + 120_000, Some(&"America/New_York".parse().unwrap())),
            "2024-01-31 12:00:00.12-05"
        );
        assert_eq!(format_timestamp(micros, Some(&"Asia/Kolkata".parse().unwrap())), "2024-01-31 22:30:00+05:30");
    }
}

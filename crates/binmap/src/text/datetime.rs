//! numpy's `datetime64[unit]` and `timedelta64[unit]` as text, exactly as
//! numpy's `str()` prints them, and read back from the same text.
//!
//! A value is a signed 64-bit count of units since 1970-01-01T00:00 (for
//! datetimes); `i64::MIN` is `NaT`. Datetimes print in ISO 8601 to the
//! unit's precision (`2020-01-01` for `D`, `2020-01-01T12:30:00.000000000`
//! for `ns`, `2020-01` for `M`, `1970-01-22` for `W`: a week prints as the
//! day it starts), years zero-padded to four digits with numpy's sign rule
//! (`0005`, `-005`, `10000`). Timedeltas print as numpy does: `5 seconds`,
//! `-3 days`, `1 weeks`.
//!
//! Reading accepts the same text at the unit's precision or coarser
//! (`2020-01-01` for a `datetime64[ns]`); a finer part that the unit
//! cannot hold exactly (`...T00:00:00.5` for seconds) is an error, as is a
//! value outside 64 bits. A timedelta also reads from a plain integer count.
//!
//! ```
//! use binmap::text::datetime::{TimeUnit, format_datetime, parse_datetime, format_timedelta};
//! assert_eq!(format_datetime(1_577_836_800_000_000_000, TimeUnit::Ns), "2020-01-01T00:00:00.000000000");
//! assert_eq!(format_datetime(-1, TimeUnit::D), "1969-12-31");
//! assert_eq!(format_datetime(i64::MIN, TimeUnit::S), "NaT");
//! assert_eq!(parse_datetime("2020-01-01", TimeUnit::Ns), Ok(1_577_836_800_000_000_000));
//! assert!(parse_datetime("1970-01-01T00:00:00.5", TimeUnit::S).is_err());
//! assert_eq!(format_timedelta(5, TimeUnit::S), "5 seconds");
//! ```

/// numpy's time units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeUnit {
    Y,
    M,
    W,
    D,
    H,
    Min,
    S,
    Ms,
    Us,
    Ns,
    Ps,
    Fs,
    As,
}

/// `(unit, code, timedelta name, units per day, fraction digits)`; the
/// last two for the units of a day or less.
const UNITS: [(TimeUnit, &str, &str, i128, usize); 13] = [
    (TimeUnit::Y, "Y", "years", 0, 0),
    (TimeUnit::M, "M", "months", 0, 0),
    (TimeUnit::W, "W", "weeks", 0, 0),
    (TimeUnit::D, "D", "days", 1, 0),
    (TimeUnit::H, "h", "hours", 24, 0),
    (TimeUnit::Min, "m", "minutes", 1440, 0),
    (TimeUnit::S, "s", "seconds", 86_400, 0),
    (TimeUnit::Ms, "ms", "milliseconds", 86_400_000, 3),
    (TimeUnit::Us, "us", "microseconds", 86_400_000_000, 6),
    (TimeUnit::Ns, "ns", "nanoseconds", 86_400_000_000_000, 9),
    (TimeUnit::Ps, "ps", "picoseconds", 86_400_000_000_000_000, 12),
    (TimeUnit::Fs, "fs", "femtoseconds", 86_400_000_000_000_000_000, 15),
    (TimeUnit::As, "as", "attoseconds", 86_400_000_000_000_000_000_000, 18),
];

impl TimeUnit {
    fn row(self) -> &'static (TimeUnit, &'static str, &'static str, i128, usize) {
        &UNITS[self as usize]
    }

    /// numpy's code (`ns`, `D`, `m` for minutes).
    pub fn code(self) -> &'static str {
        self.row().1
    }

    /// The unit of numpy's code (`"us"`, `"D"`); `μs` is numpy's spelling too.
    pub fn from_code(code: &str) -> Option<TimeUnit> {
        let code = if code == "μs" { "us" } else { code };
        UNITS.iter().find(|u| u.1 == code).map(|u| u.0)
    }

    /// All units, coarsest first.
    pub fn all() -> impl Iterator<Item = TimeUnit> {
        UNITS.iter().map(|u| u.0)
    }
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian
/// (H. Hinnant's `civil_from_days`).
fn civil(days: i128) -> (i128, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i128::from(m <= 2), m, d)
}

/// (year, month, day) to days since 1970-01-01 (`days_from_civil`).
fn days_from_civil(y: i128, m: u32, d: u32) -> i128 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i128::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i128::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i128, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A datetime as numpy's `str(np.datetime64(v, unit))` prints it.
pub fn format_datetime(v: i64, unit: TimeUnit) -> String {
    use std::fmt::Write;
    if v == i64::MIN {
        return "NaT".into();
    }
    let v = i128::from(v);
    match unit {
        TimeUnit::Y => return format!("{:04}", 1970 + v),
        TimeUnit::M => return format!("{:04}-{:02}", 1970 + v.div_euclid(12), v.rem_euclid(12) + 1),
        _ => {}
    }
    let (per_day, digits) = (unit.row().3, unit.row().4);
    let (days, rest) = if unit == TimeUnit::W { (7 * v, 0) } else { (v.div_euclid(per_day), v.rem_euclid(per_day)) };
    let (y, m, d) = civil(days);
    let mut out = format!("{y:04}-{m:02}-{d:02}");
    if matches!(unit, TimeUnit::W | TimeUnit::D) {
        return out;
    }
    // Units per second (1 for h and m: they print fewer fields).
    let per_sec = per_day / 86_400;
    let (secs, frac) = if per_sec == 0 { (rest * 86_400 / per_day, 0) } else { (rest / per_sec, rest % per_sec) };
    let _ = write!(out, "T{:02}", secs / 3600);
    if unit != TimeUnit::H {
        let _ = write!(out, ":{:02}", secs / 60 % 60);
    }
    if !matches!(unit, TimeUnit::H | TimeUnit::Min) {
        let _ = write!(out, ":{:02}", secs % 60);
    }
    if digits > 0 {
        let _ = write!(out, ".{frac:0digits$}");
    }
    out
}

/// A timedelta as numpy's `str(np.timedelta64(v, unit))` prints it.
pub fn format_timedelta(v: i64, unit: TimeUnit) -> String {
    if v == i64::MIN { "NaT".into() } else { format!("{v} {}", unit.row().2) }
}

fn num(s: &str, what: &str) -> Result<i128, String> {
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) || s.len() > 30 {
        return Err(format!("bad {what} '{s}'"));
    }
    s.parse().map_err(|_| format!("bad {what} '{s}'"))
}

/// Read a datetime (`NaT`, or ISO 8601 as [`format_datetime`] writes it,
/// at the unit's precision or coarser); errors are short reasons.
pub fn parse_datetime(text: &str, unit: TimeUnit) -> Result<i64, String> {
    let t = text.trim();
    if t == "NaT" {
        return Ok(i64::MIN);
    }
    let bad = |why: String| format!("'{t}' is not a datetime64[{}]: {why}", unit.code());
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (date, time) = match body.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (body, None),
    };
    let mut parts = date.split('-');
    let year = num(parts.next().unwrap_or(""), "year").map_err(bad)?;
    let year = if neg { -year } else { year };
    let month = parts.next().map(|m| num(m, "month")).transpose().map_err(bad)?;
    let day = parts.next().map(|d| num(d, "day")).transpose().map_err(bad)?;
    if parts.next().is_some() {
        return Err(bad("too many '-'".into()));
    }
    let month = match month {
        Some(m) if !(1..=12).contains(&m) => return Err(bad(format!("month {m}"))),
        m => m.map(|m| m as u32),
    };
    if let (Some(d), Some(m)) = (day, month)
        && !(1..=i128::from(days_in_month(year, m))).contains(&d)
    {
        return Err(bad(format!("day {d}")));
    }
    // The value in attoseconds since the epoch, and which fields were given.
    let months = (year - 1970) * 12 + i128::from(month.unwrap_or(1)) - 1;
    let days = days_from_civil(year, month.unwrap_or(1), day.map_or(1, |d| d as u32));
    let mut atto_of_day = 0i128;
    if let Some(time) = time {
        if day.is_none() {
            return Err(bad("a time needs a full date".into()));
        }
        let (hms, frac) = match time.split_once('.') {
            Some((a, f)) => (a, Some(f)),
            None => (time, None),
        };
        let fields: Vec<&str> = hms.split(':').collect();
        let limits = [24, 60, 60];
        let mut secs = 0i128;
        for (k, f) in fields.iter().enumerate() {
            let v = num(f, "time").map_err(bad)?;
            if k >= 3 || v >= limits[k] {
                return Err(bad(format!("time field '{f}'")));
            }
            secs += v * [3600, 60, 1][k];
        }
        atto_of_day = secs * 1_000_000_000_000_000_000;
        if let Some(f) = frac {
            if fields.len() != 3 || f.len() > 18 {
                return Err(bad("a fraction needs seconds, and at most 18 digits".into()));
            }
            atto_of_day += num(f, "fraction").map_err(bad)? * 10i128.pow(18 - f.len() as u32);
        }
    }
    let value = match unit {
        TimeUnit::Y if month.is_none() => Some(year - 1970),
        TimeUnit::M if day.is_none() => Some(months),
        TimeUnit::Y | TimeUnit::M => None,
        TimeUnit::W => (atto_of_day == 0 && days.rem_euclid(7) == 0).then_some(days / 7),
        _ => {
            let per_day = unit.row().3;
            let atto_per_unit = 86_400_000_000_000_000_000_000 / per_day;
            (atto_of_day % atto_per_unit == 0).then(|| days * per_day + atto_of_day / atto_per_unit)
        }
    };
    let Some(value) = value else {
        return Err(bad(format!("it is not a whole number of {}", unit.row().2)));
    };
    i64::try_from(value)
        .ok()
        .filter(|v| *v != i64::MIN)
        .ok_or_else(|| bad("out of the 64-bit range of this unit".into()))
}

/// Read a timedelta: `NaT`, `5 seconds` (the unit's own name), or a count.
pub fn parse_timedelta(text: &str, unit: TimeUnit) -> Result<i64, String> {
    let t = text.trim();
    if t == "NaT" {
        return Ok(i64::MIN);
    }
    let count = match t.split_once(' ') {
        Some((n, name)) if name.trim() == unit.row().2 => n,
        Some(_) => return Err(format!("'{t}' is not a timedelta64[{}]: expected '<n> {}'", unit.code(), unit.row().2)),
        None => t,
    };
    count
        .parse::<i64>()
        .ok()
        .filter(|v| *v != i64::MIN)
        .ok_or_else(|| format!("'{t}' is not a timedelta64[{}] count", unit.code()))
}

//! Dates as people and agents write them in a library filter (`--since`, `--until`, the
//! MCP `search` tool): a day (`2026-12-05`, the whole day in UTC) or an instant (RFC 3339,
//! `2026-12-05T14:30:00Z`), turned into the milliseconds the filter compares.

use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, Time};

/// Which end of a range a date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Created at or after: a day starts at its midnight.
    Since,
    /// Created before: a day counts whole, so it ends at the next midnight.
    Until,
}

/// Milliseconds since the epoch for `text` at `side`, or what is wrong with it.
pub fn bound(text: &str, side: Side) -> Result<i64, String> {
    let text = text.trim();
    if let Ok(instant) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(millis(instant));
    }
    let day = parse_day(text).ok_or_else(|| {
        format!("{text:?} is not a date: use a day like 2026-12-05 or an instant like 2026-12-05T14:30:00Z")
    })?;
    let day = match side {
        Side::Since => day,
        Side::Until => day
            .next_day()
            .ok_or_else(|| format!("{text:?} is past the last day there is"))?,
    };
    Ok(millis(day.with_time(Time::MIDNIGHT).assume_utc()))
}

fn parse_day(text: &str) -> Option<Date> {
    let mut parts = text.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let month = Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

fn millis(instant: OffsetDateTime) -> i64 {
    (instant.unix_timestamp_nanos() / 1_000_000) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_covers_itself_whole_and_an_instant_is_exact() {
        let since = bound("2026-12-05", Side::Since).unwrap();
        let until = bound("2026-12-05", Side::Until).unwrap();
        assert_eq!(since, 1_796_428_800_000);
        assert_eq!(until - since, 86_400_000);
        assert_eq!(
            bound("2026-12-05T01:00:00+01:00", Side::Until).unwrap(),
            since
        );
    }

    #[test]
    fn anything_else_is_refused_with_the_forms_allowed() {
        for bad in ["yesterday", "2026-13-01", "2026-02-30", "26-12-05", ""] {
            let err = bound(bad, Side::Since).unwrap_err();
            assert!(err.contains("2026-12-05"), "{bad}: {err}");
        }
    }
}

//! The timestamp formats of the wire contract (spec 1.5).

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

/// Formats as ISO 8601 in UTC with milliseconds: `2024-05-14T13:34:19.468Z`.
pub fn format_millis(at: OffsetDateTime) -> String {
    let format =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    at.to_offset(UtcOffset::UTC)
        .format(&format)
        .unwrap_or_else(|_| String::from("1970-01-01T00:00:00.000Z"))
}

/// Parses RFC 3339 with any offset and returns it in UTC (D16), truncated to
/// milliseconds so that what is stored is exactly what is shown. A time
/// that in UTC falls past the year 9999 (`9999-12-31T23:59:59-01:00`) is
/// refused like any other bad text.
pub fn parse_rfc3339(text: &str) -> Option<OffsetDateTime> {
    let parsed = OffsetDateTime::parse(text.trim(), &Rfc3339).ok()?;
    Some(truncate_millis(parsed.checked_to_offset(UtcOffset::UTC)?))
}

/// Drops precision below a millisecond.
pub fn truncate_millis(at: OffsetDateTime) -> OffsetDateTime {
    let millis = at.millisecond();
    at.replace_nanosecond(u32::from(millis) * 1_000_000)
        .unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn formats_in_utc_with_millis() {
        let at = datetime!(2024-05-14 15:34:19.468123 +02:00);
        assert_eq!(format_millis(at), "2024-05-14T13:34:19.468Z");
    }

    #[test]
    fn parses_any_offset() {
        let at = parse_rfc3339("2030-01-01T10:00:00+01:00").expect("valid");
        assert_eq!(format_millis(at), "2030-01-01T09:00:00.000Z");
        assert!(parse_rfc3339("2030-01-01").is_none());
        assert!(parse_rfc3339("tomorrow").is_none());
    }

    #[test]
    fn refuses_times_beyond_the_years_it_can_show() {
        assert!(parse_rfc3339("9999-12-31T23:59:59-23:59").is_none());
        assert!(parse_rfc3339("9999-12-31T23:59:59Z").is_some());
    }
}

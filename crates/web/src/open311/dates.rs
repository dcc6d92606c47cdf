//! GeoReport's date-times (RFC 3339, as the spec's "w3 format"), written in Beijing time, and
//! the `start_date`/`end_date` window of the list endpoints.

use super::format::{Format, Problem};
use axum::http::StatusCode;
use quanke_app::clock;
use quanke_domain::calendar::Day;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// How far back a list reaches when the client gives no start, as the spec suggests.
const DEFAULT_DAYS: i64 = 90;

/// "2026-11-28T13:45:07+08:00".
pub fn datetime(ts: i64) -> String {
    format!("{}+08:00", clock::format(ts).replacen(' ', "T", 1))
}

/// The last second of a Beijing day ("2026-12-11" → "2026-12-11T23:59:59+08:00"): a case due
/// that day may be finished at any time of it.
pub fn end_of_day(day: Day) -> String {
    format!("{day}T23:59:59+08:00")
}

/// The Unix seconds from `start_date` to `end_date`, both included: by default the last 90
/// days up to now, or 90 days back from the end given.
pub fn window(
    format: Format,
    start: Option<&str>,
    end: Option<&str>,
) -> Result<(i64, i64), Problem> {
    let to = match end {
        Some(s) => parse(format, "end_date", s)?,
        None => clock::now(),
    };
    let from = match start {
        Some(s) => parse(format, "start_date", s)?,
        None => to - DEFAULT_DAYS * 86_400,
    };
    if from > to {
        return Err(format.problem(StatusCode::BAD_REQUEST, "start_date 不能晚于 end_date"));
    }
    Ok((from, to))
}

fn parse(format: Format, name: &str, value: &str) -> Result<i64, Problem> {
    OffsetDateTime::parse(value.trim(), &Rfc3339)
        .map(OffsetDateTime::unix_timestamp)
        .map_err(|_| {
            format.problem(
                StatusCode::BAD_REQUEST,
                format!("{name} 格式有误：{value}（应为 2026-11-28T00:00:00+08:00 这样的时间）"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_are_beijing_time() {
        assert_eq!(datetime(1_795_824_000), "2026-11-28T08:00:00+08:00");
        assert_eq!(
            end_of_day("2026-12-11".parse().unwrap()),
            "2026-12-11T23:59:59+08:00"
        );
    }

    #[test]
    fn the_window_defaults_to_ninety_days() {
        let f = Format::Json;
        let (from, to) = window(f, None, Some("2026-11-28T00:00:00Z")).ok().unwrap();
        assert_eq!((from, to), (1_795_824_000 - 90 * 86_400, 1_795_824_000));
        let start = Some("2026-11-28T08:00:00+08:00");
        assert_eq!(
            window(f, start, start).ok(),
            Some((1_795_824_000, 1_795_824_000))
        );
        assert!(
            window(
                f,
                Some("2026-11-29T00:00:00Z"),
                Some("2026-11-28T00:00:00Z")
            )
            .is_err()
        );
        assert!(window(f, Some("yesterday"), None).is_err());
    }
}

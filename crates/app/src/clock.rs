//! Time as the application sees it: Unix seconds, shown in Beijing time (UTC+8), which is the
//! only civil time of the deployments we serve.

use quanke_domain::calendar::Day;
use time::{OffsetDateTime, UtcOffset};

pub fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

const BEIJING: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

/// "2026-11-28 13:45:07" in Beijing time.
pub fn format(ts: i64) -> String {
    let Ok(t) = OffsetDateTime::from_unix_timestamp(ts) else {
        return String::new();
    };
    let t = t.to_offset(BEIJING);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Today's date in Beijing, "YYYY-MM-DD": the day effective dates are compared with.
pub fn today() -> String {
    date(now())
}

/// The Beijing date of a Unix time, "YYYY-MM-DD".
pub fn date(ts: i64) -> String {
    day(ts).to_string()
}

/// The Beijing day of a Unix time.
pub fn day(ts: i64) -> Day {
    let t = OffsetDateTime::from_unix_timestamp(ts).unwrap_or(OffsetDateTime::UNIX_EPOCH);
    Day::from(t.to_offset(BEIJING).date())
}

/// The Unix time at which a Beijing day begins.
pub fn day_start(day: time::Date) -> i64 {
    day.midnight().assume_offset(BEIJING).unix_timestamp()
}

/// The Unix time of the Beijing midnight that began the day of `ts`.
pub fn start_of_day(ts: i64) -> i64 {
    ts - (ts + i64::from(BEIJING.whole_seconds())).rem_euclid(86_400)
}

/// The Unix time of the Beijing midnight that began the week (Monday) of `ts`.
pub fn start_of_week(ts: i64) -> i64 {
    let day = start_of_day(ts);
    let weekday = OffsetDateTime::from_unix_timestamp(day).map_or(0, |t| {
        t.to_offset(BEIJING).weekday().number_days_from_monday()
    });
    day - i64::from(weekday) * 86_400
}

/// A "YYYY-MM-DD" day as official documents write it: "2026年12月5日" (no leading zeros).
/// Anything else is returned as it is.
pub fn chinese_date(day: &str) -> String {
    let parts: Vec<&str> = day.trim().split('-').collect();
    match parts.as_slice() {
        [y, m, d] if [y, m, d].iter().all(|p| p.parse::<u32>().is_ok()) => format!(
            "{y}年{}月{}日",
            m.trim_start_matches('0'),
            d.trim_start_matches('0')
        ),
        _ => day.to_string(),
    }
}

/// "2026年11月28日 星期六" for page headers.
pub fn today_label(ts: i64) -> String {
    let Ok(t) = OffsetDateTime::from_unix_timestamp(ts) else {
        return String::new();
    };
    let t = t.to_offset(BEIJING);
    let weekday =
        ["一", "二", "三", "四", "五", "六", "日"][t.weekday().number_days_from_monday() as usize];
    format!(
        "{}年{}月{}日 星期{weekday}",
        t.year(),
        u8::from(t.month()),
        t.day()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_write_days_without_leading_zeros() {
        assert_eq!(chinese_date("2026-12-05"), "2026年12月5日");
        assert_eq!(chinese_date("2026-01-10"), "2026年1月10日");
        assert_eq!(chinese_date(""), "");
    }

    #[test]
    fn formats_in_beijing_time() {
        // 2026-11-28 00:00:00 UTC is 08:00 in Beijing, a Saturday.
        let ts = 1_795_824_000;
        assert_eq!(format(ts), "2026-11-28 08:00:00");
        assert_eq!(today_label(ts), "2026年11月28日 星期六");
        // 16:00 UTC is already the next day in Beijing.
        assert_eq!(date(ts + 16 * 3600), "2026-11-29");
        assert_eq!(day(ts + 16 * 3600).to_string(), "2026-11-29");
        let day = time::Date::from_calendar_date(2026, time::Month::November, 28).unwrap();
        assert_eq!(day_start(day), ts - 8 * 3600);
        // The Beijing day of 08:00 began at 00:00 Beijing, 16:00 UTC the day before.
        assert_eq!(start_of_day(ts + 3600), ts - 8 * 3600);
        assert_eq!(date(start_of_day(ts + 16 * 3600)), "2026-11-29");
        // Saturday 28 November 2026 is in the week that began on Monday the 23rd.
        assert_eq!(format(start_of_week(ts)), "2026-11-23 00:00:00");
    }
}

//! Dates as ledgers write them: 2024-03-01, 2024/3/1, 2024.03.01, 20240301, 2024年3月1日.

use time::{Date, Month};

/// The date a ledger cell means, or `None` when it is not a whole date.
pub fn parse_date(cell: &str) -> Option<Date> {
    let cell = cell.trim();
    let parts: Vec<&str> = cell
        .split(|c: char| "-/.\u{5e74}\u{6708}\u{65e5}".contains(c))
        .filter(|p| !p.is_empty())
        .collect();
    let (y, m, d) = match parts.as_slice() {
        [y, m, d] => (*y, *m, *d),
        [compact] if compact.len() == 8 => (&compact[..4], &compact[4..6], &compact[6..]),
        _ => return None,
    };
    let all_digits = [y, m, d]
        .iter()
        .all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if !all_digits || y.len() != 4 || m.len() > 2 || d.len() > 2 {
        return None;
    }
    let month = Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::parse_date;
    use time::macros::date;

    #[test]
    fn ledger_date_shapes() {
        for s in [
            "2024-03-01",
            "2024/3/1",
            "2024.03.01",
            "20240301",
            "2024年3月1日",
            " 2024-3-1 ",
        ] {
            assert_eq!(parse_date(s), Some(date!(2024 - 03 - 01)), "{s}");
        }
        assert_eq!(parse_date("2024-02-29"), Some(date!(2024 - 02 - 29)));
        for s in [
            "2023-02-29",
            "2024-13-01",
            "2024-03",
            "去年",
            "",
            "24-03-01",
        ] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }
}

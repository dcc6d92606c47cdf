//! What one cell says, as text. Values are compared as text whatever Excel stored them as: a phone
//! number someone retyped becomes a number cell, a date typed into Excel becomes a date cell, and
//! both must still read as the text they show.

use calamine::{Data, ExcelDateTime};

/// The cell's text with surrounding spaces trimmed, or why it has none.
pub(super) fn cell_text(cell: &Data) -> Result<String, String> {
    match cell {
        Data::Empty => Ok(String::new()),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Ok(s.trim().into()),
        Data::Int(n) => Ok(n.to_string()),
        Data::Float(f) => Ok(float_text(*f)),
        Data::Bool(b) => Ok(if *b { "TRUE" } else { "FALSE" }.into()),
        Data::DateTime(d) => Ok(date_text(d)),
        Data::Error(e) => Err(format!("单元格是错误值 {e}，请改为实际内容")),
    }
}

/// Whole numbers as Excel shows them ("12345", not "12345.0").
fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// A date cell as "YYYY-MM-DD"; a time of day, when there is one, follows so it is not lost.
fn date_text(d: &ExcelDateTime) -> String {
    if d.is_duration() {
        return float_text(d.as_f64());
    }
    let (year, month, day, hour, minute, second, _) = d.to_ymd_hms_milli();
    if (hour, minute, second) == (0, 0, 0) {
        format!("{year:04}-{month:02}-{day:02}")
    } else {
        format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02}:{second:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTimeType};

    #[test]
    fn numbers_read_as_they_show() {
        assert_eq!(cell_text(&Data::Float(12345.0)).unwrap(), "12345");
        assert_eq!(cell_text(&Data::Float(5.5)).unwrap(), "5.5");
        assert_eq!(cell_text(&Data::Int(7)).unwrap(), "7");
        assert_eq!(
            cell_text(&Data::String(" 区民政局 ".into())).unwrap(),
            "区民政局"
        );
    }

    #[test]
    fn dates_read_as_iso_days() {
        // 46023 is 2026-01-01 in Excel's 1900 date system.
        let day = ExcelDateTime::new(46023.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(day)).unwrap(), "2026-01-01");
        let noon = ExcelDateTime::new(46023.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(
            cell_text(&Data::DateTime(noon)).unwrap(),
            "2026-01-01 12:00:00"
        );
    }

    #[test]
    fn error_cells_are_problems() {
        let err = cell_text(&Data::Error(CellErrorType::NA)).unwrap_err();
        assert!(err.contains("#N/A"), "{err}");
    }
}

//! What an .xlsx cell shows, as ledger text. Ledgers are compared and checked as text whatever
//! Excel stored: a retyped phone number becomes a number cell, a birth date typed into Excel a
//! date cell, and both must read as what the person sees.

use calamine::{DataRef, ExcelDateTime};
use std::fmt::Write;

/// From this size on a float cannot hold every digit of an ID number any more: the 18-digit
/// numbers Excel turned into numbers have lost their last digits.
const LOST_DIGITS_FROM: f64 = 1e15;

/// Appends the cell's text to `out` (untrimmed; the row trims it).
pub(super) fn append(cell: &DataRef<'_>, out: &mut String) {
    match cell {
        DataRef::Empty => {}
        DataRef::String(s) | DataRef::DurationIso(s) => out.push_str(s),
        DataRef::SharedString(s) => out.push_str(s),
        // "2024-03-01T00:00:00": a ledger's dates are days.
        DataRef::DateTimeIso(s) => out.push_str(s.split('T').next().unwrap_or(s)),
        DataRef::Int(n) => write_display(out, n),
        DataRef::Float(f) => append_float(*f, out),
        DataRef::Bool(b) => out.push_str(if *b { "是" } else { "否" }),
        DataRef::DateTime(d) => append_date(d, out),
        DataRef::Error(e) => write_display(out, e),
    }
}

/// Whole numbers as Excel shows them ("13805712345", not "13805712345.0"); numbers too large to
/// be exact in scientific notation as Excel shows them ("3.30105198E+17"), which is what tells
/// the ID check that digits were lost.
fn append_float(f: f64, out: &mut String) {
    if f.abs() >= LOST_DIGITS_FROM {
        let scientific = format!("{f:E}");
        match scientific.split_once('E') {
            Some((mantissa, exponent)) if !exponent.starts_with('-') => {
                let _ = write!(out, "{mantissa}E+{exponent}");
            }
            _ => out.push_str(&scientific),
        }
    } else if f.fract() == 0.0 {
        write_display(out, &(f as i64));
    } else {
        write_display(out, &f);
    }
}

/// A date cell as "YYYY-MM-DD"; a time of day is dropped, ledgers record days.
fn append_date(d: &ExcelDateTime, out: &mut String) {
    if d.is_duration() {
        return append_float(d.as_f64(), out);
    }
    let (year, month, day, ..) = d.to_ymd_hms_milli();
    let _ = write!(out, "{year:04}-{month:02}-{day:02}");
}

fn write_display(out: &mut String, value: &impl std::fmt::Display) {
    // Writing to a String cannot fail.
    let _ = write!(out, "{value}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTimeType};

    fn text(cell: DataRef<'_>) -> String {
        let mut out = String::new();
        append(&cell, &mut out);
        out
    }

    #[test]
    fn numbers_read_as_excel_shows_them() {
        assert_eq!(text(DataRef::Float(13805712345.0)), "13805712345");
        assert_eq!(text(DataRef::Float(330105500101123.0)), "330105500101123");
        assert_eq!(text(DataRef::Float(5.5)), "5.5");
        assert_eq!(text(DataRef::Float(-3.0)), "-3");
        assert_eq!(text(DataRef::Int(7)), "7");
    }

    #[test]
    fn id_numbers_excel_turned_into_numbers_read_in_scientific_notation() {
        assert_eq!(
            text(DataRef::Float(330105198002290031.0)),
            "3.3010519800229005E+17"
        );
        assert_eq!(text(DataRef::Float(3.30105198e17)), "3.30105198E+17");
        assert_eq!(text(DataRef::Float(-1e15)), "-1E+15");
    }

    #[test]
    fn dates_flags_and_errors() {
        // 46023 is 2026-01-01 in Excel's 1900 date system.
        let noon = ExcelDateTime::new(46023.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(text(DataRef::DateTime(noon)), "2026-01-01");
        assert_eq!(
            text(DataRef::DateTimeIso("1980-02-29T00:00:00".into())),
            "1980-02-29"
        );
        assert_eq!(text(DataRef::Bool(true)), "是");
        assert_eq!(text(DataRef::Bool(false)), "否");
        assert_eq!(text(DataRef::Error(CellErrorType::NA)), "#N/A");
        assert_eq!(text(DataRef::SharedString("户主")), "户主");
        assert_eq!(text(DataRef::Empty), "");
    }
}

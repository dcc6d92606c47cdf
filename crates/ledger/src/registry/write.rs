//! Writing a residents ledger: exports, templates and benchmark files. Every cell is written as
//! text under Excel's text format, so ID numbers keep all 18 digits and phone numbers their
//! leading zeros, as they would not as numbers.

use super::xlsx_out::{self, MAX_CELL_CHARS};
use crate::LedgerError;
use quanke_domain::registry::{Field, recognise};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet};
use std::path::Path;

const SHEET: &str = "居民台账";

/// Writes a ledger to `path`: an optional title row (merged across the columns), the header,
/// then `rows`, each a text per header column. Returns the number of rows written.
pub fn write_ledger<R, C>(
    path: &Path,
    title: Option<&str>,
    headers: &[&str],
    rows: impl IntoIterator<Item = R>,
) -> Result<u64, LedgerError>
where
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    write_sheet(path, SHEET, title, headers, rows)
}

/// `write_ledger` for any list of text columns (a case search's result), on a sheet named
/// `sheet_name`.
pub fn write_sheet<R, C>(
    path: &Path,
    sheet_name: &str,
    title: Option<&str>,
    headers: &[&str],
    rows: impl IntoIterator<Item = R>,
) -> Result<u64, LedgerError>
where
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut workbook = Workbook::new();
    let sheet = xlsx_out::streaming_sheet(&mut workbook, sheet_name)?;
    let text = xlsx_out::text_format();
    for (col, header) in (0u16..).zip(headers) {
        sheet.set_column_width(col, width(recognise(header)))?;
        sheet.set_column_format(col, &text)?;
    }
    let header_row = match title {
        Some(title) => {
            write_title(sheet, title, headers.len())?;
            1
        }
        None => 0,
    };
    let bold = xlsx_out::header_format();
    for (col, header) in (0u16..).zip(headers) {
        sheet.write_string_with_format(header_row, col, *header, &bold)?;
    }
    sheet.set_freeze_panes(header_row + 1, 0)?;
    let mut written = 0;
    for (row, cells) in (header_row + 1..).zip(rows) {
        let row = xlsx_out::within_limit(row, SHEET)?;
        for (col, cell) in (0u16..).zip(cells) {
            let cell = cell.as_ref();
            if cell.is_empty() {
                continue;
            }
            if cell.chars().count() > MAX_CELL_CHARS {
                return Err(LedgerError::CellTooLong {
                    sheet: SHEET.into(),
                    row: row + 1,
                    column: headers.get(usize::from(col)).unwrap_or(&"").to_string(),
                });
            }
            // The column's text format applies to a cell written without one, as in Excel;
            // passing the format per cell would cost a lookup of it per cell.
            sheet.write_string(row, col, cell)?;
        }
        written += 1;
    }
    workbook.save(path)?;
    Ok(written)
}

fn write_title(sheet: &mut Worksheet, title: &str, columns: usize) -> Result<(), LedgerError> {
    let format = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center);
    let last = u16::try_from(columns.saturating_sub(1)).unwrap_or(u16::MAX);
    sheet.set_row_height(0, 24)?;
    // Excel refuses a merge of a single cell.
    if last == 0 {
        sheet.write_string_with_format(0, 0, title, &format)?;
    } else {
        sheet.merge_range(0, 0, 0, last, title, &format)?;
    }
    Ok(())
}

/// Column widths in characters, wide enough for what the column usually holds.
fn width(field: Option<Field>) -> f64 {
    match field {
        Some(Field::IdNumber) => 21.0,
        Some(Field::Phone) => 15.0,
        Some(Field::RegisteredAddress | Field::ActualAddress) => 40.0,
        Some(Field::BirthDate | Field::Tags | Field::Grid) => 12.0,
        Some(Field::HouseholdNumber | Field::Relation) => 11.0,
        _ => 9.0,
    }
}

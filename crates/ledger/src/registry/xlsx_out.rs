//! What the ledger and report writers share: sheets streamed row by row to a temporary file
//! (rust_xlsxwriter's constant-memory mode, so a million rows cost no more memory than ten),
//! and Excel's limits, checked here so that errors can name the cell.

use crate::LedgerError;
use rust_xlsxwriter::{Color, Format, Workbook, Worksheet};

/// Excel's limit for one cell.
pub(super) const MAX_CELL_CHARS: usize = 32_767;
/// Excel's rows per sheet.
pub(super) const MAX_ROWS: u32 = 1_048_576;

/// A new sheet whose rows must be written top to bottom.
pub(super) fn streaming_sheet<'w>(
    workbook: &'w mut Workbook,
    name: &str,
) -> Result<&'w mut Worksheet, LedgerError> {
    let sheet = workbook.add_worksheet_with_constant_memory()?;
    sheet.set_name(name)?;
    Ok(sheet)
}

pub(super) fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
}

/// Excel's text format ("@"): what is written as text stays text when a person retypes it, so
/// ID numbers and phone numbers never become numbers.
pub(super) fn text_format() -> Format {
    Format::new().set_num_format("@")
}

/// `row` (0-based) when Excel has room for it.
pub(super) fn within_limit(row: u32, sheet: &str) -> Result<u32, LedgerError> {
    if row < MAX_ROWS {
        Ok(row)
    } else {
        Err(LedgerError::TooManyRows {
            sheet: sheet.into(),
        })
    }
}

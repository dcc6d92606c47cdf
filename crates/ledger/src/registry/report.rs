//! The problem report handed back after an import: one line per problem found, at the row and
//! column a person looks for in their own file, with the value as it was read. Streamed, since a
//! badly exported million-row ledger can have a problem on every row.

use super::xlsx_out::{self, MAX_CELL_CHARS, MAX_ROWS};
use crate::LedgerError;
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use std::path::Path;

const LIST: &str = "问题清单";
const SUMMARY: &str = "汇总";
const COLUMNS: [(&str, f64); 5] = [
    ("行号", 8.0),
    ("列", 14.0),
    ("原值", 24.0),
    ("问题", 70.0),
    ("类别", 8.0),
];

/// Whether a row cannot be imported as it is, or may be but should be looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "提醒",
        }
    }
}

/// One problem of one cell (or of a whole row, with `column` empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportLine {
    /// The row number as Excel shows it in the imported file.
    pub row: u32,
    /// The column's title in the imported file.
    pub column: String,
    /// The cell's text as read.
    pub value: String,
    pub message: String,
    pub severity: Severity,
}

/// Writes the report to `path`: the sheet "问题清单" with every line, then "汇总" with counts
/// by category and column. Past Excel's row limit the list says it stops and the counts go on.
/// Returns the number of lines.
pub fn write_problem_report(
    path: &Path,
    lines: impl IntoIterator<Item = ReportLine>,
) -> Result<u64, LedgerError> {
    let mut workbook = Workbook::new();
    let mut tally = Tally::default();
    let list = xlsx_out::streaming_sheet(&mut workbook, LIST)?;
    write_header(list, &COLUMNS)?;
    let text = xlsx_out::text_format();
    let mut row = 1;
    for line in lines {
        tally.add(&line);
        if row < MAX_ROWS - 1 {
            write_line(list, row, &line, &text)?;
            row += 1;
        } else if row == MAX_ROWS - 1 {
            let note = "问题过多，此后的问题未列出；请先改正以上问题后重新导入";
            list.write_string(row, 3, note)?;
            row += 1;
        }
    }
    let summary = xlsx_out::streaming_sheet(&mut workbook, SUMMARY)?;
    tally.write(summary)?;
    workbook.save(path)?;
    Ok(tally.lines)
}

fn write_header(sheet: &mut Worksheet, columns: &[(&str, f64)]) -> Result<(), LedgerError> {
    let bold = xlsx_out::header_format();
    for (col, (title, width)) in (0u16..).zip(columns) {
        sheet.set_column_width(col, *width)?;
        sheet.write_string_with_format(0, col, *title, &bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn write_line(
    sheet: &mut Worksheet,
    row: u32,
    line: &ReportLine,
    text: &Format,
) -> Result<(), LedgerError> {
    sheet.write_number(row, 0, line.row)?;
    sheet.write_string_with_format(row, 1, &line.column, text)?;
    sheet.write_string_with_format(row, 2, fitted(&line.value), text)?;
    sheet.write_string(row, 3, fitted(&line.message))?;
    sheet.write_string(row, 4, line.severity.label())?;
    Ok(())
}

/// The value cut to what a cell holds; a report shows it, it need not keep all of it.
fn fitted(value: &str) -> &str {
    match value.char_indices().nth(MAX_CELL_CHARS - 1) {
        Some((at, _)) => &value[..at],
        None => value,
    }
}

/// Counts by category and by column, columns in the order they first appear.
#[derive(Default)]
struct Tally {
    lines: u64,
    by_column: Vec<(String, [u64; 2])>,
}

impl Tally {
    fn add(&mut self, line: &ReportLine) {
        self.lines += 1;
        let at = match self.by_column.iter().position(|(c, _)| *c == line.column) {
            Some(at) => at,
            None => {
                self.by_column.push((line.column.clone(), [0, 0]));
                self.by_column.len() - 1
            }
        };
        let slot = match line.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
        };
        self.by_column[at].1[slot] += 1;
    }

    fn write(&self, sheet: &mut Worksheet) -> Result<(), LedgerError> {
        write_header(sheet, &[("列", 16.0), ("错误", 10.0), ("提醒", 10.0)])?;
        let mut totals = [0, 0];
        let mut row = 1;
        for (column, counts) in &self.by_column {
            let name = if column.is_empty() {
                "（整行）"
            } else {
                column
            };
            write_counts(sheet, row, name, *counts)?;
            totals[0] += counts[0];
            totals[1] += counts[1];
            row += 1;
        }
        write_counts(sheet, row, "合计", totals)
    }
}

fn write_counts(
    sheet: &mut Worksheet,
    row: u32,
    name: &str,
    counts: [u64; 2],
) -> Result<(), LedgerError> {
    sheet.write_string(row, 0, name)?;
    sheet.write_number(row, 1, counts[0] as f64)?;
    sheet.write_number(row, 2, counts[1] as f64)?;
    Ok(())
}

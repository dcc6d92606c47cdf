//! The first lines of a problem report, read back from the workbook the import wrote, to show
//! on the page; the whole report is a download. The sheet is streamed, so a report with a
//! million lines costs no more to glance at than one with ten.

use calamine::{Data, Xlsx, open_workbook};
use serde::Serialize;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// The report's list sheet, as `quanke_ledger::registry::write_problem_report` names it.
const LIST_SHEET: &str = "问题清单";

/// One line: the ledger's row number, column title, the value read, the problem and whether
/// it is an error or a warning, as the report's five columns hold them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProblemLine {
    pub row: String,
    pub column: String,
    pub value: String,
    pub message: String,
    pub severity: String,
}

/// Up to `n` lines from the top of the report at `path`.
pub fn first(path: &Path, n: usize) -> Result<Vec<ProblemLine>, String> {
    let mut book: Xlsx<BufReader<File>> =
        open_workbook(path).map_err(|e: calamine::XlsxError| e.to_string())?;
    let mut cells = book
        .worksheet_cells_reader(LIST_SHEET)
        .map_err(|e| e.to_string())?;
    let mut lines: Vec<ProblemLine> = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(|e| e.to_string())? {
        let (row, column) = cell.get_position();
        // Row 0 is the header; cells come row by row, so the first row past `n` ends it.
        let Some(index) = (row as usize).checked_sub(1) else {
            continue;
        };
        if index >= n {
            break;
        }
        if lines.len() <= index {
            lines.resize_with(index + 1, ProblemLine::default);
        }
        let text = Data::from(cell.get_value().clone()).to_string();
        let line = &mut lines[index];
        match column {
            0 => line.row = text,
            1 => line.column = text,
            2 => line.value = text,
            3 => line.message = text,
            4 => line.severity = text,
            _ => {}
        }
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quanke_ledger::registry::{ReportLine, Severity, write_problem_report};

    #[test]
    fn reads_the_top_of_a_report() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.xlsx");
        let lines = (3..10).map(|row| ReportLine {
            row,
            column: "身份证号".into(),
            value: format!("v{row}"),
            message: "校验码错误".into(),
            severity: Severity::Error,
        });
        write_problem_report(&path, lines).unwrap();
        let top = first(&path, 2).unwrap();
        assert_eq!(top.len(), 2);
        assert_eq!(top[0].row, "3");
        assert_eq!(top[1].value, "v4");
        assert_eq!(top[1].severity, "错误");
    }
}

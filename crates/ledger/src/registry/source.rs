//! Where a ledger's rows come from, chosen by the file's extension.

use super::csv_rows::CsvRows;
use super::packed::PackedRow;
use super::xlsx_rows::XlsxRows;
use crate::SheetProblem;
use std::path::Path;

pub(super) enum Source {
    Xlsx(XlsxRows),
    /// Boxed: the csv reader carries its parser's tables, many times the size of the other.
    Csv(Box<CsvRows>),
}

impl Source {
    pub fn open(path: &Path) -> Result<Source, SheetProblem> {
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        match extension.as_str() {
            "xlsx" => Ok(Source::Xlsx(XlsxRows::open(path)?)),
            "csv" => Ok(Source::Csv(Box::new(CsvRows::open(path)?))),
            "xls" => Err(unsupported(
                "不支持旧版 Excel 的 .xls 文件，请在 Excel 中“另存为” .xlsx 格式后再导入",
            )),
            "" => Err(unsupported("无法识别文件类型，请上传 .xlsx 或 .csv 文件")),
            other => Err(unsupported(&format!(
                "不支持 .{other} 文件，请上传 .xlsx 或 .csv 文件"
            ))),
        }
    }

    pub fn sheet(&self) -> &str {
        match self {
            Source::Xlsx(rows) => rows.sheet(),
            Source::Csv(rows) => rows.sheet(),
        }
    }

    pub fn next(&mut self, row: &mut PackedRow) -> Result<bool, SheetProblem> {
        match self {
            Source::Xlsx(rows) => rows.next(row),
            Source::Csv(rows) => rows.next(row),
        }
    }
}

fn unsupported(message: &str) -> SheetProblem {
    SheetProblem::new("", 0, "", message)
}

/// How far reading has come, for a progress bar: rows for .xlsx files (Excel row numbers, up to
/// the last row the sheet declares), bytes for .csv files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    /// `None` when the file does not say how much there is.
    pub total: Option<u64>,
}

impl Progress {
    /// Between 0 and 1, when the total is known.
    pub fn fraction(&self) -> Option<f64> {
        let total = self.total.filter(|t| *t > 0)?;
        Some((self.done as f64 / total as f64).min(1.0))
    }
}

impl Source {
    /// Progress once the row numbered `last_row` has been read.
    pub fn progress(&self, last_row: u32) -> Progress {
        match self {
            Source::Xlsx(rows) => Progress {
                done: u64::from(last_row),
                total: rows.last_row().map(u64::from),
            },
            Source::Csv(rows) => {
                let (done, total) = rows.bytes();
                Progress {
                    done,
                    total: Some(total),
                }
            }
        }
    }
}

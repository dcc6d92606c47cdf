//! The one error type of this crate's writers. Readers report `SheetProblem`s instead, because a
//! person has to fix every one of them, not just the first.

/// Why a workbook could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// Excel refuses cells longer than 32,767 characters; say which one instead of failing blindly.
    #[error("{sheet} 第 {row} 行“{column}”超过 Excel 单元格上限（32767 个字符），无法导出")]
    CellTooLong {
        sheet: String,
        row: u32,
        column: String,
    },
    /// Excel holds at most 1,048,576 rows in a sheet.
    #[error("{sheet} 超过 Excel 单个工作表的行数上限（1048576 行），无法导出")]
    TooManyRows { sheet: String },
    #[error("生成 Excel 文件失败：{0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

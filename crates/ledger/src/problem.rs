//! One thing wrong in a workbook, located the way a person finds it in Excel.

use std::fmt;

/// A problem at a sheet, row and column, with a message in Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetProblem {
    /// The sheet name as shown on its tab; empty when the file as a whole is unreadable.
    pub sheet: String,
    /// The row number as Excel shows it (1-based); 0 when the problem concerns the whole sheet.
    pub row: u32,
    /// The column's header text as shown; empty when the problem concerns the whole row.
    pub column: String,
    pub message: String,
}

impl SheetProblem {
    pub(crate) fn new(sheet: &str, row: u32, column: &str, message: impl Into<String>) -> Self {
        SheetProblem {
            sheet: sheet.into(),
            row,
            column: column.into(),
            message: message.into(),
        }
    }
}

/// "事项 第 5 行 “承诺时限”：应为整数，实际为“五天”", shortened when sheet, row or column is absent.
impl fmt::Display for SheetProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.sheet.is_empty(), self.row, self.column.is_empty()) {
            (true, _, _) => write!(f, "{}", self.message),
            (false, 0, true) => write!(f, "{}：{}", self.sheet, self.message),
            (false, 0, false) => write!(f, "{} “{}”：{}", self.sheet, self.column, self.message),
            (false, row, true) => write!(f, "{} 第 {row} 行：{}", self.sheet, self.message),
            (false, row, false) => write!(
                f,
                "{} 第 {row} 行 “{}”：{}",
                self.sheet, self.column, self.message
            ),
        }
    }
}

/// Opening a residents ledger fails with one problem, which callers pass on with `?`.
impl std::error::Error for SheetProblem {}

#[cfg(test)]
mod tests {
    use super::SheetProblem;

    #[test]
    fn display_names_sheet_row_and_column() {
        let p = SheetProblem::new("事项", 5, "承诺时限", "应为整数，实际为“五天”");
        assert_eq!(
            p.to_string(),
            "事项 第 5 行 “承诺时限”：应为整数，实际为“五天”"
        );
    }

    #[test]
    fn display_shortens_for_whole_rows_sheets_and_files() {
        assert_eq!(
            SheetProblem::new("材料", 3, "", "x").to_string(),
            "材料 第 3 行：x"
        );
        assert_eq!(
            SheetProblem::new("材料", 0, "份数", "缺少此列").to_string(),
            "材料 “份数”：缺少此列"
        );
        assert_eq!(
            SheetProblem::new("问题", 0, "", "缺少此工作表").to_string(),
            "问题：缺少此工作表"
        );
        assert_eq!(SheetProblem::new("", 0, "", "坏文件").to_string(), "坏文件");
    }
}

//! One sheet read as a table: its first non-blank row names the columns (in any order, spaces
//! ignored), and every later non-blank row is read cell by cell, each bad cell recorded as a
//! problem at its sheet, row and column instead of stopping at the first.

use super::cell_forms::{flag_from_cell, split_lines};
use super::cells::cell_text;
use super::headers::{OPTIONAL, SheetSpec, normalize};
use super::words::{self, Word};
use crate::SheetProblem;
use calamine::{Data, Range, Reader, Xlsx};
use std::collections::HashMap;
use std::io::Cursor;

pub(super) type Workbook<'a> = Xlsx<Cursor<&'a [u8]>>;

pub(super) struct Table {
    spec: &'static SheetSpec,
    range: Range<Data>,
    /// Excel's row number of the header row.
    header_row: u32,
    columns: HashMap<&'static str, usize>,
}

/// The sheet as a table, or `None` with the reasons recorded when its rows cannot be read.
pub(super) fn load(
    workbook: &mut Workbook,
    spec: &'static SheetSpec,
    problems: &mut Vec<SheetProblem>,
) -> Option<Table> {
    let fail = |problems: &mut Vec<SheetProblem>, message: String| {
        problems.push(SheetProblem::new(spec.name, 0, "", message));
        None
    };
    let names = workbook.sheet_names();
    let Some(name) = names.iter().find(|n| normalize(n) == spec.name) else {
        return fail(problems, "缺少此工作表".into());
    };
    let range = match workbook.worksheet_range(name) {
        Ok(range) => range,
        Err(e) => return fail(problems, format!("无法读取此工作表：{e}")),
    };
    let Some((first_row, _)) = range.start() else {
        return fail(problems, "工作表是空的，至少需要表头行".into());
    };
    let header_row = first_row + 1;
    let header = range.rows().next().unwrap_or_default();
    let columns = recognise(spec, header_row, header, problems)?;
    Some(Table {
        spec,
        range,
        header_row,
        columns,
    })
}

/// Maps our headers to their positions; unknown, repeated and missing headers are problems,
/// because a misspelt header would otherwise silently drop a whole column.
fn recognise(
    spec: &'static SheetSpec,
    row: u32,
    header: &[Data],
    problems: &mut Vec<SheetProblem>,
) -> Option<HashMap<&'static str, usize>> {
    let before = problems.len();
    let mut columns = HashMap::new();
    for (index, cell) in header.iter().enumerate() {
        let typed = normalize(&cell_text(cell).unwrap_or_default());
        if typed.is_empty() {
            continue;
        }
        let message = match spec.headers().find(|h| *h == typed) {
            Some(ours) if columns.insert(ours, index).is_none() => continue,
            Some(_) => "此列重复出现",
            None => "无法识别的列，请删除或改为规定的表头",
        };
        problems.push(SheetProblem::new(spec.name, row, &typed, message));
    }
    let required = |h: &&str| !OPTIONAL.contains(h) && !columns.contains_key(h);
    for ours in spec.headers().filter(required) {
        problems.push(SheetProblem::new(spec.name, row, ours, "缺少此列"));
    }
    (problems.len() == before).then_some(columns)
}

impl Table {
    pub fn name(&self) -> &'static str {
        self.spec.name
    }

    /// The data rows, blank ones skipped (people leave gaps between groups of rows).
    pub fn rows(&self) -> impl Iterator<Item = RowReader<'_>> {
        self.range
            .rows()
            .enumerate()
            .skip(1)
            .filter(|(_, cells)| !cells.iter().all(is_blank))
            .map(|(offset, cells)| RowReader {
                table: self,
                number: self.header_row + offset as u32,
                cells,
                problems: Vec::new(),
            })
    }
}

fn is_blank(cell: &Data) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// Whole-number types a cell may hold, with the largest value for messages.
pub(super) trait Whole: TryFrom<i64> {
    const MAX: i64;
}

impl Whole for u8 {
    const MAX: i64 = u8::MAX as i64;
}

impl Whole for u32 {
    const MAX: i64 = u32::MAX as i64;
}

/// Reads the cells of one row; every failed read leaves a problem and yields `None`.
pub(super) struct RowReader<'a> {
    table: &'a Table,
    number: u32,
    cells: &'a [Data],
    problems: Vec<SheetProblem>,
}

impl RowReader<'_> {
    /// Excel's row number.
    pub fn number(&self) -> u32 {
        self.number
    }

    /// The problems found in this row, handed over when the row is done.
    pub fn finish(self) -> Vec<SheetProblem> {
        self.problems
    }

    pub fn fail(&mut self, column: &str, message: impl Into<String>) {
        let sheet = self.table.name();
        self.problems
            .push(SheetProblem::new(sheet, self.number, column, message));
    }

    /// The cell's trimmed text; empty when blank.
    pub fn text(&mut self, column: &'static str) -> String {
        let cell = self
            .table
            .columns
            .get(column)
            .and_then(|&index| self.cells.get(index))
            .unwrap_or(&Data::Empty);
        cell_text(cell).unwrap_or_else(|message| {
            self.fail(column, message);
            String::new()
        })
    }

    /// `None` for a blank cell.
    pub fn optional(&mut self, column: &'static str) -> Option<String> {
        Some(self.text(column)).filter(|t| !t.is_empty())
    }

    /// A blank cell is a problem.
    pub fn required(&mut self, column: &'static str) -> Option<String> {
        let text = self.optional(column);
        if text.is_none() {
            self.fail(column, "不能为空");
        }
        text
    }

    /// A cell that must be filled, though its text is still usable when it is not: the blank is
    /// recorded and the rest of the row is read on.
    pub fn filled(&mut self, column: &'static str) -> String {
        self.required(column).unwrap_or_default()
    }

    /// "是" or "否"; blank is a problem.
    pub fn flag(&mut self, column: &'static str) -> Option<bool> {
        let text = self.required(column)?;
        flag_from_cell(&text).map_err(|m| self.fail(column, m)).ok()
    }

    /// One value per line.
    pub fn lines(&mut self, column: &'static str) -> Vec<String> {
        split_lines(&self.text(column))
    }

    /// The cell's text run through `parse`, whose error message is recorded as is.
    pub fn parse<T>(
        &mut self,
        column: &'static str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Option<T> {
        let text = self.text(column);
        parse(&text).map_err(|m| self.fail(column, m)).ok()
    }

    pub fn int<T: Whole>(&mut self, column: &'static str) -> Option<T> {
        let text = self.required(column)?;
        let Ok(n) = text.parse::<i64>() else {
            self.fail(column, format!("应为整数，实际为“{text}”"));
            return None;
        };
        let value = T::try_from(n).ok();
        if value.is_none() {
            let message = format!("应为 0 到 {} 之间的整数，实际为“{text}”", T::MAX);
            self.fail(column, message);
        }
        value
    }

    /// A required value of a closed vocabulary, by Chinese label or JSON code.
    pub fn word<T: Word>(&mut self, column: &'static str) -> Option<T> {
        let text = self.required(column)?;
        let value = words::parse::<T>(&text);
        if value.is_none() {
            let message = format!("应为{}之一，实际为“{text}”", words::choices::<T>());
            self.fail(column, message);
        }
        value
    }

    /// An optional value of a closed vocabulary: `None` when blank (or the column is absent).
    pub fn optional_word<T: Word>(&mut self, column: &'static str) -> Option<T> {
        let text = self.optional(column)?;
        let value = words::parse::<T>(&text);
        if value.is_none() {
            let message = format!("应为{}之一或留空，实际为“{text}”", words::choices::<T>());
            self.fail(column, message);
        }
        value
    }

    /// A required "YYYY-MM-DD" day (an Excel date cell reads as one too).
    pub fn date(&mut self, column: &'static str) -> Option<String> {
        let text = self.required(column)?;
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let valid = text.len() == 10 && time::Date::parse(&text, format).is_ok();
        if !valid {
            let message = format!("应为 YYYY-MM-DD 格式的日期，实际为“{text}”");
            self.fail(column, message);
        }
        valid.then_some(text)
    }
}

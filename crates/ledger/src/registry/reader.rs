//! Reading a residents ledger row by row. Opening finds the header and checks it; then rows
//! come one at a time as text aligned with the header's columns, in buffers reused from row to
//! row, so a million-row ledger is read in bounded memory.

use super::header::{self, Column, HEADER_SEARCH_ROWS};
use super::mapping::ColumnMapping;
use super::packed::PackedRow;
use super::source::{Progress, Source};
use crate::SheetProblem;
use quanke_domain::registry::{Field, LedgerRow};
use std::ops::Range;
use std::path::Path;

/// An open ledger, positioned after its header row.
pub struct LedgerReader {
    source: Source,
    header_row: u32,
    columns: Vec<Column>,
    /// The columns that hold a field, for filling a `LedgerRow` without a search.
    fields: Vec<(usize, Field)>,
    row: PackedRow,
    /// Each column's text in `row`, empty for columns the row leaves out.
    cells: Vec<Range<usize>>,
}

/// One data row: its Excel row number and a text per column of the header.
pub struct RawRow<'r> {
    number: u32,
    text: &'r str,
    cells: &'r [Range<usize>],
    columns: &'r [Column],
    fields: &'r [(usize, Field)],
}

impl LedgerReader {
    /// Opens an .xlsx or .csv ledger and reads up to its header. Titles in `mapping` name their
    /// fields before the usual titles do. Fails, with a message for the person who chose the
    /// file, when it cannot be read, has no header, misses 姓名 or 身份证号, or has two columns
    /// for one field.
    pub fn open(path: &Path, mapping: &ColumnMapping) -> Result<LedgerReader, SheetProblem> {
        let mut source = Source::open(path)?;
        let mut row = PackedRow::default();
        let columns = find_header(&mut source, &mut row, mapping)?;
        let header_row = row.number;
        if let Some(message) = header::problems(&columns) {
            return Err(SheetProblem::new(source.sheet(), header_row, "", message));
        }
        let fields = columns
            .iter()
            .filter_map(|c| c.field.map(|f| (c.index, f)))
            .collect();
        Ok(LedgerReader {
            source,
            header_row,
            cells: vec![0..0; columns.len()],
            columns,
            fields,
            row,
        })
    }

    /// The header's columns, left to right; untitled columns between titled ones included.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The header's row number as Excel shows it (1-based).
    pub fn header_row(&self) -> u32 {
        self.header_row
    }

    /// The sheet's name (for a .csv file, the file's name, as Excel shows it).
    pub fn sheet(&self) -> &str {
        self.source.sheet()
    }

    /// Titled columns that hold no known field and are not imported, to show the person.
    pub fn unrecognised(&self) -> impl Iterator<Item = &str> {
        self.columns
            .iter()
            .filter(|c| c.field.is_none() && !c.title.is_empty())
            .map(|c| c.title.as_str())
    }

    /// The column holding `field`, to name it as the file does.
    pub fn column_of(&self, field: Field) -> Option<&Column> {
        self.columns.iter().find(|c| c.field == Some(field))
    }

    /// The next row with any text under the header; blank rows are skipped silently, since
    /// hand-kept ledgers separate blocks with them. `None` at the end. A problem means the
    /// row could not be read (a .csv row in another encoding) or the file is damaged; reading
    /// may go on after the former, and ends after the latter.
    pub fn next_row(&mut self) -> Option<Result<RawRow<'_>, SheetProblem>> {
        loop {
            match self.source.next(&mut self.row) {
                Ok(true) => {}
                Ok(false) => return None,
                Err(problem) => return Some(Err(problem)),
            }
            if self.align() {
                return Some(Ok(RawRow {
                    number: self.row.number,
                    text: self.row.text(),
                    cells: &self.cells,
                    columns: &self.columns,
                    fields: &self.fields,
                }));
            }
        }
    }

    /// How far reading has come.
    pub fn progress(&self) -> Progress {
        self.source.progress(self.row.number)
    }

    /// Lays the row's cells out by column; `false` when it has no text under the header.
    fn align(&mut self) -> bool {
        self.cells.fill(0..0);
        let mut any = false;
        for span in self.row.spans() {
            if let Some(cell) = self.cells.get_mut(span.column as usize) {
                *cell = span.start..span.end;
                any |= span.start < span.end;
            }
        }
        any
    }
}

/// Reads rows up to the header and returns its columns, leaving the header in `row`.
fn find_header(
    source: &mut Source,
    row: &mut PackedRow,
    mapping: &ColumnMapping,
) -> Result<Vec<Column>, SheetProblem> {
    let mut looked_at = 0;
    while looked_at < HEADER_SEARCH_ROWS && source.next(row)? {
        if row.is_blank() {
            continue;
        }
        if let Some(columns) = header::columns_of(row, mapping) {
            return Ok(columns);
        }
        looked_at += 1;
    }
    let message = if looked_at == 0 {
        "文件中没有内容".to_string()
    } else {
        format!(
            "前 {looked_at} 行中没有找到表头：表头行应至少有两个能识别的列名，如“姓名”“身份证号”"
        )
    };
    Err(SheetProblem::new(source.sheet(), 0, "", message))
}

impl<'r> RawRow<'r> {
    /// The row number as Excel shows it (1-based).
    pub fn number(&self) -> u32 {
        self.number
    }

    /// The text under column `index` of the header, trimmed; empty when blank or past the row.
    pub fn cell(&self, index: usize) -> &'r str {
        self.cells.get(index).map_or("", |r| &self.text[r.clone()])
    }

    /// Every column's text, in the header's order.
    pub fn cells(&self) -> impl Iterator<Item = &'r str> + '_ {
        (0..self.cells.len()).map(|i| self.cell(i))
    }

    /// The text of the column holding `field`; empty when the ledger has no such column.
    pub fn get(&self, field: Field) -> &'r str {
        self.fields
            .iter()
            .find(|(_, f)| *f == field)
            .map_or("", |(i, _)| self.cell(*i))
    }

    /// The column holding `field`, to name it as the file does when reporting a problem.
    pub fn column_of(&self, field: Field) -> Option<&'r Column> {
        self.fields
            .iter()
            .find(|(_, f)| *f == field)
            .map(|(i, _)| &self.columns[*i])
    }

    /// The row as the domain checks it.
    pub fn ledger_row(&self) -> LedgerRow<'r> {
        let mut row = LedgerRow::default();
        for (index, field) in self.fields {
            row.set(*field, self.cell(*index));
        }
        row
    }
}

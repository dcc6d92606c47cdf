//! One row of a sheet as it streams past: every cell's text packed into one string, each cell
//! tagged with its column. Rows are refilled in place, so once the buffers have grown to the
//! widest row a million rows cost no allocation per cell.

/// Where one cell's text lies in its row's buffer.
#[derive(Debug, Clone, Copy)]
pub(super) struct Span {
    pub column: u32,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Default)]
pub(super) struct PackedRow {
    /// The row number as Excel shows it (1-based).
    pub number: u32,
    text: String,
    spans: Vec<Span>,
}

impl PackedRow {
    /// Empties the row for the cells of row `number`, keeping its buffers.
    pub fn start(&mut self, number: u32) {
        self.number = number;
        self.text.clear();
        self.spans.clear();
    }

    /// Adds the cell at `column`, whose text `write` appends to the buffer; surrounding spaces
    /// (also full-width ones) are left out of the cell.
    pub fn push(&mut self, column: u32, write: impl FnOnce(&mut String)) {
        let start = self.text.len();
        write(&mut self.text);
        let written = &self.text[start..];
        let trimmed = written.trim_start();
        let start = start + (written.len() - trimmed.len());
        let end = start + trimmed.trim_end().len();
        self.spans.push(Span { column, start, end });
    }

    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn cell(&self, span: Span) -> &str {
        &self.text[span.start..span.end]
    }

    /// Whether every cell is empty, as between blocks of a hand-kept ledger.
    pub fn is_blank(&self) -> bool {
        self.spans.iter().all(|s| s.start == s.end)
    }
}

#[cfg(test)]
mod tests {
    use super::PackedRow;

    #[test]
    fn cells_are_trimmed_and_reuse_the_buffer() {
        let mut row = PackedRow::default();
        row.start(3);
        row.push(0, |t| t.push_str("\u{3000} 张三 "));
        row.push(4, |t| t.push_str("   "));
        let cells: Vec<(u32, &str)> = row
            .spans()
            .iter()
            .map(|s| (s.column, row.cell(*s)))
            .collect();
        assert_eq!(cells, [(0, "张三"), (4, "")]);
        assert!(!row.is_blank());
        let capacity = row.text.capacity();
        row.start(4);
        row.push(1, |t| t.push(' '));
        assert!(row.is_blank());
        assert_eq!(row.number, 4);
        assert_eq!(row.text.capacity(), capacity);
    }
}

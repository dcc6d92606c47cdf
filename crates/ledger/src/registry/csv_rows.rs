//! The rows of a .csv ledger, streamed. Excel on Chinese Windows saves "CSV" in GB18030 (GBK)
//! and "CSV UTF-8" with a byte-order mark; other tools write UTF-8 without one. The encoding is
//! told from the file's first bytes and the rest is decoded as it is read.

use super::packed::PackedRow;
use crate::SheetProblem;
use csv::{ByteRecord, Terminator};
use encoding_rs::{Encoding, GB18030, UTF_8};
use encoding_rs_io::{DecodeReaderBytes, DecodeReaderBytesBuilder};
use std::fs::File;
use std::io::{self, Read, Seek};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Bytes looked at to tell the encoding: many rows, so a GBK name is bound to show up.
const SNIFF_BYTES: u64 = 64 * 1024;

/// The file as UTF-8, with a line break appended (see `CsvRows::open`).
type Decoded = io::Chain<DecodeReaderBytes<Counted<File>, Vec<u8>>, &'static [u8]>;

pub(super) struct CsvRows {
    sheet: String,
    reader: csv::Reader<Decoded>,
    record: ByteRecord,
    /// Line breaks inside quoted cells so far: csv counts them as lines, Excel not as rows.
    inner_breaks: u64,
    read: Arc<AtomicU64>,
    size: u64,
    finished: bool,
}

impl CsvRows {
    pub fn open(path: &Path) -> Result<CsvRows, SheetProblem> {
        let unreadable = |e: io::Error| SheetProblem::new("", 0, "", format!("无法读取文件：{e}"));
        let mut file = File::open(path).map_err(unreadable)?;
        let size = file.metadata().map_err(unreadable)?.len();
        let encoding = sniff_encoding(&mut file).map_err(unreadable)?;
        let read = Arc::new(AtomicU64::new(0));
        let counted = Counted {
            inner: file,
            read: Arc::clone(&read),
        };
        // A byte-order mark, UTF-16 ones included, overrides the guess and is dropped. UTF-8 is
        // passed through, not decoded, so that a stray GBK row further down is reported instead
        // of read as replacement characters.
        let decoded = DecodeReaderBytesBuilder::new()
            .encoding((encoding != UTF_8).then_some(encoding))
            .bom_override(true)
            .strip_bom(true)
            .utf8_passthru(true)
            .build(counted);
        // Records end at "\n" only (a "\r" before it is trimmed with the cell), and the stream
        // gets a last "\n", so that every record ends in one: the line count after a record then
        // tells the line it started on, which is the row Excel shows it on.
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .terminator(Terminator::Any(b'\n'))
            .from_reader(decoded.chain(&b"\n"[..]));
        Ok(CsvRows {
            // Excel names the one sheet of a CSV file after the file.
            sheet: path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            reader,
            record: ByteRecord::new(),
            inner_breaks: 0,
            read,
            size,
            finished: false,
        })
    }

    pub fn sheet(&self) -> &str {
        &self.sheet
    }

    /// Bytes of the file read so far and the file's size.
    pub fn bytes(&self) -> (u64, u64) {
        (self.read.load(Ordering::Relaxed), self.size)
    }

    /// Fills `row` with the next record; `false` at the end of the file. Rows are numbered as
    /// Excel shows them: blank lines count, line breaks inside quoted cells do not.
    pub fn next(&mut self, row: &mut PackedRow) -> Result<bool, SheetProblem> {
        if self.finished {
            return Ok(false);
        }
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => {}
            Ok(false) => {
                self.finished = true;
                return Ok(false);
            }
            Err(e) => {
                self.finished = true;
                return Err(SheetProblem::new(
                    &self.sheet,
                    0,
                    "",
                    format!("读取文件出错：{e}"),
                ));
            }
        }
        let breaks = self
            .record
            .as_slice()
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        let first_line = self.reader.position().line().saturating_sub(breaks + 1);
        let number =
            u32::try_from(first_line.saturating_sub(self.inner_breaks)).unwrap_or(u32::MAX);
        self.inner_breaks += breaks;
        row.start(number);
        for (column, field) in (0u32..).zip(self.record.iter()) {
            let Ok(text) = std::str::from_utf8(field) else {
                let message = "此行含有非 UTF-8 编码的文字（文件开头是 UTF-8 编码）；请把整个文件另存为“CSV UTF-8（逗号分隔）”格式后再导入";
                return Err(SheetProblem::new(&self.sheet, number, "", message));
            };
            row.push(column, |out| out.push_str(unformula(text)));
        }
        Ok(true)
    }
}

/// `="0571-8888"`, the form some systems export text in so that Excel keeps leading zeros and
/// long numbers, read as the text it shows.
fn unformula(text: &str) -> &str {
    let trimmed = text.trim();
    trimmed
        .strip_prefix("=\"")
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text)
}

/// UTF-8 when the first bytes are valid UTF-8 (a character cut off at the end of the sample
/// included), GB18030 otherwise; leaves the file at its start.
fn sniff_encoding(file: &mut File) -> io::Result<&'static Encoding> {
    let mut head = Vec::new();
    file.by_ref().take(SNIFF_BYTES).read_to_end(&mut head)?;
    file.rewind()?;
    let full_sample = head.len() as u64 == SNIFF_BYTES;
    Ok(match std::str::from_utf8(&head) {
        Ok(_) => UTF_8,
        Err(e) if full_sample && e.error_len().is_none() => UTF_8,
        Err(_) => GB18030,
    })
}

/// A reader that counts the bytes read through it, for progress.
struct Counted<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::unformula;

    #[test]
    fn formula_wrapped_text_reads_as_its_text() {
        assert_eq!(unformula("=\"330105198002290031\""), "330105198002290031");
        assert_eq!(unformula("=SUM(A1)"), "=SUM(A1)");
        assert_eq!(unformula(" 张三 "), " 张三 ");
    }
}

//! The rows of an .xlsx ledger's first visible worksheet, streamed. calamine's cell reader
//! parses the sheet's XML as it unzips it, so only the shared string table is held, never the
//! sheet; but the reader borrows the workbook, so both live on a thread of their own that hands
//! rows over in batches. The thread also lets unzipping and parsing overlap the caller's checks.

use super::cell_text;
use super::packed::PackedRow;
use crate::SheetProblem;
use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx, XlsxError, open_workbook};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};

/// Rows per batch: enough that handing over costs nothing per row, few enough to stay small.
const BATCH_ROWS: usize = 512;
/// Batches parsed ahead of the caller; memory stays bounded however far behind it falls.
const BATCHES_AHEAD: usize = 4;

type Workbook = Xlsx<BufReader<File>>;

/// Rows of one batch; rows past `filled` are spares kept for their buffers.
#[derive(Default)]
struct Batch {
    rows: Vec<PackedRow>,
    filled: usize,
}

impl Batch {
    fn start_row(&mut self, number: u32) {
        if self.filled == self.rows.len() {
            self.rows.push(PackedRow::default());
        }
        self.rows[self.filled].start(number);
        self.filled += 1;
    }

    /// The row being filled; there is one once `start_row` was called.
    fn last(&mut self) -> &mut PackedRow {
        &mut self.rows[self.filled - 1]
    }
}

enum Message {
    /// The sheet is open; its declared last row, when it declares one.
    Opened(Option<u32>),
    Rows(Batch),
    Failed(SheetProblem),
    Done,
}

pub(super) struct XlsxRows {
    sheet: String,
    last_row: Option<u32>,
    incoming: Receiver<Message>,
    /// Emptied batches go back to the parsing thread, so their buffers are reused.
    spent: Sender<Batch>,
    batch: Batch,
    next: usize,
    finished: bool,
}

impl XlsxRows {
    pub fn open(path: &Path) -> Result<XlsxRows, SheetProblem> {
        let workbook: Workbook = open_workbook(path).map_err(|e| {
            let message = format!("无法读取 Excel 文件（应为 .xlsx 格式，且未加密）：{e}");
            SheetProblem::new("", 0, "", message)
        })?;
        let sheet = first_visible_sheet(&workbook)
            .ok_or_else(|| SheetProblem::new("", 0, "", "文件中没有可见的工作表"))?;
        let (rows_out, incoming) = mpsc::sync_channel(BATCHES_AHEAD);
        let (spent, spent_in) = mpsc::channel();
        let name = sheet.clone();
        std::thread::Builder::new()
            .name("ledger-xlsx".into())
            .spawn(move || parse(workbook, &name, rows_out, spent_in))
            .map_err(|e| SheetProblem::new("", 0, "", format!("无法开始读取：{e}")))?;
        let mut rows = XlsxRows {
            sheet,
            last_row: None,
            incoming,
            spent,
            batch: Batch::default(),
            next: 0,
            finished: false,
        };
        match rows.incoming.recv() {
            Ok(Message::Opened(last_row)) => rows.last_row = last_row,
            Ok(Message::Failed(problem)) => return Err(problem),
            _ => return Err(rows.interrupted()),
        }
        Ok(rows)
    }

    pub fn sheet(&self) -> &str {
        &self.sheet
    }

    /// The last row the sheet declares it uses, for progress; not every writer declares it.
    pub fn last_row(&self) -> Option<u32> {
        self.last_row
    }

    /// Fills `row` with the next row that has cells; `false` at the end of the sheet.
    pub fn next(&mut self, row: &mut PackedRow) -> Result<bool, SheetProblem> {
        loop {
            if self.next < self.batch.filled {
                // The caller's old row takes the place of the new one, buffers and all.
                std::mem::swap(row, &mut self.batch.rows[self.next]);
                self.next += 1;
                return Ok(true);
            }
            if self.finished {
                return Ok(false);
            }
            // The thread may have ended already; then the batch is simply dropped.
            let _ = self.spent.send(std::mem::take(&mut self.batch));
            self.next = 0;
            match self.incoming.recv() {
                Ok(Message::Rows(batch)) => self.batch = batch,
                Ok(Message::Done) => self.finished = true,
                Ok(Message::Failed(problem)) => {
                    self.finished = true;
                    return Err(problem);
                }
                Ok(Message::Opened(_)) | Err(_) => {
                    self.finished = true;
                    return Err(self.interrupted());
                }
            }
        }
    }

    /// The parsing thread stopped without saying why: it panicked on a malformed file.
    fn interrupted(&self) -> SheetProblem {
        SheetProblem::new(&self.sheet, 0, "", "读取工作表时意外中断，文件可能已损坏")
    }
}

/// The sheet a person sees first when opening the file: hidden sheets (often lists behind
/// drop-downs) and chart sheets are passed over.
fn first_visible_sheet(workbook: &Workbook) -> Option<String> {
    workbook
        .sheets_metadata()
        .iter()
        .find(|s| s.typ == SheetType::WorkSheet && s.visible == SheetVisible::Visible)
        .map(|s| s.name.clone())
}

/// The parsing thread: sends the sheet's rows until the end, an error, or until the reader is
/// dropped (a send then fails and the thread ends).
fn parse(mut workbook: Workbook, sheet: &str, out: SyncSender<Message>, spent: Receiver<Batch>) {
    let failed = |e: XlsxError| {
        let message = format!("读取工作表失败，文件可能已损坏：{e}");
        Message::Failed(SheetProblem::new(sheet, 0, "", message))
    };
    let mut cells = match workbook.worksheet_cells_reader(sheet) {
        Ok(cells) => cells,
        Err(e) => {
            let _ = out.send(failed(e));
            return;
        }
    };
    let end = cells.dimensions().end.0;
    // A sheet without a <dimension> reads as ending at row 1.
    let last_row = (end > 0).then_some(end + 1);
    if out.send(Message::Opened(last_row)).is_err() {
        return;
    }
    let mut batch = Batch::default();
    let mut current: Option<u32> = None;
    loop {
        let cell = match cells.next_cell() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(e) => {
                let _ = out.send(failed(e));
                return;
            }
        };
        let value = cell.get_value();
        if matches!(value, DataRef::Empty) {
            continue;
        }
        let (r, column) = cell.get_position();
        if current != Some(r) {
            if batch.filled == BATCH_ROWS {
                let next = spent.try_recv().unwrap_or_default();
                if out
                    .send(Message::Rows(std::mem::replace(&mut batch, next)))
                    .is_err()
                {
                    return;
                }
                batch.filled = 0;
            }
            batch.start_row(r + 1);
            current = Some(r);
        }
        batch
            .last()
            .push(column, |text| cell_text::append(value, text));
    }
    if batch.filled > 0 && out.send(Message::Rows(batch)).is_err() {
        return;
    }
    let _ = out.send(Message::Done);
}

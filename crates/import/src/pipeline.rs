//! The import run: a blocking thread reads and checks the file while the store writes what it is
//! sent, so parsing and writing overlap on two cores. Memory stays bounded: rows travel in
//! small batches and only problem lines and one number per ID are kept.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use quanke_domain::OrgPath;
use quanke_domain::registry::{Field, check_row};
use quanke_ledger::registry::{
    ColumnMapping, LedgerReader, Progress, ReportLine, Severity, write_problem_report,
};
use quanke_ledger::{LedgerError, SheetProblem};
use quanke_store::registry::{
    ImportContext, ImportCounts, ImportMsg, NewResident, RunLog, import_residents, rows_outside,
};
use quanke_store::{Db, StoreError};
use time::Date;
use tokio::sync::mpsc;

use crate::convert::new_resident;
use crate::grids::Target;

/// What to do with the rows once checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commit {
    /// Check and report only; write nothing.
    DryRun,
    /// Write the rows without errors; rows with errors are left out and reported.
    Valid,
    /// Write everything, or nothing if any row has an error.
    All,
}

#[derive(Clone)]
pub struct Options {
    pub commit: Commit,
    /// Where the problem report goes when there is anything to report.
    pub report: PathBuf,
    pub mapping: ColumnMapping,
    pub today: Date,
    pub now: i64,
    pub actor: String,
    /// The signed-in account importing, for the audit log; `None` on the command line.
    pub actor_id: Option<i64>,
    pub ip: String,
    /// The part of the org tree the import may write: the importer's own. A row whose person is
    /// registered outside it is reported as needing a transfer and never written.
    pub area: OrgPath,
    /// The file's name as people know it, for each person's history.
    pub file_name: String,
}

/// The report's words for a row whose person is registered outside the importer's area. The
/// same words whatever holds the record (another community, someone who moved out of one), and
/// nothing about it: not the name, the place or the state.
pub const OUTSIDE_AREA: &str = "不在本辖区，需办理迁入/转移";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Data rows read (blank rows are not counted).
    pub rows: u64,
    pub valid: u64,
    /// Rows with at least one error.
    pub invalid: u64,
    pub errors: u64,
    pub warnings: u64,
    /// Rows with errors because their person is registered outside the importer's area
    /// (counted in `invalid` too).
    pub outside: u64,
    /// The problem report, when there was anything to report.
    pub report: Option<PathBuf>,
    /// Header titles that name no field and were ignored.
    pub ignored_columns: Vec<String>,
    /// What was written; `None` for a dry run. Not committed when `Commit::All` met an error.
    pub written: Option<ImportCounts>,
    /// The first problem lines, to show on a page; all of them are in the report.
    pub first_problems: Vec<ReportLine>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file cannot be read as a ledger at all (format, header, required columns).
    #[error("{0}")]
    File(SheetProblem),
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Report(#[from] LedgerError),
    #[error("导入中断：{0}")]
    Interrupted(String),
}

/// Rows per message to the writer.
const BATCH: usize = 2_000;
/// How often progress is reported, in rows.
const PROGRESS_EVERY: u64 = 500;
/// Problem lines kept in the outcome for showing at once.
const FIRST_PROBLEMS: usize = 50;

pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// Reads `path` into the community of `target` as `opts` says. `Commit::All` reads the file
/// twice: once to be sure no row has an error, then to write.
pub async fn run(
    db: &Db,
    path: &Path,
    target: &Target,
    opts: &Options,
    progress: ProgressFn,
) -> Result<Outcome, ImportError> {
    match opts.commit {
        Commit::DryRun => pass(db, path, target, opts, false, progress).await,
        Commit::Valid => pass(db, path, target, opts, true, progress).await,
        Commit::All => {
            let check = pass(db, path, target, opts, false, progress.clone()).await?;
            if check.invalid > 0 {
                let refused = ImportCounts::default();
                return Ok(Outcome {
                    written: Some(refused),
                    ..check
                });
            }
            pass(db, path, target, opts, true, progress).await
        }
    }
}

/// One reading of the file, writing the valid rows when `writing`.
async fn pass(
    db: &Db,
    path: &Path,
    target: &Target,
    opts: &Options,
    writing: bool,
    progress: ProgressFn,
) -> Result<Outcome, ImportError> {
    let (tx, rx) = mpsc::channel::<ImportMsg>(4);
    let reader = {
        let (path, target, opts) = (path.to_path_buf(), target.clone(), opts.clone());
        tokio::task::spawn_blocking(move || read_all(&path, &target, &opts, Some(tx), &*progress))
    };
    let ctx = ImportContext {
        actor: opts.actor.clone(),
        source: format!("导入 {}", opts.file_name),
        now: opts.now,
        today: opts.today.to_string(),
        area: opts.area.clone(),
        atomic: opts.commit == Commit::All,
        run: Some(RunLog {
            file_name: opts.file_name.clone(),
            community_path: target.community.path.clone(),
            actor_id: opts.actor_id,
            ip: opts.ip.clone(),
        }),
    };
    // The dry run asks the same question of the store that the import's writer answers.
    let writer = async {
        if writing {
            let counts = import_residents(db, rx, &ctx).await?;
            Ok::<_, StoreError>((counts.outside.clone(), Some(counts)))
        } else {
            Ok((rows_outside(db, rx, &opts.area).await?, None))
        }
    };
    let (read, written) = tokio::join!(reader, writer);
    let (mut outcome, mut lines) = read.map_err(|e| ImportError::Interrupted(e.to_string()))??;
    let (outside, written) = written?;
    outcome.written = written;
    mark_outside(&mut outcome, &mut lines, &outside);
    outcome.first_problems = lines.iter().take(FIRST_PROBLEMS).cloned().collect();
    if !lines.is_empty() {
        write_problem_report(&opts.report, lines)?;
        outcome.report = Some(opts.report.clone());
    }
    Ok(outcome)
}

/// Turns rows found outside the area from valid into rows with an error, in row order.
fn mark_outside(outcome: &mut Outcome, lines: &mut Vec<ReportLine>, rows: &[u32]) {
    if rows.is_empty() {
        return;
    }
    let n = rows.len() as u64;
    outcome.outside = n;
    outcome.valid -= n;
    outcome.invalid += n;
    outcome.errors += n;
    let column = Field::IdNumber.label();
    lines.extend(
        rows.iter()
            .map(|&row| line(row, column, "", OUTSIDE_AREA, Severity::Error)),
    );
    lines.sort_by_key(|l| l.row);
}

/// The blocking half: read, check, send the valid rows (when `tx` is given), then `Commit`.
fn read_all(
    path: &Path,
    target: &Target,
    opts: &Options,
    mut tx: Option<mpsc::Sender<ImportMsg>>,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<(Outcome, Vec<ReportLine>), ImportError> {
    let mut reader = LedgerReader::open(path, &opts.mapping).map_err(ImportError::File)?;
    let titles: HashMap<Field, String> = reader
        .columns()
        .iter()
        .filter_map(|c| Some((c.field?, c.title.clone())))
        .collect();
    let mut outcome = Outcome {
        ignored_columns: reader.unrecognised().map(str::to_string).collect(),
        ..Outcome::default()
    };
    let mut lines = Vec::new();
    let mut seen: HashMap<u64, u32> = HashMap::new();
    let mut batch: Vec<NewResident> = Vec::with_capacity(BATCH);
    let community = target.community.path.as_str().to_string();
    while let Some(next) = reader.next_row() {
        let raw = match next {
            Ok(raw) => raw,
            Err(problem) => {
                // A row that cannot be read (another encoding in a CSV) is a row with an error.
                lines.push(line(
                    problem.row,
                    &problem.column,
                    "",
                    &problem.message,
                    Severity::Error,
                ));
                outcome.errors += 1;
                outcome.invalid += 1;
                continue;
            }
        };
        outcome.rows += 1;
        let number = raw.number();
        let title = |f: Field| titles.get(&f).map(String::as_str).unwrap_or("");
        match check_row(&raw.ledger_row(), opts.today) {
            Ok(checked) => {
                outcome.valid += 1;
                for w in &checked.warnings {
                    lines.push(line(
                        number,
                        title(w.field),
                        raw.get(w.field),
                        &w.message,
                        Severity::Warning,
                    ));
                    outcome.warnings += 1;
                }
                let record = checked.record;
                if let Some(first) = seen.insert(id_key(record.id.as_str()), number) {
                    let message = format!("与第 {first} 行身份证号相同，以本行为准");
                    lines.push(line(
                        number,
                        title(Field::IdNumber),
                        "",
                        &message,
                        Severity::Warning,
                    ));
                    outcome.warnings += 1;
                }
                let org = target.place(&record.grid).unwrap_or_else(|message| {
                    lines.push(line(
                        number,
                        title(Field::Grid),
                        &record.grid,
                        &message,
                        Severity::Warning,
                    ));
                    outcome.warnings += 1;
                    community.as_str()
                });
                let org = org.to_string();
                let mut person =
                    new_resident(record, &org, &community, |f| titles.contains_key(&f));
                person.row = number;
                batch.push(person);
            }
            Err(problems) => {
                outcome.invalid += 1;
                for p in &problems {
                    lines.push(line(
                        number,
                        title(p.field),
                        raw.get(p.field),
                        &p.message,
                        Severity::Error,
                    ));
                    outcome.errors += 1;
                }
            }
        }
        if batch.len() >= BATCH {
            send(&mut tx, std::mem::take(&mut batch));
        }
        if outcome.rows.is_multiple_of(PROGRESS_EVERY) {
            progress(reader.progress());
        }
    }
    send(&mut tx, batch);
    if let Some(tx) = tx {
        // The writer stops on its own error; the import result carries that error.
        let _ = tx.blocking_send(ImportMsg::Commit);
    }
    progress(reader.progress());
    Ok((outcome, lines))
}

/// Sends a batch while writing is still wanted; a writer that has failed ends the sending.
fn send(tx: &mut Option<mpsc::Sender<ImportMsg>>, batch: Vec<NewResident>) {
    if batch.is_empty() {
        return;
    }
    let refused = tx
        .as_ref()
        .is_some_and(|sender| sender.blocking_send(ImportMsg::Rows(batch)).is_err());
    if refused {
        *tx = None;
    }
}

/// An 18-character ID number as a number: its first 17 digits decide the check character, so
/// they identify the person, and a u64 per row keeps a million rows' duplicate check small.
fn id_key(id: &str) -> u64 {
    id[..17].parse().unwrap_or(u64::MAX)
}

fn line(row: u32, column: &str, value: &str, message: &str, severity: Severity) -> ReportLine {
    ReportLine {
        row,
        column: column.to_string(),
        value: value.to_string(),
        message: message.to_string(),
        severity,
    }
}

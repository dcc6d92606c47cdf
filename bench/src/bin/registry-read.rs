//! Reads a residents ledger the way an import does, without the database:
//! `registry-read FILE [--report PROBLEMS.xlsx]` streams FILE through `LedgerReader` and every
//! row through `check_row`, optionally writing the problem report as it goes, and prints rows
//! per second, problems found and the process's peak memory (VmHWM).
//!
//! `cargo run --release -p quanke-bench --bin registry-read -- ledger.xlsx`

use anyhow::{Result, bail};
use quanke_domain::registry::check_row;
use quanke_ledger::registry::{
    ColumnMapping, LedgerReader, ReportLine, Severity, write_problem_report,
};
use std::path::PathBuf;
use std::time::Instant;
use time::Date;
use time::macros::date;

/// The day ages and future birth dates are judged on, fixed so runs compare.
const TODAY: Date = date!(2026 - 11 - 28);

#[derive(Default)]
struct Counts {
    rows: u64,
    rows_ok: u64,
    errors: u64,
    warnings: u64,
    unreadable: u64,
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (file, report) = match args.as_slice() {
        [file] => (PathBuf::from(file), None),
        [file, flag, report] if flag == "--report" => {
            (PathBuf::from(file), Some(PathBuf::from(report)))
        }
        _ => bail!("usage: registry-read FILE [--report PROBLEMS.xlsx]"),
    };
    let started = Instant::now();
    let mut reader = LedgerReader::open(&file, &ColumnMapping::default())?;
    let ignored: Vec<&str> = reader.unrecognised().collect();
    println!(
        "sheet “{}”, header on row {}, {} columns, ignored: {ignored:?}",
        reader.sheet(),
        reader.header_row(),
        reader.columns().len(),
    );
    let mut counts = Counts::default();
    {
        let lines = std::iter::from_fn(|| next_lines(&mut reader, &mut counts)).flatten();
        match &report {
            Some(path) => {
                write_problem_report(path, lines)?;
            }
            None => lines.for_each(drop),
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{} rows in {seconds:.1} s ({:.0} rows/s): {} passed, {} errors, {} warnings, {} unreadable rows",
        counts.rows,
        counts.rows as f64 / seconds,
        counts.rows_ok,
        counts.errors,
        counts.warnings,
        counts.unreadable
    );
    println!("peak memory (VmHWM): {}", peak_rss());
    Ok(())
}

/// The report lines of the next row; `None` at the end of the file.
fn next_lines(reader: &mut LedgerReader, counts: &mut Counts) -> Option<Vec<ReportLine>> {
    let row = match reader.next_row()? {
        Ok(row) => row,
        Err(problem) => {
            counts.unreadable += 1;
            let line = ReportLine {
                row: problem.row,
                column: problem.column,
                value: String::new(),
                message: problem.message,
                severity: Severity::Error,
            };
            return Some(vec![line]);
        }
    };
    counts.rows += 1;
    let (problems, severity) = match check_row(&row.ledger_row(), TODAY) {
        Ok(checked) => {
            counts.rows_ok += 1;
            counts.warnings += checked.warnings.len() as u64;
            (checked.warnings, Severity::Warning)
        }
        Err(problems) => {
            counts.errors += problems.len() as u64;
            (problems, Severity::Error)
        }
    };
    let number = row.number();
    let lines = problems.into_iter().map(|p| ReportLine {
        row: number,
        column: row
            .column_of(p.field)
            .map_or(p.field.label(), |c| &c.title)
            .into(),
        value: row.get(p.field).into(),
        message: p.message,
        severity,
    });
    let lines = lines.collect();
    Some(lines)
}

fn peak_rss() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .map_or_else(|| "unknown".into(), |v| v.trim().to_string())
}

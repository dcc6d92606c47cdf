//! Residents ledgers (居民台账) as people keep them: read row by row from large `.xlsx` and `.csv`
//! files whatever their title rows, column order and encoding, and written back out as workbooks
//! (exports, problem reports, benchmark files). Unlike the catalogue, these files are too large
//! to hold in memory, so everything here streams: one row at a time in, one row at a time out.

mod cell_text;
mod csv_rows;
mod header;
mod mapping;
mod packed;
mod reader;
mod report;
mod source;
mod write;
mod xlsx_out;
mod xlsx_rows;

pub use header::Column;
pub use mapping::ColumnMapping;
pub use reader::{LedgerReader, RawRow};
pub use report::{ReportLine, Severity, write_problem_report};
pub use source::Progress;
pub use write::{write_ledger, write_sheet};

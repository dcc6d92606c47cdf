//! Taking a residents ledger into the registry: read the file row by row, check each row, and
//! either only report (the dry run) or write inside one transaction that commits when the whole
//! file has been read. Shared by `quanke registry import` and the import page.

mod convert;
mod grids;
mod pipeline;
mod synthetic;

pub use grids::Target;
pub use pipeline::{Commit, ImportError, Options, Outcome, run};
pub use quanke_ledger::registry::{Progress, ReportLine, Severity};
pub use synthetic::synthetic_resident;

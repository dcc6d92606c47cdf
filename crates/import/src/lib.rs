//! Taking a residents ledger into the registry: read the file row by row, check each row, and
//! either only report (the dry run) or write the valid rows (committed in steps, so the desk keeps
//! working during a long import); "all or nothing" reads the whole file first and writes only if
//! no row has an error. Shared by `quanke registry import` and the import page.

mod convert;
mod grids;
mod pipeline;
mod synthetic;

pub use grids::Target;
pub use pipeline::{Commit, ImportError, OUTSIDE_AREA, Options, Outcome, run};
pub use quanke_ledger::registry::{Progress, ReportLine, Severity};
pub use synthetic::synthetic_resident;

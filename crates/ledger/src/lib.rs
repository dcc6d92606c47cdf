//! Spreadsheets in and out: workbooks people edit by hand become validated domain values, and
//! domain values become workbooks. Nothing here touches the database, so a caller writes only
//! after a file has been checked. The catalogue converts whole workbooks in memory; residents
//! ledgers are too large for that and stream from and to files (`registry`).

mod catalogue_xlsx;
mod error;
mod problem;
pub mod registry;

pub use catalogue_xlsx::{catalogue_from_xlsx, catalogue_to_xlsx};
pub use error::LedgerError;
pub use problem::SheetProblem;

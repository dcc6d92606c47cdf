//! Spreadsheets in and out: workbooks people edit by hand become validated domain values, and
//! domain values become workbooks. Pure conversion: nothing here touches files or the database,
//! so a caller writes only after a whole workbook has been checked.

mod catalogue_xlsx;
mod error;
mod problem;

pub use catalogue_xlsx::{catalogue_from_xlsx, catalogue_to_xlsx};
pub use error::LedgerError;
pub use problem::SheetProblem;

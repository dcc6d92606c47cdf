//! The service catalogue as an XLSX workbook, both ways (layout in docs/catalogue-format.md,
//! section "XLSX"): one sheet of items, and sheets of materials, intake questions, FAQs and
//! policies whose rows name their item by code.

mod cell_forms;
mod cells;
mod headers;
mod read;
mod rules;
mod sheet;
mod words;
mod write;

pub use read::catalogue_from_xlsx;
pub use write::catalogue_to_xlsx;

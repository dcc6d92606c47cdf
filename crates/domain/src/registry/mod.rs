//! The residents registry's rules: ledger columns, row checks, tags of care, dwellings read from
//! addresses, name initials and how a search box is read.

mod date;
pub mod dwelling;
pub mod field;
pub mod initials;
pub mod query;
pub mod record;
pub mod tag;

pub use date::parse_date;
pub use dwelling::{DwellingRef, parse_address};
pub use field::{Field, recognise};
pub use initials::name_initials;
pub use query::{Lookup, Query, classify, read};
pub use record::{Checked, LedgerRow, Problem, ResidentRecord, check_row};
pub use tag::{CareTag, DatedTag, parse_tags};

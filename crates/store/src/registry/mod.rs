//! The residents registry: people, households, dwellings and businesses, with their history.

mod business;
pub mod counts;
pub mod export;
mod import;
pub mod mapping;
mod person;
pub mod retention;
pub mod runs;
mod search;
mod tagged;
pub mod uploads;

pub use business::{Business, NewBusiness, businesses, register_business};
pub use import::{
    ImportContext, ImportCounts, ImportMsg, NewDwelling, NewResident, import_residents,
    rows_outside,
};
pub use person::{
    ByNumberWithin, ChangeRow, Membership, NumberWithin, Reader, Resident, Tag, audit_target,
    changes, household_members, id_by_number, memberships, move_out, readers, resident,
    resident_within, residents_by_number_within, tags,
};
pub use runs::RunLog;
pub use search::{Found, MIN_ADDRESS_CHARS, Summary, find, search};
pub use tagged::{Way, tag_list};

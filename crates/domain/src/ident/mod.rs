//! Identifiers typed at the desk: resident ID numbers, organisations' credit codes, phones.
//!
//! Each parser takes what a person typed (full-width, spaced, lower-case) and returns either a
//! normalised value or an error whose message is shown to the user as is.

pub mod credit_code;
pub mod division;
pub(crate) mod normalize;
pub mod phone;
pub mod resident_id;

pub use credit_code::{CreditCode, CreditCodeError};
pub use division::County;
pub use phone::{Phone, PhoneError, PhoneKind};
pub use resident_id::{IdError, IdWarning, ResidentId, Sex};

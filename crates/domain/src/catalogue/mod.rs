//! The service catalogue (办事指南): items, their guides, intake questions and versions.
//! The canonical JSON form of these types is documented in docs/catalogue-format.md.

mod answering;
mod applicability;
mod audience;
mod diff;
mod file;
mod item;
mod owner;
pub mod spoken;
mod validate;

#[cfg(test)]
mod tests;

pub use answering::{AnswerProblem, check as check_answers};
pub use applicability::{Answers, materials_for};
pub use audience::{PublicItem, STAFF_ONLY};
pub use diff::{Change, diff};
pub use file::{CatalogueFile, Entry, FORMAT, Policy};
pub use item::*;
pub use owner::may_edit;
pub use validate::{Problem, validate};

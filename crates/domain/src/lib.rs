//! Pure rules of Quanke: no I/O, no async. Everything here is unit-tested beside its code.

pub mod access;
pub mod calendar;
pub mod case;
pub mod catalogue;
pub mod datafile;
pub mod event;
pub mod grid;
pub mod idempotency;
pub mod ident;
pub mod lifecycle;
pub mod limits;
pub mod mask;
pub mod notice;
pub mod org;
pub mod password;
pub mod registry;
pub mod role;
pub mod text;
pub mod throttle;

pub use access::{Permission, Scope};
pub use org::{BadOrgPath, OrgKind, OrgPath};
pub use role::Role;

//! Persistence for Quanke. All SQL lives in this crate. One `Db` value serves SQLite or PostgreSQL;
//! most statements are written once (SQLite accepts `$1` placeholders) and run on either pool.

mod db;
mod error;
mod limits;
mod readers;
mod statement;
mod turns;
mod wal_append;

pub mod api_tokens;
pub mod audit;
pub mod backup;
pub mod calendar;
pub mod case_reports;
pub mod cases;
pub mod catalogue;
pub mod changes;
pub mod grid;
pub mod grouped;
pub mod leader;
pub mod notifications;
pub mod open311_keys;
pub mod open311_requests;
pub mod orgs;
pub mod registry;
pub mod search_learning;
pub mod sessions;
pub mod throttle;
pub mod users;

#[cfg(feature = "test-support")]
pub mod testing;

pub use db::{Backend, Db, SqliteDb};
pub use error::StoreError;

pub type Result<T> = std::result::Result<T, StoreError>;

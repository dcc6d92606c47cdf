//! Grid work (网格工作): recording visits and reading what the coverage rules make of them (the
//! due list, the coverage of each place). Every channel (the phone pages, the staff pages, the
//! JSON API and the offline sync) records and reads through here, so scope, purposes and limits
//! are checked once.

pub mod coverage;
pub mod events;
pub mod handover;
pub mod inspections;
pub mod photos;
pub mod tasks;
pub mod visits;

use quanke_domain::grid::Purposes;
use quanke_store::StoreError;
use std::sync::OnceLock;

/// The visit purposes in force (shipped with the binary; read once).
pub fn purposes() -> &'static Purposes {
    static PURPOSES: OnceLock<Purposes> = OnceLock::new();
    PURPOSES.get_or_init(Purposes::shipped)
}

/// Why a grid-work request was not done.
#[derive(Debug, thiserror::Error)]
pub enum GridError {
    /// The subject or record does not exist, or lies outside the caller's part of the org tree
    /// (the two are never told apart).
    #[error("没有找到{0}")]
    NotFound(&'static str),
    /// The caller's role may not do this.
    #[error("没有权限：{0}")]
    Forbidden(&'static str),
    /// The request is malformed or breaks a rule; the message says which, in Chinese.
    #[error("{0}")]
    Refused(String),
    /// The record changed since the sender saw it (an event moved on by someone else); the
    /// message says what it is now. Shown to the sender, never overwritten.
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type GridResult<T> = Result<T, GridError>;

//! The service catalogue as the services read it: the items in force today (held in memory by
//! the server beside its search index) and the import and export of the whole catalogue.

pub mod transfer;

use quanke_domain::catalogue::{PublicItem, ServiceItem};
use quanke_store::Db;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// An item in force and the stored version it comes from.
pub struct Current {
    /// The whole item, for staff.
    pub item: ServiceItem,
    /// What residents and partners may read of it: everything the portal, Open311 and the
    /// public API show comes from here.
    pub public: PublicItem,
    pub version_id: i64,
    pub version: i64,
    pub effective_from: String,
}

/// The items in force on one day, looked up by code.
pub trait InForce: Send + Sync {
    fn get(&self, code: &str) -> Option<&Current>;
}

/// Today's items being read (from memory, or loaded when the date changed or a publication
/// dropped them).
pub type Loading<'a> = Pin<Box<dyn Future<Output = anyhow::Result<Arc<dyn InForce>>> + Send + 'a>>;

/// Where the case services find today's items. The server keeps them in memory with the
/// search index (which this crate does not build), so the services ask through this.
pub trait Catalogue: Send + Sync {
    fn in_force<'a>(&'a self, db: &'a Db) -> Loading<'a>;
}

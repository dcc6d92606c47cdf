//! Catalogue search over today's snapshot, for staff pages, the portal and the API.

use super::snapshot::Snapshot;
use quanke_search::{Hit, PolicyHit};

/// Longest query we search for; anything longer is cut (a pasted paragraph is not a query).
const MAX_QUERY_CHARS: usize = 100;

/// Items matching a query, best first, each with why it matched.
pub fn items(snap: &Snapshot, q: &str, limit: usize) -> Vec<Hit> {
    snap.index.search(&clip(q), limit)
}

pub fn policies(snap: &Snapshot, q: &str, limit: usize) -> Vec<PolicyHit> {
    snap.index.search_policies(&clip(q), limit)
}

fn clip(q: &str) -> String {
    q.trim().chars().take(MAX_QUERY_CHARS).collect()
}

//! What residents ask the portal, counted in memory and added to the store every few seconds:
//! a search is a read, and a public page must not cost a write per request. A process that
//! stops loses at most the last few seconds of counts, which are a signal, not a record.

use quanke_domain::catalogue::spoken;
use quanke_store::Db;
use quanke_store::search_learning::{self as learning, Tally};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::Mutex;
use std::time::Duration;

/// How often the counts are added to the store.
pub const FLUSH_EVERY: Duration = Duration::from_secs(10);

/// Distinct questions counted between two flushes; beyond it new ones wait for the next
/// period, so a flood of made-up questions cannot grow the memory.
const HELD_AT_MOST: usize = 1_000;

/// How long a question is kept after it was last asked (the street administrator's list
/// covers this span).
pub const KEPT_FOR_DAYS: i64 = 90;

/// The most questions kept; the least recently asked go first.
const KEPT_AT_MOST: i64 = 50_000;

#[derive(Default)]
pub struct Questions {
    counted: Mutex<HashMap<String, Tally>>,
}

impl Questions {
    /// A resident searched `query`; `answered` when the first result was one the search was
    /// sure of.
    pub fn searched(&self, query: &str, answered: bool, now: i64) {
        self.count(query, now, |t| {
            t.searches += 1;
            t.answered = answered;
        });
    }

    /// A resident opened a result of searching `query`.
    pub fn clicked(&self, query: &str, now: i64) {
        self.count(query, now, |t| t.clicks += 1);
    }

    fn count(&self, query: &str, now: i64, add: impl FnOnce(&mut Tally)) {
        let Some(kept) = spoken::normalise(query) else {
            return;
        };
        let mut counted = self.counted.lock().unwrap_or_else(|e| e.into_inner());
        if counted.len() >= HELD_AT_MOST && !counted.contains_key(&kept) {
            return;
        }
        let t = counted.entry(kept).or_insert(Tally {
            first_at: now,
            ..Tally::default()
        });
        t.last_at = now;
        add(t);
    }

    /// Adds what was counted to the store and forgets what is too old or too many; on failure
    /// the counts are kept for the next time.
    pub async fn flush(&self, db: &Db, now: i64) -> quanke_store::Result<()> {
        let taken: Vec<(String, Tally)> = {
            let mut counted = self.counted.lock().unwrap_or_else(|e| e.into_inner());
            counted.drain().collect()
        };
        let written = learning::add_portal_questions(db, &taken).await;
        if written.is_ok() && !taken.is_empty() {
            let before = now - KEPT_FOR_DAYS * 86_400;
            learning::prune_portal_questions(db, before, KEPT_AT_MOST).await?;
        }
        if written.is_err() {
            let mut counted = self.counted.lock().unwrap_or_else(|e| e.into_inner());
            for (query, t) in taken {
                match counted.entry(query) {
                    Entry::Occupied(mut since) => merge(since.get_mut(), &t),
                    Entry::Vacant(v) => {
                        v.insert(t);
                    }
                }
            }
        }
        written
    }
}

/// Folds counts taken earlier (`older`) into the ones counted since.
fn merge(newer: &mut Tally, older: &Tally) {
    newer.searches += older.searches;
    newer.clicks += older.clicks;
    newer.first_at = newer.first_at.min(older.first_at);
}

/// Adds the counts to the store every `FLUSH_EVERY` while the server runs.
pub fn spawn_flush(state: crate::server::Shared) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(FLUSH_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if let Err(e) = state.flush_portal_questions().await {
                tracing::warn!(error = %e, "portal questions not stored yet; kept for the next try");
            }
        }
    });
}

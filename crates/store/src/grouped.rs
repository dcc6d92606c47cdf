//! Point reads that every request makes (its API token, the applicant's ID number).
//!
//! On PostgreSQL each statement is a round trip to the server; under load the same lookups
//! arrive together, so a reader takes every key waiting (up to `MAX_KEYS`) and reads them in one
//! go, as the case writer does for intakes. On SQLite a read costs less than handing it to
//! another task: it runs at once on the caller's thread, on a connection outside sqlx
//! (`readers`).
//!
//! Reads stay as fresh as a statement of their own: a key is read by a statement that starts
//! after the key was asked, so whatever committed before the request asked (a revoked token, a
//! moved resident) is seen. A lone request is read at once; nobody waits for a group to fill.

use crate::{Db, Result, StoreError};
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::OnceLock;
use tokio::sync::{mpsc, oneshot};

/// The most keys read in one statement.
pub const MAX_KEYS: usize = 64;

/// Requests that may wait for the reader before callers are held back.
const QUEUE: usize = 1024;

/// A read of several keys in one statement.
pub trait ReadMany: Send + Sync + 'static {
    type Key: Clone + Eq + Hash + Send + Sync + 'static;
    type Value: Clone + Send + 'static;

    /// One answer per key, in the keys' order (None: nothing there). The keys are distinct and
    /// at most `MAX_KEYS`.
    fn read_many<'a>(
        db: &'a Db,
        keys: &'a [Self::Key],
    ) -> impl Future<Output = Result<Vec<Option<Self::Value>>>> + Send + 'a;
}

/// Reads of `R`, grouped.
pub struct Grouped<R: ReadMany> {
    db: Db,
    queue: OnceLock<mpsc::Sender<Ask<R>>>,
}

struct Ask<R: ReadMany> {
    key: R::Key,
    reply: oneshot::Sender<Result<Option<R::Value>>>,
}

impl<R: ReadMany> Grouped<R> {
    pub fn new(db: Db) -> Grouped<R> {
        Grouped {
            db,
            queue: OnceLock::new(),
        }
    }

    /// The value for `key`, read together with the keys asked at the same moment (on SQLite,
    /// alone and here).
    pub async fn get(&self, key: R::Key) -> Result<Option<R::Value>> {
        if let Db::Sqlite(_) = &self.db {
            let mut one = R::read_many(&self.db, std::slice::from_ref(&key)).await?;
            return Ok(one.pop().flatten());
        }
        let (reply, answer) = oneshot::channel();
        let stopped = || StoreError::Db(sqlx::Error::PoolClosed);
        self.queue()
            .send(Ask { key, reply })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// The queue; its task is started on first use, inside the caller's runtime.
    fn queue(&self) -> &mpsc::Sender<Ask<R>> {
        self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel(QUEUE);
            tokio::spawn(run::<R>(self.db.clone(), rx));
            tx
        })
    }
}

/// Reads what is asked, group after group, until every sender is gone.
async fn run<R: ReadMany>(db: Db, mut rx: mpsc::Receiver<Ask<R>>) {
    let mut asks = Vec::with_capacity(MAX_KEYS);
    while rx.recv_many(&mut asks, MAX_KEYS).await > 0 {
        answer::<R>(&db, &mut asks).await;
    }
}

/// Answers the asks from one statement over their distinct keys. When it fails, each ask is
/// read alone, so that each caller gets its own error.
async fn answer<R: ReadMany>(db: &Db, asks: &mut Vec<Ask<R>>) {
    let mut keys: Vec<R::Key> = Vec::with_capacity(asks.len());
    let mut slot: HashMap<R::Key, usize> = HashMap::with_capacity(asks.len());
    for ask in asks.iter() {
        slot.entry(ask.key.clone()).or_insert_with(|| {
            keys.push(ask.key.clone());
            keys.len() - 1
        });
    }
    match R::read_many(db, &keys).await {
        Ok(values) => {
            for ask in asks.drain(..) {
                let value = values.get(slot[&ask.key]).cloned().flatten();
                // The caller may have gone (a closed connection); nothing was changed.
                let _ = ask.reply.send(Ok(value));
            }
        }
        Err(_) => {
            for ask in asks.drain(..) {
                let alone = R::read_many(db, std::slice::from_ref(&ask.key)).await;
                let _ = ask.reply.send(alone.map(|mut v| v.pop().flatten()));
            }
        }
    }
}

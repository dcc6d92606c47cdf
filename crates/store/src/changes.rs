//! News between the processes on one database: a process that changes something others hold
//! in memory (the catalogue and its search index, the working-day calendar, the organisations'
//! names) announces it, and every server listening drops its copy within moments. On
//! PostgreSQL, LISTEN/NOTIFY, so a deployment needs no other server. SQLite is served by one
//! process, but the command line may change the database beside it (`quanke catalogue
//! import`): there a change is counted in `change_counters` and the server reads the counts
//! every second.

use crate::{Db, Result, SqliteDb};
use sqlx::postgres::PgListener;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often a SQLite server reads the change counters.
const POLL: Duration = Duration::from_secs(1);

/// The counts a SQLite process last set itself, by topic code: its listener does not hear its
/// own announcements again (the process has dropped its copy already).
pub type Announced = Arc<Mutex<HashMap<&'static str, i64>>>;

/// The channel every Quanke process listens on; the payload names what changed.
const CHANNEL: &str = "quanke_changes";

/// What a process may hold in memory and must reload when another changes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Catalogue,
    Calendar,
    /// An organisation renamed (the only change an org row takes).
    Orgs,
}

impl Topic {
    pub const ALL: [Topic; 3] = [Topic::Catalogue, Topic::Calendar, Topic::Orgs];

    fn code(self) -> &'static str {
        match self {
            Topic::Catalogue => "catalogue",
            Topic::Calendar => "calendar",
            Topic::Orgs => "orgs",
        }
    }

    fn from_code(code: &str) -> Option<Topic> {
        Topic::ALL.into_iter().find(|t| t.code() == code)
    }
}

/// Tells the other processes that `topic` changed (after the change has committed).
pub async fn announce(db: &Db, topic: Topic) -> Result<()> {
    match db {
        Db::Pg(p) => {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(topic.code())
                .execute(p)
                .await?;
        }
        Db::Sqlite(sqlite) => {
            // One statement, its own transaction, in the writers' turn.
            let mut turn = sqlite.writer.take().await?;
            let (n,): (i64,) = sqlx::query_as(
                "INSERT INTO change_counters (topic, n) VALUES ($1, 1) \
                 ON CONFLICT (topic) DO UPDATE SET n = n + 1 RETURNING n",
            )
            .bind(topic.code())
            .fetch_one(&mut *turn)
            .await?;
            lock(&sqlite.announced).insert(topic.code(), n);
        }
    }
    Ok(())
}

fn lock(a: &Announced) -> std::sync::MutexGuard<'_, HashMap<&'static str, i64>> {
    a.lock().unwrap_or_else(|e| e.into_inner())
}

/// What a listener hears next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heard {
    Changed(Topic),
    /// The connection dropped and was made again: whatever was announced meanwhile is lost,
    /// so the listener must treat everything as changed.
    Reconnected,
}

/// A process's ear: the channel on PostgreSQL, the change counters on SQLite.
pub enum Listener {
    Channel(PgListener),
    Counters(Counters),
}

/// What a SQLite listener knows: the counts it has seen, and changes found but not yet told.
pub struct Counters {
    db: SqliteDb,
    seen: HashMap<String, i64>,
    found: VecDeque<Topic>,
}

impl Listener {
    pub async fn start(db: &Db) -> Result<Option<Listener>> {
        match db {
            Db::Pg(p) => {
                let mut inner = PgListener::connect_with(p).await?;
                inner.listen(CHANNEL).await?;
                Ok(Some(Listener::Channel(inner)))
            }
            Db::Sqlite(sqlite) => {
                let seen = counts(sqlite).await?;
                Ok(Some(Listener::Counters(Counters {
                    db: sqlite.clone(),
                    seen,
                    found: VecDeque::new(),
                })))
            }
        }
    }

    /// Waits for the next news. Payloads this version does not know are skipped (a newer
    /// process on the same database may announce more topics).
    pub async fn next(&mut self) -> Result<Heard> {
        match self {
            Listener::Channel(inner) => loop {
                match inner.try_recv().await? {
                    None => return Ok(Heard::Reconnected),
                    Some(n) => {
                        if let Some(topic) = Topic::from_code(n.payload()) {
                            return Ok(Heard::Changed(topic));
                        }
                    }
                }
            },
            Listener::Counters(c) => loop {
                if let Some(topic) = c.found.pop_front() {
                    return Ok(Heard::Changed(topic));
                }
                tokio::time::sleep(POLL).await;
                c.read().await?;
            },
        }
    }
}

impl Counters {
    /// Reads the counts and queues each topic whose count moved, unless the only move since the
    /// last read was this process's own announcement.
    async fn read(&mut self) -> Result<()> {
        let now = counts(&self.db).await?;
        let own = lock(&self.db.announced).clone();
        for (code, n) in now {
            let before = self.seen.get(&code).copied().unwrap_or(0);
            if n == before {
                continue;
            }
            let only_ours = n == before + 1 && own.get(code.as_str()) == Some(&n);
            if let (false, Some(topic)) = (only_ours, Topic::from_code(&code)) {
                self.found.push_back(topic);
            }
            self.seen.insert(code, n);
        }
        Ok(())
    }
}

async fn counts(db: &SqliteDb) -> Result<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = sqlx::query_as("SELECT topic, n FROM change_counters")
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.into_iter().collect())
}

//! News between server processes on one PostgreSQL database: a process that changes something
//! others hold in memory (the catalogue and its search index, the working-day calendar)
//! announces it, and every process listening drops its copy within moments. Built on
//! LISTEN/NOTIFY, so a deployment needs no other server. SQLite is served by one process,
//! which drops its own copies itself: there, announcing does nothing.

use crate::{Db, Result};
use sqlx::postgres::PgListener;

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
    if let Db::Pg(p) = db {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(topic.code())
            .execute(p)
            .await?;
    }
    Ok(())
}

/// What a listener hears next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heard {
    Changed(Topic),
    /// The connection dropped and was made again: whatever was announced meanwhile is lost,
    /// so the listener must treat everything as changed.
    Reconnected,
}

/// A process's ear on the channel; None on SQLite.
pub struct Listener {
    inner: PgListener,
}

impl Listener {
    pub async fn start(db: &Db) -> Result<Option<Listener>> {
        let Db::Pg(p) = db else {
            return Ok(None);
        };
        let mut inner = PgListener::connect_with(p).await?;
        inner.listen(CHANNEL).await?;
        Ok(Some(Listener { inner }))
    }

    /// Waits for the next news. Payloads this version does not know are skipped (a newer
    /// process on the same database may announce more topics).
    pub async fn next(&mut self) -> Result<Heard> {
        loop {
            match self.inner.try_recv().await? {
                None => return Ok(Heard::Reconnected),
                Some(n) => {
                    if let Some(topic) = Topic::from_code(n.payload()) {
                        return Ok(Heard::Changed(topic));
                    }
                }
            }
        }
    }
}

//! What this process holds in memory and others may change: the catalogue snapshot (with its
//! search index), the working-day calendar and the organisations' names. A change made here drops the copy here and
//! tells the other server processes on the database (`quanke_store::changes`); the listener
//! drops the copy a change made elsewhere. The next reader loads the new one.

use crate::server::{AppState, Shared};
use quanke_store::changes::{self, Heard, Listener, Topic};
use std::time::Duration;

/// After a committed change of `topic`: forget it here and tell the other processes.
pub async fn made(st: &AppState, topic: Topic) {
    forget(st, topic);
    // The change stands; a process that misses the news reloads its catalogue at the next
    // day and its calendar at its next start, so this is logged, not refused.
    if let Err(e) = changes::announce(&st.db, topic).await {
        tracing::warn!(error = %e, ?topic, "could not tell the other servers of a change");
    }
}

fn forget(st: &AppState, topic: Topic) {
    match topic {
        Topic::Catalogue => st.catalogue.invalidate(),
        Topic::Calendar => st.calendar.invalidate(),
        Topic::Orgs => st.orgs.forget(),
    }
}

/// Listens for the changes of other processes (other servers on PostgreSQL, the command line
/// beside a SQLite server) for as long as the server runs.
/// Returns once listening, so that no change announced after the start is missed.
pub async fn listen(st: Shared) {
    let mut ear = match Listener::start(&st.db).await {
        Ok(None) => return,
        Ok(Some(ear)) => Some(ear),
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for other servers' changes; retrying");
            None
        }
    };
    tokio::spawn(async move {
        loop {
            // A server shutting down closes the database under this task: nothing failed.
            if let Some(mut heard) = ear.take()
                && let Err(e) = hear(&st, &mut heard).await
                && !st.db.is_closed()
            {
                tracing::warn!(error = %e, "listening for other servers' changes failed");
            }
            if st.db.is_closed() {
                return;
            }
            // Whatever was announced while not listening is lost: reload everything.
            forget_all(&st);
            tokio::time::sleep(Duration::from_secs(1)).await;
            ear = Listener::start(&st.db).await.unwrap_or_else(|e| {
                tracing::warn!(error = %e, "cannot listen for other servers' changes; retrying");
                None
            });
        }
    });
}

async fn hear(st: &AppState, ear: &mut Listener) -> quanke_store::Result<()> {
    loop {
        match ear.next().await? {
            Heard::Changed(topic) => forget(st, topic),
            Heard::Reconnected => forget_all(st),
        }
    }
}

fn forget_all(st: &AppState) {
    for topic in Topic::ALL {
        forget(st, topic);
    }
}

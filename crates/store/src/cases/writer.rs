//! The server's case writer (group commit): intakes wait in one queue, and each time the
//! writer is free it takes every intake waiting (up to `MAX_BATCH`) and writes them in one
//! transaction. Nobody waits for a batch to fill: a lone intake is written at once, and under
//! load the batches grow by themselves while the previous one commits. A caller's answer is
//! sent only after its batch has committed.

use super::create::{MAX_BATCH, create_enclosed};
use super::routed::Router;
use super::{Actor, Case, Enclosures, NewCase};
use crate::{Db, Result, StoreError};
use quanke_domain::calendar::Day;
use std::sync::OnceLock;
use tokio::sync::{mpsc, oneshot};

/// Intakes that may wait for the writer before callers are held back.
const QUEUE: usize = 1024;

pub struct Writer {
    db: Db,
    router: Router,
    queue: OnceLock<mpsc::Sender<Job>>,
}

/// One intake in the queue, with what the caller's `Actor` borrowed.
struct Job {
    case: NewCase,
    with: Enclosures,
    by_id: Option<i64>,
    by_name: String,
    now: i64,
    today: Day,
    reply: oneshot::Sender<Result<(Case, bool)>>,
}

impl Job {
    fn actor(&self) -> Actor<'_> {
        Actor {
            id: self.by_id,
            name: &self.by_name,
            now: self.now,
            today: self.today,
        }
    }
}

impl Writer {
    /// A writer that gives out the cases that ask for routing by `router`.
    pub fn new(db: Db, router: Router) -> Writer {
        Writer {
            db,
            router,
            queue: OnceLock::new(),
        }
    }

    /// Creates the case as `cases::create` does, with its enclosures in the same
    /// transaction, written together with the intakes waiting at the same moment.
    pub async fn create(
        &self,
        case: NewCase,
        with: Enclosures,
        by: &Actor<'_>,
    ) -> Result<(Case, bool)> {
        let (reply, answer) = oneshot::channel();
        let job = Job {
            case,
            with,
            by_id: by.id,
            by_name: by.name.to_string(),
            now: by.now,
            today: by.today,
            reply,
        };
        let stopped = || StoreError::Db(sqlx::Error::PoolClosed);
        self.queue().send(job).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// The queue; its task is started on first use, inside the server's runtime.
    fn queue(&self) -> &mpsc::Sender<Job> {
        self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel(QUEUE);
            tokio::spawn(run(self.db.clone(), self.router, rx));
            tx
        })
    }
}

/// Lets the tasks that are ready to run go first, then takes the intakes they handed in. Under
/// load the requests whose reads just finished are about to hand in theirs: a batch that takes
/// them writes each table's and index's pages once for more cases. A lone intake waits only
/// for the runtime's turn, not for anyone to arrive.
async fn gather(rx: &mut mpsc::Receiver<Job>, jobs: &mut Vec<Job>) {
    if jobs.len() >= MAX_BATCH {
        return;
    }
    tokio::task::yield_now().await;
    while jobs.len() < MAX_BATCH {
        match rx.try_recv() {
            Ok(job) => jobs.push(job),
            Err(_) => return,
        }
    }
}

/// Writes what is waiting, batch after batch, until every sender is gone.
async fn run(db: Db, router: Router, mut rx: mpsc::Receiver<Job>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        gather(&mut rx, &mut jobs).await;
        let results = {
            let actors: Vec<Actor> = jobs.iter().map(Job::actor).collect();
            let batch: Vec<(&NewCase, &Actor)> =
                jobs.iter().map(|j| &j.case).zip(&actors).collect();
            let enclosed: Vec<&Enclosures> = jobs.iter().map(|j| &j.with).collect();
            create_enclosed(&db, &batch, &enclosed, Some(router)).await
        };
        for (job, result) in jobs.drain(..).zip(results) {
            // The caller may have gone (a closed connection); the case stands all the same.
            let _ = job.reply.send(result);
        }
    }
}

//! Ledger imports in progress, kept in memory: an upload is checked (the dry run) and waits
//! for the person's choice, then is imported; pages poll its state. A job belongs to the person
//! who uploaded it and is seen by no one else. Its files live in a temporary directory that is
//! deleted with the job: when it is discarded or, unattended, after `KEPT_FOR`.

use quanke_domain::OrgPath;
use quanke_ledger::registry::Progress;
use quanke_store::orgs::Org;
use serde::Serialize;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// How long a finished or waiting job is kept; a restart forgets every job anyway.
const KEPT_FOR: Duration = Duration::from_secs(6 * 3600);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Checking,
    Checked,
    Importing,
    Imported,
    Failed,
}

impl Stage {
    pub fn running(self) -> bool {
        matches!(self, Stage::Checking | Stage::Importing)
    }
}

/// What an import works on, copied out for the background run.
#[derive(Debug, Clone)]
pub struct Plan {
    pub owner: i64,
    /// The uploader's part of the org tree: the import writes no one registered outside it.
    pub area: OrgPath,
    pub community: Org,
    /// The file's name as uploaded, for pages and each person's history.
    pub file_name: String,
    /// A saved column mapping, by name.
    pub mapping: Option<String>,
    pub upload: PathBuf,
    /// Where the dry run writes the problem report people download.
    pub report: PathBuf,
    /// Where the import writes its own (the rows it left out), which no page offers.
    pub import_report: PathBuf,
}

/// The dry run's findings.
#[derive(Debug, Clone, Serialize)]
pub struct Checked {
    pub rows: u64,
    pub valid: u64,
    pub invalid: u64,
    pub errors: u64,
    pub warnings: u64,
    /// Rows whose person is registered outside the uploader's area (counted in `invalid`).
    pub outside: u64,
    pub ignored: Vec<String>,
    pub has_report: bool,
    /// The first lines of the report, to read on the page.
    pub lines: Vec<super::problems::ProblemLine>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Imported {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// False when "全部导入" met a row with an error and wrote nothing.
    pub committed: bool,
    /// Rows with errors that were left out.
    pub skipped: u64,
    /// Of those, rows whose person is registered outside the importer's area.
    pub outside: u64,
}

pub struct Job {
    pub plan: Plan,
    pub stage: Stage,
    pub progress: Progress,
    pub checked: Option<Checked>,
    pub imported: Option<Imported>,
    pub failure: Option<String>,
    created: Instant,
    /// Held for its drop, which deletes the upload and reports.
    _dir: TempDir,
}

impl Job {
    pub fn new(plan: Plan, dir: TempDir) -> Job {
        Job {
            plan,
            stage: Stage::Checking,
            progress: Progress {
                done: 0,
                total: None,
            },
            checked: None,
            imported: None,
            failure: None,
            created: Instant::now(),
            _dir: dir,
        }
    }

    /// Percent done, when the file says how much there is.
    pub fn percent(&self) -> Option<u32> {
        self.progress.fraction().map(|f| (f * 100.0).round() as u32)
    }
}

#[derive(Default)]
pub struct Jobs {
    jobs: Mutex<HashMap<String, Job>>,
}

impl Jobs {
    /// Keeps `job` under a new unguessable id, forgetting stale jobs first.
    pub fn insert(&self, job: Job) -> String {
        let id = format!("{:032x}", rand::random::<u128>());
        let stale: Vec<Job> = {
            let mut jobs = self.lock();
            let old: Vec<String> = jobs
                .iter()
                .filter(|(_, j)| !j.stage.running() && j.created.elapsed() > KEPT_FOR)
                .map(|(id, _)| id.clone())
                .collect();
            let stale = old.iter().filter_map(|id| jobs.remove(id)).collect();
            jobs.insert(id.clone(), job);
            stale
        };
        // Deleting files happens outside the lock.
        drop(stale);
        id
    }

    /// Reads the job when it belongs to `owner`.
    pub fn read<T>(&self, id: &str, owner: i64, f: impl FnOnce(&Job) -> T) -> Option<T> {
        self.lock().get(id).filter(|j| j.plan.owner == owner).map(f)
    }

    /// Changes the job, if it is still kept (a background run may outlive a discarded job).
    pub fn update(&self, id: &str, f: impl FnOnce(&mut Job)) {
        if let Some(job) = self.lock().get_mut(id) {
            f(job);
        }
    }

    /// Moves a checked job of `owner` on to importing; `None` when it is not waiting for a
    /// choice (already importing, imported, or not theirs).
    pub fn begin_import(&self, id: &str, owner: i64) -> Option<Plan> {
        let mut jobs = self.lock();
        let job = jobs.get_mut(id).filter(|j| j.plan.owner == owner)?;
        if job.stage != Stage::Checked {
            return None;
        }
        job.stage = Stage::Importing;
        job.progress.done = 0;
        Some(job.plan.clone())
    }

    /// Forgets a job of `owner` that is not running, deleting its files; false otherwise.
    pub fn discard(&self, id: &str, owner: i64) -> bool {
        let removed = {
            let mut jobs = self.lock();
            let ok = jobs
                .get(id)
                .is_some_and(|j| j.plan.owner == owner && !j.stage.running());
            if ok { jobs.remove(id) } else { None }
        };
        removed.is_some()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Job>> {
        // A panic while holding the lock leaves the map consistent (every change is one
        // assignment), so a poisoned lock is still usable.
        self.jobs.lock().unwrap_or_else(|e| e.into_inner())
    }
}

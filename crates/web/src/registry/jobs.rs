//! Ledger imports in progress. An upload is checked (the dry run) and waits for its person's
//! choice, then is imported; pages poll its state. The upload, its files and its state are kept
//! in the database (`quanke_store::registry::uploads`), so whichever server process a request
//! reaches answers it, and one waiting for a choice outlives a restart. A job belongs to the
//! person who uploaded it and is seen by no one else.
//!
//! A run notes its progress and that it is alive every `BEAT`; one silent for `SILENT_FOR` lost
//! its process and is shown as cut off. This process's own runs are also followed here in
//! memory: their progress shows at once, and on SQLite an import written in one transaction
//! holds the database's lock, so its notes wait until it ends.

use crate::error::{AppError, AppResult};
use quanke_app::clock;
use quanke_ledger::registry::Progress;
use quanke_store::Db;
use quanke_store::registry::uploads::{self, Upload};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

pub use quanke_store::registry::uploads::Stage;

/// How long an upload is kept after it was made, unless it is still running.
const KEPT_FOR: i64 = 6 * 3600;
/// How often a run notes its progress and that it is alive.
pub const BEAT: Duration = Duration::from_secs(2);
/// How many of a person's uploads the import page lists.
const RECENT: i64 = 10;
/// A run silent this long (seconds) lost the process that ran it.
const SILENT_FOR: i64 = 30;

/// The dry run's findings.
#[derive(Debug, Clone, Serialize, Deserialize)]
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

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
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

/// An upload as its pages show it.
pub struct Job {
    pub upload: Upload,
    /// The stored stage, or `Failed` for a run whose process stopped.
    pub stage: Stage,
    pub progress: Progress,
    pub checked: Option<Checked>,
    pub imported: Option<Imported>,
    pub failure: Option<String>,
}

impl Job {
    /// The stage in a person's words, for the list of uploads.
    pub fn stage_label(&self) -> &'static str {
        match self.stage {
            Stage::Checking => "正在试导入",
            Stage::Checked => "已试导入，等待选择",
            Stage::Importing => "正在导入",
            Stage::Imported => "已导入",
            Stage::Failed => "未完成",
        }
    }

    /// Percent done, when the file says how much there is.
    pub fn percent(&self) -> Option<u32> {
        self.progress.fraction().map(|f| (f * 100.0).round() as u32)
    }
}

/// What became of a request to discard an upload.
pub enum Discarded {
    Yes,
    /// A process is running it.
    Running,
    NotFound,
}

/// This process's runs and their latest progress.
#[derive(Default)]
pub struct Jobs {
    live: Mutex<HashMap<String, Progress>>,
}

impl Jobs {
    /// The upload `id` of `owner` as its pages show it.
    pub async fn read(&self, db: &Db, id: &str, owner: i64) -> AppResult<Option<Job>> {
        match uploads::get(db, id, owner).await? {
            Some(upload) => Ok(Some(self.job(upload)?)),
            None => Ok(None),
        }
    }

    /// The latest uploads of `owner`, newest first, for finding one again.
    pub async fn recent(&self, db: &Db, owner: i64) -> AppResult<Vec<Job>> {
        let list = uploads::of_owner(db, owner, RECENT).await?;
        list.into_iter().map(|u| self.job(u)).collect()
    }

    fn job(&self, upload: Upload) -> AppResult<Job> {
        let live = self.lock().get(&upload.id).copied();
        let cut_off =
            upload.stage.running() && live.is_none() && upload.beat_at < clock::now() - SILENT_FOR;
        let progress = live.unwrap_or(Progress {
            done: upload.done.max(0) as u64,
            total: upload.total.map(|t| t.max(0) as u64),
        });
        let (stage, failure) = if cut_off {
            (
                Stage::Failed,
                Some(cut_off_message(upload.stage).to_string()),
            )
        } else {
            (upload.stage, upload.failure.clone())
        };
        Ok(Job {
            stage,
            progress,
            checked: parse(upload.checked.as_deref())?,
            imported: parse(upload.imported.as_deref())?,
            failure,
            upload,
        })
    }

    /// Forgets an upload of `owner` that no process is running, with its files.
    /// A run of this process counts as alive whatever its last sign of life; but once its end
    /// is stored (checked, imported, failed) the upload may go, even in the moment before the
    /// run stops being followed here.
    pub async fn discard(&self, db: &Db, id: &str, owner: i64) -> AppResult<Discarded> {
        let alive_since = if self.lock().contains_key(id) {
            i64::MIN
        } else {
            clock::now() - SILENT_FOR
        };
        if uploads::discard(db, id, owner, alive_since).await? {
            return Ok(Discarded::Yes);
        }
        Ok(match uploads::get(db, id, owner).await? {
            Some(_) => Discarded::Running,
            None => Discarded::NotFound,
        })
    }

    /// Follows a run of this process from its start.
    pub fn start(&self, id: &str) {
        let start = Progress {
            done: 0,
            total: None,
        };
        self.lock().insert(id.to_string(), start);
    }

    pub fn progress(&self, id: &str) -> Option<Progress> {
        self.lock().get(id).copied()
    }

    pub fn set_progress(&self, id: &str, p: Progress) {
        if let Some(live) = self.lock().get_mut(id) {
            *live = p;
        }
    }

    /// Stops following a run, once its end is stored.
    pub fn end(&self, id: &str) {
        self.lock().remove(id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Progress>> {
        // Every change is one insertion, removal or assignment, so a poisoned lock still
        // guards a consistent map.
        self.live.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Forgets uploads older than `KEPT_FOR` that no process is running.
pub async fn expire(db: &Db) -> AppResult<()> {
    let now = clock::now();
    uploads::expire(db, now - KEPT_FOR, now - SILENT_FOR).await?;
    Ok(())
}

/// What a person reads about a run whose process stopped.
fn cut_off_message(stage: Stage) -> &'static str {
    match stage {
        Stage::Checking => {
            "试导入中断：处理它的服务进程已停止，没有写入任何数据。请重新上传该文件。"
        }
        _ => {
            "导入中断：处理它的服务进程已停止。已写入的行已保存，见导入页面的“未完成的导入”；\
             重新上传同一文件并导入即可补全。"
        }
    }
}

fn parse<T: for<'de> Deserialize<'de>>(json: Option<&str>) -> AppResult<Option<T>> {
    json.map(serde_json::from_str)
        .transpose()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("stored import findings: {e}")))
}

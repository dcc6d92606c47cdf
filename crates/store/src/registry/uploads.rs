//! Ledger uploads on their way through the dry run and the import, kept in the database so that
//! every server process answers their pages and a restart forgets none that waits for its
//! person's choice. An upload belongs to the person who made it; every read and change here
//! names the owner, so no one else reaches it, whatever id they send.
//!
//! The uploaded file and the dry run's problem report are kept beside it in parts of at most
//! `PART` bytes. The stage moves only forward, and each move names the stage it leaves: two
//! processes asked to import the same upload at once start one run.

use quanke_domain::OrgPath;
use sqlx::FromRow;
use std::path::Path;
use tokio::io::AsyncWriteExt;

use crate::db::with_pool;
use crate::{Db, Result};

/// The largest part a file is kept in.
const PART: usize = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Checking,
    Checked,
    Importing,
    Imported,
    Failed,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Checking => "checking",
            Stage::Checked => "checked",
            Stage::Importing => "importing",
            Stage::Imported => "imported",
            Stage::Failed => "failed",
        }
    }

    /// A process is working on it.
    pub fn running(self) -> bool {
        matches!(self, Stage::Checking | Stage::Importing)
    }
}

/// A stored stage this build does not know.
#[derive(Debug, thiserror::Error)]
#[error("unknown upload stage {0:?}")]
pub struct BadStage(String);

impl TryFrom<String> for Stage {
    type Error = BadStage;

    fn try_from(s: String) -> std::result::Result<Stage, BadStage> {
        [
            Stage::Checking,
            Stage::Checked,
            Stage::Importing,
            Stage::Imported,
            Stage::Failed,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
        .ok_or(BadStage(s))
    }
}

/// The files kept with an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum File {
    /// The ledger as uploaded; it holds everyone's personal data, so it goes once imported.
    Ledger,
    /// The dry run's problem report, which the uploader downloads.
    Problems,
}

impl File {
    fn as_str(self) -> &'static str {
        match self {
            File::Ledger => "ledger",
            File::Problems => "problems",
        }
    }
}

/// A new upload, about to be checked.
#[derive(Debug, Clone)]
pub struct NewUpload<'a> {
    pub id: &'a str,
    pub owner_id: i64,
    /// The uploader's part of the org tree: the import writes no one registered outside it.
    pub area: &'a OrgPath,
    pub community_code: &'a str,
    pub community_path: &'a OrgPath,
    pub community_name: &'a str,
    pub file_name: &'a str,
    /// The ledger's kind ("xlsx" or "csv"), which its reader is chosen by.
    pub extension: &'a str,
    /// A saved column mapping, by name.
    pub mapping: Option<&'a str>,
    pub now: i64,
}

#[derive(Debug, Clone, FromRow)]
pub struct Upload {
    pub id: String,
    pub owner_id: i64,
    #[sqlx(try_from = "String")]
    pub area_path: OrgPath,
    pub community_code: String,
    #[sqlx(try_from = "String")]
    pub community_path: OrgPath,
    pub community_name: String,
    pub file_name: String,
    pub extension: String,
    pub mapping: Option<String>,
    #[sqlx(try_from = "String")]
    pub stage: Stage,
    pub done: i64,
    pub total: Option<i64>,
    /// The dry run's findings, as the web layer wrote them (JSON).
    pub checked: Option<String>,
    /// What the import wrote (JSON).
    pub imported: Option<String>,
    pub failure: Option<String>,
    pub created_at: i64,
    /// The last sign of life of the process running it.
    pub beat_at: i64,
}

/// A query of `Upload`s: every column, then `$rest`.
macro_rules! select_uploads {
    ($rest:literal) => {
        concat!(
            "SELECT id, owner_id, area_path, community_code, community_path, community_name, ",
            "file_name, extension, mapping, stage, done, total, checked, imported, failure, ",
            "created_at, beat_at FROM ledger_uploads ",
            $rest
        )
    };
}

/// Keeps a new upload, in the checking stage, with its ledger.
pub async fn create(db: &Db, new: &NewUpload<'_>, ledger: &[u8]) -> Result<()> {
    let sql = "INSERT INTO ledger_uploads (id, owner_id, area_path, community_code, \
               community_path, community_name, file_name, extension, mapping, stage, created_at, \
               beat_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)";
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        sqlx::query(sql)
            .bind(new.id)
            .bind(new.owner_id)
            .bind(new.area.as_str())
            .bind(new.community_code)
            .bind(new.community_path.as_str())
            .bind(new.community_name)
            .bind(new.file_name)
            .bind(new.extension)
            .bind(new.mapping)
            .bind(Stage::Checking.as_str())
            .bind(new.now)
            .execute(&mut *tx)
            .await?;
        for (seq, part) in ledger.chunks(PART).enumerate() {
            sqlx::query(
                "INSERT INTO ledger_upload_parts (upload_id, file, seq, bytes) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(new.id)
            .bind(File::Ledger.as_str())
            .bind(seq as i64)
            .bind(part)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

/// The upload `id` when it belongs to `owner`.
pub async fn get(db: &Db, id: &str, owner: i64) -> Result<Option<Upload>> {
    let sql = select_uploads!("WHERE id = $1 AND owner_id = $2");
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(id)
        .bind(owner)
        .fetch_optional(p)
        .await?))
}

/// The latest uploads of `owner`, newest first.
pub async fn of_owner(db: &Db, owner: i64, limit: i64) -> Result<Vec<Upload>> {
    let sql = select_uploads!("WHERE owner_id = $1 ORDER BY created_at DESC, id LIMIT $2");
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(owner)
        .bind(limit)
        .fetch_all(p)
        .await?))
}

/// Notes the progress of a running upload and that its process is alive.
pub async fn beat(db: &Db, id: &str, done: u64, total: Option<u64>, now: i64) -> Result<()> {
    let sql = "UPDATE ledger_uploads SET done = $2, total = $3, beat_at = $4 \
               WHERE id = $1 AND stage IN ('checking', 'importing')";
    with_pool!(db, |p| sqlx::query(sql)
        .bind(id)
        .bind(done as i64)
        .bind(total.map(|t| t as i64))
        .bind(now)
        .execute(p)
        .await?
        .rows_affected());
    Ok(())
}

/// Ends the dry run with its findings and the problem report; false when the upload was
/// discarded meanwhile (nothing is kept then).
pub async fn checked(db: &Db, id: &str, findings: &str, report: Option<&Path>) -> Result<bool> {
    let report = match report {
        Some(path) => Some(tokio::fs::read(path).await?),
        None => None,
    };
    let sql = "UPDATE ledger_uploads SET stage = 'checked', checked = $2 \
               WHERE id = $1 AND stage = 'checking'";
    Ok(with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        let moved = sqlx::query(sql)
            .bind(id)
            .bind(findings)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
        if moved {
            for (seq, part) in report.iter().flat_map(|r| r.chunks(PART)).enumerate() {
                sqlx::query(
                    "INSERT INTO ledger_upload_parts (upload_id, file, seq, bytes) \
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(File::Problems.as_str())
                .bind(seq as i64)
                .bind(part)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        }
        moved
    }))
}

/// Moves a checked upload of `owner` on to importing; false when it is not waiting for a
/// choice (already importing, imported, failed, or not theirs).
pub async fn begin_import(db: &Db, id: &str, owner: i64, now: i64) -> Result<bool> {
    let sql = "UPDATE ledger_uploads SET stage = 'importing', done = 0, total = NULL, \
               beat_at = $3 WHERE id = $1 AND owner_id = $2 AND stage = 'checked'";
    Ok(with_pool!(db, |p| sqlx::query(sql)
        .bind(id)
        .bind(owner)
        .bind(now)
        .execute(p)
        .await?
        .rows_affected())
        == 1)
}

/// Ends the import with what it wrote, and deletes the ledger.
pub async fn imported(db: &Db, id: &str, written: &str) -> Result<()> {
    let sql = "UPDATE ledger_uploads SET imported = $2, stage = 'imported' \
               WHERE id = $1 AND stage = $3";
    finish(db, id, Stage::Importing, sql, written).await
}

/// Ends a run that failed with `message`; a failed import deletes the ledger as well.
pub async fn failed(db: &Db, id: &str, from: Stage, message: &str) -> Result<()> {
    let sql = "UPDATE ledger_uploads SET failure = $2, stage = 'failed' \
               WHERE id = $1 AND stage = $3";
    finish(db, id, from, sql, message).await
}

/// Moves a run of stage `from` to its end with `sql` (binding the id, `value` and `from`).
async fn finish(db: &Db, id: &str, from: Stage, sql: &'static str, value: &str) -> Result<()> {
    with_pool!(db, |p| {
        let mut tx = p.begin().await?;
        sqlx::query(sql)
            .bind(id)
            .bind(value)
            .bind(from.as_str())
            .execute(&mut *tx)
            .await?;
        if from == Stage::Importing {
            sqlx::query("DELETE FROM ledger_upload_parts WHERE upload_id = $1 AND file = $2")
                .bind(id)
                .bind(File::Ledger.as_str())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

/// Forgets an upload of `owner` and its files, unless a process is running it (a sign of life
/// at `alive_since` or later); false when nothing was forgotten.
pub async fn discard(db: &Db, id: &str, owner: i64, alive_since: i64) -> Result<bool> {
    let sql = "DELETE FROM ledger_uploads WHERE id = $1 AND owner_id = $2 \
               AND (stage NOT IN ('checking', 'importing') OR beat_at < $3)";
    Ok(with_pool!(db, |p| sqlx::query(sql)
        .bind(id)
        .bind(owner)
        .bind(alive_since)
        .execute(p)
        .await?
        .rows_affected())
        == 1)
}

/// Forgets every upload made before `made_before` that no process is running; how many.
pub async fn expire(db: &Db, made_before: i64, alive_since: i64) -> Result<u64> {
    let sql = "DELETE FROM ledger_uploads WHERE created_at < $1 \
               AND (stage NOT IN ('checking', 'importing') OR beat_at < $2)";
    Ok(with_pool!(db, |p| sqlx::query(sql)
        .bind(made_before)
        .bind(alive_since)
        .execute(p)
        .await?
        .rows_affected()))
}

/// Writes the kept `file` of upload `id` to `to`, a part at a time; false when none is kept.
pub async fn write_file(db: &Db, id: &str, file: File, to: &Path) -> Result<bool> {
    let mut out = tokio::fs::File::create(to).await?;
    let mut seq = 0i64;
    while let Some(part) = part(db, id, file, seq).await? {
        out.write_all(&part).await?;
        seq += 1;
    }
    out.flush().await?;
    Ok(seq > 0)
}

/// The kept `file` of upload `id` whole, for a download; `None` when none is kept.
pub async fn read_file(db: &Db, id: &str, file: File) -> Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    let mut seq = 0i64;
    while let Some(part) = part(db, id, file, seq).await? {
        bytes.extend_from_slice(&part);
        seq += 1;
    }
    Ok((seq > 0).then_some(bytes))
}

async fn part(db: &Db, id: &str, file: File, seq: i64) -> Result<Option<Vec<u8>>> {
    let sql = "SELECT bytes FROM ledger_upload_parts WHERE upload_id = $1 AND file = $2 \
               AND seq = $3";
    let row: Option<(Vec<u8>,)> = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(id)
        .bind(file.as_str())
        .bind(seq)
        .fetch_optional(p)
        .await?);
    Ok(row.map(|r| r.0))
}

//! Running an import job in the background: the dry run after the upload, the import after the
//! person's choice. Requests only start a run and read its state, so a large ledger never
//! holds a request open past the server's timeout. A run works on a copy of the ledger in a
//! temporary folder of its own, deleted when it ends; what it found or wrote is stored with the
//! upload, where any process reads it.

use super::jobs::{self, Checked, Imported};
use super::problems::ProblemLine;
use crate::auth::CurrentUser;
use crate::server::Shared;
use quanke_app::clock;
use quanke_domain::OrgPath;
use quanke_import::{Commit, Options, Outcome, Progress, Target};
use quanke_ledger::registry::ColumnMapping;
use quanke_store::Db;
use quanke_store::registry::mapping;
use quanke_store::registry::uploads::{self, File, Stage, Upload};
use std::path::PathBuf;
use std::sync::Arc;
use tempfile::TempDir;

/// Who runs an import, for each person's history and the audit log.
struct Who<'a> {
    name: &'a str,
    id: i64,
    ip: &'a str,
}

/// Where a run's ledger copy and reports are.
struct Files {
    ledger: PathBuf,
    report: PathBuf,
    /// Held for its drop, which deletes the folder.
    _dir: TempDir,
}

impl Files {
    fn new(upload: &Upload) -> std::io::Result<Files> {
        let dir = tempfile::Builder::new()
            .prefix("quanke-import-")
            .tempdir()?;
        Ok(Files {
            // The ledger readers choose by extension, so the copy keeps it.
            ledger: dir.path().join(format!("ledger.{}", upload.extension)),
            report: dir.path().join("problems.xlsx"),
            _dir: dir,
        })
    }
}

/// Starts the dry run of a new upload, whose ledger is `bytes`.
pub fn check(st: Shared, upload: Upload, bytes: Vec<u8>, me: CurrentUser) {
    st.imports.start(&upload.id);
    tokio::spawn(async move {
        let who = Who {
            name: &me.user.username,
            id: me.user.id,
            ip: "",
        };
        let result = async {
            let files = Files::new(&upload).map_err(|e| e.to_string())?;
            tokio::fs::write(&files.ledger, &bytes)
                .await
                .map_err(|e| e.to_string())?;
            drop(bytes);
            let outcome = tracked(&st, &upload, Commit::DryRun, &who, &files).await?;
            let report = outcome.report.is_some().then_some(files.report.as_path());
            let findings = summarise(outcome);
            let json = serde_json::to_string(&findings).map_err(|e| e.to_string())?;
            // Not kept when the person discarded the upload meanwhile: nothing more to do.
            uploads::checked(&st.db, &upload.id, &json, report)
                .await
                .map(|_kept| ())
                .map_err(|e| e.to_string())
        }
        .await;
        settle(&st, &upload.id, Stage::Checking, result).await;
    });
}

/// Starts the import of an upload whose stage has just moved on to importing.
pub fn import(st: Shared, upload: Upload, commit: Commit, me: CurrentUser, ip: String) {
    st.imports.start(&upload.id);
    tokio::spawn(async move {
        let who = Who {
            name: &me.user.username,
            id: me.user.id,
            ip: &ip,
        };
        let result = async {
            let files = Files::new(&upload).map_err(|e| e.to_string())?;
            uploads::write_file(&st.db, &upload.id, File::Ledger, &files.ledger)
                .await
                .map_err(|e| e.to_string())?;
            let outcome = tracked(&st, &upload, commit, &who, &files).await?;
            let json = serde_json::to_string(&imported(outcome)).map_err(|e| e.to_string())?;
            // The ledger holds everyone's personal data: once imported, the copy goes.
            uploads::imported(&st.db, &upload.id, &json)
                .await
                .map_err(|e| e.to_string())
        }
        .await;
        settle(&st, &upload.id, Stage::Importing, result).await;
    });
}

/// Stores a run's failure, if it failed, then stops following it: its end is in the database.
async fn settle(st: &Shared, id: &str, from: Stage, result: Result<(), String>) {
    if let Err(message) = result
        && let Err(e) = uploads::failed(&st.db, id, from, &message).await
    {
        // The upload then shows as cut off once its silence is noticed.
        tracing::error!(upload = id, "storing a failed import: {e}");
    }
    st.imports.end(id);
}

/// Runs the import while noting its progress and that it is alive every `jobs::BEAT`.
async fn tracked(
    st: &Shared,
    upload: &Upload,
    commit: Commit,
    who: &Who<'_>,
    files: &Files,
) -> Result<Outcome, String> {
    let beats = tokio::spawn(beat(st.clone(), upload.id.clone()));
    let result = run(st, upload, commit, who, files).await;
    beats.abort();
    result
}

async fn beat(st: Shared, id: String) {
    let mut every = tokio::time::interval(jobs::BEAT);
    // A note held up (the lock of an import written in one transaction) is not made up for.
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        let Some(p) = st.imports.progress(&id) else {
            return;
        };
        if let Err(e) = uploads::beat(&st.db, &id, p.done, p.total, clock::now()).await {
            // On SQLite an import written in one transaction holds the lock; this process
            // shows its progress from memory meanwhile.
            tracing::debug!(upload = %id, "noting an import's progress: {e}");
        }
    }
}

async fn run(
    st: &Shared,
    upload: &Upload,
    commit: Commit,
    who: &Who<'_>,
    files: &Files,
) -> Result<Outcome, String> {
    let target = Target::resolve(&st.db, Some(&upload.community_code)).await?;
    let opts = Options {
        commit,
        // The import's own report (the rows it left out) is read by no page.
        report: files.report.clone(),
        mapping: load_mapping(&st.db, &upload.community_path, upload.mapping.as_deref()).await?,
        today: super::dates::today(),
        now: clock::now(),
        actor: who.name.to_string(),
        actor_id: Some(who.id),
        ip: who.ip.to_string(),
        area: upload.area_path.clone(),
        file_name: upload.file_name.clone(),
    };
    let (progress_st, progress_id) = (st.clone(), upload.id.clone());
    let progress = Arc::new(move |p: Progress| progress_st.imports.set_progress(&progress_id, p));
    quanke_import::run(&st.db, &files.ledger, &target, &opts, progress)
        .await
        .map_err(|e| e.to_string())
}

async fn load_mapping(
    db: &Db,
    community: &OrgPath,
    name: Option<&str>,
) -> Result<ColumnMapping, String> {
    let Some(name) = name else {
        return Ok(ColumnMapping::default());
    };
    match mapping::get(db, community, name).await {
        Ok(Some(body)) => {
            serde_json::from_str(&body).map_err(|e| format!("列对应关系“{name}”无法读取：{e}"))
        }
        Ok(None) => Err(format!("没有名为“{name}”的列对应关系")),
        Err(e) => Err(e.to_string()),
    }
}

fn summarise(o: Outcome) -> Checked {
    let lines = o.first_problems.iter().map(ProblemLine::from).collect();
    Checked {
        rows: o.rows,
        valid: o.valid,
        invalid: o.invalid,
        errors: o.errors,
        warnings: o.warnings,
        outside: o.outside,
        ignored: o.ignored_columns,
        has_report: o.report.is_some(),
        lines,
    }
}

/// What the import wrote; the store audited it, step by step, as it committed.
fn imported(o: Outcome) -> Imported {
    let written = o.written.unwrap_or_default();
    Imported {
        created: written.created,
        updated: written.updated,
        unchanged: written.unchanged,
        committed: written.committed,
        skipped: o.invalid,
        outside: o.outside,
    }
}

//! Running an import job in the background: the dry run after the upload, the import after the
//! person's choice. Requests only start a run and read its state, so a large ledger never
//! holds a request open past the server's timeout.

use super::jobs::{Checked, Imported, Job, Plan, Stage};
use super::problems::ProblemLine;
use crate::auth::CurrentUser;
use crate::server::Shared;
use quanke_app::clock;
use quanke_domain::OrgPath;
use quanke_import::{Commit, Options, Outcome, Progress, Target};
use quanke_ledger::registry::ColumnMapping;
use quanke_store::Db;
use quanke_store::registry::mapping;
use std::sync::Arc;

/// Who runs an import, for each person's history and the audit log.
struct Who<'a> {
    name: &'a str,
    id: i64,
    ip: &'a str,
}

/// Starts the dry run of a new job.
pub fn check(st: Shared, id: String, plan: Plan, me: CurrentUser) {
    tokio::spawn(async move {
        let who = Who {
            name: &me.user.username,
            id: me.user.id,
            ip: "",
        };
        let result = run(&st, &id, &plan, Commit::DryRun, &who)
            .await
            .map(summarise);
        st.imports.update(&id, |job| match result {
            Ok(checked) => {
                job.checked = Some(checked);
                job.stage = Stage::Checked;
            }
            Err(message) => fail(job, message),
        });
    });
}

/// Starts the import of a checked job.
pub fn import(st: Shared, id: String, plan: Plan, commit: Commit, me: CurrentUser, ip: String) {
    tokio::spawn(async move {
        let who = Who {
            name: &me.user.username,
            id: me.user.id,
            ip: &ip,
        };
        let result = run(&st, &id, &plan, commit, &who).await.map(imported);
        // The ledger holds everyone's personal data: once imported, the copy goes.
        let _ = tokio::fs::remove_file(&plan.upload).await;
        st.imports.update(&id, |job| match result {
            Ok(imported) => {
                job.imported = Some(imported);
                job.stage = Stage::Imported;
            }
            Err(message) => fail(job, message),
        });
    });
}

fn fail(job: &mut Job, message: String) {
    job.failure = Some(message);
    job.stage = Stage::Failed;
}

async fn run(
    st: &Shared,
    id: &str,
    plan: &Plan,
    commit: Commit,
    who: &Who<'_>,
) -> Result<Outcome, String> {
    let target = Target::resolve(&st.db, Some(&plan.community.code)).await?;
    let opts = Options {
        commit,
        report: match commit {
            Commit::DryRun => plan.report.clone(),
            _ => plan.import_report.clone(),
        },
        mapping: load_mapping(&st.db, &plan.community.path, plan.mapping.as_deref()).await?,
        today: super::dates::today(),
        now: clock::now(),
        actor: who.name.to_string(),
        actor_id: Some(who.id),
        ip: who.ip.to_string(),
        area: plan.area.clone(),
        file_name: plan.file_name.clone(),
    };
    let (progress_st, progress_id) = (st.clone(), id.to_string());
    let progress = Arc::new(move |p: Progress| {
        progress_st
            .imports
            .update(&progress_id, |job| job.progress = p)
    });
    quanke_import::run(&st.db, &plan.upload, &target, &opts, progress)
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

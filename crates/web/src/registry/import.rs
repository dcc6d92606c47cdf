//! The import pages: upload a ledger for a community, read the dry run's findings, then
//! discard the upload, import only the rows without errors, or (when there are none) import
//! everything; the job's page follows the run until it is done.

use super::jobs::{Job, Plan, Stage};
use super::places::Places;
use super::{download, runner};
use crate::auth::ClientIp;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Form, Json};
use minijinja::{Value, context};
use quanke_app::clock;
use quanke_domain::Permission;
use quanke_import::Commit;
use quanke_store::orgs::Org;
use quanke_store::registry::{mapping, runs};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct FormQuery {
    discarded: Option<String>,
}

pub async fn form(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<FormQuery>,
) -> AppResult<Html<String>> {
    ctx.me.require(Permission::ImportRegistry)?;
    let places = Places::within(&st.db, &ctx.me.scope.org).await?;
    let communities: Vec<Value> = places
        .communities()
        .iter()
        .map(|c| context! { code => &c.code, name => &c.name })
        .collect();
    let mappings = mapping::names(&st.db, &ctx.me.scope.org).await?;
    let unfinished = unfinished(&st, &ctx, &places).await?;
    let discarded = q.discarded.is_some();
    ctx.render(
        "registry_import.html",
        context! { communities, mappings, unfinished, discarded },
    )
}

/// Imports into the user's communities that started and never finished: cut off (a restart, a
/// killed process) or, for a moment, still going. Importing the same file again completes one.
async fn unfinished(st: &Shared, ctx: &Ctx, places: &Places) -> AppResult<Vec<Value>> {
    let runs = runs::unfinished(&st.db, &ctx.me.scope.org).await?;
    Ok(runs
        .iter()
        .map(|r| {
            let code = places
                .communities()
                .iter()
                .find(|c| c.path.as_str() == r.community_path)
                .map(|c| c.code.clone());
            context! {
                id => r.id, file_name => &r.file_name, actor => &r.actor, atomic => r.atomic,
                community => places.name(&r.community_path), code,
                started => clock::format(r.started_at), last => clock::format(r.updated_at),
                rows => r.rows_written, created => r.created, updated => r.updated,
                unchanged => r.unchanged,
            }
        })
        .collect())
}

/// The communities the user may import into: their own, or every one of their street.
async fn communities(st: &Shared, ctx: &Ctx) -> AppResult<Vec<Org>> {
    let places = Places::within(&st.db, &ctx.me.scope.org).await?;
    Ok(places.communities().into_iter().cloned().collect())
}

#[derive(Default)]
struct Upload {
    name: String,
    bytes: Vec<u8>,
    community: String,
    mapping: String,
}

async fn read_upload(mut form: Multipart) -> AppResult<Upload> {
    let mut up = Upload::default();
    while let Some(field) = form.next_field().await.map_err(bad_upload)? {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("");
                // Old browsers send the whole client path.
                up.name = name.rsplit(['/', '\\']).next().unwrap_or("").to_string();
                up.bytes = field.bytes().await.map_err(bad_upload)?.to_vec();
            }
            Some("community") => up.community = field.text().await.map_err(bad_upload)?,
            Some("mapping") => up.mapping = field.text().await.map_err(bad_upload)?,
            _ => {}
        }
    }
    if up.bytes.is_empty() {
        return Err(AppError::BadRequest("请选择要导入的居民台账文件".into()));
    }
    Ok(up)
}

fn bad_upload(e: axum::extract::multipart::MultipartError) -> AppError {
    AppError::BadRequest(format!(
        "上传失败（文件不能超过 {} MB）：{e}",
        super::UPLOAD_LIMIT / (1024 * 1024)
    ))
}

/// The ledger readers choose by extension, so the saved copy keeps it.
fn extension(name: &str) -> AppResult<&'static str> {
    let lower = name.to_lowercase();
    if lower.ends_with(".xlsx") {
        Ok("xlsx")
    } else if lower.ends_with(".csv") {
        Ok("csv")
    } else {
        Err(AppError::BadRequest(
            "只能导入 .xlsx 或 .csv 文件；旧版 .xls 请先在 Excel 中另存为 .xlsx。".into(),
        ))
    }
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(anyhow::anyhow!("import upload: {e}"))
}

/// Saves the upload and starts its dry run; the job's page follows it.
pub async fn upload(State(st): State<Shared>, ctx: Ctx, form: Multipart) -> AppResult<Response> {
    ctx.me.require(Permission::ImportRegistry)?;
    let up = read_upload(form).await?;
    let extension = extension(&up.name)?;
    let allowed = communities(&st, &ctx).await?;
    let community = match allowed.as_slice() {
        [only] => only.clone(),
        _ => allowed
            .into_iter()
            .find(|c| c.code == up.community)
            .ok_or_else(|| AppError::BadRequest("请选择要导入到哪个社区".into()))?,
    };
    let mapping = match up.mapping.trim() {
        "" => None,
        name if mapping::get(&st.db, &community.path, name).await?.is_some() => {
            Some(name.to_string())
        }
        name => {
            return Err(AppError::BadRequest(format!(
                "没有名为“{name}”的列对应关系"
            )));
        }
    };
    let dir = tempfile::Builder::new()
        .prefix("quanke-import-")
        .tempdir()
        .map_err(internal)?;
    let upload = dir.path().join(format!("ledger.{extension}"));
    tokio::fs::write(&upload, &up.bytes)
        .await
        .map_err(internal)?;
    let plan = Plan {
        owner: ctx.me.user.id,
        area: ctx.me.scope.org.clone(),
        community,
        file_name: up.name,
        mapping,
        upload,
        report: dir.path().join("problems.xlsx"),
        import_report: dir.path().join("problems-import.xlsx"),
    };
    let id = st.imports.insert(Job::new(plan.clone(), dir));
    runner::check(st.clone(), id.clone(), plan, ctx.me.clone());
    Ok(Redirect::to(&format!("/registry/import/{id}")).into_response())
}

pub async fn job(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.me.require(Permission::ImportRegistry)?;
    let data = st
        .imports
        .read(&id, ctx.me.user.id, |j| {
            context! {
                id => &id, stage => j.stage, running => j.stage.running(),
                file_name => &j.plan.file_name, community => &j.plan.community.name,
                mapping => &j.plan.mapping, done => j.progress.done, total => j.progress.total,
                percent => j.percent(), checked => &j.checked, imported => &j.imported,
                failure => &j.failure,
            }
        })
        .ok_or(AppError::NotFound)?;
    Ok(super::private(ctx.render("registry_job.html", data)?))
}

/// The job's state for scripts: stage, rows (or bytes) done, total and percent.
pub async fn status(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<serde_json::Value>> {
    ctx.me.require(Permission::ImportRegistry)?;
    st.imports
        .read(&id, ctx.me.user.id, |j| {
            Json(serde_json::json!({
                "stage": j.stage, "done": j.progress.done, "total": j.progress.total,
                "percent": j.percent(),
            }))
        })
        .ok_or(AppError::NotFound)
}

/// The dry run's full problem report, for the person who uploaded the ledger.
pub async fn report(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.me.require(Permission::ImportRegistry)?;
    let (path, file_name) = st
        .imports
        .read(&id, ctx.me.user.id, |j| {
            let has = j.checked.as_ref().is_some_and(|c| c.has_report);
            (has.then(|| j.plan.report.clone()), j.plan.file_name.clone())
        })
        .ok_or(AppError::NotFound)?;
    let path = path.ok_or(AppError::NotFound)?;
    let bytes = tokio::fs::read(&path).await.map_err(internal)?;
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name.as_str(), |(s, _)| s);
    let name = format!("{stem}-问题清单.xlsx");
    Ok(download::xlsx(bytes, &name, "problems.xlsx"))
}

#[derive(Deserialize)]
pub struct CommitForm {
    #[serde(default)]
    mode: String,
}

const NOT_WAITING: &str = "此次上传已在导入、已导入或已放弃，不能再次提交。";

pub async fn commit(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<CommitForm>,
) -> AppResult<Response> {
    ctx.me.require(Permission::ImportRegistry)?;
    let commit = match f.mode.as_str() {
        "valid" => Commit::Valid,
        "all" => Commit::All,
        _ => return Err(AppError::BadRequest("请选择导入方式".into())),
    };
    let owner = ctx.me.user.id;
    let state = st
        .imports
        .read(&id, owner, |j| {
            (j.stage, j.checked.as_ref().map(|c| c.invalid))
        })
        .ok_or(AppError::NotFound)?;
    match state {
        (Stage::Checked, Some(invalid)) if commit == Commit::All && invalid > 0 => {
            return Err(AppError::BadRequest(format!(
                "有 {invalid} 行存在错误，不能全部导入；可选择“只导入无误的行”，或改正后重新上传。"
            )));
        }
        (Stage::Checked, Some(_)) => {}
        _ => return Err(AppError::BadRequest(NOT_WAITING.into())),
    }
    let plan = st
        .imports
        .begin_import(&id, owner)
        .ok_or_else(|| AppError::BadRequest(NOT_WAITING.into()))?;
    runner::import(st.clone(), id.clone(), plan, commit, ctx.me.clone(), ip);
    Ok(Redirect::to(&format!("/registry/import/{id}")).into_response())
}

/// Forgets the upload and deletes its files.
pub async fn discard(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.me.require(Permission::ImportRegistry)?;
    let owner = ctx.me.user.id;
    if st.imports.discard(&id, owner) {
        return Ok(Redirect::to("/registry/import?discarded=1").into_response());
    }
    match st.imports.read(&id, owner, |_| ()) {
        Some(()) => Err(AppError::BadRequest(
            "正在处理中，请等处理完成后再放弃。".into(),
        )),
        None => Err(AppError::NotFound),
    }
}

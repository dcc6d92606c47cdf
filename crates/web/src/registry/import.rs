//! The import pages: upload a ledger for a community, read the dry run's findings, then
//! discard the upload, import only the rows without errors, or (when there are none) import
//! everything; the job's page follows the run until it is done.

use super::jobs::{self, Discarded, Stage};
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
use quanke_store::registry::{mapping, runs, uploads};
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
    let recent: Vec<Value> = st
        .imports
        .recent(&st.db, ctx.me.user.id)
        .await?
        .iter()
        .map(|j| {
            context! {
                id => &j.upload.id, file_name => &j.upload.file_name,
                community => &j.upload.community_name, made => clock::format(j.upload.created_at),
                stage => j.stage_label(),
            }
        })
        .collect();
    let discarded = q.discarded.is_some();
    let limit_mb = super::UPLOAD_LIMIT / (1024 * 1024);
    ctx.render(
        "registry_import.html",
        context! { communities, mappings, unfinished, recent, discarded, limit_mb },
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
    jobs::expire(&st.db).await?;
    let id = format!("{:032x}", rand::random::<u128>());
    let new = uploads::NewUpload {
        id: &id,
        owner_id: ctx.me.user.id,
        area: &ctx.me.scope.org,
        community_code: &community.code,
        community_path: &community.path,
        community_name: &community.name,
        file_name: &up.name,
        extension,
        mapping: mapping.as_deref(),
        now: clock::now(),
    };
    uploads::create(&st.db, &new, &up.bytes).await?;
    let upload = uploads::get(&st.db, &id, ctx.me.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    runner::check(st.clone(), upload, up.bytes, ctx.me.clone());
    Ok(Redirect::to(&format!("/registry/import/{id}")).into_response())
}

pub async fn job(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.me.require(Permission::ImportRegistry)?;
    let j = st
        .imports
        .read(&st.db, &id, ctx.me.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let data = context! {
        id => &id, stage => j.stage.as_str(), running => j.stage.running(),
        file_name => &j.upload.file_name, community => &j.upload.community_name,
        mapping => &j.upload.mapping, done => j.progress.done, total => j.progress.total,
        percent => j.percent(), checked => &j.checked, imported => &j.imported,
        failure => &j.failure,
    };
    Ok(super::private(ctx.render("registry_job.html", data)?))
}

/// The job's state for scripts: stage, rows (or bytes) done, total and percent.
pub async fn status(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Json<serde_json::Value>> {
    ctx.me.require(Permission::ImportRegistry)?;
    let j = st
        .imports
        .read(&st.db, &id, ctx.me.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(serde_json::json!({
        "stage": j.stage.as_str(), "done": j.progress.done, "total": j.progress.total,
        "percent": j.percent(),
    })))
}

/// The dry run's full problem report, for the person who uploaded the ledger.
pub async fn report(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.me.require(Permission::ImportRegistry)?;
    let upload = uploads::get(&st.db, &id, ctx.me.user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let bytes = uploads::read_file(&st.db, &id, uploads::File::Problems)
        .await?
        .ok_or(AppError::NotFound)?;
    let file_name = &upload.file_name;
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
    let j = st
        .imports
        .read(&st.db, &id, owner)
        .await?
        .ok_or(AppError::NotFound)?;
    match (j.stage, j.checked.as_ref().map(|c| c.invalid)) {
        (Stage::Checked, Some(invalid)) if commit == Commit::All && invalid > 0 => {
            return Err(AppError::BadRequest(format!(
                "有 {invalid} 行存在错误，不能全部导入；可选择“只导入无误的行”，或改正后重新上传。"
            )));
        }
        (Stage::Checked, Some(_)) => {}
        _ => return Err(AppError::BadRequest(NOT_WAITING.into())),
    }
    // Of two requests at once, through one process or two, one moves the stage on.
    if !uploads::begin_import(&st.db, &id, owner, clock::now()).await? {
        return Err(AppError::BadRequest(NOT_WAITING.into()));
    }
    runner::import(st.clone(), j.upload, commit, ctx.me.clone(), ip);
    Ok(Redirect::to(&format!("/registry/import/{id}")).into_response())
}

/// Forgets the upload and deletes its files.
pub async fn discard(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> AppResult<Response> {
    ctx.me.require(Permission::ImportRegistry)?;
    match st.imports.discard(&st.db, &id, ctx.me.user.id).await? {
        Discarded::Yes => Ok(Redirect::to("/registry/import?discarded=1").into_response()),
        Discarded::Running => Err(AppError::BadRequest(
            "正在处理中，请等处理完成后再放弃。".into(),
        )),
        Discarded::NotFound => Err(AppError::NotFound),
    }
}

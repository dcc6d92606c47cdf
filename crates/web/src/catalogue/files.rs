//! Import and export pages: upload a catalogue file (JSON) to check it or publish what changed;
//! download the whole catalogue.

use crate::audit::{self, Event};
use crate::auth::ClientIp;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::extract::{Multipart, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;
use quanke_app::catalogue::transfer::{self, ImportReport};
use quanke_app::clock;
use quanke_domain::Permission;
use quanke_store::changes::Topic;

pub async fn page(ctx: Ctx) -> AppResult<Html<String>> {
    ctx.me.require(Permission::PublishCatalogue)?;
    ctx.render("catalogue_import.html", context! {})
}

/// The uploaded file and whether to write (`import`) or only check.
struct Upload {
    name: String,
    bytes: Vec<u8>,
    write: bool,
}

async fn read_upload(mut form: Multipart) -> AppResult<Upload> {
    let mut upload = Upload {
        name: String::new(),
        bytes: Vec::new(),
        write: false,
    };
    while let Some(field) = form.next_field().await.map_err(bad_upload)? {
        match field.name() {
            Some("file") => {
                upload.name = field.file_name().unwrap_or("").to_string();
                upload.bytes = field.bytes().await.map_err(bad_upload)?.to_vec();
            }
            Some("action") => upload.write = field.text().await.map_err(bad_upload)? == "import",
            _ => {}
        }
    }
    if upload.bytes.is_empty() {
        return Err(AppError::BadRequest("请选择要导入的办事指南文件".into()));
    }
    Ok(upload)
}

fn bad_upload(e: axum::extract::multipart::MultipartError) -> AppError {
    AppError::BadRequest(format!("上传失败：{e}"))
}

pub async fn upload(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    form: Multipart,
) -> AppResult<Response> {
    ctx.me.require(Permission::PublishCatalogue)?;
    let up = read_upload(form).await?;
    let file = match transfer::decode(&up.name, &up.bytes) {
        Ok(f) => f,
        Err(problems) => return result_page(&ctx, &up.name, &problems, None, false),
    };
    let report = transfer::import(
        &st.db,
        &file,
        &ctx.me.user.username,
        clock::now(),
        !up.write,
    )
    .await?;
    if up.write {
        crate::changes::made(&st, Topic::Catalogue).await;
        let detail = format!("新增 {}，新版本 {}", report.new_items, report.new_versions);
        let ev = Event {
            action: "catalogue_imported",
            target: &up.name,
            detail: &detail,
            ip: &ip,
            org_path: &ctx.me.user.org_path,
        };
        audit::by_user(&st, &ctx.me, ev).await?;
    }
    result_page(&ctx, &up.name, &[], Some(&report), up.write)
}

fn result_page(
    ctx: &Ctx,
    name: &str,
    problems: &[String],
    report: Option<&ImportReport>,
    written: bool,
) -> AppResult<Response> {
    let report = report.map(|r| {
        context! {
            new_items => r.new_items, new_versions => r.new_versions, unchanged => r.unchanged,
            policies => r.policies_written, flagged => r.flagged_for_review,
        }
    });
    let data = context! { name, problems, report, written };
    Ok(ctx.render("catalogue_import.html", data)?.into_response())
}

pub async fn export(State(st): State<Shared>, ctx: Ctx) -> AppResult<Response> {
    ctx.me.require(Permission::EditCatalogue)?;
    let file = transfer::export(&st.db).await?;
    let name = format!("attachment; filename=\"catalogue-{}.json\"", clock::today());
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/json; charset=utf-8".to_string(),
            ),
            (header::CONTENT_DISPOSITION, name),
        ],
        file.to_canonical_json(),
    )
        .into_response())
}

pub async fn export_xlsx(State(st): State<Shared>, ctx: Ctx) -> AppResult<Response> {
    ctx.me.require(Permission::EditCatalogue)?;
    let file = transfer::export(&st.db).await?;
    let bytes =
        quanke_ledger::catalogue_to_xlsx(&file).map_err(|e| AppError::Internal(e.into()))?;
    let name = format!("attachment; filename=\"catalogue-{}.xlsx\"", clock::today());
    let mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, name),
        ],
        bytes,
    )
        .into_response())
}

//! Recording that a person moved out of the community (迁出登记): their membership ends and
//! they leave active lists; the record stays until the retention rule anonymises it.

use super::person::{record, visible};
use crate::auth::ClientIp;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use quanke_app::clock;
use quanke_domain::Permission;
use quanke_domain::registry::parse_date;
use quanke_store::registry;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct MoveOutForm {
    #[serde(default)]
    left_on: String,
    #[serde(default)]
    confirm: String,
}

pub async fn submit(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<MoveOutForm>,
) -> AppResult<Response> {
    ctx.me.require(Permission::ImportRegistry)?;
    let person = visible(&st, &ctx, id).await?;
    if person.status != "active" {
        return Err(AppError::BadRequest(
            "此人已不在册，无需再登记迁出。".into(),
        ));
    }
    let on = parse_date(&f.left_on)
        .ok_or_else(|| AppError::BadRequest("迁出日期无法识别，应如 2026-03-01。".into()))?;
    if on > super::dates::today() {
        return Err(AppError::BadRequest("迁出日期不能晚于今天。".into()));
    }
    if f.confirm != "yes" {
        return Err(AppError::BadRequest(
            "请勾选“确认此人已迁出本社区”后再提交。".into(),
        ));
    }
    let on = on.to_string();
    registry::move_out(&st.db, id, &on, &ctx.me.user.username, clock::now()).await?;
    let detail = format!("迁出日期 {on}");
    record(&st, &ctx, &person, "registry_moved_out", &detail, &ip).await?;
    Ok(Redirect::to(&format!("/registry/people/{id}")).into_response())
}

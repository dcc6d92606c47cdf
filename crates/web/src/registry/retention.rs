//! The retention rule (数据留存期限): people who moved out more than N years ago are anonymised,
//! keeping counts and the shape of their history but nothing that identifies them.

use crate::audit::{self, Event};
use crate::auth::ClientIp;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::State;
use axum::response::Html;
use minijinja::context;
use quanke_app::clock;
use quanke_domain::Permission;
use quanke_store::registry::retention;
use serde::Deserialize;

const DEFAULT_YEARS: i32 = 5;
const MAX_YEARS: i32 = 50;

pub async fn form(ctx: Ctx) -> AppResult<Html<String>> {
    ctx.me.require(Permission::ApplyRetention)?;
    ctx.render(
        "registry_retention.html",
        context! { years => DEFAULT_YEARS },
    )
}

#[derive(Deserialize)]
pub struct RetentionForm {
    #[serde(default)]
    years: String,
    #[serde(default)]
    confirm: String,
}

pub async fn apply(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Form(f): Form<RetentionForm>,
) -> AppResult<Html<String>> {
    ctx.me.require(Permission::ApplyRetention)?;
    let years: i32 = f
        .years
        .trim()
        .parse()
        .ok()
        .filter(|y| (1..=MAX_YEARS).contains(y))
        .ok_or_else(|| AppError::BadRequest(format!("年限应为 1 到 {MAX_YEARS} 之间的整数")))?;
    if f.confirm != "yes" {
        return Err(AppError::BadRequest(
            "请勾选确认后再执行：匿名化后无法恢复。".into(),
        ));
    }
    let cutoff = super::dates::years_before(super::dates::today(), years).to_string();
    let done =
        retention::anonymise_moved_out(&st.db, &ctx.me.scope.org, &cutoff, clock::now()).await?;
    let detail = format!("迁出满 {years} 年（迁出日期早于 {cutoff}）：匿名化 {done} 人");
    let ev = Event {
        action: "registry_retention_applied",
        target: "retention",
        detail: &detail,
        ip: &ip,
        org_path: &ctx.me.scope.org,
    };
    audit::by_user(&st, &ctx.me, ev).await?;
    ctx.render("registry_retention.html", context! { years, done, cutoff })
}

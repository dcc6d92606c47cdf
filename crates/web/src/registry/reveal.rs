//! Revealing one person's full ID number, phone and sensitive tags: for roles that handle
//! matters in person, with a reason that goes into the audit log. The full values are in this
//! one response only; the next view is masked again.

use super::person::{record, render, visible};
use crate::auth::ClientIp;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::Response;
use minijinja::context;
use quanke_domain::Permission;
use quanke_domain::limits::REVEAL_REASON;
use quanke_domain::mask::Show;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct RevealForm {
    #[serde(default)]
    reason: String,
}

pub async fn submit(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<RevealForm>,
) -> AppResult<Response> {
    ctx.me.require(Permission::RevealPersonal)?;
    let person = visible(&st, &ctx, id).await?;
    let reason = checked_reason(&f.reason, "查看完整信息")?;
    record(&st, &ctx, &person, "registry_revealed", reason, &ip).await?;
    render(&st, &ctx, &person, Show::Full, context! { reason }).await
}

/// The reason given for a reveal (`what` names it in the message), trimmed; none, or one too
/// long, refuses the reveal before anything is shown or recorded.
pub(crate) fn checked_reason<'a>(reason: &'a str, what: &str) -> AppResult<&'a str> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::BadRequest(format!(
            "{what}须填写理由，例如“办理业务核对身份”。本次未显示，也未记录。"
        )));
    }
    if REVEAL_REASON.check(reason).is_err() {
        return Err(AppError::BadRequest(format!(
            "理由请简要填写，不超过 {} 个字。",
            REVEAL_REASON.max_chars
        )));
    }
    Ok(reason)
}

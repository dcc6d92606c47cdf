//! The A4 printouts the resident takes home: the receipt (受理回执), the one-time notice of
//! every missing material (一次性告知书), the refusal (不予受理告知书) and the notice of the
//! result (办结通知书). Each is rendered from the document kept when it was issued
//! (`documents`), never from the case as it is now. Printed from the browser; the page carries
//! its own print styles (`print.css`: one A4 page, the seal space above the date).

use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::extract::{Path, State};
use axum::response::Response;
use minijinja::context;
use quanke_app::cases::act::load;
use quanke_app::cases::documents::Content;
use quanke_app::clock;
use quanke_domain::case::Document as Kind;
use quanke_store::cases::{self, Case, Document};

/// `GET /cases/{id}/print/{kind}`: the newest document of that kind as issued, the page the
/// desk goes to right after the change that issued it.
pub async fn newest(
    State(st): State<Shared>,
    ctx: Ctx,
    Path((id, kind)): Path<(i64, String)>,
) -> AppResult<Response> {
    let by = ctx.me.worker();
    let case = load(&st.cases(), &by, id).await?;
    let doc = cases::documents(&st.db, case.id)
        .await?
        .into_iter()
        .rev()
        .find(|d| d.kind == kind)
        .ok_or(AppError::NotFound)?;
    render(&ctx, &case, &doc, None)
}

/// `GET /cases/{id}/documents/{doc}`: a reprint (重印) of a document as it was issued, marked
/// as a copy with when and by whom it was printed again.
pub async fn reprint(
    State(st): State<Shared>,
    ctx: Ctx,
    Path((id, doc)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let by = ctx.me.worker();
    let case = load(&st.cases(), &by, id).await?;
    let doc = cases::document(&st.db, case.id, doc).await?;
    let again = context! { by => &by.name, at => clock::format(clock::now()) };
    render(&ctx, &case, &doc, Some(again))
}

fn render(
    ctx: &Ctx,
    case: &Case,
    doc: &Document,
    reprint: Option<minijinja::Value>,
) -> AppResult<Response> {
    let kind = Kind::parse(&doc.kind).ok_or(AppError::NotFound)?;
    let content: Content = serde_json::from_str(&doc.content)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("document {}: {e}", doc.id)))?;
    let data = context! {
        kind => kind.code(), title => kind.title(), number => &case.number, case_id => case.id,
        doc => content, issuer => &doc.issuer_name, issued_on => &doc.issued_on,
        issued_at => clock::format(doc.issued_at), reprint,
    };
    Ok(crate::registry::private(
        ctx.render("case_print.html", data)?,
    ))
}

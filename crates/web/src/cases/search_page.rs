//! The search page (办件查询) and its export. The form posts, so that phone and ID numbers stay
//! out of addresses, browser history and logs; the pager's buttons post the same fields with
//! the cursor. `GET` shows the newest cases of the worker's scope (and reads a query string,
//! for links). The export is masked unless the role may reveal, and audited either way.

use crate::audit::{self, Event};
use crate::auth::ClientIp;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::registry::download;
use crate::server::Shared;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use minijinja::{Value, context};
use quanke_app::cases::search::{self, Asked, COLUMNS, Criteria, Refused};
use quanke_app::clock;
use quanke_domain::case::State as CaseState;
use quanke_domain::mask::Show;
use quanke_store::cases::{At, Sort};
use quanke_store::users;
use serde::Deserialize;

/// Cases per page.
const PAGE: i64 = 20;
/// The most cases one export may hold; a larger result must be narrowed first.
pub const EXPORT_MAX: usize = 5_000;
/// The export's sheet.
pub const SHEET: &str = "办件";
/// Cases read per round while exporting.
const EXPORT_ROUND: i64 = 500;

/// The form: the filters and, from the pager, where the page starts.
#[derive(Deserialize, Default)]
pub struct Paged {
    #[serde(flatten)]
    asked: Asked,
    #[serde(default)]
    after: String,
    #[serde(default)]
    before: String,
}

pub async fn page(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<Paged>,
) -> AppResult<Response> {
    show(&st, &ctx, q).await
}

pub async fn submit(
    State(st): State<Shared>,
    ctx: Ctx,
    Form(q): Form<Paged>,
) -> AppResult<Response> {
    show(&st, &ctx, q).await
}

async fn show(st: &Shared, ctx: &Ctx, q: Paged) -> AppResult<Response> {
    if !search::may_search(&ctx.me.worker()) {
        return Err(AppError::Forbidden);
    }
    let found = match search::read(&st.cases(), &ctx.me.worker(), &q.asked, Sort::Received).await {
        Ok(c) => match search::at(&c, &q.after, &q.before) {
            Ok(at) => Ok((c, at)),
            Err(r) => Err(r),
        },
        Err(r) => Err(r),
    };
    let (criteria, at) = match found {
        Ok(x) => x,
        Err(r) => return refused_page(st, ctx, &q.asked, r).await,
    };
    let page = search::run(&st.cases(), &criteria, &at, PAGE).await?;
    let rows = search::lines(&st.cases(), &ctx.me.worker(), &page.cases, Show::Masked).await?;
    let data = context! {
        rows, asked => &q.asked, sort => criteria.sort.code(),
        described => criteria.described.join("，"),
        next => page.next.map(|c| c.encode()), prev => page.prev.map(|c| c.encode()),
        ..choices(st, ctx).await?
    };
    Ok(crate::registry::private(
        ctx.render("cases_search.html", data)?,
    ))
}

/// The form again with the reason it was refused.
async fn refused_page(st: &Shared, ctx: &Ctx, asked: &Asked, r: Refused) -> AppResult<Response> {
    if r.code == "internal" {
        return Err(AppError::Internal(anyhow::anyhow!(r.message)));
    }
    let status = if r.not_found {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::BAD_REQUEST
    };
    let data = context! {
        error => r.message, asked, sort => asked.sort.clone(),
        ..choices(st, ctx).await?
    };
    Ok((
        status,
        crate::registry::private(ctx.render("cases_search.html", data)?),
    )
        .into_response())
}

/// The lists the form chooses from: items in force, states, channels, sorts, the scope's staff.
async fn choices(st: &Shared, ctx: &Ctx) -> AppResult<Value> {
    let snap = st.catalogue.get(&st.db).await?;
    let scope = ctx
        .me
        .scope
        .org
        .community()
        .unwrap_or(ctx.me.scope.org.clone());
    let staff = users::in_subtree(&st.db, &scope).await?;
    Ok(context! {
        items => snap.items.iter().map(|c| context! { code => &c.item.code, name => &c.item.name }).collect::<Vec<_>>(),
        states => CaseState::ALL.iter().map(|s| context! { code => s.code(), label => s.label() }).collect::<Vec<_>>(),
        channels => quanke_app::cases::intake::CHANNELS.iter().map(|(code, label)| context! { code, label }).collect::<Vec<_>>(),
        sorts => Sort::ALL.iter().map(|s| context! { code => s.code(), label => s.label() }).collect::<Vec<_>>(),
        staff => staff.iter().filter(|u| !u.disabled).map(|u| context! { id => u.id.to_string(), name => &u.display_name }).collect::<Vec<_>>(),
    })
}

pub async fn export(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Form(asked): Form<Asked>,
) -> AppResult<Response> {
    if !search::may_search(&ctx.me.worker()) {
        return Err(AppError::Forbidden);
    }
    let criteria = match search::read(&st.cases(), &ctx.me.worker(), &asked, Sort::Received).await {
        Ok(c) => c,
        Err(r) => return refused_page(&st, &ctx, &asked, r).await,
    };
    let Some(cases) = everything(&st, &criteria).await? else {
        let r = Refused {
            code: "too_many",
            message: format!(
                "查询结果超过 {EXPORT_MAX} 件，无法一次导出。请加上日期、事项或状态等条件缩小范围后再导出。"
            ),
            not_found: false,
        };
        return refused_page(&st, &ctx, &asked, r).await;
    };
    let show = Show::for_scope(&ctx.me.scope);
    let lines = search::lines(&st.cases(), &ctx.me.worker(), &cases, show).await?;
    let count = lines.len();
    let bytes = workbook(lines, show).await?;
    let detail = format!(
        "条件：{}；共 {count} 件；{}",
        if criteria.is_empty() {
            "全部".to_string()
        } else {
            criteria.described.join("，")
        },
        match show {
            Show::Masked => "身份证号、电话已脱敏",
            Show::Full => "含完整身份证号、电话",
        }
    );
    let ev = Event {
        action: "cases_exported",
        target: "办件查询",
        detail: &detail,
        ip: &ip,
        org_path: &ctx.me.scope.org,
    };
    audit::by_user(&st, &ctx.me, ev).await?;
    let day = clock::today().replace('-', "");
    Ok(download::xlsx(
        bytes,
        &format!("办件查询-{day}.xlsx"),
        &format!("cases-{day}.xlsx"),
    ))
}

/// Every case of the search, page by page; None when there are more than `EXPORT_MAX`.
async fn everything(
    st: &Shared,
    c: &Criteria,
) -> AppResult<Option<Vec<quanke_store::cases::Case>>> {
    let mut all = Vec::new();
    let mut at = At::First;
    loop {
        let page = search::run(&st.cases(), c, &at, EXPORT_ROUND).await?;
        all.extend(page.cases);
        if all.len() > EXPORT_MAX {
            return Ok(None);
        }
        match page.next {
            Some(next) => at = At::After(next),
            None => return Ok(Some(all)),
        }
    }
}

/// The lines as a workbook (identifiers as text), written on a blocking thread.
async fn workbook(lines: Vec<search::Line>, show: Show) -> AppResult<Vec<u8>> {
    let title = match show {
        Show::Masked => "办件查询结果（已脱敏）",
        Show::Full => "办件查询结果",
    };
    tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("cases.xlsx");
        let rows = lines.into_iter().map(search::Line::cells);
        quanke_ledger::registry::write_sheet(&path, SHEET, Some(title), &COLUMNS, rows)?;
        Ok::<_, anyhow::Error>(std::fs::read(&path)?)
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
    .map_err(AppError::Internal)
}

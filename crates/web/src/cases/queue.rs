//! The work queues: mine, my team, unassigned, due soon, overdue, a page at a time; with the
//! approvals waiting for a head and the transfers waiting for this community. A queue is a
//! case search (`search`) with the queue's filter, so the page, the API and the search agree.

use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::extract::{Query, State};
use axum::response::Response;
use minijinja::{Value, context};
use quanke_app::cases::search::{self, Asked};
use quanke_app::cases::worker::Worker;
use quanke_domain::case::due_status;
use quanke_domain::mask::Show;
use quanke_domain::{Permission, Role};
use quanke_store::cases::{self, Case, Queue, Sort};
use serde::Deserialize;

/// Cases per page.
const PAGE: i64 = 25;

#[derive(Deserialize)]
pub struct Wanted {
    queue: Option<String>,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    after: String,
    #[serde(default)]
    before: String,
}

pub async fn page(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<Wanted>,
) -> AppResult<Response> {
    let scope = &ctx.me.scope;
    if !scope.can(Permission::UseDesk) && !scope.can(Permission::WorkQueue) {
        return Err(AppError::Forbidden);
    }
    let default = if ctx.me.user.role == Role::BackOffice {
        Queue::Mine
    } else {
        Queue::Team
    };
    let queue = q.queue.as_deref().and_then(Queue::parse).unwrap_or(default);
    let asked = Asked {
        queue: queue.code().into(),
        sort: q.sort.clone(),
        ..Asked::default()
    };
    let bad = |r: search::Refused| AppError::BadRequest(r.message);
    let criteria = search::read(&st.cases(), &ctx.me.worker(), &asked, Sort::Due)
        .await
        .map_err(bad)?;
    let at = search::at(&criteria, &q.after, &q.before).map_err(bad)?;
    let found = search::run(&st.cases(), &criteria, &at, PAGE).await?;
    let by = ctx.me.worker();
    let rows = rows(&st, &ctx, &by, &found.cases).await?;
    let approvals = if ctx.me.user.role == Role::CommunityHead {
        cases::pending_approvals(&st.db, by.org.as_str()).await?
    } else {
        Vec::new()
    };
    let approvals: Vec<Value> = approvals
        .iter()
        .map(|a| context! { case_id => a.case_id, number => &a.case_number, to => a.to_state.label(), note => &a.note })
        .collect();
    let incoming = cases::pending_transfers_to(&st.db, by.org.as_str()).await?;
    let sort = criteria.sort.code();
    let data = context! {
        queues => Queue::ALL.iter().map(|x| context! { code => x.code(), label => x.label(), on => *x == queue }).collect::<Vec<_>>(),
        queue => queue.code(), label => queue.label(), rows, approvals, sort,
        sorts => Sort::ALL.iter().map(|s| context! { code => s.code(), label => s.label(), on => s.code() == sort }).collect::<Vec<_>>(),
        next => found.next.map(|c| c.encode()), prev => found.prev.map(|c| c.encode()),
        incoming => incoming.iter().map(|t| context! { case_id => t.case_id, number => &t.case_number, reason => &t.reason, at => t.requested_at }).collect::<Vec<_>>(),
    };
    Ok(crate::registry::private(
        ctx.render("cases_queue.html", data)?,
    ))
}

pub async fn rows(st: &Shared, ctx: &Ctx, by: &Worker, list: &[Case]) -> AppResult<Vec<Value>> {
    let calendar = st.calendar.get(&st.db).await?;
    let lines = search::lines(&st.cases(), &ctx.me.worker(), list, Show::Masked).await?;
    let today = by.today.date();
    Ok(list
        .iter()
        .zip(lines)
        .map(|(c, line)| {
            let status = c
                .due_on
                .map(|d| due_status(d.date(), today, &calendar).label());
            context! {
                id => c.id, number => line.number, item => line.item, applicant => line.applicant,
                state => line.state, due_on => &c.due_on, due_status => status,
                escalated => c.escalated_at.is_some(), assignee => line.assignee,
            }
        })
        .collect())
}

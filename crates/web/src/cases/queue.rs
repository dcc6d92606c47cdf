//! The work queues: mine, my team, unassigned, due soon, overdue, a page at a time; with the
//! approvals waiting for a head and the transfers waiting for this community. A queue is a
//! case search (`search`) with the queue's filter, so the page, the API and the search agree.

use super::search::{self, Asked};
use super::view::state_label;
use super::worker::Worker;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::registry::mask::Show;
use crate::server::Shared;
use axum::extract::{Query, State};
use axum::response::Response;
use minijinja::{Value, context};
use quanke_domain::case::due_status;
use quanke_domain::{Permission, Role};
use quanke_store::cases::{self, Case, Filter, Queue, Sort};
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
    let criteria = search::read(&st, &ctx.me, &asked, Sort::Due)
        .await
        .map_err(bad)?;
    let at = search::at(&criteria, &q.after, &q.before).map_err(bad)?;
    let found = search::run(&st, &criteria, &at, PAGE).await?;
    let by = Worker::of(&ctx.me);
    let rows = rows(&st, &ctx, &by, &found.cases).await?;
    let approvals = if ctx.me.user.role == Role::CommunityHead {
        cases::pending_approvals(&st.db, by.org.as_str()).await?
    } else {
        Vec::new()
    };
    let approvals: Vec<Value> = approvals
        .iter()
        .map(|a| context! { case_id => a.case_id, number => &a.case_number, to => state_label(&a.to_state), note => &a.note })
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
    let lines = search::lines(st, &ctx.me, list, Show::Masked).await?;
    let today = super::deadline::parse_day(&by.today);
    Ok(list
        .iter()
        .zip(lines)
        .map(|(c, line)| {
            let due = c.due_on.as_deref().and_then(super::deadline::parse_day);
            let status = due
                .zip(today)
                .map(|(d, t)| due_status(d, t, &calendar).label());
            context! {
                id => c.id, number => line.number, item => line.item, applicant => line.applicant,
                state => line.state, due_on => &c.due_on, due_status => status,
                escalated => c.escalated_at.is_some(), assignee => line.assignee,
            }
        })
        .collect())
}

/// The days a queue is bounded by, on the working-day calendar in force: today, the last day
/// that counts as due soon, and yesterday (overdue is due before today).
pub struct Days {
    pub(crate) today: String,
    pub(crate) soon: String,
    pub(crate) yesterday: String,
}

impl Days {
    pub async fn of(st: &Shared, today: &str) -> AppResult<Days> {
        let calendar = st.calendar.get(&st.db).await?;
        let soon = super::deadline::parse_day(today)
            .map(|d| {
                super::deadline::format_day(
                    calendar.add_working_days(d, quanke_domain::case::DUE_SOON_DAYS),
                )
            })
            .unwrap_or_else(|| today.to_string());
        Ok(Days {
            today: today.to_string(),
            soon,
            yesterday: day_before(today),
        })
    }

    /// The open cases of `queue` inside `within` (`me`: whose "mine" is), at most `limit`.
    pub fn filter<'a>(
        &'a self,
        within: &'a str,
        me: Option<i64>,
        queue: Queue,
        limit: i64,
    ) -> Filter<'a> {
        let mut f = Filter {
            within,
            open_only: true,
            limit,
            ..Filter::default()
        };
        match queue {
            Queue::Mine => f.assignee = me,
            Queue::Team => {}
            Queue::Unassigned => {
                f.unassigned = true;
                f.state = Some("accepted");
            }
            Queue::DueSoon => {
                f.due_from = Some(&self.today);
                f.due_by = Some(&self.soon);
            }
            // Due before today: "due_on <= yesterday" in day strings.
            Queue::Overdue => f.due_by = Some(&self.yesterday),
        }
        f
    }

    /// The open cases due today inside `within`.
    pub fn due_today<'a>(&'a self, within: &'a str, limit: i64) -> Filter<'a> {
        Filter {
            within,
            open_only: true,
            due_from: Some(&self.today),
            due_by: Some(&self.today),
            limit,
            ..Filter::default()
        }
    }
}

fn day_before(day: &str) -> String {
    super::deadline::parse_day(day)
        .and_then(|d| d.previous_day())
        .map(super::deadline::format_day)
        .unwrap_or_default()
}

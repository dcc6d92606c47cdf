//! The work queues: mine, my team, unassigned, due soon, overdue; with the approvals waiting
//! for a head and the transfers waiting for this community.

use super::view::state_label;
use super::worker::Worker;
use crate::error::AppResult;
use crate::page::Ctx;
use crate::server::Shared;
use axum::extract::{Query, State};
use axum::response::Response;
use minijinja::{Value, context};
use quanke_domain::case::due_status;
use quanke_domain::{Permission, Role};
use quanke_store::cases::{self, Case, Filter, Queue};
use quanke_store::users;
use serde::Deserialize;
use std::collections::HashMap;

const PAGE: i64 = 100;
/// Working days ahead that count as due soon (the clock's own rule).
const DUE_SOON_DAYS: u32 = 2;

#[derive(Deserialize)]
pub struct Asked {
    queue: Option<String>,
}

pub async fn page(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<Asked>,
) -> AppResult<Response> {
    let scope = &ctx.me.scope;
    if !scope.can(Permission::UseDesk) && !scope.can(Permission::WorkQueue) {
        return Err(crate::error::AppError::Forbidden);
    }
    let default = if ctx.me.user.role == Role::BackOffice {
        Queue::Mine
    } else {
        Queue::Team
    };
    let queue = q.queue.as_deref().and_then(Queue::parse).unwrap_or(default);
    let by = Worker::of(&ctx.me);
    let list = cases_in(&st, &by, queue).await?;
    let rows = rows(&st, &by, &list).await?;
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
    let data = context! {
        queues => Queue::ALL.iter().map(|x| context! { code => x.code(), label => x.label(), on => *x == queue }).collect::<Vec<_>>(),
        label => queue.label(), rows, approvals,
        incoming => incoming.iter().map(|t| context! { case_id => t.case_id, number => &t.case_number, reason => &t.reason, at => t.requested_at }).collect::<Vec<_>>(),
    };
    Ok(crate::registry::private(
        ctx.render("cases_queue.html", data)?,
    ))
}

pub async fn cases_in(st: &Shared, by: &Worker, queue: Queue) -> AppResult<Vec<Case>> {
    let days = Days::of(st, &by.today).await?;
    let f = days.filter(by.org.as_str(), by.id, queue, PAGE);
    Ok(cases::list(&st.db, &f).await?)
}

/// The days a queue is bounded by, on the working-day calendar in force: today, the last day
/// that counts as due soon, and yesterday (overdue is due before today).
pub struct Days {
    today: String,
    soon: String,
    yesterday: String,
}

impl Days {
    pub async fn of(st: &Shared, today: &str) -> AppResult<Days> {
        let calendar = st.calendar.get(&st.db).await?;
        let soon = super::deadline::parse_day(today)
            .map(|d| super::deadline::format_day(calendar.add_working_days(d, DUE_SOON_DAYS)))
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

pub async fn rows(st: &Shared, by: &Worker, list: &[Case]) -> AppResult<Vec<Value>> {
    let snap = st.catalogue.get(&st.db).await?;
    let calendar = st.calendar.get(&st.db).await?;
    let names: HashMap<i64, String> = users::in_subtree(&st.db, &by.org)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let today = super::deadline::parse_day(&by.today);
    Ok(list
        .iter()
        .map(|c| {
            let due = c.due_on.as_deref().and_then(super::deadline::parse_day);
            let status = due.zip(today).map(|(d, t)| due_status(d, t, &calendar).label());
            context! {
                id => c.id, number => &c.number,
                item => snap.get(&c.item_code).map_or(c.item_code.as_str(), |x| x.item.name.as_str()),
                applicant => &c.applicant_name, state => state_label(&c.state),
                due_on => &c.due_on, due_status => status, escalated => c.escalated_at.is_some(),
                assignee => c.assignee_id.and_then(|i| names.get(&i).cloned()).unwrap_or_default(),
            }
        })
        .collect())
}

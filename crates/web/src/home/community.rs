//! The community head's home (the work of their community: approvals, overdue and due-soon
//! cases, today's intake by channel, unassigned cases, policy changes not yet acknowledged,
//! the week's ratings, events to file and overdue) and the street administrator's, which rolls the same figures up per
//! community beside the accounts overview.

use super::{SHOWN, listed};
use crate::catalogue::notices;
use crate::error::AppResult;
use crate::page::Ctx;
use crate::server::Shared;
use minijinja::{Value, context};
use quanke_app::cases::bounds::Days;
use quanke_app::cases::intake::channel_label;
use quanke_app::clock;
use quanke_domain::OrgKind;
use quanke_store::case_reports::{self, RatingRow};
use quanke_store::cases::{self, Approval, Queue, Sort};
use quanke_store::orgs;
use std::collections::HashMap;

pub(super) async fn head(st: &Shared, ctx: &Ctx) -> AppResult<Value> {
    let by = ctx.me.worker();
    let within = by.org.as_str();
    let days = Days::of(&st.calendar, &st.db, by.today).await?;
    let approvals = cases::pending_approvals(&st.db, within).await?;
    let policy: Vec<Value> = notices::acknowledgement_status(st, &by.org)
        .await?
        .into_iter()
        .filter(|row| row.get_attr("missing").is_ok_and(|m| m.len() != Some(0)))
        .collect();
    let intake = intake_today(st, within, by.now).await?;
    Ok(context! {
        approvals_total => approvals.len(),
        approvals => approvals.iter().take(SHOWN as usize).map(approval).collect::<Vec<_>>(),
        overdue => listed(st, ctx, &by, &days.filter(within, by.id, Queue::Overdue, SHOWN), Sort::Due).await?,
        due_soon => listed(st, ctx, &by, &days.filter(within, by.id, Queue::DueSoon, SHOWN), Sort::Due).await?,
        unassigned => listed(st, ctx, &by, &days.filter(within, by.id, Queue::Unassigned, SHOWN), Sort::Due).await?,
        intake,
        policy,
        ratings => ratings(&week_ratings(st, within, by.now).await?),
        events => event_counts(st, &by).await?,
    })
}

/// The community's events: waiting to be filed, overdue, open.
async fn event_counts(st: &Shared, by: &quanke_app::cases::Worker) -> AppResult<Value> {
    let c = quanke_app::grid::events::counted(&st.db, by).await?;
    Ok(context! { to_file => c.to_file, overdue => c.overdue, open => c.open })
}

fn approval(a: &Approval) -> Value {
    context! {
        case_id => a.case_id, number => &a.case_number, to => a.to_state.label(),
        note => &a.note, at => a.requested_at,
    }
}

/// Today's intake inside `within`: per channel (with its label) and in all.
async fn intake_today(st: &Shared, within: &str, now: i64) -> AppResult<Value> {
    let counted = cases::intake_by_channel(&st.db, within, clock::start_of_day(now)).await?;
    Ok(by_channel(&counted))
}

/// Intake per channel (with its label) and in all.
fn by_channel(counted: &[(String, i64)]) -> Value {
    let total: i64 = counted.iter().map(|(_, n)| n).sum();
    let channels: Vec<Value> = counted
        .iter()
        .map(|(code, n)| context! { label => channel_label(code), n })
        .collect();
    context! { channels, total }
}

async fn week_ratings(st: &Shared, within: &str, now: i64) -> AppResult<RatingRow> {
    let since = clock::start_of_week(now);
    Ok(case_reports::ratings_since(&st.db, within, since).await?)
}

fn ratings(r: &RatingRow) -> Value {
    let average = (r.count > 0).then(|| format!("{:.1}", r.average()));
    context! { count => r.count, bad => r.bad, average }
}

/// The street's home: per community the head's figures as counts, then the accounts overview.
/// Each figure is one query over the street, grouped by community.
pub(super) async fn street(st: &Shared, ctx: &Ctx) -> AppResult<Value> {
    let by = ctx.me.worker();
    let street = by.org.as_str();
    let days = Days::of(&st.calendar, &st.db, by.today).await?;
    let count = |queue| days.filter(street, None, queue, 0);
    let overdue = cases::count_by_community(&st.db, &count(Queue::Overdue)).await?;
    let due_soon = cases::count_by_community(&st.db, &count(Queue::DueSoon)).await?;
    let unassigned = cases::count_by_community(&st.db, &count(Queue::Unassigned)).await?;
    let mut approvals: HashMap<String, usize> = HashMap::new();
    for a in cases::pending_approvals(&st.db, street).await? {
        *approvals
            .entry(a.community_path.as_str().to_string())
            .or_default() += 1;
    }
    let since = clock::start_of_day(by.now);
    let mut intake: HashMap<String, Vec<(String, i64)>> = HashMap::new();
    for (community, channel, n) in cases::intake_by_community(&st.db, street, since).await? {
        intake.entry(community).or_default().push((channel, n));
    }
    let week = clock::start_of_week(by.now);
    let rated: HashMap<String, RatingRow> =
        case_reports::ratings_since_by_community(&st.db, street, week)
            .await?
            .into_iter()
            .map(|r| (r.key.clone(), r))
            .collect();
    let mut rows = Vec::new();
    for c in orgs::subtree(&st.db, &by.org).await? {
        if c.kind != OrgKind::Community {
            continue;
        }
        let path = c.path.as_str();
        let of = |m: &HashMap<String, i64>| m.get(path).copied().unwrap_or(0);
        rows.push(context! {
            name => c.name, code => c.code,
            approvals => approvals.get(path).copied().unwrap_or(0),
            overdue => of(&overdue), due_soon => of(&due_soon), unassigned => of(&unassigned),
            intake => by_channel(intake.get(path).map(Vec::as_slice).unwrap_or_default()),
            ratings => ratings(&rated.get(path).cloned().unwrap_or_default()),
        });
    }
    let overview = super::overview(st, ctx).await?;
    Ok(context! { work => rows, ..overview })
}

//! The grid worker's home: their grid's residents by tag of care (each count opens the
//! registry search) and their open tasks (cases given to them, deliveries included).

use super::{SHOWN, accounts, listed};
use crate::error::AppResult;
use crate::page::Ctx;
use crate::server::Shared;
use minijinja::{Value, context};
use quanke_domain::registry::CareTag;
use quanke_store::cases::{Filter, Sort};
use quanke_store::registry::counts;

pub(super) async fn data(st: &Shared, ctx: &Ctx) -> AppResult<Value> {
    let by = ctx.me.worker();
    let grid = st.orgs.get(&st.db, ctx.me.user.org_id).await?;
    let community = match grid.parent_id {
        Some(id) => st.orgs.get(&st.db, id).await?,
        None => grid.clone(),
    };
    let counted = counts::by_tag(&st.db, &grid.path).await?;
    let tags: Vec<Value> = CareTag::ALL
        .iter()
        .map(|t| {
            let n = counted
                .iter()
                .find(|(code, _)| code == t.code())
                .map_or(0, |(_, n)| *n);
            context! { label => t.label(), n }
        })
        .collect();
    // Cases belong to communities: the worker's tasks are their community's cases given to them.
    let tasks = Filter {
        within: community.path.as_str(),
        assignee: by.id,
        open_only: true,
        limit: SHOWN * 2,
        ..Filter::default()
    };
    let due = due_counts(st, ctx).await?;
    Ok(context! {
        due,
        grid => context! { name => grid.name, code => grid.code },
        community => community.name,
        tags,
        tasks => listed(st, ctx, &by, &tasks, Sort::Due).await?,
        staff => accounts::grid_workers(st, &community.path).await?,
    })
}

/// How many visits of the worker's grid are overdue and due within the week (the due list's
/// figures, read the same way), how many follow-ups the worker has open and late, and how many
/// events they handle (and how many of those are overdue).
async fn due_counts(st: &Shared, ctx: &Ctx) -> AppResult<Value> {
    use quanke_app::grid::{coverage, purposes};
    let worker = ctx.me.worker();
    let org = &ctx.me.scope.org;
    let force = coverage::in_force(&st.db, purposes(), org).await?;
    let due = coverage::due_list(
        &st.db,
        &worker,
        &force.rules,
        force.since,
        org,
        worker.today,
        7,
    )
    .await?;
    let overdue = due
        .iter()
        .filter(|d| matches!(d.standing, quanke_domain::grid::Standing::Overdue { .. }))
        .count();
    let (follow_ups, late) = quanke_app::grid::tasks::mine_counted(&st.db, &worker).await?;
    let held = quanke_app::grid::events::held(&st.db, &worker).await?;
    let events_late = held
        .iter()
        .filter(|e| e.state.clock_runs() && e.due().is_some_and(|d| d < worker.today))
        .count();
    Ok(
        context! { total => due.len(), overdue, follow_ups, late, events => held.len(), events_late },
    )
}

//! The coverage page (走访覆盖): for each rule, how many of its subjects each place holds and how
//! many were visited recently enough, with the share; for a street, a community or a grid.

use super::places::{chosen_place, place_choices};
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::registry::places::Places;
use crate::server::Shared;
use axum::extract::{Query, State};
use axum::response::Response;
use minijinja::{Value, context};
use quanke_app::cases::Worker;
use quanke_app::grid::coverage::{self, Month, RuleCoverage};
use quanke_app::grid::purposes;
use quanke_domain::{OrgPath, Permission, Role};
use quanke_store::users;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize)]
pub struct CoverageQuery {
    #[serde(default)]
    place: Option<i64>,
    /// "YYYY-MM": the month of the workload table (this month when absent).
    #[serde(default)]
    month: String,
}

/// How many months back the workload table offers.
const MONTHS_OFFERED: usize = 6;

pub async fn page(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<CoverageQuery>,
) -> AppResult<Response> {
    let me = &ctx.me;
    if !(me.scope.can(Permission::WorkGrid) || me.scope.can(Permission::ViewDashboard)) {
        return Err(AppError::Forbidden);
    }
    let place = chosen_place(&st, &ctx, q.place).await?;
    let worker = me.worker();
    let force = coverage::in_force(&st.db, purposes(), &place.path).await?;
    let figures =
        coverage::coverage(&st.db, &worker, &force.rules, &place.path, worker.today).await?;
    let places = Places::tree_of(&st.db, &place.path).await?;
    let workers = workers_by_grid(&st, &place.path).await?;
    let workload = workload_view(&st, &worker, &place.path, &q.month).await?;
    let data = context! {
        workload,
        place => context! { id => place.id, name => &place.name },
        places => place_choices(&st, &ctx).await?,
        rules => figures.iter().map(|f| rule_view(f, &places, &workers)).collect::<Vec<_>>(),
        version => force.version,
        may_edit => me.scope.can(Permission::EditCoverageRules),
        may_hand_over => me.scope.can(Permission::HandOverGrids),
    };
    Ok(crate::registry::private(
        ctx.render("grid_coverage.html", data)?,
    ))
}

/// Each worker's visits in the chosen month, for a community or a grid (a street chooses a
/// community: a street's hundreds of workers are not one table).
async fn workload_view(
    st: &Shared,
    worker: &Worker,
    place: &OrgPath,
    month: &str,
) -> AppResult<Option<Value>> {
    if place.ids().len() < 2 {
        return Ok(None);
    }
    let this = Month::of(worker.today.date());
    let month = match month.trim() {
        "" => this,
        text => {
            Month::parse(text).ok_or_else(|| AppError::BadRequest("月份格式应为 YYYY-MM".into()))?
        }
    };
    let offered: Vec<Value> = std::iter::successors(Some(this), |m| Some(m.previous()))
        .take(MONTHS_OFFERED)
        .map(|m| context! { code => m.code(), on => m == month })
        .collect();
    let rows: Vec<Value> = coverage::workload(&st.db, worker, place, month)
        .await?
        .iter()
        .map(|w| {
            let hours = format!("{:.1}", w.minutes as f64 / 60.0);
            context! { name => &w.name, org => &w.org_name, visits => w.visits, days => w.days, hours }
        })
        .collect();
    Ok(Some(context! { month => month.code(), offered, rows }))
}

/// The grid workers of each grid within `place`, by the grid's path: whose coverage a grid's
/// figures are (片组户考核 assesses the worker of the grid).
async fn workers_by_grid(st: &Shared, place: &OrgPath) -> AppResult<HashMap<String, String>> {
    let mut by_grid: HashMap<String, Vec<String>> = HashMap::new();
    for u in users::in_subtree(&st.db, place).await? {
        if u.role == Role::GridWorker && !u.disabled {
            let names = by_grid.entry(u.org_path.as_str().to_string()).or_default();
            names.push(u.display_name);
        }
    }
    Ok(by_grid
        .into_iter()
        .map(|(grid, names)| (grid, names.join("、")))
        .collect())
}

fn rule_view(f: &RuleCoverage, places: &Places, workers: &HashMap<String, String>) -> Value {
    let rows: Vec<Value> = f
        .places
        .iter()
        .map(|p| {
            let path = p.org_path.as_str();
            let community = p.org_path.community().filter(|c| c != &p.org_path);
            context! {
                name => places.name(path),
                community => community.map(|c| places.name(c.as_str())),
                workers => workers.get(path),
                subjects => p.subjects, covered => p.covered,
                share => share(p.covered, p.subjects),
            }
        })
        .collect();
    context! {
        name => &f.rule.name, target => f.rule.target.describe(), period => f.rule.period.label(),
        from => f.window.from.to_string(), to => f.window.to.to_string(),
        subjects => f.subjects, covered => f.covered, share => share(f.covered, f.subjects),
        rows,
    }
}

/// Covered of all, as a whole percent (the figure heads compare); none of none is not 0 %.
fn share(covered: i64, of: i64) -> Option<i64> {
    (of > 0).then(|| (covered * 100 + of / 2) / of)
}

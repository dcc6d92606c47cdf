//! The due list (待走访): who in a grid needs a visit this week (or month, or this period), the
//! overdue first. It prints as the day's route list.

use super::places::{chosen_place, place_choices};
use crate::error::AppResult;
use crate::page::Ctx;
use crate::server::Shared;
use axum::extract::{Query, State};
use axum::response::Response;
use minijinja::{Value, context};
use quanke_app::grid::coverage::{self, Due};
use quanke_app::grid::purposes;
use quanke_domain::Permission;
use quanke_domain::grid::Standing;
use serde::Deserialize;

/// How far ahead the list looks: a week, a month, or the whole period (a year covers the longest).
const HORIZONS: [(&str, i64, &str); 3] = [
    ("week", 7, "7 天内"),
    ("month", 31, "31 天内"),
    ("period", 366, "本期全部"),
];

#[derive(Deserialize)]
pub struct DueQuery {
    #[serde(default)]
    place: Option<i64>,
    #[serde(default)]
    within: String,
    #[serde(default)]
    done: Option<String>,
}

pub async fn page(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<DueQuery>,
) -> AppResult<Response> {
    let me = &ctx.me;
    if !(me.scope.can(Permission::WorkGrid) || me.scope.can(Permission::ViewDashboard)) {
        return Err(crate::error::AppError::Forbidden);
    }
    let place = chosen_place(&st, &ctx, q.place).await?;
    let (horizon_code, days, _) = HORIZONS
        .into_iter()
        .find(|(code, _, _)| *code == q.within)
        .unwrap_or(HORIZONS[0]);
    let worker = me.worker();
    let force = coverage::in_force(&st.db, purposes(), &place.path).await?;
    let due = coverage::due_list(
        &st.db,
        &worker,
        &force.rules,
        force.since,
        &place.path,
        worker.today,
        days,
    )
    .await?;
    let places = crate::registry::places::Places::tree_of(&st.db, &me.scope.org).await?;
    let rows: Vec<Value> = due.iter().map(|d| row(d, &places)).collect();
    let data = context! {
        place => context! { id => place.id, name => &place.name },
        places => place_choices(&st, &ctx).await?,
        horizons => HORIZONS.iter().map(|(code, _, label)| context! { code, label, on => *code == horizon_code }).collect::<Vec<_>>(),
        horizon => horizon_code,
        overdue => due.iter().filter(|d| matches!(d.standing, Standing::Overdue { .. })).count(),
        rows,
        can_record => me.scope.can(Permission::RecordVisits),
        version => force.version,
        tasks => super::tasks::mine(&st, &worker).await?,
        events => super::events::held(&st, &worker).await?,
        done => q.done.is_some(),
    };
    Ok(crate::registry::private(ctx.render("grid_due.html", data)?))
}

/// In a list of what is due, a rolling visit that still covers is "falling due".
fn status(standing: Standing) -> &'static str {
    match standing {
        Standing::Covered { .. } => "即将到期",
        other => other.label(),
    }
}

fn row(d: &Due, places: &crate::registry::places::Places) -> Value {
    context! {
        rule => &d.rule, label => &d.label, kind => d.subject.kind.label(),
        subject => d.subject.to_string(), href => super::visits::subject_href(d.subject),
        place => places.name(d.org_path.as_str()),
        last => d.last.map(|l| l.to_string()), due => d.standing.due().to_string(),
        status => status(d.standing),
        overdue => matches!(d.standing, Standing::Overdue { .. }),
    }
}

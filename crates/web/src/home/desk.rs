//! The desk's home: the search that starts an intake, the community's cases of today, and the
//! residents told to come back with materials (补正), the oldest first, with what is missing.

use super::{SHOWN, accounts, listed};
use crate::cases::queue;
use crate::error::AppResult;
use crate::page::Ctx;
use crate::server::Shared;
use minijinja::{Value, context};
use quanke_app::cases::Worker;
use quanke_app::cases::checklist;
use quanke_app::clock;
use quanke_store::cases::{self, Filter, Sort};

pub(super) async fn data(st: &Shared, ctx: &Ctx) -> AppResult<Value> {
    let by = ctx.me.worker();
    let community = st.orgs.get(&st.db, ctx.me.user.org_id).await?;
    let within = by.org.as_str();
    let today = Filter {
        within,
        received_from: Some(clock::start_of_day(by.now)),
        limit: SHOWN * 2,
        ..Filter::default()
    };
    Ok(context! {
        community => community.name,
        today_cases => listed(st, ctx, &by, &today, Sort::Received).await?,
        come_back => come_back(st, ctx, &by).await?,
        staff => accounts::staff(st, &community.path).await?,
    })
}

/// Cases waiting for materials (their clock paused), the oldest first, each with the
/// materials the notice named.
async fn come_back(st: &Shared, ctx: &Ctx, by: &Worker) -> AppResult<Value> {
    let f = Filter {
        within: by.org.as_str(),
        state: Some("awaiting_materials"),
        limit: SHOWN * 2,
        ..Filter::default()
    };
    let list = cases::list(&st.db, &f).await?;
    let total = if (list.len() as i64) < f.limit {
        list.len() as i64
    } else {
        cases::count(&st.db, &f).await?
    };
    let rows = queue::rows(st, ctx, by, &list).await?;
    let rows: Vec<Value> = list
        .iter()
        .zip(rows)
        .map(|(c, row)| {
            let entries = checklist::from_json(&c.checklist);
            let missing: Vec<&str> = checklist::missing(&entries)
                .iter()
                .map(|e| e.name.as_str())
                .collect();
            context! { since => clock::date(c.updated_at), missing, ..row }
        })
        .collect();
    Ok(context! { rows, total })
}

//! The back office's home: each queue with its count, and the community's cases due today.

use super::{SHOWN, accounts, listed};
use crate::error::AppResult;
use crate::page::Ctx;
use crate::server::Shared;
use minijinja::{Value, context};
use quanke_app::cases::bounds::Days;
use quanke_store::cases::{self, Queue, Sort};

pub(super) async fn data(st: &Shared, ctx: &Ctx) -> AppResult<Value> {
    let by = ctx.me.worker();
    let community = st.orgs.get(&st.db, ctx.me.user.org_id).await?;
    let days = Days::of(&st.calendar, &st.db, by.today).await?;
    let within = by.org.as_str();
    let mut queues = Vec::new();
    for q in Queue::ALL {
        let n = cases::count(&st.db, &days.filter(within, by.id, q, 0)).await?;
        queues.push(context! { code => q.code(), label => q.label(), n });
    }
    Ok(context! {
        community => community.name,
        queues,
        due_today => listed(st, ctx, &by, &days.due_today(within, SHOWN * 2), Sort::Due).await?,
        staff => accounts::staff(st, &community.path).await?,
    })
}

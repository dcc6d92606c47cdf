//! Which place of the org tree a grid-work page shows: the viewer's own by default, or one of
//! the grids and communities below it, chosen by id. A place outside the viewer's subtree is
//! "not found".

use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use minijinja::{Value, context};
use quanke_store::orgs::Org;

/// The org the page is about.
pub(super) async fn chosen_place(st: &Shared, ctx: &Ctx, id: Option<i64>) -> AppResult<Org> {
    let id = id.unwrap_or(ctx.me.user.org_id);
    let org = st
        .orgs
        .get(&st.db, id)
        .await
        .map_err(|_| AppError::NotFound)?;
    if ctx.me.scope.covers(&org.path) {
        Ok(org)
    } else {
        Err(AppError::NotFound)
    }
}

/// The viewer's org and everything below it, for the place selector.
pub(super) async fn place_choices(st: &Shared, ctx: &Ctx) -> AppResult<Vec<Value>> {
    let places = crate::registry::places::Places::within(&st.db, &ctx.me.scope.org).await?;
    Ok(places
        .in_tree_order()
        .into_iter()
        .map(|o| context! { id => o.id, name => &o.name, kind => o.kind.label(), depth => o.path.ids().len() })
        .collect())
}

//! Grid hand-over (网格交接): a head gives a grid to another grid worker of its community when
//! its worker rotates or leaves. The outgoing worker's open follow-ups and events in the grid
//! move to the incoming one (due visits belong to the grid and follow by themselves), the
//! incoming worker's account may be moved to the grid, and the hand-over is recorded.

use super::{GridError, GridResult};
use crate::cases::Worker;
use quanke_domain::{OrgKind, Permission, Role, limits};
use quanke_store::grid::handover::{self, HandOver, HandOverRow, Moved};
use quanke_store::users::{self, User};
use quanke_store::{Db, StoreError, orgs, sessions};

#[derive(Debug, Clone, Default)]
pub struct HandOverInput {
    /// The grid's org id.
    pub grid: i64,
    pub from: i64,
    pub to: i64,
    pub move_account: bool,
    pub note: String,
}

/// Hands the grid over, checked: the grid within the head's part of the tree, the outgoing
/// worker one who works in its community or holds work in the grid, the incoming one an
/// enabled grid worker of the community. Anything outside is "not found".
pub async fn hand_over(db: &Db, head: &Worker, input: &HandOverInput) -> GridResult<Moved> {
    if !head.can(Permission::HandOverGrids) {
        return Err(GridError::Forbidden(
            "只有社区负责人或街道管理员可以交接网格",
        ));
    }
    let by = head.id.ok_or(GridError::Forbidden("须由工作人员交接"))?;
    let grid = orgs::get(db, input.grid)
        .await
        .ok()
        .filter(|g| g.kind == OrgKind::Grid && head.org.contains(&g.path))
        .ok_or(GridError::NotFound("网格"))?;
    let community = grid.path.community().ok_or(GridError::NotFound("网格"))?;
    let community_id = grid.community_id.ok_or(GridError::NotFound("网格"))?;
    let from = user(db, input.from)
        .await?
        .ok_or(GridError::NotFound("交出人"))?;
    let holds = handover::held(db, from.id, &grid.path).await?;
    if !community.contains(&from.org_path) && holds.tasks + holds.events == 0 {
        return Err(GridError::NotFound("交出人"));
    }
    let to = user(db, input.to)
        .await?
        .filter(|u| !u.disabled && u.role == Role::GridWorker && community.contains(&u.org_path))
        .ok_or(GridError::NotFound("接手人"))?;
    if to.id == from.id {
        return Err(GridError::Refused("交出人和接手人不能是同一人".into()));
    }
    limits::NOTE
        .named("交接说明")
        .check(&input.note)
        .map_err(|e| GridError::Refused(e.to_string()))?;
    let move_account = input.move_account && to.org_path != grid.path;
    let h = HandOver {
        grid: grid.path.clone(),
        grid_id: grid.id,
        community_id,
        from_user: from.id,
        to_user: to.id,
        to_name: to.display_name.clone(),
        by_user: by,
        by_name: head.name.clone(),
        move_account,
        note: input.note.trim().to_string(),
        day: head.today,
        at: head.now,
    };
    let moved = handover::hand_over(db, &h).await?;
    if move_account {
        // The new place applies at once, as when an account is moved on the accounts page.
        sessions::delete_for_user(db, to.id).await?;
    }
    Ok(moved)
}

async fn user(db: &Db, id: i64) -> GridResult<Option<User>> {
    match users::by_id(db, id).await {
        Ok(u) => Ok(Some(u)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The hand-overs of grids within the head's part of the tree, the newest first.
pub async fn history(db: &Db, head: &Worker) -> GridResult<Vec<HandOverRow>> {
    if !head.can(Permission::HandOverGrids) {
        return Err(GridError::Forbidden(
            "只有社区负责人或街道管理员可以查看网格交接",
        ));
    }
    Ok(handover::history(db, &head.org, 50).await?)
}

/// What `user` holds in the grid at `grid`: the form's figures.
pub async fn held(db: &Db, user: i64, grid: &quanke_domain::OrgPath) -> GridResult<Moved> {
    Ok(handover::held(db, user, grid).await?)
}

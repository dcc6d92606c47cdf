//! Grid hand-overs (网格交接): the outgoing worker's open follow-ups and events in a grid move
//! to the incoming worker, each moved event noted on its timeline, the incoming account moved
//! to the grid when asked, and the hand-over recorded: all in one transaction.

use crate::db::{with_pool, with_write_turn};
use crate::{Db, Result};
use quanke_domain::OrgPath;
use quanke_domain::calendar::Day;
use sqlx::FromRow;

/// A hand-over checked by the application.
#[derive(Debug, Clone)]
pub struct HandOver {
    pub grid: OrgPath,
    pub grid_id: i64,
    pub community_id: i64,
    pub from_user: i64,
    pub to_user: i64,
    /// The incoming worker's name, for the events' timelines.
    pub to_name: String,
    pub by_user: i64,
    pub by_name: String,
    /// Move the incoming worker's account to the grid.
    pub move_account: bool,
    pub note: String,
    pub day: Day,
    pub at: i64,
}

/// What moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moved {
    pub tasks: u64,
    pub events: u64,
}

const MOVE_TASKS: &str = "UPDATE grid_tasks SET assignee_id = $1 WHERE assignee_id = $2 \
     AND done_at IS NULL AND org_path >= $3 AND org_path < $4";
/// A step on each event about to move, before it moves (the same rows, found the same way).
const NOTE_EVENTS: &str = "INSERT INTO grid_event_steps (event_id, action, from_state, to_state, \
     actor_id, actor_name, note, day, at) \
     SELECT id, 'handover', state, state, $1, $2, $3, $4, $5 FROM grid_events \
     WHERE handler_id = $6 AND closed_at IS NULL AND org_path >= $7 AND org_path < $8";
const MOVE_EVENTS: &str = "UPDATE grid_events SET handler_id = $1, updated_at = $2 \
     WHERE handler_id = $3 AND closed_at IS NULL AND org_path >= $4 AND org_path < $5";
const MOVE_ACCOUNT: &str =
    "UPDATE users SET org_id = $1, community_id = $2, updated_at = $3 WHERE id = $4";
const RECORD: &str = "INSERT INTO grid_handovers (grid_path, from_user, to_user, by_user, \
     tasks_moved, events_moved, account_moved, note, at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

pub async fn hand_over(db: &Db, h: &HandOver) -> Result<Moved> {
    let (grid, end) = (h.grid.as_str(), h.grid.subtree_end());
    let step_note = format!("网格交接：转由{}处置", h.to_name);
    let moved = with_write_turn!(db, |tx| {
        let tasks = sqlx::query(MOVE_TASKS)
            .bind(h.to_user)
            .bind(h.from_user)
            .bind(grid)
            .bind(&end)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query(NOTE_EVENTS)
            .bind(h.by_user)
            .bind(&h.by_name)
            .bind(&step_note)
            .bind(h.day.to_string())
            .bind(h.at)
            .bind(h.from_user)
            .bind(grid)
            .bind(&end)
            .execute(&mut *tx)
            .await?;
        let events = sqlx::query(MOVE_EVENTS)
            .bind(h.to_user)
            .bind(h.at)
            .bind(h.from_user)
            .bind(grid)
            .bind(&end)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if h.move_account {
            sqlx::query(MOVE_ACCOUNT)
                .bind(h.grid_id)
                .bind(h.community_id)
                .bind(h.at)
                .bind(h.to_user)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(RECORD)
            .bind(grid)
            .bind(h.from_user)
            .bind(h.to_user)
            .bind(h.by_user)
            .bind(i64::try_from(tasks).unwrap_or(i64::MAX))
            .bind(i64::try_from(events).unwrap_or(i64::MAX))
            .bind(h.move_account)
            .bind(&h.note)
            .bind(h.at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Moved { tasks, events }
    });
    Ok(moved)
}

/// How many open follow-ups and events `user` holds in `grid`.
pub async fn held(db: &Db, user: i64, grid: &OrgPath) -> Result<Moved> {
    let sql = "SELECT \
         (SELECT COUNT(*) FROM grid_tasks WHERE assignee_id = $1 AND done_at IS NULL \
          AND org_path >= $2 AND org_path < $3), \
         (SELECT COUNT(*) FROM grid_events WHERE handler_id = $1 AND closed_at IS NULL \
          AND org_path >= $2 AND org_path < $3)";
    let (tasks, events): (i64, i64) = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(user)
        .bind(grid.as_str())
        .bind(grid.subtree_end())
        .fetch_one(p)
        .await?);
    Ok(Moved {
        tasks: u64::try_from(tasks).unwrap_or(0),
        events: u64::try_from(events).unwrap_or(0),
    })
}

/// One recorded hand-over, with names.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct HandOverRow {
    pub grid_path: String,
    pub from_name: String,
    pub to_name: String,
    pub by_name: String,
    pub tasks_moved: i64,
    pub events_moved: i64,
    pub account_moved: bool,
    pub note: String,
    pub at: i64,
}

/// The hand-overs of grids within `within`, the newest first.
pub async fn history(db: &Db, within: &OrgPath, limit: i64) -> Result<Vec<HandOverRow>> {
    let sql = "SELECT h.grid_path, f.display_name AS from_name, t.display_name AS to_name, \
               b.display_name AS by_name, h.tasks_moved, h.events_moved, h.account_moved, \
               h.note, h.at FROM grid_handovers h \
               JOIN users f ON f.id = h.from_user JOIN users t ON t.id = h.to_user \
               JOIN users b ON b.id = h.by_user \
               WHERE h.grid_path >= $1 AND h.grid_path < $2 ORDER BY h.id DESC LIMIT $3";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(within.as_str())
        .bind(within.subtree_end())
        .bind(limit)
        .fetch_all(p)
        .await?))
}

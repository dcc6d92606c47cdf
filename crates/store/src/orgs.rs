//! The org tree: street → community → grid.

use crate::db::with_pool;
use crate::{Db, Result, StoreError};
use quanke_domain::{OrgKind, OrgPath};
use sqlx::FromRow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Org {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: OrgKind,
    pub code: String,
    pub name: String,
    pub path: OrgPath,
    pub community_id: Option<i64>,
}

#[derive(FromRow)]
struct OrgRow {
    id: i64,
    parent_id: Option<i64>,
    kind: String,
    code: String,
    name: String,
    path: String,
    community_id: Option<i64>,
}

impl From<OrgRow> for Org {
    fn from(r: OrgRow) -> Self {
        Org {
            id: r.id,
            parent_id: r.parent_id,
            // The CHECK constraint admits only the three kinds.
            kind: r.kind.parse().unwrap_or(OrgKind::Grid),
            code: r.code,
            name: r.name,
            path: OrgPath::from_stored(r.path),
            community_id: r.community_id,
        }
    }
}

/// The SELECT every org query starts with, as a literal so `concat!` can extend it.
macro_rules! select_orgs {
    () => {
        "SELECT id, parent_id, kind, code, name, path, community_id FROM orgs "
    };
}

/// Creates a street, the root of a tree.
pub async fn create_street(db: &Db, code: &str, name: &str, now: i64) -> Result<Org> {
    insert(db, None, OrgKind::Street, code, name, now).await
}

/// Creates the child of `parent` (a community under a street, a grid under a community).
pub async fn create_child(db: &Db, parent: &Org, code: &str, name: &str, now: i64) -> Result<Org> {
    let kind = parent
        .kind
        .child()
        .ok_or_else(|| StoreError::Conflict("grid_has_no_children".into()))?;
    insert(db, Some(parent), kind, code, name, now).await
}

async fn insert(
    db: &Db,
    parent: Option<&Org>,
    kind: OrgKind,
    code: &str,
    name: &str,
    now: i64,
) -> Result<Org> {
    let parent_id = parent.map(|p| p.id);
    with_pool!(db, |pool| {
        let mut tx = pool.begin().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO orgs (parent_id, kind, code, name, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(parent_id)
        .bind(kind.code())
        .bind(code)
        .bind(name)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let path = match parent {
            Some(p) => p.path.child(id),
            None => OrgPath::root(id),
        };
        let community_id = match kind {
            OrgKind::Street => None,
            OrgKind::Community => Some(id),
            OrgKind::Grid => parent_id,
        };
        sqlx::query("UPDATE orgs SET path = $1, community_id = $2 WHERE id = $3")
            .bind(path.as_str())
            .bind(community_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Org {
            id,
            parent_id,
            kind,
            code: code.to_string(),
            name: name.to_string(),
            path,
            community_id,
        })
    })
}

pub async fn get(db: &Db, id: i64) -> Result<Org> {
    let sql = concat!(select_orgs!(), "WHERE id = $1");
    let row: OrgRow = with_pool!(db, |p| sqlx::query_as(sql).bind(id).fetch_one(p).await?);
    Ok(row.into())
}

pub async fn by_code(db: &Db, code: &str) -> Result<Org> {
    let sql = concat!(select_orgs!(), "WHERE code = $1");
    let row: OrgRow = with_pool!(db, |p| sqlx::query_as(sql).bind(code).fetch_one(p).await?);
    Ok(row.into())
}

/// Every node in the subtree rooted at `root`, the root included, ordered by kind then code.
pub async fn subtree(db: &Db, root: &OrgPath) -> Result<Vec<Org>> {
    let sql = concat!(select_orgs!(), "WHERE path >= $1 AND path < $2");
    let end = root.subtree_end();
    let rows: Vec<OrgRow> = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(root.as_str())
        .bind(&end)
        .fetch_all(p)
        .await?);
    let mut orgs: Vec<Org> = rows.into_iter().map(Org::from).collect();
    orgs.sort_by(|a, b| (a.kind, &a.code).cmp(&(b.kind, &b.code)));
    Ok(orgs)
}

/// The paths of the communities inside the subtree at `within` (a street or more), in order.
pub async fn community_paths(db: &Db, within: &str) -> Result<Vec<String>> {
    let sql = "SELECT path FROM orgs WHERE kind = 'community' AND path >= $1 AND path < $2 \
               ORDER BY path";
    let end = OrgPath::from_stored(within.to_string()).subtree_end();
    let rows: Vec<(String,)> = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(within)
        .bind(&end)
        .fetch_all(p)
        .await?);
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// All streets (roots); a deployment usually has one.
pub async fn streets(db: &Db) -> Result<Vec<Org>> {
    let sql = concat!(select_orgs!(), "WHERE parent_id IS NULL ORDER BY code");
    let rows: Vec<OrgRow> = with_pool!(db, |p| sqlx::query_as(sql).fetch_all(p).await?);
    Ok(rows.into_iter().map(Org::from).collect())
}

pub async fn rename(db: &Db, id: i64, name: &str) -> Result<()> {
    let done = with_pool!(db, |p| sqlx::query(
        "UPDATE orgs SET name = $1 WHERE id = $2"
    )
    .bind(name)
    .bind(id)
    .execute(p)
    .await?
    .rows_affected());
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

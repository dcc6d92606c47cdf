//! Staff accounts.

use crate::db::with_pool;
use crate::statement::{Cell, Col, Run, Stmt, row_of};
use crate::{Db, Result, StoreError};
use quanke_domain::{OrgPath, Role};
use sqlx::FromRow;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub org_id: i64,
    pub org_name: String,
    pub org_path: OrgPath,
    pub community_id: Option<i64>,
    pub must_change_password: bool,
    pub disabled: bool,
}

#[derive(FromRow)]
pub(crate) struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    password_hash: String,
    role: String,
    org_id: i64,
    org_name: String,
    org_path: String,
    community_id: Option<i64>,
    must_change_password: bool,
    disabled: bool,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> Result<Self> {
        let role = r
            .role
            .parse()
            .map_err(|_| StoreError::Conflict(format!("unknown role {}", r.role)))?;
        Ok(User {
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            password_hash: r.password_hash,
            role,
            org_id: r.org_id,
            org_name: r.org_name,
            org_path: OrgPath::from_stored(r.org_path),
            community_id: r.community_id,
            must_change_password: r.must_change_password,
            disabled: r.disabled,
        })
    }
}

impl UserRow {
    /// What `user_columns!` holds, in its order, for reads that decode cells (`statement::Run`).
    pub(crate) const COLS: [Col; 11] = [
        Col::Int,
        Col::Text,
        Col::Text,
        Col::Text,
        Col::Text,
        Col::Int,
        Col::Text,
        Col::Text,
        Col::Int,
        Col::Bool,
        Col::Bool,
    ];

    /// The row from the cells of `user_columns!`, in its order.
    pub(crate) fn from_cells(cells: &mut [Cell]) -> Result<UserRow> {
        let [
            id,
            username,
            display,
            hash,
            role,
            org_id,
            org_name,
            org_path,
            community,
            must,
            disabled,
        ] = row_of(cells, "a user")?;
        Ok(UserRow {
            id: id.int()?,
            username: username.text()?,
            display_name: display.text()?,
            password_hash: hash.text()?,
            role: role.text()?,
            org_id: org_id.int()?,
            org_name: org_name.text()?,
            org_path: org_path.text()?,
            community_id: community.opt_int()?,
            must_change_password: must.flag()?,
            disabled: disabled.flag()?,
        })
    }
}

/// The columns of `UserRow`, over `users u` joined with `orgs o` (see `users_from!`).
macro_rules! user_columns {
    () => {
        "u.id, u.username, u.display_name, u.password_hash, u.role, u.org_id, \
         o.name AS org_name, o.path AS org_path, u.community_id, u.must_change_password, \
         u.disabled"
    };
}

macro_rules! users_from {
    () => {
        " FROM users u JOIN orgs o ON o.id = u.org_id "
    };
}

macro_rules! select_users {
    () => {
        concat!(
            "SELECT ",
            $crate::users::user_columns!(),
            $crate::users::users_from!()
        )
    };
}
pub(crate) use {user_columns, users_from};

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub org_id: i64,
    pub community_id: Option<i64>,
    pub must_change_password: bool,
}

/// Inserts an account; a taken username is `Conflict`.
pub async fn create(db: &Db, u: &NewUser<'_>, now: i64) -> Result<i64> {
    let sql = "INSERT INTO users (username, display_name, password_hash, role, org_id, \
               community_id, must_change_password, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id";
    let (id,): (i64,) = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(u.username)
        .bind(u.display_name)
        .bind(u.password_hash)
        .bind(u.role.code())
        .bind(u.org_id)
        .bind(u.community_id)
        .bind(u.must_change_password)
        .bind(now)
        .fetch_one(p)
        .await?);
    Ok(id)
}

pub async fn by_username(db: &Db, username: &str) -> Result<User> {
    let sql = concat!(select_users!(), "WHERE u.username = $1");
    let row: UserRow = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(username)
        .fetch_one(p)
        .await?);
    row.try_into()
}

pub async fn by_id(db: &Db, id: i64) -> Result<User> {
    let sql = concat!(select_users!(), "WHERE u.id = $1");
    let row: UserRow = with_pool!(db, |p| sqlx::query_as(sql).bind(id).fetch_one(p).await?);
    row.try_into()
}

/// Accounts placed anywhere inside the subtree at `root`.
pub async fn in_subtree(db: &Db, root: &OrgPath) -> Result<Vec<User>> {
    let sql = concat!(
        select_users!(),
        "WHERE o.path >= $1 AND o.path < $2 ORDER BY o.path, u.username"
    );
    let end = root.subtree_end();
    let rows: Vec<UserRow> = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(root.as_str())
        .bind(&end)
        .fetch_all(p)
        .await?);
    rows.into_iter().map(User::try_from).collect()
}

pub async fn set_password(db: &Db, id: i64, hash: &str, must_change: bool, now: i64) -> Result<()> {
    let sql = "UPDATE users SET password_hash = $1, must_change_password = $2, updated_at = $3 \
               WHERE id = $4";
    let n = with_pool!(db, |p| sqlx::query(sql)
        .bind(hash)
        .bind(must_change)
        .bind(now)
        .bind(id)
        .execute(p)
        .await?
        .rows_affected());
    found(n)
}

pub async fn set_disabled(db: &Db, id: i64, disabled: bool, now: i64) -> Result<()> {
    let sql = "UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3";
    let n = with_pool!(db, |p| sqlx::query(sql)
        .bind(disabled)
        .bind(now)
        .bind(id)
        .execute(p)
        .await?
        .rows_affected());
    found(n)
}

/// Moves an account to another role and place.
pub async fn set_role(
    db: &Db,
    id: i64,
    role: Role,
    org_id: i64,
    community_id: Option<i64>,
    now: i64,
) -> Result<()> {
    let sql = "UPDATE users SET role = $1, org_id = $2, community_id = $3, updated_at = $4 \
               WHERE id = $5";
    let n = with_pool!(db, |p| sqlx::query(sql)
        .bind(role.code())
        .bind(org_id)
        .bind(community_id)
        .bind(now)
        .bind(id)
        .execute(p)
        .await?
        .rows_affected());
    found(n)
}

pub async fn count(db: &Db) -> Result<i64> {
    let (n,): (i64,) = with_pool!(db, |p| sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(p)
        .await?);
    Ok(n)
}

fn found(rows: u64) -> Result<()> {
    if rows == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// The lines (条线) a worker handles, sorted.
pub async fn lines(db: &Db, user_id: i64) -> Result<Vec<String>> {
    let sql = "SELECT line FROM user_lines WHERE user_id = $1 ORDER BY line";
    let rows: Vec<(String,)> = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(user_id)
        .fetch_all(p)
        .await?);
    Ok(rows.into_iter().map(|(l,)| l).collect())
}

/// Replaces the lines a worker handles.
pub async fn set_lines(db: &Db, user_id: i64, lines: &[String]) -> Result<()> {
    with_pool!(db, |pool| {
        let mut tx = pool.begin().await?;
        sqlx::query("DELETE FROM user_lines WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        for line in lines {
            sqlx::query(
                "INSERT INTO user_lines (user_id, line) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(user_id)
            .bind(line)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

/// A back-office worker routing may choose, with one line they handle (`None` for a worker
/// without lines) and their open cases as the database keeps them (`worker_loads`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routable {
    pub id: i64,
    pub name: String,
    pub line: Option<String>,
    pub load: i64,
}

/// The enabled back-office workers inside `root`, one row per line they handle: what routing
/// chooses from, in one query.
pub async fn routable(db: &Db, root: &OrgPath) -> Result<Vec<Routable>> {
    with_pool!(db, |p| routable_in(&mut *p.acquire().await?, root).await)
}

/// `routable`, read through `run` (the case writer reads it inside its transaction).
pub(crate) async fn routable_in<R: Run>(run: &mut R, root: &OrgPath) -> Result<Vec<Routable>> {
    let end = root.subtree_end();
    let s = Stmt::new(
        "SELECT u.id, u.display_name AS name, l.line, COALESCE(w.open_cases, 0) AS load \
         FROM users u \
         JOIN orgs o ON o.id = u.org_id \
         LEFT JOIN user_lines l ON l.user_id = u.id \
         LEFT JOIN worker_loads w ON w.user_id = u.id \
         WHERE o.path >= $1 AND o.path < $2 AND u.role = $3 AND u.disabled = $4 \
         ORDER BY u.id",
    )
    .bind(root.as_str())
    .bind(&end)
    .bind(Role::BackOffice.code())
    .bind(false);
    let cols = [Col::Int, Col::Text, Col::Text, Col::Int];
    let rows = run.fetch(&s, &cols).await?;
    rows.into_iter()
        .map(|mut r| {
            Ok(Routable {
                id: r[0].int()?,
                name: r[1].text()?,
                line: r[2].opt_text()?,
                load: r[3].int()?,
            })
        })
        .collect()
}

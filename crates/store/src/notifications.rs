//! In-app notifications (a case assigned to me, a new online application, an approval decided,
//! a transfer to my community). They are written by the case functions of this crate inside
//! the transaction of the event that causes them (the statements below); this module reads them
//! and marks them read. Every read is limited to the recipient: a notification of someone
//! else is "not found".

use quanke_domain::notice::{Kind, RECEIVERS};
use sqlx::FromRow;

use crate::cases::Actor;
use crate::db::with_pool;
use crate::limits;
use crate::statement::Stmt;
use crate::{Db, Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Notification {
    pub id: i64,
    pub kind: String,
    pub case_id: i64,
    pub case_number: String,
    pub item_code: String,
    pub applicant_name: String,
    pub text: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

/// Tells one user (`$recipient`: an `Option<i64>`) about a case, inside `$tx`. Nobody is told
/// of what they did themselves.
macro_rules! notify_user {
    ($tx:ident, $recipient:expr, $kind:expr, $case:expr, $text:expr, $by:expr) => {
        if let Some(recipient) = $recipient
            && Some(recipient) != $by.id
        {
            sqlx::query(
                "INSERT INTO notifications (recipient_id, kind, case_id, text, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(recipient)
            .bind($kind.code())
            .bind($case)
            .bind($text)
            .bind($by.now)
            .execute(&mut *$tx)
            .await?;
        }
    };
}
pub(crate) use notify_user;

/// Tells the receivers of a community (its desk workers and head, enabled accounts of the
/// community itself, see `quanke_domain::notice::RECEIVERS`) about a case: one statement, the
/// recipients chosen by the database.
pub(crate) fn receivers_stmt<'a>(
    community_path: &'a str,
    kind: Kind,
    case_id: i64,
    text: &'a str,
    by: &Actor<'_>,
) -> Stmt<'a> {
    Stmt::new(
        "INSERT INTO notifications (recipient_id, kind, case_id, text, created_at) \
         SELECT u.id, $1, $2, $3, $4 FROM users u JOIN orgs o ON o.id = u.org_id \
         WHERE o.path = $5 AND u.role IN ($6, $7) AND NOT u.disabled \
         AND ($8 IS NULL OR u.id <> $8)",
    )
    .bind(kind.code())
    .bind(case_id)
    .bind(text)
    .bind(by.now)
    .bind(community_path)
    .bind(receiver_role(0))
    .bind(receiver_role(1))
    .bind(by.id)
}

pub(crate) fn receiver_role(i: usize) -> &'static str {
    RECEIVERS[i].code()
}

const SELECT: &str = "SELECT n.id, n.kind, n.case_id, c.number AS case_number, c.item_code, \
                      c.applicant_name, n.text, n.created_at, n.read_at \
                      FROM notifications n JOIN cases c ON c.id = n.case_id ";

/// How many of the user's notifications are unread (from the index alone: every page asks).
pub async fn unread_count(db: &Db, user_id: i64) -> Result<i64> {
    let sql = "SELECT COUNT(*) FROM notifications WHERE recipient_id = $1 AND read_at IS NULL";
    let (n,): (i64,) = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(user_id)
        .fetch_one(p)
        .await?);
    Ok(n)
}

/// How many notifications the user has in all.
pub async fn count(db: &Db, user_id: i64) -> Result<i64> {
    let sql = "SELECT COUNT(*) FROM notifications WHERE recipient_id = $1";
    let (n,): (i64,) = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(user_id)
        .fetch_one(p)
        .await?);
    Ok(n)
}

/// The user's notifications, unread first, newest first within each, at most `limit`.
pub async fn list(db: &Db, user_id: i64, limit: i64) -> Result<Vec<Notification>> {
    let sql = format!(
        "{SELECT}WHERE n.recipient_id = $1 ORDER BY n.read_at IS NOT NULL, n.id DESC LIMIT {}",
        limits::count(db.backend(), "$2", limit),
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(user_id)
    .bind(limit)
    .fetch_all(p)
    .await?))
}

/// Opens one of the user's notifications, marking it read (once: the first time stays);
/// `NotFound` when it is not theirs.
pub async fn open(db: &Db, user_id: i64, id: i64, now: i64) -> Result<Notification> {
    let marked = with_pool!(db, |p| sqlx::query(
        "UPDATE notifications SET read_at = COALESCE(read_at, $1) \
         WHERE id = $2 AND recipient_id = $3"
    )
    .bind(now)
    .bind(id)
    .bind(user_id)
    .execute(p)
    .await?
    .rows_affected());
    if marked == 0 {
        return Err(StoreError::NotFound);
    }
    let sql = format!("{SELECT}WHERE n.id = $1");
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(id)
    .fetch_one(p)
    .await?))
}

/// Marks every unread notification of the user read; how many were.
pub async fn mark_all_read(db: &Db, user_id: i64, now: i64) -> Result<u64> {
    mark_read_before(db, user_id, i64::MAX, now).await
}

/// Marks the user's unread notifications created before `before` read (the demo's history:
/// what came days ago was read then).
pub async fn mark_read_before(db: &Db, user_id: i64, before: i64, now: i64) -> Result<u64> {
    Ok(with_pool!(db, |p| sqlx::query(
        "UPDATE notifications SET read_at = $1 \
         WHERE recipient_id = $2 AND read_at IS NULL AND created_at < $3"
    )
    .bind(now)
    .bind(user_id)
    .bind(before)
    .execute(p)
    .await?
    .rows_affected()))
}

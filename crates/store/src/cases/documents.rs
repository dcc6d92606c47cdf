//! Documents handed to the resident (受理回执, 一次性告知书, 不予受理告知书), kept as issued: the
//! data each was rendered from, when and by whom. They are written in the transaction of the
//! change that hands them out, and never changed or removed (triggers refuse it), so a reprint
//! shows what the resident took home, not the case as it is now.

use sqlx::FromRow;

use crate::db::with_pool;
use crate::{Db, Result};

/// A document to issue with a state change or a new case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDocument {
    /// receipt, notice or refusal.
    pub kind: String,
    /// What the printout is rendered from (JSON), fixed at issue.
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Document {
    pub id: i64,
    pub case_id: i64,
    pub kind: String,
    pub content: String,
    pub issued_by: Option<i64>,
    pub issuer_name: String,
    pub issued_at: i64,
    pub issued_on: String,
}

macro_rules! select_documents {
    () => {
        "SELECT id, case_id, kind, content, issued_by, issuer_name, issued_at, issued_on \
         FROM case_documents "
    };
}

/// The documents issued for a case, oldest first.
pub async fn documents(db: &Db, case_id: i64) -> Result<Vec<Document>> {
    let sql = concat!(select_documents!(), "WHERE case_id = $1 ORDER BY id");
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(case_id)
        .fetch_all(p)
        .await?))
}

/// One document of a case; NotFound when it belongs to another case.
pub async fn document(db: &Db, case_id: i64, id: i64) -> Result<Document> {
    let sql = concat!(select_documents!(), "WHERE case_id = $1 AND id = $2");
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(case_id)
        .bind(id)
        .fetch_one(p)
        .await?))
}

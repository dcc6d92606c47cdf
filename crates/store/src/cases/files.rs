//! Files on a case: scans the resident uploaded, the department's reply. Kept in the database
//! so that a backup holds everything.

use sqlx::FromRow;

use super::Actor;
use crate::db::with_pool;
use crate::{Db, Result};

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct CaseFile {
    pub id: i64,
    pub event_id: Option<i64>,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub at: i64,
}

pub struct NewFile<'a> {
    pub event_id: Option<i64>,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub data: &'a [u8],
}

pub async fn add_file(db: &Db, case_id: i64, f: &NewFile<'_>, by: &Actor<'_>) -> Result<i64> {
    let sql = "INSERT INTO case_files (case_id, event_id, file_name, content_type, size, data, \
               uploaded_by, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
    let (id,): (i64,) = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(case_id)
        .bind(f.event_id)
        .bind(f.file_name)
        .bind(f.content_type)
        .bind(f.data.len() as i64)
        .bind(f.data)
        .bind(by.id)
        .bind(by.now)
        .fetch_one(p)
        .await?);
    Ok(id)
}

/// The files of a case, without their contents.
pub async fn files(db: &Db, case_id: i64) -> Result<Vec<CaseFile>> {
    let sql = "SELECT id, event_id, file_name, content_type, size, at FROM case_files \
               WHERE case_id = $1 ORDER BY id";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(case_id)
        .fetch_all(p)
        .await?))
}

/// One file of a case with its contents; NotFound when it belongs to another case.
pub async fn file(db: &Db, case_id: i64, file_id: i64) -> Result<(CaseFile, Vec<u8>)> {
    let sql = "SELECT id, event_id, file_name, content_type, size, at, data FROM case_files \
               WHERE case_id = $1 AND id = $2";
    let row: (i64, Option<i64>, String, String, i64, i64, Vec<u8>) =
        with_pool!(db, |p| sqlx::query_as(sql)
            .bind(case_id)
            .bind(file_id)
            .fetch_one(p)
            .await?);
    let (id, event_id, file_name, content_type, size, at, data) = row;
    let meta = CaseFile {
        id,
        event_id,
        file_name,
        content_type,
        size,
        at,
    };
    Ok((meta, data))
}

//! Online backup of a SQLite database. PostgreSQL deployments use pg_dump/pg_restore
//! (docs/operations.md), which already take consistent snapshots of a live database.

use crate::{Db, Result, StoreError};
use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use std::path::Path;

/// Writes a consistent copy of the live database to `dest` with `VACUUM INTO`, which reads
/// one snapshot and so is safe while the server keeps writing.
pub async fn sqlite_backup(db: &Db, dest: &Path) -> Result<()> {
    if !matches!(db, Db::Sqlite(_)) {
        return Err(StoreError::BadUrl(
            "online backup is for SQLite; use pg_dump for PostgreSQL".into(),
        ));
    }
    if dest.exists() {
        return Err(StoreError::Conflict(format!(
            "{} already exists",
            dest.display()
        )));
    }
    let dest = dest.to_string_lossy().replace('\'', "''");
    db.execute_raw(format!("VACUUM INTO '{dest}'")).await
}

/// Replaces the SQLite database at `dest` with the backup at `src`, after checking that the
/// backup is an intact Quanke database. The caller makes sure no server is using `dest`.
pub async fn sqlite_restore(src: &Path, dest: &Path) -> Result<()> {
    verify_sqlite(src).await?;
    let staging = dest.with_extension("restoring");
    std::fs::copy(src, &staging)?;
    // Drop the old write-ahead log first: left in place it would be replayed onto the backup.
    for suffix in ["-wal", "-shm"] {
        let side = sidecar(dest, suffix);
        if side.exists() {
            std::fs::remove_file(side)?;
        }
    }
    std::fs::rename(&staging, dest)?;
    Ok(())
}

fn sidecar(db: &Path, suffix: &str) -> std::path::PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(suffix);
    s.into()
}

/// An intact SQLite file that has had Quanke's migrations applied.
async fn verify_sqlite(path: &Path) -> Result<()> {
    if !path.is_file() {
        return Err(StoreError::NotFound);
    }
    let opts = SqliteConnectOptions::new().filename(path).read_only(true);
    let mut conn = SqliteConnection::connect_with(&opts).await?;
    let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await?;
    let applied: std::result::Result<(i64,), _> =
        sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut conn)
            .await;
    conn.close().await?;
    if check != "ok" {
        return Err(StoreError::Conflict(format!("backup is damaged: {check}")));
    }
    match applied {
        Ok((n,)) if n > 0 => Ok(()),
        _ => Err(StoreError::Conflict("not a Quanke database".into())),
    }
}

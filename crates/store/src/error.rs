use thiserror::Error;

/// The one error type at the store boundary. Callers map `NotFound` and `Conflict` to messages
/// people understand; everything else is an internal failure to be logged.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("record not found")]
    NotFound,
    /// A uniqueness rule was violated; carries the constraint or column that refused.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("invalid database URL: {0}")]
    BadUrl(String),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Db(sqlx::Error),
    /// From statements run on a SQLite connection outside sqlx (`statement::Run`, `readers`).
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(ref d) if d.is_unique_violation() => {
                let what = d
                    .constraint()
                    .map(str::to_string)
                    .unwrap_or_else(|| d.message().to_string());
                StoreError::Conflict(what)
            }
            other => StoreError::Db(other),
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound,
            rusqlite::Error::SqliteFailure(f, message)
                if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
            {
                StoreError::Conflict(message.unwrap_or_else(|| f.to_string()))
            }
            other => StoreError::Sqlite(other),
        }
    }
}

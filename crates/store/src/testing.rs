//! Fresh databases for tests: a SQLite file in a temporary directory, or a new PostgreSQL
//! database on the server named by `QUANKE_TEST_PG` (e.g. postgres://postgres@127.0.0.1:5432/postgres).
//! Each test gets its own database, so tests run in parallel without meeting.

use crate::{Backend, Db};
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use std::future::Future;
use std::pin::Pin;

pub const PG_ENV: &str = "QUANKE_TEST_PG";

pub struct TestDb {
    pub db: Db,
    /// Where the database is, for a test that starts the server binary on it.
    pub url: String,
    pg: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

/// The PostgreSQL server URL for tests. Without it PostgreSQL tests are skipped, except under CI
/// (CI=true), where a missing or unreachable server must fail the run rather than hide it.
pub fn pg_url() -> Option<String> {
    match std::env::var(PG_ENV) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{PG_ENV} must be set under CI: the PostgreSQL suite may not be skipped")
        }
        _ => None,
    }
}

impl TestDb {
    /// A migrated, empty database of the given backend; None when PostgreSQL is not configured.
    pub async fn new(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => Some(Self::sqlite().await),
            Backend::Postgres => Some(Self::postgres(pg_url()?).await),
        }
    }

    async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite:{}", dir.path().join("test.db").display());
        let db = Db::connect(&url).await.expect("open sqlite");
        db.migrate().await.expect("migrate sqlite");
        TestDb {
            db,
            url,
            pg: None,
            _dir: Some(dir),
        }
    }

    async fn postgres(server: String) -> TestDb {
        let name = format!("quanke_t_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(&server)
            .await
            .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {server}: {e}"));
        sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create test database");
        admin.close().await.ok();
        let url = with_database(&server, &name);
        let db = Db::connect(&url).await.expect("open postgres");
        db.migrate().await.expect("migrate postgres");
        TestDb {
            db,
            url,
            pg: Some((server, name)),
            _dir: None,
        }
    }

    /// Closes the pool and drops a PostgreSQL test database.
    pub async fn finish(self) {
        self.db.close().await;
        let Some((server, name)) = self.pg else {
            return;
        };
        if let Ok(mut admin) = PgConnection::connect(&server).await {
            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            sqlx::query(AssertSqlSafe(sql))
                .execute(&mut admin)
                .await
                .ok();
        }
    }
}

/// Replaces the database name at the end of a PostgreSQL URL, keeping any query string.
fn with_database(server: &str, name: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (server, None),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let root = match base[after_scheme..].find('/') {
        Some(i) => &base[..after_scheme + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

/// An async test body over one database.
pub type Body = for<'a> fn(&'a Db) -> Pin<Box<dyn Future<Output = ()> + 'a>>;

/// Runs `body` on a fresh database of `backend` and drops the database after; a PostgreSQL test
/// is skipped (saying so) when no server is configured, except under CI.
pub async fn run(backend: Backend, body: Body) {
    let Some(t) = TestDb::new(backend).await else {
        eprintln!("skipped: PostgreSQL not configured");
        return;
    };
    body(&t.db).await;
    t.finish().await;
}

/// Declares `name::sqlite` and `name::postgres` tests around one async body taking `&Db`.
#[macro_export]
macro_rules! both {
    ($name:ident, $body:path) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn sqlite() {
                $crate::testing::run($crate::Backend::Sqlite, |db| Box::pin($body(db))).await
            }
            #[tokio::test]
            async fn postgres() {
                $crate::testing::run($crate::Backend::Postgres, |db| Box::pin($body(db))).await
            }
        }
    };
}

/// A day written in a test ("2026-11-28").
pub fn day(text: &str) -> quanke_domain::calendar::Day {
    text.parse().expect("a day in the stored form")
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            super::with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(super::with_database("postgres://h", "x"), "postgres://h/x");
        assert_eq!(
            super::with_database("postgres://h/db?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
    }
}

//! The yardstick for intake (issue #13): the least an HTTP service can do per case. `POST /items`
//! with a small JSON body inserts one row and answers its id; nothing else (no sign-in, no
//! checks, no numbering, no indexes). Quanke's intake is measured against this app's rate in the
//! same sitting, on the same database settings: SQLite in WAL mode with `synchronous=NORMAL`, one
//! writer at a time and no ping before each use of a pooled connection (as Quanke's store), or
//! PostgreSQL.
//!
//! ```text
//! bare-insert DATABASE_URL ADDR        # sqlite:/tmp/bare.db 127.0.0.1:18090
//! ```

use anyhow::{Context, Result};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::sync::Mutex;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

enum Pool {
    /// SQLite takes one writer at a time; waiting on a mutex beats its busy-sleep, as in Quanke.
    Sqlite(SqlitePool, Mutex<()>),
    Pg(PgPool),
}

const PG_TABLE: &str = "CREATE TABLE IF NOT EXISTS bare_items \
     (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL, created_at BIGINT NOT NULL)";
// SQLite spells an auto-increment key differently.
const SQLITE_TABLE: &str = "CREATE TABLE IF NOT EXISTS bare_items \
     (id INTEGER PRIMARY KEY, body TEXT NOT NULL, created_at BIGINT NOT NULL)";
const INSERT: &str = "INSERT INTO bare_items (body, created_at) VALUES ($1, $2) RETURNING id";

async fn open(url: &str) -> Result<Pool> {
    if url.starts_with("postgres") {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect(url)
            .await?;
        sqlx::query(PG_TABLE).execute(&pool).await?;
        return Ok(Pool::Pg(pool));
    }
    let opts = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal);
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .test_before_acquire(false)
        .connect_with(opts)
        .await?;
    sqlx::query(SQLITE_TABLE).execute(&pool).await?;
    Ok(Pool::Sqlite(pool, Mutex::new(())))
}

async fn insert(
    State(pool): State<Arc<Pool>>,
    Json(body): Json<Value>,
) -> Result<Json<Value>, StatusCode> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    let text = body.to_string();
    let id: (i64,) = match &*pool {
        Pool::Sqlite(p, turn) => {
            let _turn = turn.lock().await;
            sqlx::query_as(INSERT)
                .bind(text)
                .bind(now)
                .fetch_one(p)
                .await
        }
        Pool::Pg(p) => {
            sqlx::query_as(INSERT)
                .bind(text)
                .bind(now)
                .fetch_one(p)
                .await
        }
    }
    .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    Ok(Json(json!({ "id": id.0 })))
}

#[tokio::main]
async fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .context("usage: bare-insert DATABASE_URL ADDR")?;
    let addr = args
        .next()
        .context("usage: bare-insert DATABASE_URL ADDR")?;
    let pool = Arc::new(open(&url).await?);
    let app = Router::new().route("/items", post(insert)).with_state(pool);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, app).await?;
    Ok(())
}

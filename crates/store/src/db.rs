use crate::readers::Readers;
use crate::turns::Turns;
use crate::{Result, StoreError};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::{AssertSqlSafe, SqlSafeStr};
use std::borrow::Cow;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Runs `$body` with `$pool` bound to whichever pool the `Db` holds. The body is compiled once
/// per backend, so it may only use SQL and types both understand.
macro_rules! with_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite($crate::db::SqliteDb { pool: $pool, .. }) => $body,
            $crate::Db::Pg($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

/// Runs `$body` with `$tx`, a transaction begun in the writers' turn: on SQLite on the one
/// connection such writes take turns on (see `SqliteDb`), on PostgreSQL on a pooled connection
/// (it needs no turn). The body commits or rolls back; compiled once per backend.
///
/// On SQLite the transaction takes the write lock as it begins (`BEGIN IMMEDIATE`): a writer
/// of another pool on the same file (the tests run two servers in one process) then waits in
/// SQLite's busy handler, where a transaction that read first fails outright when it comes to
/// write after the other one committed.
macro_rules! with_write_turn {
    ($db:expr, |$tx:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite(sqlite) => {
                let mut turn = sqlite.writer.take().await?;
                let mut $tx = sqlx::Connection::begin_with(&mut *turn, "BEGIN IMMEDIATE").await?;
                $body
            }
            $crate::Db::Pg(pool) => {
                let mut $tx = pool.begin().await?;
                $body
            }
        }
    };
}
pub(crate) use with_write_turn;

/// Runs `$body` with `$run`, a connection for one point read (`grouped`; a `statement::Run`):
/// on SQLite a handle outside sqlx, used on this thread (`readers`); on PostgreSQL a pooled
/// connection.
macro_rules! with_point_reader {
    ($db:expr, |$run:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite(sqlite) => {
                let mut reader = sqlite.readers.take()?;
                let $run = &mut *reader;
                $body
            }
            $crate::Db::Pg(pool) => {
                let mut conn = pool.acquire().await?;
                let $run = &mut *conn;
                $body
            }
        }
    };
}
pub(crate) use with_point_reader;

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqliteDb),
    Pg(PgPool),
}

/// A SQLite database: the pool that reads and most writes use, and the one connection that
/// the busy writes (intake batches, case transitions, escalation) take turns on. SQLite has
/// one writer at a time, and writers that meet its lock sleep and retry in steps of up to
/// 100 ms, which made the tail of busy intake minutes; waiting for this connection instead
/// costs nothing. It being always the same connection matters as much: a connection drops
/// its page cache whenever another one has written since it last read, so writing each batch
/// on whichever pooled connection was free made every batch read its index pages again
/// (eight cases' rows took 708 µs instead of 501; see docs/performance.md).
#[derive(Clone, Debug)]
pub struct SqliteDb {
    pub pool: SqlitePool,
    pub(crate) writer: std::sync::Arc<Turns>,
    /// The point reads' connections (`with_point_reader!`).
    pub(crate) readers: std::sync::Arc<Readers>,
    /// The change counters this process last set itself (`changes::announce`), by topic.
    pub(crate) announced: crate::changes::Announced,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The bound values of `rows` rows of `cols` values, after `first` values bound before:
    /// "($1, $2), ($3, $4)" for PostgreSQL, "(?, ?), (?, ?)" for SQLite. SQLite looks a numbered
    /// parameter's name up by walking a list of all of them, and sqlx asks each one's name, so a
    /// statement with n numbered values spent time in n² steps (a batch of 64 cases binds 1,472).
    /// Only for statements whose every value comes from here, in binding order.
    /// Written into one buffer: the case writer builds a batch's statements for every batch,
    /// and a string per value was 3 % of its instructions.
    pub(crate) fn placeholders(self, first: usize, rows: usize, cols: usize) -> String {
        use std::fmt::Write;
        let mut out = String::with_capacity(rows * cols * 6);
        for r in 0..rows {
            out.push_str(if r == 0 { "(" } else { ", (" });
            for c in 1..=cols {
                if c > 1 {
                    out.push_str(", ");
                }
                match self {
                    Backend::Sqlite => out.push('?'),
                    // Writing into a String cannot fail.
                    Backend::Postgres => {
                        let _ = write!(out, "${}", first + r * cols + c);
                    }
                }
            }
            out.push(')');
        }
        out
    }
}

/// The settings of every connection to a SQLite file that writes: sqlx's (`Db::connect`) and the
/// case writer's own (`turns`).
/// - `synchronous = NORMAL`: in WAL mode it survives a killed process; only an OS crash or
///   power loss can drop the last commits. See docs/architecture.md.
/// - `temp_store = memory`: a batch's multi-row INSERTs keep statement journals; spilled to
///   files they were some 80 temporary files made and deleted a second under intake.
pub(crate) const SQLITE_SETTINGS: [(&str, &str); 3] = [
    ("synchronous", "NORMAL"),
    ("foreign_keys", "ON"),
    ("temp_store", "memory"),
];

/// How long an SQLite connection waits for another's write lock before it fails.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Embedded migrations, one list per dialect, kept side by side with the same numbers.
const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/sqlite/0001_foundation.sql"),
    ),
    (
        2,
        "catalogue",
        include_str!("../migrations/sqlite/0002_catalogue.sql"),
    ),
    (
        3,
        "registry",
        include_str!("../migrations/sqlite/0003_registry.sql"),
    ),
    (
        4,
        "cases",
        include_str!("../migrations/sqlite/0004_cases.sql"),
    ),
    (
        5,
        "case work",
        include_str!("../migrations/sqlite/0005_case_work.sql"),
    ),
    (
        6,
        "trust",
        include_str!("../migrations/sqlite/0006_trust.sql"),
    ),
    (
        7,
        "case results",
        include_str!("../migrations/sqlite/0007_case_results.sql"),
    ),
    (
        8,
        "notifications",
        include_str!("../migrations/sqlite/0008_notifications.sql"),
    ),
    (
        9,
        "case search",
        include_str!("../migrations/sqlite/0009_case_search.sql"),
    ),
    (
        11,
        "catalogue owners",
        include_str!("../migrations/sqlite/0011_catalogue_owners.sql"),
    ),
    (
        12,
        "case queues",
        include_str!("../migrations/sqlite/0012_case_queues.sql"),
    ),
    (
        13,
        "worker loads",
        include_str!("../migrations/sqlite/0013_worker_loads.sql"),
    ),
    (
        14,
        "registry counts",
        include_str!("../migrations/sqlite/0014_registry_counts.sql"),
    ),
    (
        15,
        "registry tag places",
        include_str!("../migrations/sqlite/0015_registry_tag_places.sql"),
    ),
    (
        16,
        "case lists merged",
        include_str!("../migrations/sqlite/0016_case_lists_merged.sql"),
    ),
    (
        17,
        "case keys",
        include_str!("../migrations/sqlite/0017_case_keys.sql"),
    ),
    (
        18,
        "case received one index",
        include_str!("../migrations/sqlite/0018_case_received_one_index.sql"),
    ),
    (
        19,
        "case unassigned",
        include_str!("../migrations/sqlite/0019_case_unassigned.sql"),
    ),
    (
        20,
        "case plans",
        include_str!("../migrations/sqlite/0020_case_plans.sql"),
    ),
    (
        21,
        "change counters",
        include_str!("../migrations/sqlite/0021_change_counters.sql"),
    ),
    (
        22,
        "case loads at intake",
        include_str!("../migrations/sqlite/0022_case_loads_at_intake.sql"),
    ),
    (
        23,
        "case resident items",
        include_str!("../migrations/sqlite/0023_case_resident_items.sql"),
    ),
    (
        24,
        "ledger uploads",
        include_str!("../migrations/sqlite/0024_ledger_uploads.sql"),
    ),
    (
        25,
        "search learning",
        include_str!("../migrations/sqlite/0025_search_learning.sql"),
    ),
    (
        26,
        "case keys one index",
        include_str!("../migrations/sqlite/0026_case_keys_one_index.sql"),
    ),
    (
        27,
        "grid visits",
        include_str!("../migrations/sqlite/0027_grid_visits.sql"),
    ),
    (
        28,
        "grid any visit",
        include_str!("../migrations/sqlite/0028_grid_any_visit.sql"),
    ),
    (
        29,
        "grid visit days",
        include_str!("../migrations/sqlite/0029_grid_visit_days.sql"),
    ),
    (
        30,
        "grid last visits keyed",
        include_str!("../migrations/sqlite/0030_grid_last_visits_keyed.sql"),
    ),
    (
        31,
        "grid tag visit days",
        include_str!("../migrations/sqlite/0031_grid_tag_visit_days.sql"),
    ),
    (
        32,
        "grid tasks",
        include_str!("../migrations/sqlite/0032_grid_tasks.sql"),
    ),
    (
        33,
        "grid visit photos",
        include_str!("../migrations/sqlite/0033_grid_visit_photos.sql"),
    ),
    (
        34,
        "grid events",
        include_str!("../migrations/sqlite/0034_grid_events.sql"),
    ),
    (
        35,
        "grid inspections",
        include_str!("../migrations/sqlite/0035_grid_inspections.sql"),
    ),
    (
        36,
        "grid handovers",
        include_str!("../migrations/sqlite/0036_grid_handovers.sql"),
    ),
];
const PG_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/postgres/0001_foundation.sql"),
    ),
    (
        2,
        "catalogue",
        include_str!("../migrations/postgres/0002_catalogue.sql"),
    ),
    (
        3,
        "registry",
        include_str!("../migrations/postgres/0003_registry.sql"),
    ),
    (
        4,
        "cases",
        include_str!("../migrations/postgres/0004_cases.sql"),
    ),
    (
        5,
        "case work",
        include_str!("../migrations/postgres/0005_case_work.sql"),
    ),
    (
        6,
        "trust",
        include_str!("../migrations/postgres/0006_trust.sql"),
    ),
    (
        7,
        "case results",
        include_str!("../migrations/postgres/0007_case_results.sql"),
    ),
    (
        8,
        "notifications",
        include_str!("../migrations/postgres/0008_notifications.sql"),
    ),
    (
        9,
        "case search",
        include_str!("../migrations/postgres/0009_case_search.sql"),
    ),
    (
        11,
        "catalogue owners",
        include_str!("../migrations/postgres/0011_catalogue_owners.sql"),
    ),
    (
        12,
        "case queues",
        include_str!("../migrations/postgres/0012_case_queues.sql"),
    ),
    (
        13,
        "worker loads",
        include_str!("../migrations/postgres/0013_worker_loads.sql"),
    ),
    (
        14,
        "registry counts",
        include_str!("../migrations/postgres/0014_registry_counts.sql"),
    ),
    (
        15,
        "registry tag places",
        include_str!("../migrations/postgres/0015_registry_tag_places.sql"),
    ),
    (
        16,
        "case lists merged",
        include_str!("../migrations/postgres/0016_case_lists_merged.sql"),
    ),
    (
        17,
        "case keys",
        include_str!("../migrations/postgres/0017_case_keys.sql"),
    ),
    (
        18,
        "case received one index",
        include_str!("../migrations/postgres/0018_case_received_one_index.sql"),
    ),
    (
        19,
        "case unassigned",
        include_str!("../migrations/postgres/0019_case_unassigned.sql"),
    ),
    (
        20,
        "case plans",
        include_str!("../migrations/postgres/0020_case_plans.sql"),
    ),
    (
        21,
        "change counters",
        include_str!("../migrations/postgres/0021_change_counters.sql"),
    ),
    (
        22,
        "case loads at intake",
        include_str!("../migrations/postgres/0022_case_loads_at_intake.sql"),
    ),
    (
        23,
        "case resident items",
        include_str!("../migrations/postgres/0023_case_resident_items.sql"),
    ),
    (
        24,
        "ledger uploads",
        include_str!("../migrations/postgres/0024_ledger_uploads.sql"),
    ),
    (
        25,
        "search learning",
        include_str!("../migrations/postgres/0025_search_learning.sql"),
    ),
    (
        26,
        "case keys one index",
        include_str!("../migrations/postgres/0026_case_keys_one_index.sql"),
    ),
    (
        27,
        "grid visits",
        include_str!("../migrations/postgres/0027_grid_visits.sql"),
    ),
    (
        28,
        "grid any visit",
        include_str!("../migrations/postgres/0028_grid_any_visit.sql"),
    ),
    (
        29,
        "grid visit days",
        include_str!("../migrations/postgres/0029_grid_visit_days.sql"),
    ),
    (
        30,
        "grid last visits keyed",
        include_str!("../migrations/postgres/0030_grid_last_visits_keyed.sql"),
    ),
    (
        31,
        "grid tag visit days",
        include_str!("../migrations/postgres/0031_grid_tag_visit_days.sql"),
    ),
    (
        32,
        "grid tasks",
        include_str!("../migrations/postgres/0032_grid_tasks.sql"),
    ),
    (
        33,
        "grid visit photos",
        include_str!("../migrations/postgres/0033_grid_visit_photos.sql"),
    ),
    (
        34,
        "grid events",
        include_str!("../migrations/postgres/0034_grid_events.sql"),
    ),
    (
        35,
        "grid inspections",
        include_str!("../migrations/postgres/0035_grid_inspections.sql"),
    ),
    (
        36,
        "grid handovers",
        include_str!("../migrations/postgres/0036_grid_handovers.sql"),
    ),
];

fn migrator(list: &[(i64, &'static str, &'static str)]) -> Migrator {
    let migrations = list
        .iter()
        .map(|(version, desc, sql)| {
            Migration::new(
                *version,
                Cow::Borrowed(*desc),
                MigrationType::Simple,
                sql.into_sql_str(),
                false,
            )
        })
        .collect();
    Migrator::with_migrations(migrations)
}

/// When this process last refreshed SQLite's planner statistics (`Db::optimize`).
static STATISTICS_REFRESHED: Mutex<Option<Instant>> = Mutex::new(None);

/// True for a SQLite connection opened before the statistics were last refreshed. SQLite
/// loads them into a connection when it reads the schema, and an ANALYZE on one connection
/// does not reach the others: a pooled connection opened earlier kept planning a 200,000-case
/// community's phone lookup with the statistics of an empty database (400 ms instead of 1 ms,
/// one request in twenty). Such a connection is closed when next acquired and the pool opens
/// a fresh one, which reads the new statistics.
pub(crate) fn stale_statistics(age: Duration) -> bool {
    match STATISTICS_REFRESHED.lock() {
        Ok(at) => at.is_some_and(|at| age > at.elapsed()),
        Err(_) => false,
    }
}

/// The tables with indexes that have no planner statistics (none analysed, or empty when they
/// were).
async fn never_analysed(conn: &mut sqlx::SqliteConnection) -> Result<Vec<String>> {
    let have_stats: Option<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_schema WHERE name = 'sqlite_stat1'")
            .fetch_optional(&mut *conn)
            .await?;
    let analysed = match have_stats {
        Some(_) => "AND m.name NOT IN (SELECT tbl FROM sqlite_stat1)",
        None => "",
    };
    let sql = format!(
        "SELECT m.name FROM sqlite_schema m WHERE m.type = 'table' \
         AND m.name NOT LIKE 'sqlite_%' {analysed} AND EXISTS (SELECT 1 FROM sqlite_schema i \
         WHERE i.type = 'index' AND i.tbl_name = m.name) ORDER BY m.name"
    );
    Ok(sqlx::query_scalar(AssertSqlSafe(sql))
        .fetch_all(&mut *conn)
        .await?)
}

/// Options of a SQLite pool of up to `max` connections.
fn sqlite_pool(max: u32) -> SqlitePoolOptions {
    SqlitePoolOptions::new()
        .max_connections(max)
        // A file on this machine cannot hang up; sqlx's ping before every acquire is one more
        // round trip to the connection's thread for each statement.
        .test_before_acquire(false)
        .before_acquire(|_, meta| Box::pin(async move { Ok(!stale_statistics(meta.age)) }))
}

impl Db {
    /// Opens a pool for `url`: `sqlite:PATH` (created if missing, WAL) or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            Ok(Db::Pg(pool))
        } else if url.starts_with("sqlite:") {
            let opts = SQLITE_SETTINGS.iter().fold(
                SqliteConnectOptions::from_str(url)
                    .map_err(|e| StoreError::BadUrl(e.to_string()))?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .busy_timeout(BUSY_TIMEOUT),
                |opts, (name, value)| opts.pragma(*name, *value),
            );
            if opts.get_filename() == std::path::Path::new(":memory:") {
                // The point reads open their own connections to the file (`readers`).
                return Err(StoreError::BadUrl(
                    "SQLite needs a database file (sqlite:PATH), not an in-memory database".into(),
                ));
            }
            let pool = sqlite_pool(8).connect_with(opts.clone()).await?;
            let writer = std::sync::Arc::new(Turns::for_writes(opts.clone(), pool.clone()).await?);
            let readers = std::sync::Arc::new(Readers::new(opts.get_filename().to_path_buf()));
            Ok(Db::Sqlite(SqliteDb {
                pool,
                writer,
                readers,
                announced: Default::default(),
            }))
        } else {
            Err(StoreError::BadUrl(format!(
                "expected sqlite:PATH or postgres://..., got \"{url}\""
            )))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Pg(_) => Backend::Postgres,
        }
    }

    /// Applies every embedded migration not yet applied; each runs in its own transaction.
    pub async fn migrate(&self) -> Result<()> {
        match self {
            Db::Sqlite(s) => migrator(SQLITE_MIGRATIONS).run(&s.pool).await?,
            Db::Pg(p) => migrator(PG_MIGRATIONS).run(p).await?,
        }
        self.optimize().await
    }

    /// Keeps the query planner's statistics in step with the data. SQLite has none until asked:
    /// without them it reads a million-case community through the index of the list's order
    /// rather than the one that holds the few rows asked for. `optimize` analyses only tables
    /// whose size changed much since the last time, within a bounded effort, so it is cheap to
    /// run at start and then periodically. PostgreSQL's autovacuum does this on its own where it
    /// runs; where it is switched off (it was on this project's test machine) a year of visits
    /// was planned with no statistics at all, so tables changed by a tenth since their last
    /// analysis (autovacuum's own threshold) are analysed here too.
    ///
    /// `optimize` judges growth against the statistics, and a table never analysed has none: the
    /// planner assumes a million rows, so a table that grew from empty to a million (a year of
    /// visits' last-visit rows) never looked grown, and a probe by subject was planned as a scan
    /// of the place index (minutes instead of milliseconds). Tables with indexes and no
    /// statistics are analysed each time; an empty one stays without and costs nothing.
    pub async fn optimize(&self) -> Result<()> {
        if let Db::Sqlite(SqliteDb { pool: p, .. }) = self {
            // Pragmas hold per connection: everything runs on this one.
            let mut conn = p.acquire().await?;
            sqlx::query("PRAGMA analysis_limit = 1000")
                .execute(&mut *conn)
                .await?;
            for table in never_analysed(&mut conn).await? {
                let sql = format!("ANALYZE \"{}\"", table.replace('"', "\"\""));
                sqlx::query(AssertSqlSafe(sql)).execute(&mut *conn).await?;
            }
            sqlx::query("PRAGMA optimize = 0x10002")
                .execute(&mut *conn)
                .await?;
            if let Ok(mut at) = STATISTICS_REFRESHED.lock() {
                *at = Some(Instant::now());
            }
        }
        if let Db::Pg(p) = self {
            let stale: Vec<String> = sqlx::query_scalar(
                "SELECT quote_ident(schemaname) || '.' || quote_ident(relname) \
                 FROM pg_stat_user_tables \
                 WHERE n_mod_since_analyze > 50 + n_live_tup / 10 ORDER BY relname",
            )
            .fetch_all(p)
            .await?;
            for table in stale {
                let sql = format!("ANALYZE {table}");
                sqlx::query(AssertSqlSafe(sql)).execute(p).await?;
            }
        }
        Ok(())
    }

    /// Versions of the migrations applied to this database, in order.
    pub async fn applied_migrations(&self) -> Result<Vec<i64>> {
        let sql = "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version";
        let rows: Vec<(i64,)> = with_pool!(self, |p| sqlx::query_as(sql).fetch_all(p).await?);
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Cheap round trip for /healthz.
    pub async fn ping(&self) -> Result<()> {
        with_pool!(self, |p| sqlx::query("SELECT 1")
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(s) => {
                s.writer.close().await;
                s.readers.close();
                s.pool.close().await;
            }
            Db::Pg(p) => p.close().await,
        }
    }

    /// Whether `close` was called: background tasks stop instead of retrying.
    pub fn is_closed(&self) -> bool {
        with_pool!(self, |p| p.is_closed())
    }

    /// Runs one statement of trusted, program-built SQL (used by backup).
    pub(crate) async fn execute_raw(&self, sql: String) -> Result<()> {
        with_pool!(self, |p| sqlx::query(AssertSqlSafe(sql.clone()))
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{Backend, Db, SqliteDb};
    use crate::Result;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// One write in the turn: notes how many bodies run at once (the most seen goes to `most`)
    /// and whether the marker table made in an earlier turn is visible (a TEMP table lives in
    /// the connection that made it).
    async fn one_turn(db: &Db, inside: &AtomicUsize, most: &AtomicUsize) -> Result<bool> {
        with_write_turn!(db, |tx| {
            let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            let seen: Option<(i64,)> = sqlx::query_as(
                "SELECT COUNT(*) FROM sqlite_temp_master WHERE name = 'turn_marker'",
            )
            .fetch_optional(&mut *tx)
            .await?;
            sqlx::query("CREATE TEMP TABLE IF NOT EXISTS turn_marker (n INTEGER)")
                .execute(&mut *tx)
                .await?;
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            inside.fetch_sub(1, Ordering::SeqCst);
            tx.commit().await?;
            Ok(seen.is_some_and(|(n,)| n == 1))
        })
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_writes_take_turns_on_one_connection() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("turns.db").display());
        let db = Arc::new(Db::connect(&url).await.unwrap());
        let (inside, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let first = one_turn(&db, &inside, &most).await.unwrap();
        let turns: Vec<_> = (0..8)
            .map(|_| {
                let (db, inside, most) = (db.clone(), inside.clone(), most.clone());
                tokio::spawn(async move { one_turn(&db, &inside, &most).await.unwrap() })
            })
            .collect();
        for turn in turns {
            assert!(
                turn.await.unwrap(),
                "a later turn ran on another connection"
            );
        }
        assert!(!first, "the marker was there before the first turn made it");
        assert_eq!(
            most.load(Ordering::SeqCst),
            1,
            "two writes ran in the turn at once"
        );
    }

    /// One 16 KiB row written in the turn; gives the writer's automatic checkpoint setting.
    async fn write_page(db: &Db) -> Result<i64> {
        with_write_turn!(db, |tx| {
            sqlx::query("INSERT INTO pages VALUES (zeroblob(16384))")
                .execute(&mut *tx)
                .await?;
            let (pages,): (i64,) = sqlx::query_as("PRAGMA wal_autocheckpoint")
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(pages)
        })
    }

    /// The log is copied back beside the writer, and it starts again from its beginning
    /// rather than growing without end.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite_log_is_checkpointed_and_bounded() {
        use crate::turns::{TURNS_PER_CHECKPOINT, WRITER_CHECKPOINT_PAGES};
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("log.db");
        let db = Db::connect(&format!("sqlite:{}", file.display()))
            .await
            .unwrap();
        let Db::Sqlite(SqliteDb { pool, .. }) = &db else {
            unreachable!("a SQLite URL")
        };
        sqlx::query("CREATE TABLE pages (body BLOB)")
            .execute(pool)
            .await
            .unwrap();
        let before = std::fs::metadata(&file).unwrap().len();
        // A checkpoint starts with a turn and copies what was committed before it; on a loaded
        // machine one may still run when the next is due, and that one is skipped. So the
        // writes go on (with a pause now and then for the checkpoint's task) until 64 rows
        // are back in the database file, for at most twenty checkpoints' worth of turns.
        let mut grown = 0;
        for turn in 1..=20 * TURNS_PER_CHECKPOINT {
            let automatic = write_page(&db).await.unwrap();
            assert_eq!(
                automatic, WRITER_CHECKPOINT_PAGES,
                "the writer's own checkpoint"
            );
            grown = std::fs::metadata(&file).unwrap().len() - before;
            if turn >= 3 * TURNS_PER_CHECKPOINT && grown > 64 * 16384 {
                break;
            }
            if turn % 8 == 0 {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
        }
        assert!(
            grown > 64 * 16384,
            "the log was not copied back: {grown} bytes"
        );
        // Eight times the writer's bound in rows of five pages each. The log outgrows the bound
        // while a checkpoint beside the writer holds the checkpointer's lock, by what the writer
        // writes meanwhile (a loaded machine once saw three times the bound), but it starts
        // again from its beginning instead of holding all that was written.
        let rows = 8 * WRITER_CHECKPOINT_PAGES / 5;
        for _ in 0..rows {
            write_page(&db).await.unwrap();
        }
        let log = std::fs::metadata(dir.path().join("log.db-wal"))
            .unwrap()
            .len();
        let bound = 4 * WRITER_CHECKPOINT_PAGES as u64 * 4096;
        assert!(log < bound, "the log grew to {log} bytes (bound {bound})");
    }

    #[test]
    fn placeholders_number_through_the_text_on_postgres_only() {
        let pg = Backend::Postgres;
        assert_eq!(pg.placeholders(0, 2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(pg.placeholders(6, 1, 2), "($7, $8)");
        assert_eq!(Backend::Sqlite.placeholders(6, 2, 2), "(?, ?), (?, ?)");
    }
}

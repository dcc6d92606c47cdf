//! `quanke serve` and `quanke migrate`.

use super::open;
use crate::config::Config;
use anyhow::Context;
use std::fs::File;
use tokio::net::TcpListener;

pub async fn migrate_only(cfg: &Config) -> anyhow::Result<()> {
    let db = open(cfg).await?;
    let applied = db.applied_migrations().await?;
    println!("数据库已是最新 (migrations applied): {applied:?}");
    db.close().await;
    Ok(())
}

/// Holds the lock beside the SQLite file while serving. SQLite is served by one process (its
/// writes take turns inside the process), so a second server on the same file stops here,
/// and `quanke restore` can tell that the database is in use.
pub fn lock_sqlite(cfg: &Config) -> anyhow::Result<Option<File>> {
    if !cfg.is_sqlite() {
        return Ok(None);
    }
    let path = super::backup::lock_path(cfg);
    let file = File::create(&path).with_context(|| format!("无法创建 {}", path.display()))?;
    file.try_lock().map_err(|_| {
        anyhow::anyhow!(
            "SQLite 数据库 {} 已有另一个 quanke 进程在使用（服务中或正在恢复）。\
             SQLite 只能由一个服务进程使用；需要多个服务进程时请改用 PostgreSQL（见 docs/operations.md）",
            cfg.sqlite_path().display()
        )
    })?;
    Ok(Some(file))
}

pub async fn run(cfg: &Config) -> anyhow::Result<()> {
    let db = open(cfg).await?;
    let _lock = lock_sqlite(cfg)?;
    let listener = TcpListener::bind(&cfg.addr)
        .await
        .with_context(|| format!("无法监听 {}", cfg.addr))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, database = %super::redact(&cfg.database()), "quanke serving");
    serve_on(listener, db, cfg).await
}

pub async fn serve_on(
    listener: TcpListener,
    db: quanke_store::Db,
    cfg: &Config,
) -> anyhow::Result<()> {
    let state = quanke_web::AppState::new(db.clone(), cfg.web());
    serve_state(listener, db, state).await
}

/// Serves `state` (built by the caller, who may have used it first) until a shutdown signal.
pub async fn serve_state(
    listener: TcpListener,
    db: quanke_store::Db,
    state: quanke_web::Shared,
) -> anyhow::Result<()> {
    let shutdown = shutdown_signal();
    quanke_web::serve(listener, state, shutdown).await?;
    tracing::info!("in-flight requests finished; closing the database");
    db.close().await;
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C. SIGTERM's handler is installed when this is called, before the
/// server answers anyone: a supervisor that stops the server as soon as it is healthy must get
/// a clean shutdown, not the default action of the signal.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        let ctrl_c = async {
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        #[cfg(unix)]
        let term = async move {
            match term {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! {
            _ = ctrl_c => {},
            _ = term => {},
        }
        tracing::info!("shutdown requested; finishing in-flight requests");
    }
}

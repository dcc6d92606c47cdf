//! `quanke demo`: creates the demo street once, prints how to sign in, and serves it.

use super::open;
use crate::config::Config;
use anyhow::{Context, bail};
use quanke_store::{Db, orgs};
use quanke_web::demo;
use tokio::net::TcpListener;

pub async fn run(cfg: &Config) -> anyhow::Result<()> {
    let db = open(cfg).await?;
    let _lock = super::serve::lock_sqlite(cfg)?;
    refuse_real_data(&db).await?;
    let logins = demo::ensure(&db).await.context("创建演示数据失败")?;
    let state = quanke_web::AppState::new(db.clone(), cfg.web());
    let played = demo::history::ensure(&state)
        .await
        .context("生成演示办件失败")?;
    if played > 0 {
        println!("已生成演示办件 {played} 件 (demo cases played)");
    }
    let listener = TcpListener::bind(&cfg.addr)
        .await
        .with_context(|| format!("无法监听 {}", cfg.addr))?;
    let addr = listener.local_addr()?;
    println!("全科演示已启动 (Quanke demo is running): http://{addr}/");
    println!(
        "登录账号 (logins)，密码 (password) 均为 {}:",
        demo::PASSWORD
    );
    for l in &logins {
        println!("  {:<10} {}", l.username, l.role.label());
    }
    println!("按 Ctrl-C 停止 (press Ctrl-C to stop)");
    super::serve::serve_state(listener, db, state).await
}

/// The demo shares the default database with every other command, so `quanke demo` run where a
/// real street lives would add demo accounts with a published password to it. A database
/// holding streets but not the demo street is refused.
async fn refuse_real_data(db: &Db) -> anyhow::Result<()> {
    let streets = orgs::streets(db).await?;
    if streets.is_empty() || streets.iter().any(|s| s.code == demo::STREET_CODE) {
        return Ok(());
    }
    bail!("此数据库已有组织架构且不是演示街道，演示数据不会写入；请用 --data-dir 另选一个目录")
}

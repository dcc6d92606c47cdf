//! `quanke demo`: creates the demo street once, prints how to sign in, and serves it.

use super::open;
use crate::config::Config;
use anyhow::Context;
use tokio::net::TcpListener;

pub async fn run(cfg: &Config) -> anyhow::Result<()> {
    let db = open(cfg).await?;
    let _lock = super::serve::lock_sqlite(cfg)?;
    let logins = quanke_web::demo::ensure(&db)
        .await
        .context("创建演示数据失败")?;
    let listener = TcpListener::bind(&cfg.addr)
        .await
        .with_context(|| format!("无法监听 {}", cfg.addr))?;
    let addr = listener.local_addr()?;
    println!("全科演示已启动 (Quanke demo is running): http://{addr}/");
    println!("数据 (data): {}", super::redact(&cfg.database()));
    println!(
        "登录账号 (logins)，密码 (password) 均为 {}:",
        quanke_web::demo::PASSWORD
    );
    for l in &logins {
        println!("  {:<10} {}", l.username, l.role.label());
    }
    println!("按 Ctrl-C 停止 (press Ctrl-C to stop)");
    super::serve::serve_on(listener, db, cfg).await
}

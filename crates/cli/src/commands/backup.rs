//! `quanke backup FILE` and `quanke restore FILE`.
//! SQLite: an online snapshot (safe while serving) and a checked restore (server stopped).
//! PostgreSQL: pg_dump / pg_restore in custom format, which must be on the PATH.

use super::open;
use crate::config::Config;
use anyhow::{Context, bail};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn lock_path(cfg: &Config) -> PathBuf {
    let mut p = cfg.sqlite_path().into_os_string();
    p.push(".lock");
    p.into()
}

pub async fn backup(cfg: &Config, file: &Path) -> anyhow::Result<()> {
    if !cfg.is_sqlite() {
        super::announce(cfg);
        return pg_tool(
            "pg_dump",
            &[
                "--format=custom",
                "--file",
                &file.to_string_lossy(),
                &cfg.database(),
            ],
        );
    }
    let db = open(cfg).await?;
    let result = quanke_store::backup::sqlite_backup(&db, file).await;
    db.close().await;
    result.with_context(|| format!("备份到 {} 失败", file.display()))?;
    println!("已备份到 {}", file.display());
    Ok(())
}

pub async fn restore(cfg: &Config, file: &Path) -> anyhow::Result<()> {
    // Restoring replaces the database without opening it first; say which one all the same.
    super::announce(cfg);
    if !cfg.is_sqlite() {
        return pg_tool(
            "pg_restore",
            &[
                "--clean",
                "--if-exists",
                "--no-owner",
                "--dbname",
                &cfg.database(),
                &file.to_string_lossy(),
            ],
        );
    }
    let dest = cfg.sqlite_path();
    if let Some(dir) = dest.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let lock = File::create(lock_path(cfg))?;
    if lock.try_lock().is_err() {
        bail!("服务正在使用数据库 {}，请先停止服务再恢复", dest.display());
    }
    quanke_store::backup::sqlite_restore(file, &dest)
        .await
        .with_context(|| format!("无法从 {} 恢复", file.display()))?;
    println!("已从 {} 恢复到 {}", file.display(), dest.display());
    Ok(())
}

fn pg_tool(tool: &str, args: &[&str]) -> anyhow::Result<()> {
    let status = Command::new(tool).args(args).status().with_context(|| {
        format!("无法运行 {tool}(PostgreSQL 客户端工具)，请确认已安装并在 PATH 中")
    })?;
    if !status.success() {
        bail!("{tool} 执行失败 ({status})");
    }
    println!("{tool} 已完成");
    Ok(())
}

pub mod backup;
pub mod demo;
pub mod serve;
pub mod user;

use crate::config::Config;
use anyhow::Context;
use quanke_store::Db;

/// Opens the configured database (creating the data dir for SQLite) and applies migrations.
pub async fn open(cfg: &Config) -> anyhow::Result<Db> {
    if cfg.is_sqlite() {
        if let Some(dir) = cfg
            .sqlite_path()
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("无法创建数据目录 {}", dir.display()))?;
        }
    }
    let url = cfg.database();
    let db = Db::connect(&url)
        .await
        .with_context(|| format!("无法连接数据库 {}", redact(&url)))?;
    db.migrate().await.context("数据库迁移失败")?;
    Ok(db)
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            super::redact("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(super::redact("sqlite:data/q.db"), "sqlite:data/q.db");
    }
}

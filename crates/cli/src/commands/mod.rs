pub mod api;
pub mod backup;
pub mod catalogue;
pub mod demo;
pub mod open311;
pub mod org;
pub mod registry;
pub mod serve;
pub mod user;

use crate::config::Config;
use anyhow::Context;
use quanke_store::Db;

/// Opens the configured database (creating the data dir for SQLite), applies migrations and
/// says which database it is.
pub async fn open(cfg: &Config) -> anyhow::Result<Db> {
    let sqlite_file = cfg.is_sqlite().then(|| cfg.sqlite_path());
    if let Some(dir) = sqlite_file.as_deref().and_then(|p| p.parent())
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("无法创建数据目录 {}", dir.display()))?;
    }
    let url = cfg.database();
    let db = Db::connect(&url)
        .await
        .with_context(|| format!("无法连接数据库 {}", redact(&url)))?;
    db.migrate().await.context("数据库迁移失败")?;
    announce(cfg);
    Ok(db)
}

/// Tells the operator which database a command used, on standard error so that a command
/// printing a secret alone on standard output keeps it clean. Naming the file in full shows at
/// once when a command ran in another folder than the one meant.
pub fn announce(cfg: &Config) {
    let which = if cfg.is_sqlite() {
        let file = cfg.sqlite_path();
        let file = std::fs::canonicalize(&file).unwrap_or(file);
        format!("SQLite {}", file.display())
    } else {
        redact(&cfg.database())
    };
    eprintln!("数据库 (database): {which}");
}

/// Seconds since the Unix epoch, for audit entries written by commands.
pub fn unix_now() -> anyhow::Result<i64> {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?;
    Ok(d.as_secs() as i64)
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

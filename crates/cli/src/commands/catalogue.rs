//! `quanke catalogue import|export`: the service catalogue as a file (docs/catalogue-format.md).
//! Import checks the whole file first and writes nothing unless every item is valid.

use super::{open, user::record};
use crate::config::Config;
use anyhow::{Context, bail};
use clap::Subcommand;
use quanke_app::catalogue::transfer;
use quanke_store::Db;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum CatalogueAction {
    /// 导入办事指南 / import a catalogue file (.json or .xlsx); publishes what changed
    Import {
        file: PathBuf,
        /// 只检查，不写入 / check and report only
        #[arg(long)]
        dry_run: bool,
    },
    /// 导出办事指南 / export the catalogue (.json or .xlsx by the file name)
    Export { file: PathBuf },
}

pub async fn run(cfg: &Config, action: CatalogueAction) -> anyhow::Result<()> {
    let db = open(cfg).await?;
    let result = match action {
        CatalogueAction::Import { file, dry_run } => import(&db, &file, dry_run).await,
        CatalogueAction::Export { file } => export(&db, &file).await,
    };
    db.close().await;
    result
}

async fn import(db: &Db, path: &Path, dry_run: bool) -> anyhow::Result<()> {
    let bytes = std::fs::read(path).with_context(|| format!("无法读取 {}", path.display()))?;
    let file = match transfer::decode(&path.to_string_lossy(), &bytes) {
        Ok(f) => f,
        Err(problems) => return refuse(&problems),
    };
    let now = super::unix_now()?;
    let r = transfer::import(db, &file, "命令行 (cli)", now, dry_run).await?;
    let verb = if dry_run {
        "检查通过（未写入）"
    } else {
        "已导入"
    };
    println!(
        "{verb}：新增事项 {}，新版本 {}，未变化 {}，政策文件 {}，待复核事项 {}",
        r.new_items, r.new_versions, r.unchanged, r.policies_written, r.flagged_for_review
    );
    if !dry_run && r.new_items + r.new_versions + r.policies_written > 0 {
        // Running servers reload their catalogue and search index: at once on PostgreSQL,
        // within a second beside a SQLite server.
        quanke_store::changes::announce(db, quanke_store::changes::Topic::Catalogue).await?;
        let detail = format!("新增 {}，新版本 {}", r.new_items, r.new_versions);
        record(
            db,
            "catalogue_imported",
            &path.display().to_string(),
            &detail,
            &quanke_domain::OrgPath::whole(),
        )
        .await?;
    }
    Ok(())
}

fn refuse(problems: &[String]) -> anyhow::Result<()> {
    for p in problems {
        eprintln!("{p}");
    }
    bail!("文件有 {} 处问题，未导入任何内容", problems.len())
}

async fn export(db: &Db, path: &Path) -> anyhow::Result<()> {
    let file = transfer::export(db).await?;
    let bytes = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
    {
        quanke_ledger::catalogue_to_xlsx(&file)?
    } else {
        file.to_canonical_json().into_bytes()
    };
    std::fs::write(path, bytes).with_context(|| format!("无法写入 {}", path.display()))?;
    println!(
        "已导出 {} 个事项、{} 份政策文件到 {}",
        file.items.len(),
        file.policies.len(),
        path.display()
    );
    Ok(())
}

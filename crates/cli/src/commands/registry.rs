//! `quanke registry import`: a residents ledger into the registry. Without `--commit` it is the
//! dry run: it checks every row, writes the problem report and nothing else.

use super::open;
use crate::config::Config;
use anyhow::bail;
use clap::{Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use quanke_domain::OrgPath;
use quanke_import::{Commit, Options, Outcome, Progress, Target};
use quanke_ledger::registry::ColumnMapping;
use quanke_store::Db;
use quanke_store::registry::{mapping, runs};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use time::{OffsetDateTime, UtcOffset};

#[derive(Subcommand)]
pub enum RegistryAction {
    /// 导入居民台账 / import a residents ledger (.xlsx or .csv); a dry run unless --commit
    Import {
        file: PathBuf,
        /// 社区编码 / the community's code (may be left out when there is only one)
        #[arg(long)]
        community: Option<String>,
        /// valid: 只导入无误的行 / import the rows without errors; all: 全部无误才导入 / only if no row has an error
        #[arg(long, value_enum)]
        commit: Option<CommitArg>,
        /// 已保存的列对应关系 / a saved column mapping, by name
        #[arg(long)]
        mapping: Option<String>,
        /// 问题清单保存位置 / where to write the problem report (default: beside the file)
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// 未完成的导入 / imports cut off midway (run the same file again to complete one)
    Unfinished,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum CommitArg {
    Valid,
    All,
}

pub async fn run(cfg: &Config, action: RegistryAction) -> anyhow::Result<()> {
    let db = open(cfg).await?;
    let result = match action {
        RegistryAction::Import {
            file,
            community,
            commit,
            mapping,
            report,
        } => {
            let commit = match commit {
                None => Commit::DryRun,
                Some(CommitArg::Valid) => Commit::Valid,
                Some(CommitArg::All) => Commit::All,
            };
            let report = report.unwrap_or_else(|| default_report(&file));
            import(
                &db,
                &file,
                community.as_deref(),
                commit,
                mapping.as_deref(),
                report,
            )
            .await
        }
        RegistryAction::Unfinished => match list_unfinished(&db, &everywhere()).await {
            Ok(0) => {
                println!("没有未完成的导入");
                Ok(())
            }
            other => other.map(drop),
        },
    };
    db.close().await;
    result
}

/// The whole org tree, for commands that act for the whole installation.
fn everywhere() -> OrgPath {
    OrgPath::from_stored("/".into())
}

/// Prints the imports into `within` that were cut off, and how to complete them; returns how
/// many there are.
async fn list_unfinished(db: &Db, within: &OrgPath) -> anyhow::Result<usize> {
    let runs = runs::unfinished(db, within).await?;
    for r in &runs {
        let kept = if r.atomic {
            "全部导入，未写入任何数据".to_string()
        } else {
            format!(
                "已提交 {} 行（新增 {}，更新 {}，未变 {}）",
                r.rows_written, r.created, r.updated, r.unchanged
            )
        };
        println!(
            "未完成的导入 第 {} 次：{}，{} 开始，{}；若已中断，用同一文件重新导入即可补全",
            r.id, r.file_name, r.actor, kept
        );
    }
    Ok(runs.len())
}

/// "台账.xlsx" → "台账-问题清单.xlsx" in the same folder.
fn default_report(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default();
    file.with_file_name(format!("{stem}-问题清单.xlsx"))
}

async fn import(
    db: &Db,
    file: &Path,
    community: Option<&str>,
    commit: Commit,
    mapping_name: Option<&str>,
    report: PathBuf,
) -> anyhow::Result<()> {
    let target = match Target::resolve(db, community).await {
        Ok(t) => t,
        Err(message) => bail!(message),
    };
    let mapping = load_mapping(db, &target.community.path, mapping_name).await?;
    if commit != Commit::DryRun {
        list_unfinished(db, &target.community.path).await?;
    }
    let now = OffsetDateTime::now_utc().to_offset(UtcOffset::from_hms(8, 0, 0)?);
    let opts = Options {
        commit,
        report,
        mapping,
        today: now.date(),
        now: now.unix_timestamp(),
        actor: "命令行 (cli)".into(),
        actor_id: None,
        ip: String::new(),
        // The command line imports one community's ledger: people registered in another
        // community are that community's, and move only through a transfer.
        area: target.community.path.clone(),
        file_name: file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let bar = progress_bar();
    let shown = bar.clone();
    let outcome =
        quanke_import::run(db, file, &target, &opts, Arc::new(move |p| show(&shown, p))).await;
    bar.finish_and_clear();
    let outcome = outcome?;
    print_outcome(&outcome, commit);
    if commit == Commit::All && outcome.invalid > 0 {
        bail!(
            "有 {} 行存在错误，按 --commit all 的要求未导入任何一行",
            outcome.invalid
        );
    }
    Ok(())
}

async fn load_mapping(
    db: &Db,
    community: &OrgPath,
    name: Option<&str>,
) -> anyhow::Result<ColumnMapping> {
    let Some(name) = name else {
        return Ok(ColumnMapping::default());
    };
    match mapping::get(db, community, name).await? {
        Some(body) => Ok(serde_json::from_str(&body)?),
        None => bail!("没有名为“{name}”的列对应关系"),
    }
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:40} {percent}% {msg}")
            .expect("valid template"),
    );
    bar
}

fn show(bar: &ProgressBar, p: Progress) {
    if let Some(total) = p.total {
        bar.set_length(total);
    }
    bar.set_position(p.done);
}

fn print_outcome(o: &Outcome, commit: Commit) {
    println!(
        "共读取 {} 行：无误 {} 行，有错误 {} 行（错误 {} 处，提醒 {} 处）",
        o.rows, o.valid, o.invalid, o.errors, o.warnings
    );
    if !o.ignored_columns.is_empty() {
        println!("未识别而忽略的列：{}", o.ignored_columns.join("、"));
    }
    match &o.report {
        Some(path) => println!("问题清单：{}", path.display()),
        None => println!("没有发现问题"),
    }
    if o.outside > 0 {
        println!(
            "其中 {} 行的人员{}，未写入",
            o.outside,
            quanke_import::OUTSIDE_AREA
        );
    }
    match (commit, &o.written) {
        (Commit::DryRun, _) => {
            println!(
                "这是试导入，未写入任何数据；确认后用 --commit valid（只导入无误的行）或 --commit all（全部无误才导入）"
            )
        }
        (_, Some(w)) if w.committed => println!(
            "已导入：新增 {} 人，更新 {} 人，未变化 {} 人",
            w.created, w.updated, w.unchanged
        ),
        _ => println!("未写入任何数据"),
    }
}

//! `quanke`: the one program a community office runs.

mod commands;
mod config;
mod logging;

use clap::{Args, Parser, Subcommand};
use config::{Config, ConfigError};
use std::path::PathBuf;
use std::process::ExitCode;

/// The search index allocates many small buffers per query from every worker thread; mimalloc
/// serves that pattern with far less contention than the system allocator (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "quanke",
    version,
    about = "全科社区服务平台 Quanke: one-window community service for all-round social workers",
    long_about = "全科社区服务平台：一口受理、全科服务、最多跑一次。\nQuanke serves the front desk, back office, grid work and administration of urban community service centres."
)]
struct Cli {
    /// 配置文件 (TOML) / configuration file; default ./quanke.toml if present
    #[arg(long, global = true, env = "QUANKE_CONFIG")]
    config: Option<PathBuf>,
    #[command(flatten)]
    store: StoreArgs,
    #[command(subcommand)]
    command: Command,
}

/// Which database a command opens. Every command opens one, and all of them (demo included)
/// default to the same place, so that commands run one after another in a folder share it.
#[derive(Args)]
struct StoreArgs {
    /// 数据目录 / data directory holding the SQLite file quanke.db (default ./data)
    #[arg(long, global = true, value_name = "DIR", conflicts_with = "database")]
    data_dir: Option<PathBuf>,
    /// 数据库 / database URL: sqlite:PATH or postgres://... (instead of --data-dir)
    #[arg(long, global = true, value_name = "URL")]
    database: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// 启动服务 / start the server
    Serve {
        /// 监听地址 / listen address, e.g. 0.0.0.0:8080
        #[arg(long)]
        addr: Option<String>,
    },
    /// 执行数据库迁移 / apply database migrations
    Migrate,
    /// 创建并启动演示街道 / create (once) and serve the demo street
    Demo {
        /// 监听地址 / listen address, e.g. 0.0.0.0:8080
        #[arg(long)]
        addr: Option<String>,
    },
    /// 管理工作人员账号 / manage staff accounts
    User {
        #[command(subcommand)]
        action: commands::user::UserAction,
    },
    /// 办事指南导入导出 / import and export the service catalogue
    Catalogue {
        #[command(subcommand)]
        action: commands::catalogue::CatalogueAction,
    },
    /// 居民台账导入 / import residents ledgers into the registry
    Registry {
        #[command(subcommand)]
        action: commands::registry::RegistryAction,
    },
    /// 管理组织架构 / manage the org tree (street → community → grid)
    Org {
        #[command(subcommand)]
        action: commands::org::OrgAction,
    },
    /// JSON 接口令牌 / JSON API tokens: `quanke api token add USERNAME [--name NAME]`
    Api {
        #[command(subcommand)]
        action: commands::api::ApiAction,
    },
    /// Open311 接入密钥 / Open311 partners' api keys: `quanke open311 key add NAME`
    Open311 {
        #[command(subcommand)]
        action: commands::open311::Open311Action,
    },
    /// 备份数据库 / back up the database (SQLite online; PostgreSQL via pg_dump)
    Backup { file: PathBuf },
    /// 从备份恢复 / restore the database from a backup (stop the server first)
    Restore { file: PathBuf },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => match e.downcast_ref::<ConfigError>() {
            Some(c) => {
                eprintln!("{c}");
                ExitCode::from(2)
            }
            None => {
                eprintln!("错误 (error): {e:#}");
                ExitCode::FAILURE
            }
        },
    }
}

/// The configuration, with this command line's choices over the file and the environment.
fn load(
    cli_config: Option<&PathBuf>,
    store: StoreArgs,
    addr: Option<String>,
) -> anyhow::Result<Config> {
    let mut cfg = Config::load(cli_config.map(|p| p.as_path()), &|k| std::env::var(k).ok())?;
    if let Some(dir) = store.data_dir {
        // "The database in this folder": a database_url from the file or the environment would
        // otherwise quietly win over what was just typed.
        cfg.data_dir = dir;
        cfg.database_url.clear();
    }
    if let Some(db) = store.database {
        cfg.database_url = db;
    }
    if let Some(a) = addr {
        cfg.addr = a;
    }
    cfg.check()?;
    Ok(cfg)
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let rt = tokio::runtime::Runtime::new()?;
    let config = cli.config.as_ref();
    let store = cli.store;
    match cli.command {
        Command::Serve { addr } => {
            let cfg = load(config, store, addr)?;
            logging::init(&cfg);
            rt.block_on(commands::serve::run(&cfg))
        }
        Command::Migrate => {
            let cfg = load(config, store, None)?;
            rt.block_on(commands::serve::migrate_only(&cfg))
        }
        Command::Demo { addr } => {
            let cfg = load(config, store, addr)?;
            logging::init(&cfg);
            rt.block_on(commands::demo::run(&cfg))
        }
        Command::User { action } => {
            let cfg = load(config, store, None)?;
            rt.block_on(commands::user::run(&cfg, action))
        }
        Command::Catalogue { action } => {
            let cfg = load(config, store, None)?;
            rt.block_on(commands::catalogue::run(&cfg, action))
        }
        Command::Registry { action } => {
            let cfg = load(config, store, None)?;
            rt.block_on(commands::registry::run(&cfg, action))
        }
        Command::Org { action } => {
            let cfg = load(config, store, None)?;
            rt.block_on(commands::org::run(&cfg, action))
        }
        Command::Api { action } => {
            let cfg = load(config, store, None)?;
            rt.block_on(commands::api::run(&cfg, action))
        }
        Command::Open311 { action } => {
            let cfg = load(config, store, None)?;
            rt.block_on(commands::open311::run(&cfg, action))
        }
        Command::Backup { file } => {
            let cfg = load(config, store, None)?;
            rt.block_on(commands::backup::backup(&cfg, &file))
        }
        Command::Restore { file } => {
            let cfg = load(config, store, None)?;
            rt.block_on(commands::backup::restore(&cfg, &file))
        }
    }
}

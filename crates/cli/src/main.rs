//! `quanke`: the one program a community office runs.

mod commands;
mod config;
mod logging;

use clap::{Parser, Subcommand};
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
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 启动服务 / start the server
    Serve {
        /// 监听地址 / listen address, e.g. 0.0.0.0:8080
        #[arg(long)]
        addr: Option<String>,
        /// 数据库 / database URL: sqlite:PATH or postgres://...
        #[arg(long)]
        database: Option<String>,
    },
    /// 执行数据库迁移 / apply database migrations
    Migrate {
        #[arg(long)]
        database: Option<String>,
    },
    /// 创建并启动演示街道 / create (once) and serve the demo street
    Demo {
        /// 演示数据目录 / demo data directory
        #[arg(long, default_value = "quanke-demo")]
        data_dir: PathBuf,
        #[arg(long)]
        addr: Option<String>,
        #[arg(long)]
        database: Option<String>,
    },
    /// 管理工作人员账号 / manage staff accounts
    User {
        #[command(subcommand)]
        action: commands::user::UserAction,
        #[arg(long, global = true)]
        database: Option<String>,
    },
    /// 办事指南导入导出 / import and export the service catalogue
    Catalogue {
        #[command(subcommand)]
        action: commands::catalogue::CatalogueAction,
        #[arg(long, global = true)]
        database: Option<String>,
    },
    /// 居民台账导入 / import residents ledgers into the registry
    Registry {
        #[command(subcommand)]
        action: commands::registry::RegistryAction,
        #[arg(long, global = true)]
        database: Option<String>,
    },
    /// 管理组织架构 / manage the org tree (street → community → grid)
    Org {
        #[command(subcommand)]
        action: commands::org::OrgAction,
        #[arg(long, global = true)]
        database: Option<String>,
    },
    /// JSON 接口令牌 / JSON API tokens: `quanke api token add USERNAME [--name NAME]`
    Api {
        #[command(subcommand)]
        action: commands::api::ApiAction,
        #[arg(long, global = true)]
        database: Option<String>,
    },
    /// Open311 接入密钥 / Open311 partners' api keys: `quanke open311 key add NAME`
    Open311 {
        #[command(subcommand)]
        action: commands::open311::Open311Action,
        #[arg(long, global = true)]
        database: Option<String>,
    },
    /// 备份数据库 / back up the database (SQLite online; PostgreSQL via pg_dump)
    Backup {
        file: PathBuf,
        #[arg(long)]
        database: Option<String>,
    },
    /// 从备份恢复 / restore the database from a backup (stop the server first)
    Restore {
        file: PathBuf,
        #[arg(long)]
        database: Option<String>,
    },
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

fn load(
    cli_config: Option<&PathBuf>,
    database: Option<String>,
    addr: Option<String>,
) -> anyhow::Result<Config> {
    let mut cfg = Config::load(cli_config.map(|p| p.as_path()), &|k| std::env::var(k).ok())?;
    if let Some(db) = database {
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
    match cli.command {
        Command::Serve { addr, database } => {
            let cfg = load(config, database, addr)?;
            logging::init(&cfg);
            rt.block_on(commands::serve::run(&cfg))
        }
        Command::Migrate { database } => {
            let cfg = load(config, database, None)?;
            rt.block_on(commands::serve::migrate_only(&cfg))
        }
        Command::Demo {
            data_dir,
            addr,
            database,
        } => {
            let mut cfg = load(config, database, addr)?;
            cfg.data_dir = data_dir;
            logging::init(&cfg);
            rt.block_on(commands::demo::run(&cfg))
        }
        Command::User { action, database } => {
            let cfg = load(config, database, None)?;
            rt.block_on(commands::user::run(&cfg, action))
        }
        Command::Catalogue { action, database } => {
            let cfg = load(config, database, None)?;
            rt.block_on(commands::catalogue::run(&cfg, action))
        }
        Command::Registry { action, database } => {
            let cfg = load(config, database, None)?;
            rt.block_on(commands::registry::run(&cfg, action))
        }
        Command::Org { action, database } => {
            let cfg = load(config, database, None)?;
            rt.block_on(commands::org::run(&cfg, action))
        }
        Command::Api { action, database } => {
            let cfg = load(config, database, None)?;
            rt.block_on(commands::api::run(&cfg, action))
        }
        Command::Open311 { action, database } => {
            let cfg = load(config, database, None)?;
            rt.block_on(commands::open311::run(&cfg, action))
        }
        Command::Backup { file, database } => {
            let cfg = load(config, database, None)?;
            rt.block_on(commands::backup::backup(&cfg, &file))
        }
        Command::Restore { file, database } => {
            let cfg = load(config, database, None)?;
            rt.block_on(commands::backup::restore(&cfg, &file))
        }
    }
}

//! `quanke user add|passwd|disable|enable`: account administration from the command line,
//! for the first administrator and for operators. Every change is audited as done by "cli".

use super::open;
use crate::config::Config;
use anyhow::bail;
use clap::Subcommand;
use quanke_app::accounts::{self, NewAccount};
use quanke_domain::{OrgPath, Role};
use quanke_store::audit::{self, NewEntry};
use quanke_store::{Db, StoreError, orgs, users};

#[derive(Subcommand)]
pub enum UserAction {
    /// 新建账号 / add an account (prints a temporary password unless --password is given)
    Add {
        username: String,
        /// 姓名 / display name
        #[arg(long)]
        name: String,
        /// 角色 / role: front_desk, back_office, grid_worker, community_head, street_admin, system_admin
        #[arg(long)]
        role: Role,
        /// 所在组织编码 / org code (street, community or grid, as the role requires)
        #[arg(long)]
        org: String,
        /// 指定密码 / set this password instead of a temporary one
        #[arg(long)]
        password: Option<String>,
    },
    /// 重置密码 / reset a password (temporary, must be changed at next sign-in); ends the
    /// account's sessions and revokes its API tokens
    Passwd { username: String },
    /// 停用账号 / disable an account and end its sessions
    Disable { username: String },
    /// 启用账号 / re-enable an account
    Enable { username: String },
}

const ACTOR: &str = "命令行 (cli)";

pub async fn run(cfg: &Config, action: UserAction) -> anyhow::Result<()> {
    let db = open(cfg).await?;
    let result = apply(&db, action).await;
    db.close().await;
    result
}

async fn apply(db: &Db, action: UserAction) -> anyhow::Result<()> {
    match action {
        UserAction::Add {
            username,
            name,
            role,
            org,
            password,
        } => {
            let org = match orgs::by_code(db, &org).await {
                Err(StoreError::NotFound) => bail!("找不到编码为 {org} 的组织"),
                other => other?,
            };
            let account = NewAccount {
                username: &username,
                display_name: &name,
                role,
                org: &org,
                password: password.as_deref(),
            };
            let (_, pw) = accounts::create(db, &account).await?;
            let detail = format!("{} @ {}", role.label(), org.name);
            record(db, "user_created", &username, &detail, &org.path).await?;
            println!("已创建 {username}({} · {})", role.label(), org.name);
            if password.is_none() {
                println!("临时密码 (temporary password): {pw}  首次登录须修改");
            }
        }
        UserAction::Passwd { username } => {
            let u = find(db, &username).await?;
            let pw = accounts::reset_password(db, u.id).await?;
            record(db, "password_reset", &username, "", &u.org_path).await?;
            println!(
                "临时密码 (temporary password): {pw}  下次登录须修改；原有会话和 API 令牌已失效"
            );
        }
        UserAction::Disable { username } => {
            let u = find(db, &username).await?;
            accounts::set_disabled(db, u.id, true).await?;
            record(db, "user_disabled", &username, "", &u.org_path).await?;
            println!("已停用 {username}");
        }
        UserAction::Enable { username } => {
            let u = find(db, &username).await?;
            accounts::set_disabled(db, u.id, false).await?;
            record(db, "user_enabled", &username, "", &u.org_path).await?;
            println!("已启用 {username}");
        }
    }
    Ok(())
}

async fn find(db: &Db, username: &str) -> anyhow::Result<users::User> {
    match users::by_username(db, username).await {
        Err(StoreError::NotFound) => bail!("找不到用户 {username}"),
        other => Ok(other?),
    }
}

/// Appends an audit entry for a change made from the command line.
pub async fn record(
    db: &Db,
    action: &str,
    target: &str,
    detail: &str,
    org_path: &OrgPath,
) -> anyhow::Result<()> {
    let at = super::unix_now()?;
    let e = NewEntry {
        at,
        actor_id: None,
        actor_name: ACTOR,
        action,
        target,
        detail,
        ip: "cli",
        org_path,
    };
    audit::append(db, &e).await?;
    Ok(())
}

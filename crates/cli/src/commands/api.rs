//! `quanke api token add|list|revoke`: tokens for the JSON API, each acting as one staff
//! account. A new token is printed once, alone on standard output (messages go to standard
//! error), so a script can keep it: `token=$(quanke api token add qiantai)`. Audited as "cli".

use super::{open, user::record};
use crate::config::Config;
use anyhow::bail;
use clap::Subcommand;
use quanke_store::{Db, StoreError, api_tokens, users};

#[derive(Subcommand)]
pub enum ApiAction {
    /// API 令牌 / API tokens (Authorization: Bearer ...)
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
}

#[derive(Subcommand)]
pub enum TokenAction {
    /// 签发令牌 / issue a token acting as USERNAME (printed once)
    Add {
        username: String,
        /// 用途 / what the token is for, e.g. 自助终端
        #[arg(long, default_value = "API")]
        name: String,
    },
    /// 列出令牌 / list tokens (of one account when USERNAME is given)
    List { username: Option<String> },
    /// 吊销令牌 / revoke a token by its number (API calls refuse it at once)
    Revoke { id: i64 },
}

pub async fn run(cfg: &Config, action: ApiAction) -> anyhow::Result<()> {
    let db = open(cfg).await?;
    let ApiAction::Token { action } = action;
    let result = apply(&db, action).await;
    db.close().await;
    result
}

async fn apply(db: &Db, action: TokenAction) -> anyhow::Result<()> {
    match action {
        TokenAction::Add { username, name } => {
            let u = find(db, &username).await?;
            if u.disabled {
                bail!("账号 {username} 已停用，不能签发令牌");
            }
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 50 {
                bail!("令牌用途应为 1 到 50 个字");
            }
            let issued = api_tokens::issue(db, u.id, name, super::unix_now()?).await?;
            let detail = format!("令牌 #{}（{name}）", issued.id);
            record(db, "api_token_issued", &username, &detail, &u.org_path).await?;
            eprintln!(
                "已为 {username}（{}）签发 API 令牌 #{}（{name}）。令牌只显示这一次，请妥善保存 (shown once):",
                u.role.label(),
                issued.id
            );
            println!("{}", issued.token);
        }
        TokenAction::List { username } => {
            let user_id = match username {
                Some(name) => Some(find(db, &name).await?.id),
                None => None,
            };
            let all = api_tokens::list(db, user_id).await?;
            if all.is_empty() {
                println!("没有 API 令牌 (no tokens)");
            }
            for t in all {
                let state = match t.revoked_at {
                    Some(_) => "已吊销 revoked",
                    None => "有效 active",
                };
                println!("#{:<5} {:<12} {:<16} {state}", t.id, t.username, t.name);
            }
        }
        TokenAction::Revoke { id } => {
            let t = match api_tokens::get(db, id).await {
                Err(StoreError::NotFound) => bail!("没有编号为 {id} 的令牌"),
                other => other?,
            };
            if !api_tokens::revoke(db, id, super::unix_now()?).await? {
                println!("令牌 #{id} 早已吊销");
                return Ok(());
            }
            let u = users::by_id(db, t.user_id).await?;
            let detail = format!("令牌 #{id}（{}）", t.name);
            record(db, "api_token_revoked", &t.username, &detail, &u.org_path).await?;
            println!("已吊销令牌 #{id}；此后的 API 调用立即被拒绝");
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

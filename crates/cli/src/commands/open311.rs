//! `quanke open311 key add|list|revoke`: api keys for Open311 partners, who submit service
//! requests with them. A new key is printed once, alone on standard output (messages go to
//! standard error), so a script can keep it: `key=$(quanke open311 key add 城市大脑)`.
//! Audited as "cli", under the street: a key speaks for all of it.

use super::{open, user::record};
use crate::config::Config;
use anyhow::bail;
use clap::Subcommand;
use quanke_domain::OrgPath;
use quanke_store::open311_keys::{self, NAME_MAX};
use quanke_store::{Db, StoreError, orgs};

#[derive(Subcommand)]
pub enum Open311Action {
    /// API 密钥 / partners' api keys (POST /open311/v2/requests needs one)
    Key {
        #[command(subcommand)]
        action: KeyAction,
    },
}

#[derive(Subcommand)]
pub enum KeyAction {
    /// 发放密钥 / issue a key for partner NAME (printed once)
    Add { name: String },
    /// 列出密钥 / list keys
    List,
    /// 停用密钥 / revoke a key by its number
    Revoke { id: i64 },
}

pub async fn run(cfg: &Config, action: Open311Action) -> anyhow::Result<()> {
    let db = open(cfg).await?;
    let Open311Action::Key { action } = action;
    let result = apply(&db, action).await;
    db.close().await;
    result
}

async fn apply(db: &Db, action: KeyAction) -> anyhow::Result<()> {
    match action {
        KeyAction::Add { name } => {
            let Some(name) = open311_keys::clean_name(&name) else {
                bail!("合作方名称应为 1 到 {NAME_MAX} 个字");
            };
            let issued = open311_keys::issue(db, name, None, super::unix_now()?).await?;
            let detail = format!("密钥 #{}", issued.id);
            record(
                db,
                "open311_key_issued",
                name,
                &detail,
                &street_path(db).await?,
            )
            .await?;
            eprintln!(
                "已为“{name}”发放 Open311 密钥 #{}。密钥只显示这一次，请妥善保存 (shown once):",
                issued.id
            );
            println!("{}", issued.key);
        }
        KeyAction::List => {
            let all = open311_keys::list(db).await?;
            if all.is_empty() {
                println!("没有 Open311 密钥 (no keys)");
            }
            for k in all {
                let state = match k.revoked_at {
                    Some(_) => "已停用 revoked",
                    None => "有效 active",
                };
                println!("#{:<5} {:<20} {state}", k.id, k.name);
            }
        }
        KeyAction::Revoke { id } => {
            let k = match open311_keys::get(db, id).await {
                Err(StoreError::NotFound) => bail!("没有编号为 {id} 的密钥"),
                other => other?,
            };
            if !open311_keys::revoke(db, id, super::unix_now()?).await? {
                println!("密钥 #{id} 早已停用");
                return Ok(());
            }
            let detail = format!("密钥 #{id}");
            record(
                db,
                "open311_key_revoked",
                &k.name,
                &detail,
                &street_path(db).await?,
            )
            .await?;
            println!("已停用密钥 #{id}；此后用它提交的请求一律拒绝");
        }
    }
    Ok(())
}

/// The audit entry's place: the (first) street, whose administrators read it.
async fn street_path(db: &Db) -> anyhow::Result<OrgPath> {
    let streets = orgs::streets(db).await?;
    Ok(streets
        .into_iter()
        .next()
        .map_or_else(OrgPath::whole, |s| s.path))
}

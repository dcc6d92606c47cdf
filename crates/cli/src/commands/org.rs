//! `quanke org add|list`: the org tree from the command line, so that a new deployment can
//! create its street before anyone can sign in. Changes are audited as done by "cli".

use super::{open, user::record};
use crate::config::Config;
use anyhow::bail;
use clap::Subcommand;
use quanke_domain::OrgPath;
use quanke_domain::org::{validate_code, validate_name};
use quanke_store::{Db, StoreError, orgs};

#[derive(Subcommand)]
pub enum OrgAction {
    /// 新建组织 / add a street (no --parent), a community (parent: street) or a grid (parent: community)
    Add {
        code: String,
        name: String,
        /// 上级组织编码 / parent org code
        #[arg(long)]
        parent: Option<String>,
    },
    /// 列出组织架构 / print the org tree
    List,
}

pub async fn run(cfg: &Config, action: OrgAction) -> anyhow::Result<()> {
    let db = open(cfg).await?;
    let result = apply(&db, action).await;
    db.close().await;
    result
}

async fn apply(db: &Db, action: OrgAction) -> anyhow::Result<()> {
    match action {
        OrgAction::Add { code, name, parent } => add(db, &code, &name, parent.as_deref()).await,
        OrgAction::List => list(db).await,
    }
}

async fn add(db: &Db, code: &str, name: &str, parent: Option<&str>) -> anyhow::Result<()> {
    validate_code(code).map_err(anyhow::Error::msg)?;
    validate_name(name).map_err(anyhow::Error::msg)?;
    let now = super::unix_now()?;
    let created = match parent {
        None => orgs::create_street(db, code, name, now).await,
        Some(p) => {
            let parent = match orgs::by_code(db, p).await {
                Err(StoreError::NotFound) => bail!("找不到编码为 {p} 的上级组织"),
                other => other?,
            };
            if parent.kind.child().is_none() {
                bail!("网格下不能再建下级组织");
            }
            orgs::create_child(db, &parent, code, name, now).await
        }
    };
    let org = match created {
        Err(StoreError::Conflict(_)) => bail!("编码 {code} 已被使用"),
        other => other?,
    };
    let detail = format!("{} {}（{}）", org.kind.label(), org.name, org.code);
    record(db, "org_created", &org.code, &detail, &org.path).await?;
    println!("已创建{}", detail);
    Ok(())
}

async fn list(db: &Db) -> anyhow::Result<()> {
    for street in orgs::streets(db).await? {
        let mut nodes = orgs::subtree(db, &street.path).await?;
        nodes.sort_by_key(|o| o.path.ids());
        let base = OrgPath::root(street.id).ids().len();
        for o in nodes {
            let indent = "  ".repeat(o.path.ids().len() - base);
            println!("{indent}{} {}（{}）", o.code, o.name, o.kind.label());
        }
    }
    Ok(())
}

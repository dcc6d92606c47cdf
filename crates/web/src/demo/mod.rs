//! The demo street: 湖墅街道 with three of its real communities, four grids each, and one account
//! of every role; the demo catalogue; and a synthetic residents registry (see
//! `registry::demo` for the people tests can rely on). Later areas add their own demo data here.
//! `quanke demo` also plays a few months of the office's work (`history`); the web tests start
//! from the street without it.

mod grid;
pub mod history;
mod staff;

use anyhow::{Context, bail};
use quanke_app::accounts::{self, AccountError, NewAccount};
use quanke_app::catalogue::transfer;
use quanke_app::clock;
use quanke_domain::Role;
use quanke_domain::catalogue::{CatalogueFile, FORMAT};
use quanke_store::{Db, StoreError, catalogue, orgs};

pub const STREET_CODE: &str = "HS";
/// Every demo account signs in with this password; a demo is not a deployment.
pub const PASSWORD: &str = "quanke2026";

const COMMUNITIES: [(&str, &str); 3] = [
    ("MYQ", "卖鱼桥社区"),
    ("SDN", "双荡弄社区"),
    ("CJXC", "仓基新村社区"),
];
/// The road each grid's demo residents live on, by community code, one per grid in order.
const ROADS: [(&str, &[&str]); 3] = [
    ("MYQ", &["小河路", "湖墅南路", "大兜路", "霞湾巷"]),
    ("SDN", &["双荡弄", "信义巷", "珠儿潭巷", "潮王路"]),
    ("CJXC", &["仓基新村路", "大关路", "长征桥路", "湖州街"]),
];
const GRID_NAMES: [&str; 4] = ["第一网格", "第二网格", "第三网格", "第四网格"];

/// (username, display name, role, org code)
const ACCOUNTS: [(&str, &str, Role, &str); 6] = [
    ("qiantai", "陈晓燕", Role::FrontDesk, "MYQ"),
    ("houtai", "王建国", Role::BackOffice, "MYQ"),
    ("wangge", "李明", Role::GridWorker, "MYQ-01"),
    ("shequ", "张丽华", Role::CommunityHead, "MYQ"),
    ("jiedao", "刘志强", Role::StreetAdmin, STREET_CODE),
    ("admin", "赵敏", Role::SystemAdmin, STREET_CODE),
];

/// The demo catalogue, written by us, one file per group of lines.
const CATALOGUE: [&str; 4] = [
    include_str!("../../demo/catalogue/minzheng.json"),
    include_str!("../../demo/catalogue/shebao.json"),
    include_str!("../../demo/catalogue/hujizongzhi.json"),
    include_str!("../../demo/catalogue/zixun.json"),
];

/// The demo catalogue files merged into one.
pub fn catalogue_file() -> anyhow::Result<CatalogueFile> {
    let mut all = CatalogueFile {
        format: FORMAT.into(),
        policies: Vec::new(),
        items: Vec::new(),
    };
    for text in CATALOGUE {
        let part: CatalogueFile = serde_json::from_str(text).context("demo catalogue")?;
        all.policies.extend(part.policies);
        all.items.extend(part.items);
    }
    Ok(all)
}

/// Loads the demo catalogue when the catalogue is empty.
async fn ensure_catalogue(db: &Db) -> anyhow::Result<()> {
    if !catalogue::latest_versions(db).await?.is_empty() {
        return Ok(());
    }
    let file = catalogue_file()?;
    let problems = transfer::check(&file);
    if let Some(p) = problems.first() {
        bail!("演示办事指南有 {} 处问题，第一处：{p}", problems.len());
    }
    transfer::import(db, &file, "演示数据", clock::now(), false).await?;
    Ok(())
}

pub struct DemoLogin {
    pub username: &'static str,
    pub role: Role,
}

/// Creates the demo street if it is not there yet; returns the accounts to sign in with.
pub async fn ensure(db: &Db) -> anyhow::Result<Vec<DemoLogin>> {
    match orgs::by_code(db, STREET_CODE).await {
        Ok(_) => {}
        Err(StoreError::NotFound) => seed(db).await?,
        Err(e) => return Err(e.into()),
    }
    ensure_catalogue(db).await?;
    let street = orgs::by_code(db, STREET_CODE).await?;
    crate::registry::demo::ensure(db, &street, &ROADS).await?;
    Ok(ACCOUNTS
        .iter()
        .map(|(username, _, role, _)| DemoLogin {
            username,
            role: *role,
        })
        .collect())
}

async fn seed(db: &Db) -> Result<(), AccountError> {
    let now = clock::now();
    let street = orgs::create_street(db, STREET_CODE, "湖墅街道", now).await?;
    for (code, name) in COMMUNITIES {
        let community = orgs::create_child(db, &street, code, name, now).await?;
        for (i, grid) in GRID_NAMES.iter().enumerate() {
            let grid_code = format!("{code}-{:02}", i + 1);
            let grid_name = format!("{}{grid}", name.trim_end_matches("社区"));
            orgs::create_child(db, &community, &grid_code, &grid_name, now).await?;
        }
    }
    for (username, name, role, org_code) in ACCOUNTS {
        let org = orgs::by_code(db, org_code).await?;
        let account = NewAccount {
            username,
            display_name: name,
            role,
            org: &org,
            password: Some(PASSWORD),
        };
        accounts::create(db, &account).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_catalogue_is_valid_and_large_enough() {
        let file = super::catalogue_file().unwrap();
        let problems = quanke_app::catalogue::transfer::check(&file);
        assert!(problems.is_empty(), "{}", problems[0]);
        assert!(file.items.len() >= 120, "{} items", file.items.len());
        let lines: std::collections::BTreeSet<&str> =
            file.items.iter().map(|e| e.item.line.as_str()).collect();
        assert_eq!(lines.len(), 12, "{lines:?}");
    }
}

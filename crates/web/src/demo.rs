//! The demo street: 湖墅街道 with three of its real communities, four grids each, and one account
//! of every role. Later areas add their own demo data here.

use crate::accounts::{self, AccountError, NewAccount};
use crate::clock;
use quanke_domain::Role;
use quanke_store::{Db, StoreError, orgs};

pub const STREET_CODE: &str = "HS";
/// Every demo account signs in with this password; a demo is not a deployment.
pub const PASSWORD: &str = "quanke2026";

const COMMUNITIES: [(&str, &str); 3] = [
    ("MYQ", "卖鱼桥社区"),
    ("SDN", "双荡弄社区"),
    ("CJXC", "仓基新村社区"),
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

pub struct DemoLogin {
    pub username: &'static str,
    pub role: Role,
}

/// Creates the demo street if it is not there yet; returns the accounts to sign in with.
pub async fn ensure(db: &Db) -> Result<Vec<DemoLogin>, AccountError> {
    match orgs::by_code(db, STREET_CODE).await {
        Ok(_) => {}
        Err(StoreError::NotFound) => seed(db).await?,
        Err(e) => return Err(e.into()),
    }
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

//! The rest of the demo street's staff: the colleagues of the demo logins who did the work the
//! demo history shows. They have no published password (a temporary one is set and never
//! shown), so the demo's sign-in list stays the six accounts of `ACCOUNTS`.

use quanke_app::accounts::{self, NewAccount};
use quanke_domain::Role;
use quanke_store::{Db, StoreError, orgs, users};

/// (username, display name, role, org code)
const STAFF: [(&str, &str, Role, &str); 9] = [
    ("myq_houtai2", "周红梅", Role::BackOffice, "MYQ"),
    ("sdn_qiantai", "吴婷", Role::FrontDesk, "SDN"),
    ("sdn_houtai", "郑伟", Role::BackOffice, "SDN"),
    ("sdn_shequ", "孙建华", Role::CommunityHead, "SDN"),
    ("sdn_wangge", "黄磊", Role::GridWorker, "SDN-01"),
    ("cjxc_qiantai", "徐静", Role::FrontDesk, "CJXC"),
    ("cjxc_houtai", "何志刚", Role::BackOffice, "CJXC"),
    ("cjxc_shequ", "马永红", Role::CommunityHead, "CJXC"),
    ("cjxc_wangge", "高芳", Role::GridWorker, "CJXC-01"),
];

/// Creates the accounts that are not there yet.
pub async fn ensure(db: &Db) -> anyhow::Result<()> {
    for (username, name, role, org_code) in STAFF {
        match users::by_username(db, username).await {
            Ok(_) => continue,
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
        let org = orgs::by_code(db, org_code).await?;
        let account = NewAccount {
            username,
            display_name: name,
            role,
            org: &org,
            password: None,
        };
        accounts::create(db, &account).await?;
    }
    Ok(())
}

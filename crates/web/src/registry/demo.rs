//! The demo registry: synthetic residents and businesses (`quanke_synth`, a fixed seed, so the
//! same people every time) in every grid of the demo communities.
//!
//! Each grid gets its own road and `PER_GRID` residents, household by household. The first
//! resident generated is the head (户主) of household H00000001 in 卖鱼桥第一网格 (MYQ-01, the
//! demo grid worker's grid) and has the lowest id there; tests start from them.

use quanke_app::clock;
use quanke_domain::OrgKind;
use quanke_import::synthetic_resident;
use quanke_store::orgs::{self, Org};
use quanke_store::registry::{
    ImportContext, ImportMsg, NewBusiness, NewResident, counts, import_residents, register_business,
};
use quanke_store::{Db, StoreError};
use quanke_synth::{Community, Generator};
use tokio::sync::mpsc;

const SEED: u64 = 2026;
/// Enough people to search and page through, few enough that the demo (and every web test,
/// which starts from it) starts at once.
const PER_GRID: usize = 60;
const BUSINESSES_PER_GRID: usize = 5;

/// Seeds the registry of `street` unless it already has people. `roads` gives, per community
/// code, one road for each of its grids in code order.
pub async fn ensure(db: &Db, street: &Org, roads: &[(&str, &[&str])]) -> Result<(), StoreError> {
    if !counts::by_status(db, &street.path).await?.is_empty() {
        return Ok(());
    }
    let mut generator = Generator::new(SEED);
    let tree = orgs::subtree(db, &street.path).await?;
    for (code, roads) in roads {
        let Some(community) = tree.iter().find(|o| o.code == *code) else {
            continue;
        };
        let mut grids: Vec<&Org> = tree
            .iter()
            .filter(|o| o.kind == OrgKind::Grid && o.parent_id == Some(community.id))
            .collect();
        grids.sort_by(|a, b| a.code.cmp(&b.code));
        let mut people = Vec::new();
        for (grid, road) in grids.into_iter().zip(roads.iter()) {
            let place = synth_place(street, community, grid, road);
            people.extend(
                generator
                    .residents(&place)
                    .take(PER_GRID)
                    .map(|r| synthetic_resident(&r, grid.path.as_str(), community.path.as_str())),
            );
            for b in generator.businesses_in(&place, BUSINESSES_PER_GRID) {
                let business = NewBusiness {
                    credit_code: &b.credit_code,
                    name: &b.name,
                    kind: b.kind.label(),
                    address: &b.address,
                    contact_name: &b.contact_name,
                    contact_phone: &b.contact_phone,
                    fire_category: b.fire_safety.label(),
                    org_path: grid.path.as_str(),
                };
                register_business(db, &business, &grid.path, clock::now()).await?;
            }
        }
        write(db, people).await?;
    }
    Ok(())
}

/// One grid as the generator sees a community: its own road, so addresses never collide.
fn synth_place(street: &Org, community: &Org, grid: &Org, road: &str) -> Community {
    Community {
        district_code: "330105".into(),
        district: "拱墅区".into(),
        street: street.name.clone(),
        name: community.name.clone(),
        roads: vec![road.to_string()],
        grids: vec![grid.name.clone()],
    }
}

async fn write(db: &Db, people: Vec<NewResident>) -> Result<(), StoreError> {
    let (tx, rx) = mpsc::channel(2);
    // Both messages fit the channel, so sending before the writer runs cannot block.
    let sent =
        tx.send(ImportMsg::Rows(people)).await.is_ok() && tx.send(ImportMsg::Commit).await.is_ok();
    drop(tx);
    let ctx = ImportContext {
        actor: "演示数据".into(),
        source: "演示数据".into(),
        now: clock::now(),
        today: clock::today(),
        area: quanke_domain::OrgPath::from_stored("/".into()),
        atomic: true,
        run: None,
    };
    let counts = import_residents(db, rx, &ctx).await?;
    if !sent || !counts.committed {
        return Err(StoreError::Conflict("demo registry not committed".into()));
    }
    Ok(())
}

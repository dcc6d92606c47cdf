//! Shared by the registry benchmarks: the synthetic street (ten communities of four grids), how
//! it is written into a database, and the sample of people the searches look for.

use anyhow::{Context, Result};
use quanke_import::synthetic_resident;
use quanke_store::registry::{ImportContext, ImportMsg, import_residents};
use quanke_store::{Db, orgs};
use quanke_synth::{Community, Generator};
use std::path::PathBuf;
use tokio::sync::mpsc;

pub const STREET_CODE: &str = "HS";
const NOW: i64 = 1_795_824_000;

/// Community names and their roads; every community has grids 第1网格 to 第4网格.
pub const COMMUNITIES: [(&str, [&str; 3]); 10] = [
    ("卖鱼桥社区", ["小河路", "湖墅南路", "大兜路"]),
    ("大兜路社区", ["大兜路", "香积寺路", "小河路"]),
    ("小河路社区", ["小河路", "长征桥路", "登云路"]),
    ("德胜新村社区", ["德胜路", "上塘路", "东新路"]),
    ("左家新村社区", ["左家新村路", "湖墅北路", "米市巷"]),
    ("珠儿潭社区", ["珠儿潭巷", "湖墅南路", "文晖路"]),
    ("和睦新村社区", ["和睦路", "莫干山路", "大关路"]),
    ("信义坊社区", ["信义巷", "湖墅南路", "卖鱼桥路"]),
    ("霞湾巷社区", ["霞湾巷", "湖墅北路", "夹城巷"]),
    ("湖墅新村社区", ["湖墅新村路", "密渡桥路", "武林路"]),
];
pub const GRIDS: usize = 4;

pub fn communities() -> Vec<Community> {
    let grids: Vec<String> = (1..=GRIDS).map(|n| format!("第{n}网格")).collect();
    COMMUNITIES
        .iter()
        .map(|(name, roads)| Community {
            district_code: "330105".into(),
            district: "拱墅区".into(),
            street: "湖墅街道".into(),
            name: (*name).into(),
            roads: roads.iter().map(|r| r.to_string()).collect(),
            grids: grids.clone(),
        })
        .collect()
}

pub fn community_code(c: usize) -> String {
    format!("C{:02}", c + 1)
}

pub fn grid_code(c: usize, g: usize) -> String {
    format!("C{:02}-{:02}", c + 1, g + 1)
}

/// Someone to look for, in the forms the searches take.
#[derive(Debug, Clone)]
pub struct Person {
    pub id_number: String,
    pub name: String,
    pub initials: String,
    pub phone: String,
    /// "12幢2单元302室" on its road: what a worker types from a door plate.
    pub address_fragment: String,
}

pub struct Sample {
    pub residents: u64,
    pub people: Vec<Person>,
}

/// Where the sample of a database is kept: beside a SQLite file, in /tmp for PostgreSQL.
pub fn sample_path(url: &str) -> PathBuf {
    match url.strip_prefix("sqlite:") {
        Some(path) => PathBuf::from(format!("{path}.sample.tsv")),
        None => {
            let name = url.rsplit('/').next().unwrap_or("pg");
            PathBuf::from(format!("/tmp/{name}.sample.tsv"))
        }
    }
}

impl Sample {
    pub fn load(path: &std::path::Path) -> Result<Option<Sample>> {
        let Ok(text) = std::fs::read_to_string(path) else {
            return Ok(None);
        };
        let mut lines = text.lines();
        let residents = lines.next().context("empty sample")?.parse()?;
        let people = lines
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                Some(Person {
                    id_number: f.first()?.to_string(),
                    name: f.get(1)?.to_string(),
                    initials: f.get(2)?.to_string(),
                    phone: f.get(3)?.to_string(),
                    address_fragment: f.get(4)?.to_string(),
                })
            })
            .collect();
        Ok(Some(Sample { residents, people }))
    }

    pub fn save(&self, path: &std::path::Path) -> Result<()> {
        let mut out = format!("{}\n", self.residents);
        for p in &self.people {
            out.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\n",
                p.id_number, p.name, p.initials, p.phone, p.address_fragment
            ));
        }
        std::fs::write(path, out)?;
        Ok(())
    }
}

/// Creates the street's org tree and writes `residents` people spread over its communities;
/// returns a sample of about 5,000 of them spread over the whole set.
pub async fn populate(db: &Db, residents: u64) -> Result<Sample> {
    let street = orgs::create_street(db, STREET_CODE, "湖墅街道", NOW).await?;
    let every = (residents / 5_000).max(1);
    let mut people = Vec::new();
    let mut generator = Generator::new(7);
    let per_community = residents / COMMUNITIES.len() as u64;
    for (c, community) in communities().iter().enumerate() {
        let org = orgs::create_child(db, &street, &community_code(c), &community.name, NOW).await?;
        let mut grid_paths = Vec::new();
        for g in 0..GRIDS {
            let grid =
                orgs::create_child(db, &org, &grid_code(c, g), &community.grids[g], NOW).await?;
            grid_paths.push((community.grids[g].clone(), grid.path.as_str().to_string()));
        }
        let (tx, rx) = mpsc::channel(4);
        let ctx = ImportContext {
            actor: "bench".into(),
            source: "合成数据".into(),
            now: NOW,
            today: "2026-11-28".into(),
            area: quanke_domain::OrgPath::from_stored("/".into()),
            atomic: false,
            run: None,
        };
        let community_path = org.path.as_str().to_string();
        let writer = import_residents(db, rx, &ctx);
        let take = per_community as usize;
        let mut seen = 0u64;
        let mut sampled = Vec::new();
        let producer = async {
            let mut batch = Vec::with_capacity(2_000);
            for r in generator.residents(community).take(take) {
                let grid = &grid_paths
                    .iter()
                    .find(|(n, _)| *n == r.dwelling.grid)
                    .expect("grid")
                    .1;
                if seen.is_multiple_of(every) {
                    sampled.push(person(&r));
                }
                seen += 1;
                batch.push(synthetic_resident(&r, grid, &community_path));
                if batch.len() == 2_000 {
                    tx.send(ImportMsg::Rows(std::mem::take(&mut batch)))
                        .await
                        .ok();
                }
            }
            tx.send(ImportMsg::Rows(batch)).await.ok();
            tx.send(ImportMsg::Commit).await.ok();
        };
        let (written, ()) = tokio::join!(writer, producer);
        written?;
        people.extend(sampled);
    }
    Ok(Sample { residents, people })
}

fn person(r: &quanke_synth::Resident) -> Person {
    let d = &r.dwelling;
    Person {
        id_number: r.person.id_number.clone(),
        name: r.person.name.clone(),
        initials: quanke_domain::registry::name_initials(&r.person.name),
        phone: r.person.phone.clone().unwrap_or_default(),
        address_fragment: format!("{}{}{}{}", d.road, d.building, d.unit, d.room),
    }
}

//! The catalogue as it stands today, held in memory: the items in force, their version ids and
//! the search index. Rebuilt from the database when something is published and when the date
//! changes (a version may come into force at midnight); the database stays the source of truth.

use anyhow::Context;
use quanke_app::catalogue::{Catalogue, Current, InForce, Loading};
use quanke_app::clock;
use quanke_domain::catalogue::{Policy, ServiceItem};
use quanke_search::SearchIndex;
use quanke_store::Db;
use quanke_store::catalogue as store;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

pub struct Snapshot {
    /// The Beijing date this snapshot is valid for.
    pub date: String,
    /// Items in force, ordered by code.
    pub items: Vec<Current>,
    by_code: HashMap<String, usize>,
    pub policies: Vec<Policy>,
    pub index: SearchIndex,
}

impl Snapshot {
    pub fn get(&self, code: &str) -> Option<&Current> {
        self.by_code.get(code).map(|&i| &self.items[i])
    }

    /// The lines in use, in a stable order, with their items.
    pub fn by_line(&self) -> Vec<(&str, Vec<&Current>)> {
        let mut lines: Vec<(&str, Vec<&Current>)> = Vec::new();
        for c in &self.items {
            match lines.iter_mut().find(|(l, _)| *l == c.item.line) {
                Some((_, v)) => v.push(c),
                None => lines.push((&c.item.line, vec![c])),
            }
        }
        lines.sort_by_key(|(l, _)| line_order(l));
        lines
    }
}

impl InForce for Snapshot {
    fn get(&self, code: &str) -> Option<&Current> {
        Snapshot::get(self, code)
    }
}

/// The services read the items in force from the same snapshot the pages do.
impl Catalogue for CatalogueCache {
    fn in_force<'a>(&'a self, db: &'a Db) -> Loading<'a> {
        Box::pin(async move {
            let snap: Arc<dyn InForce> = self.get(db).await?;
            Ok(snap)
        })
    }
}

/// The order lines are shown in: the order residents most often need them.
const LINES: [&str; 11] = [
    "民政",
    "社保/就业",
    "医保",
    "卫健/计生",
    "残联",
    "户籍/居住证",
    "退役军人",
    "住房",
    "教育",
    "文化",
    "综治/平安",
];

fn line_order(line: &str) -> (usize, String) {
    let pos = LINES.iter().position(|l| *l == line).unwrap_or(LINES.len());
    (pos, line.to_string())
}

async fn load(db: &Db, date: String) -> anyhow::Result<Snapshot> {
    let mut items = Vec::new();
    for v in store::current_versions(db, &date).await? {
        let item: ServiceItem = serde_json::from_str(&v.body)
            .with_context(|| format!("stored item {} v{}", v.item_code, v.version))?;
        items.push(Current {
            public: item.public_view(),
            item,
            version_id: v.id,
            version: v.version,
            effective_from: v.effective_from,
        });
    }
    let by_code = items
        .iter()
        .enumerate()
        .map(|(i, c)| (c.item.code.clone(), i))
        .collect();
    let policies = quanke_app::catalogue::transfer::stored_policies(db).await?;
    let index = build_index(&items, &policies).await?;
    Ok(Snapshot {
        date,
        items,
        by_code,
        policies,
        index,
    })
}

/// Indexing is CPU work; it runs off the async threads. The index holds only what the public
/// may read, because the portal and the public API search it: a staff-only text must neither
/// make an item match nor be quoted in the reasons it matched.
async fn build_index(items: &[Current], policies: &[Policy]) -> anyhow::Result<SearchIndex> {
    let items: Vec<ServiceItem> = items
        .iter()
        .map(|c| c.public.clone().into_inner())
        .collect();
    let policies = policies.to_vec();
    let index = tokio::task::spawn_blocking(move || SearchIndex::build(&items, &policies))
        .await
        .context("indexing task")??;
    Ok(index)
}

/// Shared by all requests; cheap to read, rebuilt rarely.
#[derive(Default)]
pub struct CatalogueCache {
    current: RwLock<Option<Arc<Snapshot>>>,
    /// Held while one request rebuilds, so that a burst of requests after a publication builds
    /// the index once instead of once per request.
    rebuilding: tokio::sync::Mutex<()>,
}

impl CatalogueCache {
    /// Today's snapshot, loading it when missing or stale.
    pub async fn get(&self, db: &Db) -> anyhow::Result<Arc<Snapshot>> {
        let today = clock::today();
        if let Some(s) = self.fresh(&today) {
            return Ok(s);
        }
        let _only_one = self.rebuilding.lock().await;
        if let Some(s) = self.fresh(&today) {
            return Ok(s);
        }
        let fresh = Arc::new(load(db, today).await?);
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(fresh.clone());
        Ok(fresh)
    }

    /// Drops the snapshot after a publication, so the next reader sees the change.
    pub fn invalidate(&self) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = None;
    }

    fn fresh(&self, today: &str) -> Option<Arc<Snapshot>> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .filter(|s| s.date == today)
    }
}

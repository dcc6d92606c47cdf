//! Loading catalogue files (`quanke-catalogue/1`) the way the demo ships them.

use anyhow::{Context, Result};
use quanke_domain::catalogue::{CatalogueFile, Policy, ServiceItem};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The items (latest version of each code) and policies (one per number) of several files.
#[derive(Debug, Default)]
pub struct Catalogue {
    pub items: Vec<ServiceItem>,
    pub policies: Vec<Policy>,
}

impl Catalogue {
    /// Reads every file; a code or policy number met twice keeps its latest version.
    pub fn load(paths: &[PathBuf]) -> Result<Catalogue> {
        let mut items: BTreeMap<String, (String, ServiceItem)> = BTreeMap::new();
        let mut policies: BTreeMap<String, Policy> = BTreeMap::new();
        for path in paths {
            let file = read(path)?;
            for entry in file.items {
                let newer = items
                    .get(&entry.item.code)
                    .is_none_or(|(from, _)| *from <= entry.effective_from);
                if newer {
                    items.insert(entry.item.code.clone(), (entry.effective_from, entry.item));
                }
            }
            for policy in file.policies {
                policies.insert(policy.number.clone(), policy);
            }
        }
        Ok(Catalogue {
            items: items.into_values().map(|(_, item)| item).collect(),
            policies: policies.into_values().collect(),
        })
    }

    /// Every `*.json` file of a directory, in name order.
    pub fn load_dir(dir: &Path) -> Result<Catalogue> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .with_context(|| format!("reading {}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        Catalogue::load(&paths)
    }
}

fn read(path: &Path) -> Result<CatalogueFile> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// The demo catalogue shipped with the web crate.
pub fn demo_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/web/demo/catalogue")
}

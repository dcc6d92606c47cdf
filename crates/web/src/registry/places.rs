//! Org names for org paths: people are stored with the path of their grid (or community), and
//! pages name the place instead.

use quanke_domain::{OrgKind, OrgPath};
use quanke_store::orgs::{self, Org};
use quanke_store::{Db, Result};
use std::collections::HashMap;

pub struct Places {
    by_path: HashMap<String, Org>,
}

impl Places {
    /// Every org in the subtree of `root`.
    pub async fn within(db: &Db, root: &OrgPath) -> Result<Places> {
        let by_path = orgs::subtree(db, root)
            .await?
            .into_iter()
            .map(|o| (o.path.as_str().to_string(), o))
            .collect();
        Ok(Places { by_path })
    }

    /// The whole tree `path` belongs to: a person's history may name a grid outside the
    /// viewer's subtree (where they lived before), and org names are not personal data.
    pub async fn tree_of(db: &Db, path: &OrgPath) -> Result<Places> {
        match path.ids().first() {
            Some(root) => Places::within(db, &OrgPath::root(*root)).await,
            None => Ok(Places {
                by_path: HashMap::new(),
            }),
        }
    }

    /// The org's name, or the path itself when the org is unknown.
    pub fn name(&self, path: &str) -> String {
        self.by_path
            .get(path)
            .map_or_else(|| path.to_string(), |o| o.name.clone())
    }

    /// Every org, parents before their children.
    pub fn in_tree_order(&self) -> Vec<&Org> {
        let mut all: Vec<&Org> = self.by_path.values().collect();
        all.sort_by_key(|o| o.path.ids());
        all
    }

    pub fn communities(&self) -> Vec<&Org> {
        self.in_tree_order()
            .into_iter()
            .filter(|o| o.kind == OrgKind::Community)
            .collect()
    }
}

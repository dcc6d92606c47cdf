//! The organisations as the services read them on every intake and document: held in memory.
//! An org's id, kind, code, parent and path never change once it is created, and nothing
//! deletes one; only its name does (`quanke_store::orgs::rename`). So a copy read once stays
//! right until a rename, which forgets every copy here and is announced to the other server
//! processes on the database (`Topic::Orgs`), whose listeners forget theirs.

use quanke_store::orgs::{self, Org};
use quanke_store::{Db, Result};
use std::collections::HashMap;
use std::sync::RwLock;

#[derive(Default)]
pub struct Directory {
    known: RwLock<Known>,
}

#[derive(Default)]
struct Known {
    orgs: HashMap<i64, Org>,
    /// Counts the forgets, so that a read begun before one is not kept after it.
    generation: u64,
}

impl Directory {
    /// The org with this id (`NotFound` when there is none, which is not remembered).
    pub async fn get(&self, db: &Db, id: i64) -> Result<Org> {
        let generation = {
            let known = self.known.read().expect("org directory lock");
            if let Some(org) = known.orgs.get(&id) {
                return Ok(org.clone());
            }
            known.generation
        };
        let org = orgs::get(db, id).await?;
        let mut known = self.known.write().expect("org directory lock");
        if known.generation == generation {
            known.orgs.insert(id, org.clone());
        }
        Ok(org)
    }

    /// After a rename, here or in another process: the next reads go to the database.
    pub fn forget(&self) {
        let mut known = self.known.write().expect("org directory lock");
        known.orgs.clear();
        known.generation += 1;
    }
}

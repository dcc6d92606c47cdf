//! The working-day calendar in force: the shipped one (`data/holidays.txt`) until an admin
//! saves an edited text, then the newest saved text. Held in memory; reloaded after a save.

use quanke_domain::calendar::WorkCalendar;
use quanke_store::{Db, calendar};
use std::sync::{Arc, RwLock};

#[derive(Default)]
pub struct CalendarCache {
    current: RwLock<Option<Arc<WorkCalendar>>>,
}

impl CalendarCache {
    pub async fn get(&self, db: &Db) -> anyhow::Result<Arc<WorkCalendar>> {
        if let Some(c) = self.current.read().expect("calendar lock").clone() {
            return Ok(c);
        }
        let loaded = Arc::new(load(db).await?);
        *self.current.write().expect("calendar lock") = Some(loaded.clone());
        Ok(loaded)
    }

    /// Forget the cached calendar (after an admin saved a new text).
    pub fn invalidate(&self) {
        *self.current.write().expect("calendar lock") = None;
    }
}

async fn load(db: &Db) -> anyhow::Result<WorkCalendar> {
    match calendar::current(db).await? {
        // Saved texts were parsed before they were saved, so a failure here means the
        // database was edited by hand: say so rather than silently using the shipped days.
        Some(v) => WorkCalendar::parse(&v.body)
            .map_err(|e| anyhow::anyhow!("saved calendar {} does not parse: {e}", v.id)),
        None => Ok(WorkCalendar::default_china()),
    }
}

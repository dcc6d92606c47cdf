//! Who acts on a case: a signed-in worker, or the system for a resident's own online
//! application or a partner's Open311 request (no role, no account).

use crate::clock;
use quanke_domain::calendar::Day;
use quanke_domain::{OrgPath, Permission, Role};
use quanke_store::cases::Actor;

#[derive(Debug, Clone)]
pub struct Worker {
    pub id: Option<i64>,
    pub name: String,
    pub role: Option<Role>,
    pub org: OrgPath,
    pub now: i64,
    pub today: Day,
}

impl Worker {
    /// A signed-in member of staff acting now.
    pub fn staff(id: i64, name: &str, role: Role, org: OrgPath) -> Worker {
        let now = clock::now();
        Worker {
            id: Some(id),
            name: name.into(),
            role: Some(role),
            org,
            now,
            today: clock::day(now),
        }
    }

    /// The system acting for a resident or partner (`name` says who, e.g. "居民网上申请").
    pub fn system(name: &str, org: OrgPath) -> Worker {
        let now = clock::now();
        Worker {
            id: None,
            name: name.into(),
            role: None,
            org,
            now,
            today: clock::day(now),
        }
    }

    /// The same worker acting at `t` (the demo's history plays each step at its own time).
    pub fn at(self, t: i64) -> Worker {
        Worker {
            now: t,
            today: clock::day(t),
            ..self
        }
    }

    pub fn actor(&self) -> Actor<'_> {
        Actor {
            id: self.id,
            name: &self.name,
            now: self.now,
            today: self.today,
        }
    }

    /// Whether the worker's role grants `p` (a system actor has no role and is granted nothing).
    pub fn can(&self, p: Permission) -> bool {
        self.role.is_some_and(|r| p.granted_to(r))
    }

    /// A case is the worker's business when it lies in their subtree, or when they work
    /// inside its community (a grid worker delivering a result at home).
    pub fn sees(&self, community: &OrgPath) -> bool {
        self.case_scope().contains(community)
    }

    /// The subtree whose cases the worker sees (`sees`), for reads that filter in the
    /// database: their community when they work in a grid, their own org otherwise.
    pub fn case_scope(&self) -> OrgPath {
        self.org.community().unwrap_or_else(|| self.org.clone())
    }
}

//! Routing: an accepted case goes to a back-office worker of its community who handles the
//! item's line, the least loaded first; with nobody of that line, any back-office worker of the
//! community; with nobody at all, it waits unassigned for the head to give it out.
//!
//! The load (open cases per worker) is a balancing hint, not a rule, so it is not counted from
//! the database for every case: counting grows with the open cases and was most of the cost of
//! an intake. Each community's counts are read at most once a minute and, in between, kept in
//! step with the assignments this server makes.

use super::refusal::CaseResult;
use super::worker::Worker;
use crate::server::Shared;
use quanke_domain::OrgPath;
use quanke_store::cases::{self, Case};
use quanke_store::{Db, users};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long counted loads are trusted before they are read again.
const RECOUNT_AFTER: Duration = Duration::from_secs(60);

/// A worker routing could pick: id, open cases, whether they handle the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub id: i64,
    pub load: i64,
    pub handles_line: bool,
}

/// Workers of the line first, then the least loaded, then the lowest id (stable choice).
pub fn pick(candidates: &[Candidate]) -> Option<Candidate> {
    candidates
        .iter()
        .copied()
        .min_by_key(|c| (!c.handles_line, c.load, c.id))
}

/// Who gets a case, and the timeline note that says why.
pub struct Choice {
    pub assignee: Option<i64>,
    pub note: String,
}

/// Open cases per worker of one community, and when they were counted.
type Counted = (Instant, HashMap<i64, i64>);

/// Open cases per worker, per community, as last counted plus this server's assignments.
#[derive(Default)]
pub struct Loads {
    by_community: Mutex<HashMap<String, Counted>>,
}

impl Loads {
    async fn of(&self, db: &Db, community: &str) -> CaseResult<HashMap<i64, i64>> {
        if let Some((at, loads)) = self.by_community.lock().expect("loads lock").get(community)
            && at.elapsed() < RECOUNT_AFTER
        {
            return Ok(loads.clone());
        }
        let counted: HashMap<i64, i64> =
            cases::open_load(db, community).await?.into_iter().collect();
        self.by_community
            .lock()
            .expect("loads lock")
            .insert(community.to_string(), (Instant::now(), counted.clone()));
        Ok(counted)
    }

    fn add(&self, community: &str, worker: i64) {
        if let Some((_, loads)) = self
            .by_community
            .lock()
            .expect("loads lock")
            .get_mut(community)
        {
            *loads.entry(worker).or_insert(0) += 1;
        }
    }
}

/// The worker a case of `line` in `community` goes to by the rule above.
pub async fn choose(st: &Shared, community: &str, line: &str) -> CaseResult<Choice> {
    let path = OrgPath::from_stored(community.to_string());
    let staff = users::back_office_with_lines(&st.db, &path).await?;
    let load = st.loads.of(&st.db, community).await?;
    let mut candidates: Vec<Candidate> = Vec::new();
    for (id, _, handled) in &staff {
        let handles = handled.as_deref() == Some(line);
        match candidates.iter_mut().find(|c| c.id == *id) {
            Some(c) => c.handles_line |= handles,
            None => candidates.push(Candidate {
                id: *id,
                load: load.get(id).copied().unwrap_or(0),
                handles_line: handles,
            }),
        }
    }
    let Some(chosen) = pick(&candidates) else {
        return Ok(Choice {
            assignee: None,
            note: "社区暂无后台工作人员，等待社区负责人分派".into(),
        });
    };
    st.loads.add(community, chosen.id);
    let name = staff
        .iter()
        .find(|(id, _, _)| *id == chosen.id)
        .map_or("", |(_, name, _)| name.as_str());
    let note = if chosen.handles_line {
        format!(
            "自动分派给{name}（负责{line}条线，在办 {} 件）",
            chosen.load
        )
    } else {
        format!(
            "自动分派给{name}（无专办{line}条线的人员，在办 {} 件）",
            chosen.load
        )
    };
    Ok(Choice {
        assignee: Some(chosen.id),
        note,
    })
}

/// Assigns an existing case by the rule above and records why; returns the worker chosen.
pub async fn route(st: &Shared, case: &Case, by: &Worker) -> CaseResult<Option<i64>> {
    let choice = choose(st, &case.community_path, &case.line).await?;
    match choice.assignee {
        Some(id) => cases::assign(&st.db, case.id, Some(id), &choice.note, &by.actor()).await?,
        None => {
            cases::note(&st.db, case.id, "unassigned", &choice.note, &by.actor()).await?;
        }
    }
    Ok(choice.assignee)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: i64, load: i64, handles_line: bool) -> Candidate {
        Candidate {
            id,
            load,
            handles_line,
        }
    }

    #[test]
    fn the_line_comes_first_then_the_load() {
        let all = [c(1, 0, false), c(2, 5, true), c(3, 2, true)];
        assert_eq!(pick(&all).map(|c| c.id), Some(3));
        let nobody_of_the_line = [c(4, 3, false), c(5, 1, false)];
        assert_eq!(pick(&nobody_of_the_line).map(|c| c.id), Some(5));
        let tie = [c(7, 1, true), c(6, 1, true)];
        assert_eq!(pick(&tie).map(|c| c.id), Some(6));
        assert_eq!(pick(&[]), None);
    }
}

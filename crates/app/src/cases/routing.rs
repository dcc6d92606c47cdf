//! Routing: an accepted case goes to a back-office worker of its community who handles the
//! item's line, the least loaded first; with nobody of that line, any back-office worker of the
//! community; with nobody at all, it waits unassigned for the head to give it out.
//!
//! The load is the worker's open cases as the database keeps them (`worker_loads`, moved by
//! triggers on every change of a case), so every server process on the database balances on
//! the same true figure and no request counts cases. Read with the community's staff, in one
//! query per routing.

use super::Cases;
use super::refusal::CaseResult;
use super::worker::Worker;
use quanke_domain::OrgPath;
use quanke_store::cases::{self, Case};
use quanke_store::users;
use std::collections::HashMap;
use std::sync::Mutex;

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

/// Who gets a case, and the timeline note that says why. Holds the assignment in this
/// server's count of cases not yet written until it is dropped: keep it until the case is.
pub struct Choice<'a> {
    pub assignee: Option<i64>,
    pub note: String,
    _held: Option<Held<'a>>,
}

/// Assignments this server has chosen whose cases are not written yet. The database's load
/// holds a case only once its batch commits; without these, a burst of intakes written in one
/// batch would all go to the worker who was least loaded when the burst began.
#[derive(Default)]
pub struct InFlight {
    by_worker: Mutex<HashMap<i64, i64>>,
}

impl InFlight {
    fn of(&self, worker: i64) -> i64 {
        let held = self.by_worker.lock().expect("in-flight lock");
        held.get(&worker).copied().unwrap_or(0)
    }

    fn hold(&self, worker: i64) -> Held<'_> {
        *self
            .by_worker
            .lock()
            .expect("in-flight lock")
            .entry(worker)
            .or_insert(0) += 1;
        Held {
            flight: self,
            worker,
        }
    }
}

/// One assignment counted in `InFlight` until dropped.
struct Held<'a> {
    flight: &'a InFlight,
    worker: i64,
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        let mut held = self.flight.by_worker.lock().expect("in-flight lock");
        if let Some(n) = held.get_mut(&self.worker) {
            *n -= 1;
            if *n <= 0 {
                held.remove(&self.worker);
            }
        }
    }
}

/// The worker a case of `line` in `community` goes to by the rule above.
pub async fn choose<'a>(st: &Cases<'a>, community: &str, line: &str) -> CaseResult<Choice<'a>> {
    let path = OrgPath::from_stored(community.to_string());
    let staff = users::routable(st.db, &path).await?;
    let mut candidates: Vec<Candidate> = Vec::new();
    for worker in &staff {
        let handles = worker.line.as_deref() == Some(line);
        match candidates.iter_mut().find(|c| c.id == worker.id) {
            Some(c) => c.handles_line |= handles,
            None => candidates.push(Candidate {
                id: worker.id,
                load: worker.load + st.in_flight.of(worker.id),
                handles_line: handles,
            }),
        }
    }
    let Some(chosen) = pick(&candidates) else {
        return Ok(Choice {
            assignee: None,
            note: "社区暂无后台工作人员，等待社区负责人分派".into(),
            _held: None,
        });
    };
    let name = staff
        .iter()
        .find(|w| w.id == chosen.id)
        .map_or("", |w| w.name.as_str());
    let why = if chosen.handles_line {
        format!("负责{line}条线")
    } else {
        format!("无专办{line}条线的人员")
    };
    Ok(Choice {
        assignee: Some(chosen.id),
        note: format!("自动分派给{name}（{why}，在办 {} 件）", chosen.load),
        _held: Some(st.in_flight.hold(chosen.id)),
    })
}

/// Assigns an existing case by the rule above and records why; returns the worker chosen.
pub async fn route(st: &Cases<'_>, case: &Case, by: &Worker) -> CaseResult<Option<i64>> {
    let choice = choose(st, &case.community_path, &case.line).await?;
    match choice.assignee {
        Some(id) => cases::assign(st.db, case.id, Some(id), &choice.note, &by.actor()).await?,
        None => {
            cases::note(st.db, case.id, "unassigned", &choice.note, &by.actor()).await?;
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

//! Routing: an accepted case goes to a back-office worker of its community who handles the
//! item's line, the least loaded first; with nobody of that line, any back-office worker of the
//! community; with nobody at all, it waits unassigned for the head to give it out.
//!
//! The load is the worker's open cases as the database keeps them (`worker_loads`, moved by
//! triggers on every change of a case), so every server process on the database balances on
//! the same true figure and no request counts cases. A new case is routed by the case writer,
//! in the transaction that writes it (`assign` is the rule it applies); an existing case (one
//! sent back or transferred in) by `route`, with one query for the community's staff.

use super::Cases;
use super::refusal::CaseResult;
use super::worker::Worker;
use quanke_store::cases::{self, Assignment, Case};
use quanke_store::users::{self, Routable};

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

/// The rule as the case writer applies it to a community's staff (`users::routable` rows, one
/// per line a worker handles, with their load) for a case of `line`: who gets it, and the
/// timeline note that says why. Intake leaves routing to the writer (`NewCase::route`), which
/// reads the loads in the transaction that writes the case.
pub fn assign(staff: &[Routable], line: &str) -> Assignment {
    let mut candidates: Vec<Candidate> = Vec::new();
    for worker in staff {
        let handles = worker.line.as_deref() == Some(line);
        match candidates.iter_mut().find(|c| c.id == worker.id) {
            Some(c) => c.handles_line |= handles,
            None => candidates.push(Candidate {
                id: worker.id,
                load: worker.load,
                handles_line: handles,
            }),
        }
    }
    let Some(chosen) = pick(&candidates) else {
        return Assignment {
            assignee: None,
            note: "社区暂无后台工作人员，等待社区负责人分派".into(),
        };
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
    Assignment {
        assignee: Some(chosen.id),
        note: format!("自动分派给{name}（{why}，在办 {} 件）", chosen.load),
    }
}

/// Assigns an existing case by the rule above and records why; returns the worker chosen.
pub async fn route(st: &Cases<'_>, case: &Case, by: &Worker) -> CaseResult<Option<i64>> {
    let path = case.community_path.clone();
    let staff = users::routable(st.db, &path).await?;
    let choice = assign(&staff, &case.line);
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

    fn staff(id: i64, line: Option<&str>, load: i64) -> Routable {
        Routable {
            id,
            name: format!("后台{id}"),
            line: line.map(str::to_string),
            load,
        }
    }

    #[test]
    fn assign_takes_a_worker_of_the_line_over_a_less_loaded_one_and_says_why() {
        // Worker 2 handles two lines (two rows); worker 1 none and is idle.
        let rows = [
            staff(1, None, 0),
            staff(2, Some("社保/就业"), 4),
            staff(2, Some("民政"), 4),
        ];
        let a = assign(&rows, "民政");
        assert_eq!(a.assignee, Some(2));
        assert_eq!(a.note, "自动分派给后台2（负责民政条线，在办 4 件）");
        let other = assign(&rows, "医保");
        assert_eq!(other.assignee, Some(1));
        assert_eq!(
            other.note,
            "自动分派给后台1（无专办医保条线的人员，在办 0 件）"
        );
        assert_eq!(assign(&[], "民政").assignee, None);
    }
}

//! Routing: an accepted case goes to a back-office worker of its community who handles the
//! item's line, the least loaded first; with nobody of that line, any back-office worker of the
//! community; with nobody at all, it waits unassigned for the head to give it out.

use super::refusal::CaseResult;
use super::worker::Worker;
use crate::server::Shared;
use quanke_domain::{OrgPath, Role};
use quanke_store::cases::{self, Case};
use quanke_store::users;
use std::collections::HashMap;

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

/// Assigns the case by the rule above and records why; returns the worker chosen.
pub async fn route(st: &Shared, case: &Case, by: &Worker) -> CaseResult<Option<i64>> {
    let community = OrgPath::from_stored(case.community_path.clone());
    let staff = users::in_subtree(&st.db, &community).await?;
    let lines = users::lines_in_subtree(&st.db, &community).await?;
    let load: HashMap<i64, i64> = cases::open_load(&st.db, community.as_str())
        .await?
        .into_iter()
        .collect();
    let candidates: Vec<Candidate> = staff
        .iter()
        .filter(|u| u.role == Role::BackOffice && !u.disabled)
        .map(|u| Candidate {
            id: u.id,
            load: load.get(&u.id).copied().unwrap_or(0),
            handles_line: lines.iter().any(|(id, l)| *id == u.id && *l == case.line),
        })
        .collect();
    let Some(chosen) = pick(&candidates) else {
        cases::note(
            &st.db,
            case.id,
            "unassigned",
            "社区暂无后台工作人员，等待社区负责人分派",
            &by.actor(),
        )
        .await?;
        return Ok(None);
    };
    let name = staff
        .iter()
        .find(|u| u.id == chosen.id)
        .map_or(String::new(), |u| u.display_name.clone());
    let why = if chosen.handles_line {
        format!(
            "自动分派给{name}（负责{}条线，在办 {} 件）",
            case.line, chosen.load
        )
    } else {
        format!(
            "自动分派给{name}（无专办{}条线的人员，在办 {} 件）",
            case.line, chosen.load
        )
    };
    cases::assign(&st.db, case.id, Some(chosen.id), &why, &by.actor()).await?;
    Ok(Some(chosen.id))
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

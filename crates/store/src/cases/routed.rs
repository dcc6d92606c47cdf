//! Routing inside the transaction that writes the cases. An accepted case goes to the least
//! loaded back-office worker of its community by the application's rule (`Router`, from
//! `quanke_app::cases::routing`); the loads are read in the batch's own transaction, after the
//! cases before it committed, and each case given out in the batch counts for the next one. So
//! a burst written in one batch is spread as if its cases came one by one, with no count of
//! assignments held in a server's memory, and no request reads the loads beforehand.

use super::{Actor, NewCase};
use crate::users::Routable;
use std::collections::HashMap;

/// Who a case is given to, and the timeline note that says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub assignee: Option<i64>,
    pub note: String,
}

/// The rule: the community's routable workers (one row per line they handle, with their
/// load) and the case's line → the assignment.
pub type Router = fn(&[Routable], &str) -> Assignment;

/// The communities whose staff the batch's routed cases need, each once, in a stable order.
pub(super) fn communities<'b>(
    batch: &[(&'b NewCase, &Actor<'_>)],
    fresh: &[usize],
) -> Vec<&'b str> {
    let mut paths: Vec<&str> = fresh
        .iter()
        .map(|&i| batch[i].0)
        .filter(|c| c.route)
        .map(|c| c.community_path.as_str())
        .collect();
    paths.sort_unstable();
    paths.dedup();
    paths
}

/// Copies of the routed fresh cases with their assignee and note, by batch position. Each
/// assignment adds one to the chosen worker's load before the next case is routed.
pub(super) fn give_out(
    batch: &[(&NewCase, &Actor<'_>)],
    fresh: &[usize],
    router: Router,
    mut staff: HashMap<String, Vec<Routable>>,
) -> Vec<(usize, NewCase)> {
    let mut out = Vec::new();
    for &i in fresh {
        let c = batch[i].0;
        if !c.route {
            continue;
        }
        let candidates = staff
            .entry(c.community_path.as_str().to_string())
            .or_default();
        let a = router(candidates, &c.line);
        if let Some(id) = a.assignee {
            for row in candidates.iter_mut().filter(|r| r.id == id) {
                row.load += 1;
            }
        }
        let mut routed = c.clone();
        routed.assignee_id = a.assignee;
        routed.assign_note = Some(a.note);
        out.push((i, routed));
    }
    out
}

//! 好差评: the resident rates a case 1–5 once it is done (已办结 or 已送达), once, on the portal
//! or at the desk. The rule lives here so that both channels apply it the same way; the rating
//! is credited to the worker who handled the case and noted on its timeline.

use super::refusal::{CaseError, CaseResult};
use super::worker::Worker;
use quanke_domain::case::State as CaseState;
use quanke_store::cases::{self, Case};
use quanke_store::{Db, StoreError, case_reports};

pub const MIN_SCORE: i64 = 1;
pub const MAX_SCORE: i64 = 5;
/// Longest comment kept, in characters (the limits table's).
pub const COMMENT_MAX: usize = quanke_domain::limits::COMMENT.max_chars;

/// The words shown beside each score, 1 to 5.
pub const SCORE_LABELS: [(i64, &str); 5] = [
    (5, "非常满意"),
    (4, "满意"),
    (3, "基本满意"),
    (2, "不满意"),
    (1, "非常不满意"),
];

/// Whether the case can be rated now (done, whatever the rating).
pub fn ratable(case: &Case) -> bool {
    matches!(case.state, CaseState::Completed | CaseState::Delivered)
}

/// Reads a score as typed; a refusal names the allowed range.
pub fn parse_score(text: &str) -> CaseResult<i64> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|s| (MIN_SCORE..=MAX_SCORE).contains(s))
        .ok_or_else(|| {
            CaseError::refuse(
                "bad_score",
                format!("请选择 {MIN_SCORE}—{MAX_SCORE} 分的评价"),
            )
        })
}

/// Rates `case` (already loaded and, at the desk, checked to be in the worker's scope):
/// 1–5, only once it is done, only once. `by` is who records it (the resident through the
/// portal, or the worker at the desk); `channel` is portal, desk or grid.
pub async fn rate(
    db: &Db,
    by: &Worker,
    case: &Case,
    score: i64,
    comment: &str,
    channel: &str,
) -> CaseResult<()> {
    if !(MIN_SCORE..=MAX_SCORE).contains(&score) {
        return Err(CaseError::refuse(
            "bad_score",
            format!("请选择 {MIN_SCORE}—{MAX_SCORE} 分的评价"),
        ));
    }
    let comment = comment.trim();
    if let Err(e) = quanke_domain::limits::COMMENT.check(comment) {
        return Err(CaseError::refuse("bad_comment", e.to_string()));
    }
    if !ratable(case) {
        return Err(CaseError::refuse("not_done", "办件办结后才能评价"));
    }
    if case_reports::rating(db, case.id).await?.is_some() {
        return Err(already());
    }
    match case_reports::rate(
        db,
        case.id,
        score,
        comment,
        channel,
        case.assignee_id,
        by.now,
    )
    .await
    {
        Ok(()) => {}
        // A second submission raced this one.
        Err(StoreError::Conflict(_)) => return Err(already()),
        Err(e) => return Err(e.into()),
    }
    let label = SCORE_LABELS
        .iter()
        .find(|(s, _)| *s == score)
        .map_or("", |(_, l)| l);
    let text = format!("{score} 分（{label}）");
    cases::note(db, case.id, "rate", &text, &by.actor()).await?;
    Ok(())
}

fn already() -> CaseError {
    CaseError::refuse("already_rated", "该办件已经评价过了，每件只能评价一次")
}

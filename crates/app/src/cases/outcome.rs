//! The result of a case (办结结果) for the case service: the domain's rules
//! (`Decision::parse`) applied to the item the case was opened under, the refusal every channel
//! shows, and the result as people read it (the case page, the tracking page, the 办结通知书).

use super::refusal::{CaseError, CaseResult, Reason, Refusal};
use quanke_domain::case::{Decision, DecisionInput, DecisionProblem, Verdict, month_label, yuan};
use quanke_domain::catalogue::ServiceItem;
use quanke_store::cases::{CaseOutcome, NewResult};
use serde::{Deserialize, Serialize};

/// The decision a completion of `item` records, read from what the worker sent (None: nothing
/// was sent, which is refused as a missing decision).
pub fn decide(item: &ServiceItem, input: Option<&DecisionInput>) -> CaseResult<Decision> {
    let none = DecisionInput::default();
    Decision::parse(item.result_kind, input.unwrap_or(&none)).map_err(refusal)
}

/// One refusal naming every problem, the first one's code for programs.
fn refusal(problems: Vec<DecisionProblem>) -> CaseError {
    let code = problems.first().map_or("result_required", |p| p.code);
    let text: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
    let message = format!("不能办结：{}", text.join("；"));
    let reasons = problems
        .iter()
        .map(|p| Reason {
            code: p.code,
            message: p.message.clone(),
        })
        .collect();
    CaseError::Refused(Refusal::new(code, message).with_reasons(reasons))
}

pub fn record(d: &Decision) -> NewResult {
    NewResult {
        verdict: d.verdict.code().to_string(),
        reason: d.reason.clone(),
        amount_fen: d.amount_fen,
        start_month: d.start_month.clone(),
        certificate_no: d.certificate_no.clone(),
        note: d.note.clone(),
    }
}

/// The result as people read it; also kept in the 办结通知书 as issued.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResultFacts {
    /// granted or refused.
    pub verdict: String,
    /// 准予 or 不予.
    pub verdict_label: String,
    pub reason: String,
    /// Yuan with two decimals: "1200.00".
    pub amount_yuan: Option<String>,
    /// "2026年12月".
    pub start_month: Option<String>,
    pub certificate_no: Option<String>,
    pub note: String,
}

impl ResultFacts {
    pub fn of_decision(d: &Decision) -> ResultFacts {
        ResultFacts::of_record(&record(d))
    }

    pub fn of_record(r: &NewResult) -> ResultFacts {
        let verdict = Verdict::parse(&r.verdict).unwrap_or(Verdict::Granted);
        ResultFacts {
            verdict: verdict.code().to_string(),
            verdict_label: verdict.label().to_string(),
            reason: r.reason.clone(),
            amount_yuan: r.amount_fen.map(yuan),
            start_month: r.start_month.as_deref().map(month_label),
            certificate_no: r.certificate_no.clone(),
            note: r.note.clone(),
        }
    }

    pub fn of_outcome(o: &CaseOutcome) -> ResultFacts {
        ResultFacts::of_record(&NewResult {
            verdict: o.verdict.clone(),
            reason: o.reason.clone(),
            amount_fen: o.amount_fen,
            start_month: o.start_month.clone(),
            certificate_no: o.certificate_no.clone(),
            note: o.note.clone(),
        })
    }

    pub fn refused(&self) -> bool {
        self.verdict == Verdict::Refused.code()
    }
}

/// The case's result as recorded, for the case page and the tracking page.
pub async fn of_case(db: &quanke_store::Db, case_id: i64) -> CaseResult<Option<ResultFacts>> {
    Ok(quanke_store::cases::outcome(db, case_id)
        .await?
        .map(|o| ResultFacts::of_outcome(&o)))
}

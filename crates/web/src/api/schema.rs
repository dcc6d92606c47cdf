//! The API's own request and response bodies. They are separate from the store's records so
//! that the wire format is stated here, described in the OpenAPI document, and changes only on
//! purpose; personal identifiers leave masked.

use crate::catalogue::snapshot::Snapshot;
use quanke_app::cases::checklist::{self, MaterialStatus};
use quanke_app::clock;
use quanke_domain::case::{State as CaseState, Transition};
use quanke_domain::ident::phone;
use quanke_domain::mask::mask_middle;
use quanke_store::cases::{Case, Event};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};

/// How a case is opened (the desk's buttons).
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeIn {
    /// 受理: materials complete, accepted and routed to the back office.
    Accept,
    /// 补正: materials missing, one notice lists them all; the clock waits.
    RequestMaterials,
    /// 即办: completed on the spot (items that allow it).
    OnTheSpot,
    /// 不予受理: refused with a reason in `note` (needs the community head's approval).
    Reject,
    /// 收件: received for the desk to check (phone, partner, grid worker's 代办).
    Receive,
}

/// Whether a material was brought, is missing, or is already held by the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MaterialIn {
    Brought,
    Missing,
    Held,
}

impl From<MaterialIn> for MaterialStatus {
    fn from(m: MaterialIn) -> Self {
        match m {
            MaterialIn::Brought => MaterialStatus::Brought,
            MaterialIn::Missing => MaterialStatus::Missing,
            MaterialIn::Held => MaterialStatus::Held,
        }
    }
}

impl From<MaterialStatus> for MaterialIn {
    fn from(m: MaterialStatus) -> Self {
        match m {
            MaterialStatus::Brought => MaterialIn::Brought,
            MaterialStatus::Missing => MaterialIn::Missing,
            MaterialStatus::Held => MaterialIn::Held,
        }
    }
}

/// A new case. Send an `Idempotency-Key` header to make retries safe: the same key (per
/// account) returns the case already created, with 200 instead of 201.
///
/// The channel and the visit are not fields: the server decides them from the caller's role
/// (a grid worker's case is 代办, channel grid, no visit, with the mandate recorded; anyone
/// else's is channel desk with a visit). `channel`, `visit` or `open311_key_id` in the body
/// is a 400 `server_decided_field`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCase {
    /// The service item's code in the catalogue, e.g. "MZ-GL80".
    #[schema(example = "MZ-GL80")]
    pub item_code: String,
    /// new, change, renewal or cancel (新办/变更/延续/注销); default new.
    #[serde(default)]
    pub business_kind: Option<String>,
    /// Answers to the item's intake questions: question id → chosen option keys or text.
    #[serde(default)]
    pub answers: HashMap<String, Vec<String>>,
    /// Status per material id; materials not named are taken as brought (or held, when the
    /// system holds them for the resident).
    #[serde(default)]
    pub materials: HashMap<String, MaterialIn>,
    /// The resident in the registry, when picked: only someone registered inside the caller's
    /// part of the org tree; anyone else is refused as `unknown_resident`, exactly as an id
    /// nobody has. A linked resident applies under their registered name (and phone, unless
    /// `applicant_phone` is given).
    #[serde(default)]
    pub resident_id: Option<i64>,
    /// The applicant's ID number (GB 11643, 18 digits or the old 15), read from their card:
    /// checked (`bad_id_number` when the check digit or date is wrong) and linked to the
    /// person it names when they are registered inside the caller's part of the org tree.
    /// Either this or `resident_id` is required: a case needs an identified applicant
    /// (`unidentified_applicant`). The API never registers people.
    #[serde(default)]
    #[schema(example = "330105195003070019")]
    pub applicant_id_number: Option<String>,
    /// Required unless `resident_id` (or `applicant_id_number`) names a registered person.
    #[serde(default)]
    pub applicant_name: String,
    #[serde(default)]
    pub applicant_phone: String,
    /// The resident's mandate (代办): required when the caller is a grid worker (the case then
    /// arrives as `receive`, channel grid), refused (`mandate_not_applicable`) for anyone else.
    #[serde(default)]
    pub mandate: Option<MandateBody>,
    pub outcome: OutcomeIn,
    /// The reason for a rejection, or a remark.
    #[serde(default)]
    pub note: String,
    /// The decision, required with outcome on_the_spot (the case is completed at once).
    #[serde(default)]
    pub result: Option<ResultIn>,
    /// The community the case belongs to; default the caller's own.
    #[serde(default)]
    pub community_id: Option<i64>,
}

/// Who authorised a grid worker to apply, for what, and until when.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MandateBody {
    /// 授权人, at most 50 characters.
    #[schema(example = "本人")]
    pub grantor: String,
    /// 授权范围, at most 200 characters.
    #[schema(example = "高龄津贴申领")]
    pub scope: String,
    /// 有效期至, YYYY-MM-DD, today or later.
    #[schema(example = "2099-12-31")]
    pub valid_until: String,
}

/// Fields of a new case the server decides from who calls and through which door: sending
/// one (with any value, null too) is refused with 400 `server_decided_field` rather than
/// silently ignored. Read apart from `CreateCase`, which refuses unknown fields without saying
/// why, in a pass that builds nothing of the body.
#[derive(Debug, Deserialize)]
pub struct ServerDecided {
    #[serde(default, deserialize_with = "sent")]
    channel: bool,
    #[serde(default, deserialize_with = "sent")]
    visit: bool,
    #[serde(default, deserialize_with = "sent")]
    open311_key_id: bool,
}

impl ServerDecided {
    /// The first such field `body` names; none for a body that is not a JSON object (the
    /// handler's own parse says what is wrong with it).
    pub fn named(body: &[u8]) -> Option<&'static str> {
        let d: ServerDecided = serde_json::from_slice(body).ok()?;
        [
            (d.channel, "channel"),
            (d.visit, "visit"),
            (d.open311_key_id, "open311_key_id"),
        ]
        .into_iter()
        .find_map(|(sent, name)| sent.then_some(name))
    }
}

/// A field that is there, whatever its value.
fn sent<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    serde::de::IgnoredAny::deserialize(d).map(|_| true)
}

/// An action on a case, one of the `actions` its detail lists.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionIn {
    /// The action code, e.g. "start", "complete", "deliver", "accept_after_materials".
    #[schema(example = "start")]
    pub action: String,
    /// Required for actions that need a reason.
    #[serde(default)]
    pub note: String,
    /// Materials now brought, or found missing (with request_more_materials).
    #[serde(default)]
    pub materials: HashMap<String, MaterialIn>,
    /// The resident came in for this: intake, materials, pickup or other.
    #[serde(default)]
    #[schema(pattern = "^(intake|materials|pickup|other)$")]
    pub visit: Option<String>,
    /// The decision, required when the action completes the case (complete,
    /// complete_on_spot); `result_required` when absent.
    #[serde(default)]
    pub result: Option<ResultIn>,
}

/// The decision recorded when a case is completed (办结结果). Which fields a grant needs is
/// the item's `result_kind` in the catalogue: general (none), benefit (`amount` and
/// `start_month`) or certificate (`certificate_no`). Refused with 422 and the code of the first
/// problem (`result_required`, `missing_reason`, `bad_amount`, `bad_month`,
/// `missing_certificate_no`, `too_long`), every problem in `reasons`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultIn {
    /// granted (准予) or refused (不予).
    #[schema(example = "granted")]
    pub verdict: String,
    /// Why not: required when refused; printed on the 办结通知书 with the resident's remedies.
    #[serde(default)]
    pub reason: String,
    /// The benefit granted, in yuan as text with at most two decimals ("1200", "85.50").
    #[serde(default)]
    #[schema(example = "1200.00")]
    pub amount: String,
    /// The month the benefit is paid from: "2026-12" (or "2026年12月").
    #[serde(default)]
    #[schema(example = "2026-12")]
    pub start_month: String,
    /// The number of the certificate issued.
    #[serde(default)]
    pub certificate_no: String,
    /// A remark printed on the 办结通知书.
    #[serde(default)]
    pub note: String,
}

impl From<ResultIn> for quanke_domain::case::DecisionInput {
    fn from(r: ResultIn) -> Self {
        quanke_domain::case::DecisionInput {
            verdict: r.verdict,
            reason: r.reason,
            amount: r.amount,
            start_month: r.start_month,
            certificate_no: r.certificate_no,
            note: r.note,
        }
    }
}

/// The decision recorded when the case was completed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResultOut {
    /// granted or refused.
    pub verdict: String,
    /// 准予 or 不予.
    pub verdict_label: String,
    /// Why not (refused), else empty.
    pub reason: String,
    /// The benefit in fen (integer; 120000 = 1200.00 yuan), for benefit items.
    pub amount_fen: Option<i64>,
    /// The month the benefit starts, YYYY-MM.
    pub start_month: Option<String>,
    pub certificate_no: Option<String>,
    pub note: String,
    pub decided_by: String,
    /// The day of the decision (YYYY-MM-DD).
    pub decided_on: String,
}

impl From<quanke_store::cases::CaseOutcome> for ResultOut {
    fn from(o: quanke_store::cases::CaseOutcome) -> Self {
        let label = quanke_domain::case::Verdict::parse(&o.verdict).map_or("", |v| v.label());
        ResultOut {
            verdict_label: label.to_string(),
            verdict: o.verdict,
            reason: o.reason,
            amount_fen: o.amount_fen,
            start_month: o.start_month,
            certificate_no: o.certificate_no,
            note: o.note,
            decided_by: o.decider_name,
            decided_on: o.decided_on,
        }
    }
}

/// Filters of the case list (办件查询); every list stays inside the caller's part of the org
/// tree (a grid worker: their grid's community). Only the filters given apply; they combine.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// A case number, or its beginning ("MYQ-2026"): numbers that start with it.
    pub number: Option<String>,
    /// Applicants whose name starts with this.
    pub applicant_name: Option<String>,
    /// A whole phone number, however typed ("138 1234 5678").
    pub phone: Option<String>,
    /// A whole ID number: the cases of the registry person who has it.
    pub id_number: Option<String>,
    pub item_code: Option<String>,
    /// A state code: received, awaiting_materials, accepted, in_progress, awaiting_department,
    /// completed, delivered, rejected, withdrawn.
    pub state: Option<String>,
    /// desk, portal, grid, phone or open311.
    pub channel: Option<String>,
    /// Received on or after this day (YYYY-MM-DD, Beijing time).
    pub received_from: Option<String>,
    /// Received on or before this day (YYYY-MM-DD).
    pub received_to: Option<String>,
    /// A user id, "me", or "none" (unassigned).
    pub assignee: Option<String>,
    /// mine, team, unassigned, due_soon or overdue (open cases only, as the work queues).
    pub queue: Option<String>,
    /// due (default: the soonest due first, cases without a running clock last), received
    /// (the newest first) or number.
    pub sort: Option<String>,
    /// The `next` of the previous answer: the page after it.
    pub after: Option<String>,
    /// The `prev` of an answer: the page before it.
    pub before: Option<String>,
    /// 1 to 200, default 50.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// Deprecated (kept for older clients): skip this many cases, in due order only; slow far
    /// into a long list. Use `after` instead.
    pub offset: Option<String>,
}

/// A case as lists show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSummary {
    /// "MYQ-20261128-0007".
    pub number: String,
    pub state: String,
    /// The state's Chinese name.
    pub state_label: String,
    pub item_code: String,
    /// The item's name in the catalogue in force (absent if withdrawn since).
    pub item_name: Option<String>,
    pub item_version: i64,
    /// 条线.
    pub line: String,
    pub business_kind: String,
    pub channel: String,
    pub applicant_name: String,
    /// Masked: "138****5678".
    pub applicant_phone: String,
    pub resident_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub promised_days: i64,
    /// The day the clock started (YYYY-MM-DD).
    pub accepted_on: Option<String>,
    /// The due day on the working-day calendar; absent while paused or once done.
    pub due_on: Option<String>,
    pub escalated: bool,
    /// Beijing time, "YYYY-MM-DD HH:MM:SS".
    pub created_at: String,
    pub updated_at: String,
}

/// One material of the checklist.
#[derive(Debug, Serialize, ToSchema)]
pub struct MaterialOut {
    pub id: String,
    pub name: String,
    pub form: String,
    pub how_to_obtain: String,
    pub status: MaterialIn,
}

/// One entry of the case's timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventOut {
    /// Beijing time, "YYYY-MM-DD HH:MM:SS".
    pub at: String,
    pub actor_name: String,
    /// Empty for the event that created the case.
    pub from_state: String,
    pub to_state: String,
    pub action: String,
    pub note: String,
}

/// An action the caller may take on the case now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionOut {
    pub action: String,
    pub label: String,
    pub to_state: String,
    pub needs_note: bool,
    /// Taken only after the community head approves (unless the caller is the head).
    pub needs_head_approval: bool,
}

/// A case with its answers, checklist, timeline and the caller's possible actions.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub case: CaseSummary,
    pub answers: HashMap<String, Vec<String>>,
    pub checklist: Vec<MaterialOut>,
    pub events: Vec<EventOut>,
    pub actions: Vec<ActionOut>,
    /// The decision, once the case is completed (absent before, and for cases completed
    /// before results were recorded).
    pub result: Option<ResultOut>,
}

/// Another open case of the same resident and item, for a warning.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseRef {
    pub number: String,
    pub state: String,
    pub state_label: String,
}

/// The answer to a create.
#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub case: CaseSummary,
    /// False when the Idempotency-Key was seen before: this is the case created then.
    pub created: bool,
    /// The resident's other open cases of this item.
    pub duplicates: Vec<CaseRef>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseList {
    pub cases: Vec<CaseSummary>,
    pub limit: i64,
    /// The order of the list: due, received or number.
    pub sort: String,
    /// Pass as `after` (with the same filters and sort) for the next page; absent on the last.
    pub next: Option<String>,
    /// Pass as `before` for the previous page; absent on the first.
    pub prev: Option<String>,
    pub offset: i64,
    /// With offset paging (deprecated): the offset of the next page, absent on the last one.
    pub next_offset: Option<i64>,
}

/// What came of an action.
#[derive(Debug, Serialize, ToSchema)]
pub struct TransitionOut {
    /// moved, or awaiting_approval (filed for the community head).
    pub result: String,
    pub case: CaseDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, for programs: e.g. unknown_item, materials_missing, not_allowed, bad_json.
    pub code: String,
    /// For people, in Chinese.
    pub message: String,
    /// When the lifecycle's requirements refused an action or intake: every one that failed
    /// (materials_missing, nothing_missing, not_on_the_spot, unassigned, not_decided,
    /// missing_note), in the order the table declares them. Absent otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<ErrorReason>,
}

/// One failed requirement of the lifecycle table.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorReason {
    pub code: String,
    pub message: String,
}

/// Every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// Mobile "138****5678", landline "0571-****8888"; anything else keeps its last four.
pub fn masked_phone(number: &str) -> String {
    if number.is_empty() {
        return String::new();
    }
    match phone::parse(number) {
        Ok(p) => p.mask(),
        Err(_) => mask_middle(number, 0, 4),
    }
}

pub fn summary(case: &Case, snap: &Snapshot) -> CaseSummary {
    CaseSummary {
        number: case.number.clone(),
        state: case.state.code().to_string(),
        state_label: case.state.label().to_string(),
        item_code: case.item_code.clone(),
        item_name: snap.get(&case.item_code).map(|c| c.item.name.clone()),
        item_version: case.item_version,
        line: case.line.clone(),
        business_kind: case.business_kind.code().to_string(),
        channel: case.channel.clone(),
        applicant_name: case.applicant_name.clone(),
        applicant_phone: masked_phone(&case.applicant_phone),
        resident_id: case.resident_id,
        assignee_id: case.assignee_id,
        promised_days: case.promised_days,
        accepted_on: case.accepted_on.map(|d| d.to_string()),
        due_on: case.due_on.map(|d| d.to_string()),
        escalated: case.escalated_at.is_some(),
        created_at: clock::format(case.created_at),
        updated_at: clock::format(case.updated_at),
    }
}

pub fn case_ref(number: &str, state: CaseState) -> CaseRef {
    CaseRef {
        number: number.to_string(),
        state: state.code().to_string(),
        state_label: state.label().to_string(),
    }
}

pub fn detail(
    case: &Case,
    snap: &Snapshot,
    events: &[Event],
    actions: &[&Transition],
    result: Option<ResultOut>,
) -> CaseDetail {
    CaseDetail {
        result,
        case: summary(case, snap),
        answers: serde_json::from_str(&case.answers).unwrap_or_default(),
        checklist: checklist::from_json(&case.checklist)
            .into_iter()
            .map(|e| MaterialOut {
                id: e.id,
                name: e.name,
                form: e.form,
                how_to_obtain: e.how_to_obtain,
                status: e.status.into(),
            })
            .collect(),
        events: events
            .iter()
            .map(|e| EventOut {
                at: clock::format(e.at),
                actor_name: e.actor_name.clone(),
                from_state: e.from_state.code().to_string(),
                to_state: e.to_state.code().to_string(),
                action: e.action.clone(),
                note: e.note.clone(),
            })
            .collect(),
        actions: actions
            .iter()
            .map(|t| ActionOut {
                action: t.action_code().to_string(),
                label: t.action_label().to_string(),
                to_state: t.to().code().to_string(),
                needs_note: t.needs_note(),
                needs_head_approval: t.needs_head_approval(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_leave_masked() {
        assert_eq!(masked_phone("13812345678"), "138****5678");
        assert_eq!(masked_phone(""), "");
        assert_eq!(masked_phone("12"), "**");
    }
}

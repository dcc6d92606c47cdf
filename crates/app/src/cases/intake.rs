//! Opening a case: at the desk with one of its outcomes (即办, 受理, 补正, 不予受理), or as a
//! received application from the portal, a grid worker's 代办, the phone or an Open311 partner.
//! Everything is checked before anything is written; the case, its first event and the visit
//! are one transaction, so a refused intake leaves nothing behind.

use super::Cases;
use super::applicant::{self, Given, Identified};
use super::channel::{self, Channel, MandateIn, Via};
use super::checklist::{self, Entry, Known, MaterialStatus};
use super::deadline;
use super::documents;
use super::guards::Standing;
use super::outcome;
use super::refusal::{CaseError, CaseResult};
use super::worker::Worker;
use crate::catalogue::{Current, InForce};
use quanke_domain::case::{Decision, DecisionInput, Lifecycle, State};
use quanke_domain::catalogue::spoken::ASK_ITEM;
use quanke_domain::catalogue::{self, AnswerProblem, Answers, BusinessKind, ServiceItem};
use quanke_domain::{OrgKind, Role, limits};
use quanke_store::cases::{Attachment, Case, Enclosures, NewCase, OpenCase};
use quanke_store::orgs;
use std::collections::HashMap;

/// What the intake ends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 即办: completed on the spot.
    OnTheSpot,
    /// 受理: accepted, with a receipt, routed to the back office.
    Accept,
    /// 补正: every missing material on one notice; the case waits, its clock paused.
    RequestMaterials,
    /// 不予受理: refused with a reason (needs the head's approval).
    Reject,
    /// Received for the desk to check (portal, phone, Open311, 代办).
    Receive,
}

impl Outcome {
    pub fn parse(code: &str) -> Option<Outcome> {
        match code {
            "on_the_spot" | "complete_on_spot" => Some(Outcome::OnTheSpot),
            "accept" => Some(Outcome::Accept),
            "request_materials" => Some(Outcome::RequestMaterials),
            "reject" => Some(Outcome::Reject),
            "receive" => Some(Outcome::Receive),
            _ => None,
        }
    }

    /// The state the case is in after this outcome (a rejection waits for approval first).
    fn target(self) -> State {
        match self {
            Outcome::OnTheSpot => State::Completed,
            Outcome::Accept => State::Accepted,
            Outcome::RequestMaterials => State::AwaitingMaterials,
            Outcome::Reject => State::Rejected,
            Outcome::Receive => State::Received,
        }
    }
}

/// The channels a case comes in by (stored codes).
pub const CHANNELS: [(&str, &str); 5] = [
    ("desk", "窗口"),
    ("portal", "网上"),
    ("grid", "网格代办"),
    ("phone", "电话"),
    ("open311", "Open311"),
];

pub fn channel_label(code: &str) -> &str {
    CHANNELS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, l)| l)
}

#[derive(Debug, Clone)]
pub struct Intake {
    pub item_code: String,
    pub business_kind: BusinessKind,
    pub answers: Answers,
    /// Status per material id; materials not named take their default.
    pub statuses: HashMap<String, MaterialStatus>,
    /// The registry person picked; refused unless the worker may see them.
    pub resident_id: Option<i64>,
    /// The ID number typed ("" when none): checked, and the person it names is linked when
    /// the worker may see them (see `applicant`).
    pub applicant_id_number: String,
    /// Ignored for a linked person (their registered name applies).
    pub applicant_name: String,
    pub applicant_phone: String,
    /// The door it came through; the channel, the visit and the partner follow from it and
    /// from who calls (`channel::decide`).
    pub via: Via,
    /// The resident's mandate, for a grid worker's 代办.
    pub mandate: Option<MandateIn>,
    pub outcome: Outcome,
    pub note: String,
    /// The decision of a 即办 (required with that outcome, ignored with the others).
    pub result: Option<DecisionInput>,
    pub idempotency_key: Option<String>,
    /// The community the case belongs to; the worker's own when None.
    pub community_id: Option<i64>,
}

/// The case opened, whether this call created it (false: the same idempotency key came
/// before), and the warning to show when the resident already has this matter open.
pub struct Opened {
    pub case: Case,
    pub created: bool,
    pub duplicates: Vec<OpenCase>,
}

/// An intake that passed every check, ready to write.
struct Checked<'a> {
    current: &'a Current,
    list: Vec<Entry>,
    state: State,
    action: &'static str,
    community: orgs::Org,
    channel: Channel,
    applicant: Identified,
    /// The decision of a case completed at intake (即办).
    decision: Option<Decision>,
}

async fn prepare<'a>(
    st: &Cases<'_>,
    snap: &'a dyn InForce,
    by: &Worker,
    intake: &Intake,
) -> CaseResult<Checked<'a>> {
    let current = snap.get(&intake.item_code).ok_or_else(|| {
        CaseError::refuse(
            "unknown_item",
            format!("没有编码为“{}”的在办事项", intake.item_code),
        )
    })?;
    let item = &current.item;
    let channel = channel::decide(
        intake.via,
        by,
        intake.mandate.as_ref(),
        intake.outcome == Outcome::Receive,
    )?;
    let applicant = identify(st, by, intake, &channel).await?;
    check_note(item, intake)?;
    check_answers(item, &intake.answers)?;
    let known = Known {
        resident: applicant.resident.is_some(),
        household: applicant
            .resident
            .as_ref()
            .is_some_and(|r| r.household_id.is_some()),
    };
    let list = checklist::build(
        item,
        intake.business_kind,
        &intake.answers,
        known,
        &intake.statuses,
    );
    let defaults = checklist::build(
        item,
        intake.business_kind,
        &intake.answers,
        known,
        &HashMap::new(),
    );
    if let Some(e) = checklist::claimed_held(&list, &defaults) {
        return Err(CaseError::refuse(
            "not_held",
            format!("系统中没有申请人的“{}”，请标记为已收或缺", e.name),
        ));
    }
    check_outcome(item, intake, &list)?;
    let (state, action) = first_step(Lifecycle::shipped(), by, intake)?;
    let decision = match state {
        State::Completed => Some(outcome::decide(item, intake.result.as_ref())?),
        _ => None,
    };
    let community = community_of(st, by, intake.community_id).await?;
    Ok(Checked {
        current,
        list,
        state,
        action,
        community,
        channel,
        applicant,
        decision,
    })
}

/// Every intake names an identified applicant (see `applicant` for what that means per
/// channel).
async fn identify(
    st: &Cases<'_>,
    by: &Worker,
    intake: &Intake,
    channel: &Channel,
) -> CaseResult<Identified> {
    let given = Given {
        resident_id: intake.resident_id,
        id_number: &intake.applicant_id_number,
        name: &intake.applicant_name,
        phone: &intake.applicant_phone,
    };
    applicant::identify(st, by, channel, &given).await
}

/// Runs every check of `open` without writing (the desk registers a new person only for an
/// intake that will go through).
pub async fn check(st: &Cases<'_>, by: &Worker, intake: &Intake) -> CaseResult<()> {
    let snap = st.catalogue.in_force(st.db).await?;
    prepare(st, &*snap, by, intake).await.map(|_| ())
}

pub async fn open(st: &Cases<'_>, by: &Worker, intake: &Intake) -> CaseResult<Opened> {
    open_with_files(st, by, intake, Vec::new()).await
}

/// `open`, with the scans that came with the application written in the case's own
/// transaction: the case is never seen without all of them.
pub async fn open_with_files(
    st: &Cases<'_>,
    by: &Worker,
    intake: &Intake,
    files: Vec<Attachment>,
) -> CaseResult<Opened> {
    let snap = st.catalogue.in_force(st.db).await?;
    let Checked {
        current,
        list,
        state,
        action,
        community,
        channel,
        applicant,
        decision,
    } = prepare(st, &*snap, by, intake).await?;
    let item = &current.item;
    let resident_id = applicant.resident.as_ref().map(|r| r.id);
    let duplicates = match resident_id {
        Some(r) => applicant::open_cases(st.db, by, r, &item.code).await?,
        None => Vec::new(),
    };
    let today = by.today;
    let history = deadline::history(&[], Some((today, state)));
    let calendar = st.calendar.get(st.db).await?;
    let promised = i64::from(item.promised_days);
    let due = deadline::due_on(&calendar, today, promised, state, &history);
    let answers = serde_json::to_string(&intake.answers).map_err(anyhow::Error::from)?;
    // The document this outcome hands out is kept with the case, as the resident gets it.
    let (_, issuer_body) = documents::issuer(st, community.path.as_str()).await?;
    let facts = documents::Facts {
        item: Some(item),
        community: &community.name,
        issuer_body: &issuer_body,
        applicant: intake.applicant_name.trim(),
        first_day: Some(today),
        list: &list,
        promised_days: promised,
        due_on: due,
        note: &intake.note,
        decision: decision.as_ref(),
        remedies: st.remedies,
    };
    let document = documents::issue(State::Received, state, &facts)?;
    let new = NewCase {
        community_path: community.path.clone(),
        community_code: community.code,
        item_code: item.code.clone(),
        item_version: current.version,
        line: item.line.clone(),
        business_kind: intake.business_kind,
        answers,
        checklist: checklist::to_json(&list),
        resident_id,
        applicant_name: applicant.name,
        applicant_phone: applicant.phone,
        channel: channel.code.to_string(),
        state,
        action: action.to_string(),
        note: intake.note.trim().to_string(),
        promised_days: promised,
        accepted_on: Some(today),
        due_on: due,
        assignee_id: None,
        open311_key_id: channel.open311_key_id,
        idempotency_key: intake.idempotency_key.clone(),
        visit: channel.visit.then(|| "intake".to_string()),
        assign_note: None,
        // An accepted case is routed in the transaction that writes it.
        route: state == State::Accepted,
        mandate: channel.mandate,
    };
    let with = Enclosures {
        files,
        document,
        result: decision.as_ref().map(outcome::record),
    };
    let (case, created) = st.writer.create(new, with, &by.actor()).await?;
    if created {
        after_open(st, by, intake, &case).await?;
    }
    let duplicates = duplicates.into_iter().filter(|d| d.id != case.id).collect();
    Ok(Opened {
        case,
        created,
        duplicates,
    })
}

/// The approval request for a rejection the head has not taken.
async fn after_open(st: &Cases<'_>, by: &Worker, intake: &Intake, case: &Case) -> CaseResult<()> {
    match intake.outcome {
        Outcome::Reject if case.state == State::Received => {
            super::act::ask_approval(
                st,
                by,
                case,
                State::Received,
                State::Rejected,
                "reject",
                &intake.note,
            )
            .await?;
        }
        _ => {}
    }
    Ok(())
}

fn check_note(item: &ServiceItem, intake: &Intake) -> CaseResult<()> {
    limits::NOTE.named("说明").check(&intake.note)?;
    // A question asked of the community (代咨询) is its note: without one there is nothing to
    // answer, whichever channel it came by.
    if item.code == ASK_ITEM && intake.note.trim().is_empty() {
        return Err(CaseError::refuse(
            "missing_question",
            "请写下您要咨询的问题",
        ));
    }
    Ok(())
}

/// The answers by the catalogue's rule (`quanke_domain::catalogue::check_answers`), worded for
/// the desk and the API.
fn check_answers(item: &ServiceItem, answers: &Answers) -> CaseResult<()> {
    match catalogue::check_answers(item, answers) {
        Ok(()) => Ok(()),
        Err(AnswerProblem::Missing(q)) => Err(CaseError::refuse(
            "missing_answer",
            format!("请回答：{}", q.text),
        )),
        Err(AnswerProblem::NotAnOption(q, given)) => Err(CaseError::refuse(
            "bad_answer",
            format!("“{}”的回答“{given}”不是可选项", q.text),
        )),
        Err(AnswerProblem::TooLong(q, e)) => {
            Err(CaseError::refuse("too_long", format!("“{}”：{e}", q.text)))
        }
        Err(AnswerProblem::UnknownQuestion(id)) => Err(CaseError::refuse(
            "unknown_question",
            format!("该事项没有问题“{id}”"),
        )),
    }
}

/// The outcome weighed with the guards of its line of the lifecycle table: the same check
/// every later action makes (`guards::Standing`), so intake and case page cannot disagree.
fn check_outcome(item: &ServiceItem, intake: &Intake, list: &[Entry]) -> CaseResult<()> {
    if intake.outcome == Outcome::Receive {
        return Ok(());
    }
    let target = intake.outcome.target();
    let t = Lifecycle::shipped()
        .between(State::Received, target)
        .ok_or_else(|| CaseError::refuse("not_allowed", "办件流程表不允许这样受理"))?;
    Standing::at_intake(item).check(t, list, &intake.note)
}

/// The state the case starts in and the action recorded, checked against the lifecycle.
fn first_step(
    lifecycle: &Lifecycle,
    by: &Worker,
    intake: &Intake,
) -> CaseResult<(State, &'static str)> {
    if intake.outcome == Outcome::Receive {
        return Ok((State::Received, "receive"));
    }
    let Some(role) = by.role else {
        return Err(CaseError::refuse(
            "not_allowed",
            "网上申请只能提交，由窗口核验后受理",
        ));
    };
    let target = intake.outcome.target();
    let t = lifecycle
        .check(role, State::Received, target)
        .map_err(|e| CaseError::refuse("not_allowed", e.to_string()))?;
    Ok(match intake.outcome {
        Outcome::OnTheSpot => (target, "complete_on_spot"),
        Outcome::Accept => (target, "accept"),
        Outcome::RequestMaterials => (target, "request_materials"),
        // Taken at once by the head; anyone else's rejection waits for the head's approval.
        Outcome::Reject if !t.needs_head_approval() || role == Role::CommunityHead => {
            (target, "reject")
        }
        Outcome::Reject | Outcome::Receive => (State::Received, "receive"),
    })
}

/// The community a case belongs to: the one named, else the worker's (a grid worker's is the
/// community above the grid).
pub async fn community_of(
    st: &Cases<'_>,
    by: &Worker,
    named: Option<i64>,
) -> CaseResult<orgs::Org> {
    let org = match named {
        Some(id) => st
            .orgs
            .get(st.db, id)
            .await
            .map_err(|_| CaseError::refuse("unknown_community", "没有这个社区"))?,
        None => {
            let own = by.org.ids().last().copied().unwrap_or_default();
            st.orgs.get(st.db, own).await?
        }
    };
    let community = match org.kind {
        OrgKind::Community => org,
        OrgKind::Grid => {
            st.orgs
                .get(st.db, org.parent_id.unwrap_or_default())
                .await?
        }
        OrgKind::Street => {
            return Err(CaseError::refuse(
                "needs_community",
                "办件须落在一个社区：请选择受理社区",
            ));
        }
    };
    if named.is_some() && by.role.is_some() && !by.sees(&community.path) {
        return Err(CaseError::refuse("outside_scope", "不能替其他社区受理办件"));
    }
    Ok(community)
}

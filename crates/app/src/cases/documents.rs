//! Issuing the documents a resident takes home (受理回执, 一次性告知书, 不予受理告知书,
//! 办结通知书). Which change hands out which is the domain's rule (`Document::issued_by`); here
//! the content is fixed at that change, from the case as it is then (with the decision of a
//! completion and, for a refusal, the remedies as configured then), and written with the change
//! (by `intake::open` and `act::apply`, the only two places a case changes state). The printouts
//! render what was kept, so a reprint shows what the resident was given.

use super::Cases;
use super::checklist::{self, Entry, MaterialStatus};
use super::outcome::ResultFacts;
use super::refusal::CaseResult;
use super::remedies::Remedies;
use quanke_domain::OrgPath;
use quanke_domain::calendar::Day;
use quanke_domain::case::{Decision, Document, State};
use quanke_domain::catalogue::ServiceItem;
use quanke_store::cases::{Case, Event, Move, NewDocument};

use serde::{Deserialize, Serialize};

/// What a document says, as issued (the case number is the case's own and never changes).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Content {
    pub community: String,
    pub applicant: String,
    pub item: Option<ItemFacts>,
    /// 收件日期: the day the case was opened.
    pub first_day: String,
    pub received: Vec<Material>,
    pub missing: Vec<Material>,
    pub promised_days: i64,
    pub due_on: Option<String>,
    /// Completed on the spot (the receipt says so instead of promising a day).
    pub completed: bool,
    /// The refusal's reason: the note of the change.
    pub reason: String,
    /// Who issues it, printed above the seal: street and community ("湖墅街道卖鱼桥社区").
    /// Documents issued before it was kept show the community.
    #[serde(default)]
    pub issuer_body: String,
    /// The decision, on a 办结通知书.
    #[serde(default)]
    pub result: Option<ResultFacts>,
    /// Where the resident may challenge a refusal, as configured when it was issued.
    #[serde(default)]
    pub remedies: Option<Remedies>,
}

/// The item's details the resident needs: where, when, whom to call.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ItemFacts {
    pub name: String,
    pub location: String,
    pub hours: String,
    pub window: String,
    pub consult_phone: String,
    pub complaint_phone: String,
    /// 法律依据: what a refusal rests on.
    #[serde(default)]
    pub legal_basis: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Material {
    pub name: String,
    pub form: String,
    /// How to obtain it (missing materials).
    pub how: String,
    /// Already in the system, not to be handed in.
    pub held: bool,
}

/// The case as it stands at the change, which the document is made from.
pub struct Facts<'a> {
    pub item: Option<&'a ServiceItem>,
    pub community: &'a str,
    pub issuer_body: &'a str,
    pub applicant: &'a str,
    /// The day the case was opened (none for a case without its history).
    pub first_day: Option<Day>,
    pub list: &'a [Entry],
    pub promised_days: i64,
    pub due_on: Option<Day>,
    /// The reason the worker gave with the change (a head's approval remarks are kept apart).
    pub note: &'a str,
    /// The decision of a completion.
    pub decision: Option<&'a Decision>,
    pub remedies: &'a Remedies,
}

/// The document the change from `from` to `to` hands out, made from `facts`; None when the
/// change hands out nothing.
pub fn issue(from: State, to: State, facts: &Facts) -> CaseResult<Option<NewDocument>> {
    let Some(kind) = Document::issued_by(from, to) else {
        return Ok(None);
    };
    let result = facts.decision.map(ResultFacts::of_decision);
    let refused = kind == Document::Refusal || result.as_ref().is_some_and(ResultFacts::refused);
    let content = Content {
        community: facts.community.to_string(),
        issuer_body: facts.issuer_body.to_string(),
        remedies: refused.then(|| facts.remedies.clone()),
        result,
        applicant: facts.applicant.to_string(),
        item: facts.item.map(|i| ItemFacts {
            name: i.name.clone(),
            location: i.location.clone(),
            hours: i.hours.clone(),
            window: i.window.clone(),
            consult_phone: i.consult_phone.clone(),
            complaint_phone: i.complaint_phone.clone(),
            legal_basis: i.legal_basis.clone(),
        }),
        first_day: facts.first_day.map(|d| d.to_string()).unwrap_or_default(),
        received: facts
            .list
            .iter()
            .filter(|e| e.status != MaterialStatus::Missing)
            .map(|e| material(e, e.status == MaterialStatus::Held))
            .collect(),
        missing: checklist::missing(facts.list)
            .into_iter()
            .map(|e| material(e, false))
            .collect(),
        promised_days: facts.promised_days,
        due_on: facts.due_on.map(|d| d.to_string()),
        completed: to == State::Completed,
        reason: if kind == Document::Refusal {
            facts.note.trim().to_string()
        } else {
            String::new()
        },
    };
    let content = serde_json::to_string(&content).map_err(anyhow::Error::from)?;
    Ok(Some(NewDocument {
        kind: kind.code().to_string(),
        content,
    }))
}

fn material(e: &Entry, held: bool) -> Material {
    Material {
        name: e.name.clone(),
        form: e.form.clone(),
        how: e.how_to_obtain.clone(),
        held,
    }
}

/// The document a worker's change of an existing case hands out, made from the case as the
/// change `m` leaves it (with, for a completion, its decision); the catalogue and the
/// community are read only when there is one.
pub async fn for_move(
    st: &Cases<'_>,
    case: &Case,
    events: &[Event],
    m: &Move<'_>,
    decision: Option<&Decision>,
) -> CaseResult<Option<NewDocument>> {
    let (from, to) = (m.from, m.to);
    if Document::issued_by(from, to).is_none() {
        return Ok(None);
    }
    let list = checklist::from_json(m.checklist.unwrap_or(&case.checklist));
    let snap = st.catalogue.in_force(st.db).await?;
    let (community, issuer_body) = issuer(st, case.community_path.as_str()).await?;
    let facts = Facts {
        item: snap.get(&case.item_code).map(|c| &c.item),
        community: &community,
        issuer_body: &issuer_body,
        applicant: &case.applicant_name,
        first_day: events.first().map(|e| e.on_day),
        list: &list,
        promised_days: case.promised_days,
        due_on: m.due_on,
        note: m.note,
        decision,
        remedies: st.remedies,
    };
    issue(from, to, &facts)
}

/// The community at the end of a stored path, and the issuing body printed on its documents:
/// the street's name and the community's ("湖墅街道" + "卖鱼桥社区").
pub async fn issuer(st: &Cases<'_>, path: &str) -> CaseResult<(String, String)> {
    let ids = OrgPath::from_stored(path.to_string()).ids();
    let community = st
        .orgs
        .get(st.db, ids.last().copied().unwrap_or_default())
        .await?
        .name;
    let body = match ids.first() {
        Some(street) if ids.len() > 1 => {
            let street = st.orgs.get(st.db, *street).await?.name;
            format!("{street}{community}")
        }
        _ => community.clone(),
    };
    Ok((community, body))
}

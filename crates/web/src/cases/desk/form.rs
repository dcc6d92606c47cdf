//! The intake screen: the matter, the applicant, the questions, the materials checklist and
//! the outcome buttons. Shown when the desk picks a matter, and again with the message and
//! everything typed when an outcome is refused.

use super::super::fields::{Fields, decision_values};
use crate::auth::ClientIp;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::registry::dates;
use crate::server::Shared;
use axum::Form;
use axum::extract::State;
use axum::response::Response;
use minijinja::{Value, context};
use quanke_app::cases::applicant;
use quanke_app::cases::checklist::{self, Known, MaterialStatus};
use quanke_domain::Role;
use quanke_domain::case::DecisionInput;
use quanke_domain::case::State as CaseState;
use quanke_domain::catalogue::{Answers, BusinessKind, Mode, ServiceItem};
use quanke_domain::ident::resident_id;
use quanke_domain::mask::Show;
use quanke_domain::registry::{Query, classify};
use quanke_store::cases::OpenCase;
use std::collections::HashMap;

/// What the desk has entered so far.
pub(super) struct Draft {
    pub item: String,
    pub who: String,
    pub resident: Option<i64>,
    pub kind: String,
    pub answers: Answers,
    /// None on first show: every material takes its default.
    pub statuses: Option<HashMap<String, MaterialStatus>>,
    pub name: String,
    pub phone: String,
    pub note: String,
    pub key: String,
    /// desk or phone at the desk; a grid worker's intake is always grid (代办).
    pub channel: String,
    /// The 代办 mandate: who authorised, for what, until when (YYYY-MM-DD).
    pub grantor: String,
    pub mandate_scope: String,
    pub until: String,
    /// The typed ID number is of a person of another community (通办): not registered here.
    pub elsewhere: bool,
    /// The decision of a 即办 (the first show offers 准予, the usual answer on the spot).
    pub result: DecisionInput,
}

impl Draft {
    pub fn from_fields(f: &Fields) -> Draft {
        let answers: Answers =
            f.0.iter()
                .filter_map(|(k, v)| Some((k.strip_prefix("q.")?.to_string(), v.clone())))
                .filter(|(_, v)| !v.trim().is_empty())
                .fold(HashMap::new(), |mut acc, (k, v)| {
                    acc.entry(k).or_insert_with(Vec::new).push(v);
                    acc
                });
        let listed = f.all("material");
        let statuses = (!listed.is_empty()).then(|| {
            let have = f.all("have");
            let held = f.all("held");
            listed
                .iter()
                .map(|id| {
                    let status = match (have.contains(id), held.contains(id)) {
                        (true, true) => MaterialStatus::Held,
                        (true, false) => MaterialStatus::Brought,
                        (false, _) => MaterialStatus::Missing,
                    };
                    (id.to_string(), status)
                })
                .collect()
        });
        Draft {
            item: f.get("item").trim().to_string(),
            who: f.get("who").trim().to_string(),
            resident: f.get("resident").parse().ok(),
            kind: f.get("kind").to_string(),
            answers,
            statuses,
            name: f.get("name").trim().to_string(),
            phone: f.get("phone").trim().to_string(),
            note: f.get("note").to_string(),
            key: f.get("key").to_string(),
            channel: f.get("channel").to_string(),
            grantor: f.get("grantor").trim().to_string(),
            mandate_scope: f.get("mandate_scope").trim().to_string(),
            until: f.get("until").trim().to_string(),
            elsewhere: f.get("elsewhere") == "1",
            result: f.decision(),
        }
    }
}

pub async fn show(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    super::may_take(&ctx)?;
    let fields = Fields(fields);
    let mut draft = Draft::from_fields(&fields);
    // The desk's words for the matter, followed to this item: what the search learns from.
    let (what, tried) = (fields.get("what"), fields.get("tried"));
    crate::catalogue::aliases::picked(&st, &ctx, what, tried, &draft.item).await?;
    if draft.resident.is_none() {
        // The one person the search found is the applicant; with several the desk picked one.
        let found = super::find::people(&st, &ctx, &ip, &draft.who).await?;
        if let [only] = found.rows.as_slice() {
            draft.resident = Some(only.id());
        }
    }
    render(&st, &ctx, &draft, None).await
}

/// The intake screen for `draft`, with `error` above the buttons when an outcome was refused.
pub(super) async fn render(
    st: &Shared,
    ctx: &Ctx,
    draft: &Draft,
    error: Option<String>,
) -> AppResult<Response> {
    let snap = st.catalogue.get(&st.db).await?;
    let current = snap
        .get(&draft.item)
        .ok_or_else(|| AppError::BadRequest("请先查找并选择事项".into()))?;
    let item = &current.item;
    let applicant = applicant(st, ctx, draft).await?;
    let kind = BusinessKind::parse(&draft.kind)
        .or_else(|| item.kinds.first().map(|k| k.kind))
        .ok_or_else(|| AppError::BadRequest("该事项没有办理类型".into()))?;
    let known = Known {
        resident: draft.resident.is_some(),
        household: applicant.household,
    };
    let given = draft.statuses.clone().unwrap_or_default();
    let list = checklist::build(item, kind, &draft.answers, known, &given);
    let duplicates = match draft.resident {
        Some(r) => applicant::open_cases(&st.db, &ctx.me.worker(), r, &item.code).await?,
        None => Vec::new(),
    };
    let key = if draft.key.is_empty() {
        crate::auth::cookies::new_token()
    } else {
        draft.key.clone()
    };
    let data = context! {
        item => item_view(item, kind.code()),
        applicant => applicant.view,
        draft => context! {
            who => &draft.who, resident => draft.resident, name => &draft.name,
            phone => &draft.phone, note => &draft.note, answers => &draft.answers,
            channel => &draft.channel, grantor => &draft.grantor,
            mandate_scope => &draft.mandate_scope, until => &draft.until,
            elsewhere => draft.elsewhere,
        },
        checklist => list.iter().map(|e| material_view(item, draft, e)).collect::<Vec<_>>(),
        focus => first_to_fill(item, draft, &applicant.view),
        duplicates => duplicates_view(&duplicates),
        on_the_spot => item.mode == Mode::OnTheSpot,
        result_kind => item.result_kind.code(),
        rv => decision_values(&draft.result),
        grid => ctx.me.user.role == Role::GridWorker,
        key, error,
    };
    Ok(crate::registry::private(
        ctx.render("desk_intake.html", data)?,
    ))
}

/// A line of the checklist. A material that applies only for some answer (代办人身份证 when
/// 代办) is not shown as received before that question is answered: it starts unticked and
/// carries its condition, which the page script uses to show and tick it, or hide it, as the
/// desk answers.
fn material_view(item: &ServiceItem, draft: &Draft, e: &checklist::Entry) -> Value {
    let when = item
        .materials
        .iter()
        .find(|m| m.id == e.id)
        .and_then(|m| m.applies_when.as_ref())
        .filter(|c| !draft.answers.contains_key(&c.question));
    let undecided = when.is_some() && draft.statuses.is_none();
    let condition = when.map(|c| {
        let question = item.questions.iter().find(|q| q.id == c.question);
        let labels: Vec<&str> = c
            .any_of
            .iter()
            .map(|key| {
                question
                    .and_then(|q| q.options.iter().find(|o| &o.key == key))
                    .map_or(key.as_str(), |o| o.label.as_str())
            })
            .collect();
        context! { question => format!("q.{}", c.question), any_of => c.any_of.join(" "), labels => labels.join("、") }
    });
    context! {
        id => &e.id, name => &e.name, how => &e.how_to_obtain, form => &e.form,
        have => e.status != MaterialStatus::Missing && !undecided,
        held => e.status == MaterialStatus::Held, when => condition,
    }
}

/// The field the page opens on: a new person's name, else the first required question not
/// yet answered, else the first outcome button (everything is filled; Enter decides).
fn first_to_fill(item: &ServiceItem, draft: &Draft, applicant: &Value) -> String {
    let is_new = applicant.get_attr("new").is_ok_and(|v| v.is_true());
    if is_new && draft.name.is_empty() {
        return "name".into();
    }
    let mut questions: Vec<_> = item.questions.iter().filter(|q| q.required).collect();
    questions.sort_by_key(|q| q.order);
    questions
        .into_iter()
        .find(|q| !draft.answers.contains_key(&q.id))
        .map_or_else(|| "outcome".into(), |q| format!("q.{}", q.id))
}

/// The same matter's unfinished cases for this resident, split as the warning tells them
/// apart: still being worked on, or 已办结 with the result not yet delivered (the resident
/// may have come for it rather than to apply again).
fn duplicates_view(cases: &[OpenCase]) -> Value {
    let (done, open): (Vec<_>, Vec<_>) =
        cases.iter().partition(|c| c.state == CaseState::Completed);
    let show = |list: Vec<&OpenCase>| -> Vec<Value> {
        list.iter()
            .map(|c| context! { id => c.id, number => &c.number, state => c.state.label() })
            .collect()
    };
    context! { open => show(open), done => show(done) }
}

fn item_view(item: &ServiceItem, kind: &str) -> Value {
    context! {
        code => &item.code, name => &item.name, line => &item.line,
        mode => item.mode.label(), promised_days => item.promised_days,
        visits => item.visits, department => &item.department,
        kinds => item.kinds.iter().map(|k| context! {
            code => k.kind.code(), label => k.kind.label(),
            selected => k.kind.code() == kind,
        }).collect::<Vec<_>>(),
        questions => item.questions.iter().map(|q| context! {
            id => &q.id, text => &q.text, hint => &q.hint, required => q.required,
            choice => q.datatype.has_options(),
            options => q.options.iter().map(|o| context! { key => &o.key, label => &o.label }).collect::<Vec<_>>(),
        }).collect::<Vec<_>>(),
    }
}

struct Applicant {
    view: Value,
    household: bool,
}

/// The applicant as the desk sees them: a registry person the worker may see (masked), a new
/// ID number, an invalid one (said so), or nobody yet (the desk must pick or type a number).
async fn applicant(st: &Shared, ctx: &Ctx, draft: &Draft) -> AppResult<Applicant> {
    if let Some(id) = draft.resident {
        let r = applicant::visible(&st.db, &ctx.me.worker(), id)
            .await
            .map_err(|_| AppError::NotFound)?;
        let view = context! {
            known => true, id => r.id, name => &r.name,
            id_number => Show::Masked.id_number(&r.id_number),
            phone => Show::Masked.phone(&r.phone), address => &r.actual_address,
        };
        return Ok(Applicant {
            view,
            household: r.household_id.is_some(),
        });
    }
    let view = match classify(&draft.who) {
        Some(Query::IdNumber(_)) => match resident_id::parse(&draft.who, dates::today()) {
            Ok(p) => context! {
                known => false, new => true,
                id_number => Show::Masked.id_number(p.id.as_str()),
                birth => super::register::birth_label(&p.id), sex => p.id.sex().label(),
            },
            Err(e) => context! { known => false, invalid => format!("身份证号无效：{e}") },
        },
        _ => context! { known => false, unpicked => true },
    };
    Ok(Applicant {
        view,
        household: false,
    })
}

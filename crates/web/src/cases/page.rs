//! The case page: everything about one case, its timeline, and the actions the worker may take
//! in its state (from the lifecycle table), with the approval, transfer, assignment and link
//! forms where they apply.

use crate::error::AppResult;
use crate::page::Ctx;
use crate::server::Shared;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{Value, context};
use quanke_app::cases::CaseError;
use quanke_app::cases::act::load;
use quanke_app::cases::checklist::{self, MaterialStatus};
use quanke_app::cases::guards::Standing;
use quanke_app::cases::intake;
use quanke_app::cases::view::action_label;
use quanke_app::cases::worker::Worker;
use quanke_domain::calendar::Day;
use quanke_domain::case::{
    Document, Guard, Lifecycle, State as CaseState, Transition, Unmet, due_status,
};
use quanke_domain::mask::Show;
use quanke_domain::{OrgKind, OrgPath, Permission, Role};
use quanke_store::cases::{self, Case};
use quanke_store::users;
use std::collections::HashMap;

pub async fn show(State(st): State<Shared>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let data = page_data(&st, &ctx, id).await?;
    Ok(crate::registry::private(ctx.render("case.html", data)?))
}

/// A form of the case page that the office refused: which form (`actions`, `approval`,
/// `transfer`, `transfer-{id}`, `assign`, `link`), the message, and what was typed into it.
pub struct Refused {
    pub form: String,
    pub message: String,
    pub typed: Value,
}

/// The case page again, with the refused form's message beside it and what was typed kept, so
/// that a missing reason is fixed where it is asked for instead of on a bare error page.
pub async fn show_refused(st: &Shared, ctx: &Ctx, id: i64, r: Refused) -> AppResult<Response> {
    let data = page_data(st, ctx, id).await?;
    let refused = context! { form => r.form, message => r.message, typed => r.typed };
    let html = ctx.render("case.html", context! { refused, ..data })?;
    let mut response = crate::registry::private(html);
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

async fn page_data(st: &Shared, ctx: &Ctx, id: i64) -> AppResult<Value> {
    let by = ctx.me.worker();
    let case = match load(&st.cases(), &by, id).await {
        Ok(c) => c,
        // The receiving community of a pending 通办 transfer opens the case to answer it.
        Err(CaseError::NotFound) if incoming(st, &by, id).await? => cases::get(&st.db, id).await?,
        Err(e) => return Err(e.into()),
    };
    view(st, ctx, &by, &case).await
}

async fn incoming(st: &Shared, by: &Worker, case_id: i64) -> AppResult<bool> {
    Ok(cases::pending_transfers_to(&st.db, by.org.as_str())
        .await?
        .iter()
        .any(|t| t.case_id == case_id))
}

async fn view(st: &Shared, ctx: &Ctx, by: &Worker, case: &Case) -> AppResult<Value> {
    let lifecycle = Lifecycle::shipped();
    let state = case.state;
    let events = cases::events(&st.db, case.id).await?;
    let files = cases::files(&st.db, case.id).await?;
    let people = names(st, case).await?;
    let name_of = |id: Option<i64>| id.and_then(|i| people.get(&i).cloned()).unwrap_or_default();
    let timeline: Vec<Value> = events
        .iter()
        .map(|e| {
            let attached: Vec<Value> = files
                .iter()
                .filter(|f| f.event_id == Some(e.id))
                .map(|f| context! { id => f.id, name => &f.file_name, size => f.size })
                .collect();
            context! {
                at => e.at, actor => &e.actor_name, action => action_label(lifecycle, &e.action),
                from => e.from_state.0.map(|s| s.label()), to => e.to_state.label(),
                moved => e.moved(), note => &e.note, files => attached,
            }
        })
        .collect();
    let role = ctx.me.user.role;
    let list = checklist::from_json(&case.checklist);
    let offered = lifecycle.actions_from(state, role);
    let form = MaterialsForm::of(&offered, state, &list);
    let standing = if offered.is_empty() {
        None
    } else {
        Some(Standing::of(&st.db, case, &events).await?)
    };
    let actions: Vec<Value> = offered
        .iter()
        .map(|t| {
            let blocked = standing.as_ref().map(|s| form.blocking(s, t, &list)).unwrap_or_default();
            context! {
                code => t.action_code(), label => t.action_label(), to => t.to().label(),
                needs_note => t.needs_note(), needs_approval => t.needs_head_approval() && role != Role::CommunityHead,
                blocked => blocked.join("；"),
            }
        })
        .collect();
    let approval = cases::pending_approval(&st.db, case.id).await?;
    let transfers = cases::transfers(&st.db, case.id).await?;
    let places =
        crate::registry::places::Places::within(&st.db, &street_of(&case.community_path)).await?;
    let visits = cases::visits(&st.db, case.id).await?;
    let linked = linked(st, case).await?;
    let calendar = st.calendar.get(&st.db).await?;
    let due = case.due_on.map(Day::date);
    let today = crate::registry::dates::today();
    Ok(context! {
        case => context! {
            id => case.id, number => &case.number, item_code => &case.item_code,
            item => item_name(st, &case.item_code).await?, line => &case.line,
            state => state.label(), state_code => state.code(), channel => intake::channel_label(&case.channel),
            applicant => &case.applicant_name, phone => Show::Masked.phone(&case.applicant_phone),
            resident_id => case.resident_id, created_at => case.created_at,
            accepted_on => &case.accepted_on, due_on => &case.due_on,
            due_status => due.map(|d| due_status(d, today, &calendar).label()),
            assignee => name_of(case.assignee_id), assignee_id => case.assignee_id,
            community => places.name(case.community_path.as_str()), escalated => case.escalated_at.is_some(),
            promised_days => case.promised_days, final => state.is_final(),
        },
        checklist => list.iter().map(|e| context! {
            id => &e.id, name => &e.name, form => &e.form, how => &e.how_to_obtain,
            status => e.status.label(), missing => e.status == MaterialStatus::Missing,
        }).collect::<Vec<_>>(),
        missing => checklist::missing(&list).len(),
        materials_form => context! { brought => form.brought, brought_checked => form.brought_checked, missing => form.missing },
        actions, timeline,
        visits => visits.iter().map(|v| context! { at => v.at, purpose => visit_label(&v.purpose) }).collect::<Vec<_>>(),
        files => files.iter().map(|f| context! { id => f.id, name => &f.file_name, size => f.size, at => f.at }).collect::<Vec<_>>(),
        approval => approval.map(|a| context! {
            id => a.id, to => a.to_state.label(), note => a.note, by => name_of(a.requested_by), at => a.requested_at,
        }),
        is_head => role == Role::CommunityHead,
        transfers => transfers.iter().map(|t| context! {
            id => t.id, kind => if t.kind == "community" { "通办转社区" } else { "转部门" },
            to => if t.kind == "community" { places.name(&t.to_target) } else { t.to_target.clone() },
            reason => &t.reason, status => transfer_status(&t.status), pending => t.status == "pending",
            answer => &t.answer, at => t.requested_at,
            may_answer => t.status == "pending" && may_answer(by, case, &t.kind, &t.to_target),
        }).collect::<Vec<_>>(),
        communities => places.communities().into_iter()
            .filter(|o| o.kind == OrgKind::Community && o.path != case.community_path)
            .map(|o| context! { id => o.id, name => &o.name }).collect::<Vec<_>>(),
        may_transfer => !state.is_final() && Permission::TransferCases.granted_to(role),
        workers => workers(st, ctx, case).await?,
        linked,
        documents => documents(st, case.id).await?,
        mandate => cases::mandate(&st.db, case.id).await?.map(|m| context! {
            grantor => m.grantor, scope => m.scope, until => m.valid_until, agent => name_of(m.agent_id),
        }),
        rating => quanke_store::case_reports::rating(&st.db, case.id).await?.map(|r| context! {
            score => r.score, comment => r.comment, at => r.at,
        }),
        may_rate => matches!(state, CaseState::Completed | CaseState::Delivered),
        result => quanke_app::cases::outcome::of_case(&st.db, case.id).await?,
        completes => offered.iter().any(|t| t.to() == CaseState::Completed),
        result_kind => standing.as_ref().map(|s| s.item.result_kind.code()),
        rv => super::fields::decision_values(&Default::default()),
    })
}

/// The material boxes the action form offers: the steps that check or ask for materials record
/// them (see `act::updated_checklist`), so the form lets the worker state them there.
struct MaterialsForm {
    /// Boxes to confirm missing materials as brought (a step requires complete materials).
    brought: bool,
    /// Ticked by default: the resident came back with the one-time notice's list.
    brought_checked: bool,
    /// Boxes to mark materials missing (a step asks for materials).
    missing: bool,
}

impl MaterialsForm {
    fn of(offered: &[&Transition], state: CaseState, list: &[checklist::Entry]) -> MaterialsForm {
        let checks = offered
            .iter()
            .any(|t| t.guards().contains(&Guard::MaterialsComplete));
        MaterialsForm {
            brought: checks && !checklist::missing(list).is_empty(),
            brought_checked: state == CaseState::AwaitingMaterials,
            missing: offered
                .iter()
                .any(|t| t.to() == CaseState::AwaitingMaterials),
        }
    }

    /// Why the button of `t` cannot work, whatever the worker fills in: the requirements that
    /// fail and that the form cannot change (the note and the boxes offered are checked when
    /// the form is sent). Empty: the button is offered.
    fn blocking(
        &self,
        standing: &Standing,
        t: &Transition,
        list: &[checklist::Entry],
    ) -> Vec<String> {
        standing
            .unmet(t, list, "")
            .into_iter()
            .filter(|u| match u {
                Unmet::NoteMissing { .. } => false,
                Unmet::MaterialsMissing { .. } => !self.brought,
                Unmet::NothingMissing => !self.missing,
                _ => true,
            })
            .map(|u| u.to_string())
            .collect()
    }
}

/// The street's path above a community path ("/1/2/" → "/1/").
fn street_of(community: &OrgPath) -> OrgPath {
    community.ids().first().map_or_else(
        || OrgPath::from_stored("/".into()),
        |root| OrgPath::root(*root),
    )
}

fn may_answer(by: &Worker, case: &Case, kind: &str, target: &str) -> bool {
    if kind == "community" {
        by.sees(&OrgPath::from_stored(target.to_string())) && !by.sees(&case.community_path)
    } else {
        by.sees(&case.community_path)
    }
}

fn transfer_status(code: &str) -> &'static str {
    match code {
        "pending" => "待接收",
        "accepted" => "已接收",
        _ => "已拒收",
    }
}

pub fn visit_label(code: &str) -> &'static str {
    match code {
        "intake" => "窗口申请",
        "materials" => "补交材料",
        "pickup" => "领取结果",
        _ => "其他",
    }
}

async fn item_name(st: &Shared, code: &str) -> AppResult<String> {
    let snap = st.catalogue.get(&st.db).await?;
    Ok(snap
        .get(code)
        .map_or_else(|| code.to_string(), |c| c.item.name.clone()))
}

/// Display names of the community's staff, for assignee and requesters.
async fn names(st: &Shared, case: &Case) -> AppResult<HashMap<i64, String>> {
    let root = street_of(&case.community_path);
    Ok(users::in_subtree(&st.db, &root)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

/// Back-office workers the head may give the case to.
async fn workers(st: &Shared, ctx: &Ctx, case: &Case) -> AppResult<Vec<Value>> {
    if ctx.me.user.role != Role::CommunityHead {
        return Ok(Vec::new());
    }
    let community = case.community_path.clone();
    Ok(users::in_subtree(&st.db, &community)
        .await?
        .into_iter()
        .filter(|u| u.role == Role::BackOffice && !u.disabled)
        .map(|u| context! { id => u.id, name => u.display_name, current => Some(u.id) == case.assignee_id })
        .collect())
}

async fn linked(st: &Shared, case: &Case) -> AppResult<Vec<Value>> {
    let mut out = Vec::new();
    for id in cases::linked(&st.db, case.id).await? {
        let other = cases::get(&st.db, id).await?;
        out.push(context! {
            id => other.id, number => other.number, state => other.state.label(),
            item => item_name(st, &other.item_code).await?,
        });
    }
    Ok(out)
}

/// The documents issued for the case, oldest first, for the list with its 重印 links.
async fn documents(st: &Shared, case_id: i64) -> AppResult<Vec<Value>> {
    Ok(cases::documents(&st.db, case_id)
        .await?
        .into_iter()
        .map(|d| {
            let title = Document::parse(&d.kind).map_or(d.kind.clone(), |k| k.title().into());
            context! { id => d.id, title, at => d.issued_at, by => d.issuer_name }
        })
        .collect())
}

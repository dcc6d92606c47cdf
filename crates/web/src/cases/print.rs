//! The A4 printouts the resident takes home: the receipt (受理回执), the one-time notice of
//! every missing material (一次性告知书) and the refusal (不予受理告知书). Printed from the
//! browser; the page carries its own print styles.

use super::act::{load, state_of};
use super::checklist::{self, MaterialStatus};
use super::worker::Worker;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::extract::{Path, State};
use axum::response::Response;
use minijinja::context;
use quanke_domain::OrgPath;
use quanke_domain::case::State as CaseState;
use quanke_store::{cases, orgs, users};

pub async fn show(
    State(st): State<Shared>,
    ctx: Ctx,
    Path((id, kind)): Path<(i64, String)>,
) -> AppResult<Response> {
    let by = Worker::of(&ctx.me);
    let case = load(&st, &by, id).await?;
    let state = state_of(&case)?;
    let title = match kind.as_str() {
        "receipt" => "受理回执",
        "notice" => "一次性告知书",
        "refusal" if state == CaseState::Rejected => "不予受理告知书",
        _ => return Err(AppError::NotFound),
    };
    let snap = st.catalogue.get(&st.db).await?;
    let item = snap.get(&case.item_code).map(|c| &c.item);
    let list = checklist::from_json(&case.checklist);
    let events = cases::events(&st.db, case.id).await?;
    let community = community_name(&st, &case.community_path).await?;
    let handler = match case.assignee_id {
        Some(id) => users::by_id(&st.db, id).await?.display_name,
        None => by.name.clone(),
    };
    // The refusal's reason is the note of the change that refused it.
    let reason = events
        .iter()
        .rev()
        .find(|e| e.to_state == CaseState::Rejected.code() && e.from_state != e.to_state)
        .map(|e| e.note.clone())
        .unwrap_or_default();
    let first_day = events.first().map(|e| e.on_day.clone()).unwrap_or_default();
    let data = context! {
        kind, title, community, handler, reason, first_day, case_id => case.id,
        case => context! {
            number => &case.number, applicant => &case.applicant_name, state => state.label(),
            due_on => &case.due_on, promised_days => case.promised_days,
            completed => matches!(state, CaseState::Completed | CaseState::Delivered),
        },
        item => item.map(|i| context! {
            name => &i.name, location => &i.location, hours => &i.hours, window => &i.window,
            consult_phone => &i.consult_phone, complaint_phone => &i.complaint_phone,
        }),
        received => list.iter().filter(|e| e.status != MaterialStatus::Missing).map(|e| context! {
            name => &e.name, form => &e.form, held => e.status == MaterialStatus::Held,
        }).collect::<Vec<_>>(),
        missing => checklist::missing(&list).iter().map(|e| context! {
            name => &e.name, form => &e.form, how => &e.how_to_obtain,
        }).collect::<Vec<_>>(),
        printed_by => &by.name, printed_on => &by.today,
    };
    Ok(crate::registry::private(
        ctx.render("case_print.html", data)?,
    ))
}

async fn community_name(st: &Shared, path: &str) -> AppResult<String> {
    let id = OrgPath::from_stored(path.to_string())
        .ids()
        .last()
        .copied()
        .unwrap_or_default();
    Ok(orgs::get(&st.db, id).await?.name)
}

//! The outcome buttons: the case is opened (registering a new person first when the desk
//! typed an unknown ID number) and the desk goes to what the resident takes home.

use super::form::{Draft, render};
use super::register;
use crate::cases::deadline;
use crate::cases::fields::Fields;
use crate::cases::intake::{self, Intake, Outcome, parse_kind};
use crate::cases::worker::Worker;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use quanke_domain::Role;
use quanke_domain::case::State as CaseState;
use quanke_store::{cases, registry};

pub async fn create(
    State(st): State<Shared>,
    ctx: Ctx,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    super::may_take(&ctx)?;
    let fields = Fields(fields);
    let draft = Draft::from_fields(&fields);
    let outcome = Outcome::parse(fields.get("outcome"))
        .ok_or_else(|| AppError::BadRequest("请选择办理结果".into()))?;
    let grid = ctx.me.user.role == Role::GridWorker;
    match open(&st, &ctx, &draft, outcome, grid).await {
        Ok(resp) => Ok(resp),
        Err(AppError::BadRequest(message)) => {
            let page = render(&st, &ctx, &draft, Some(message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn open(
    st: &Shared,
    ctx: &Ctx,
    draft: &Draft,
    outcome: Outcome,
    grid: bool,
) -> AppResult<Response> {
    let by = Worker::of(&ctx.me);
    let mandate = if grid {
        Some(mandate(draft, &by)?)
    } else {
        None
    };
    let mut intake = to_intake(st, draft, outcome, grid).await?;
    if intake.resident_id.is_none() && !draft.who.is_empty() && is_new_person(draft) {
        intake::check(st, &by, &intake).await?;
        let community = intake::community_of(st, &by, None).await?;
        let id = register::register(
            st,
            &draft.who,
            &draft.name,
            &draft.phone,
            by.org.as_str(),
            community.path.as_str(),
            &by.name,
        )
        .await?;
        intake.resident_id = Some(id);
    }
    let opened = intake::open(st, &by, &intake).await?;
    if let Some(m) = mandate
        && opened.created
    {
        cases::record_mandate(&st.db, opened.case.id, &m).await?;
    }
    Ok(Redirect::to(&next_page(&opened.case, outcome)).into_response())
}

/// The typed ID number is a valid one (the form offered to register the person).
fn is_new_person(draft: &Draft) -> bool {
    quanke_domain::ident::resident_id::parse(&draft.who, crate::registry::dates::today()).is_ok()
}

/// A grid worker applies on a resident's behalf only with a mandate: who authorised it, for
/// what, and until when (today or later).
fn mandate(draft: &Draft, by: &Worker) -> AppResult<cases::Mandate> {
    if draft.grantor.is_empty() || draft.mandate_scope.is_empty() {
        return Err(AppError::BadRequest(
            "网格代办须登记授权人和授权范围".into(),
        ));
    }
    let until = deadline::parse_day(&draft.until)
        .ok_or_else(|| AppError::BadRequest("请填写授权有效期（年-月-日）".into()))?;
    if deadline::parse_day(&by.today).is_some_and(|today| until < today) {
        return Err(AppError::BadRequest(
            "授权已过期，请重新取得居民授权".into(),
        ));
    }
    Ok(cases::Mandate {
        grantor: draft.grantor.clone(),
        agent_id: by.id,
        scope: draft.mandate_scope.clone(),
        valid_until: deadline::format_day(until),
        recorded_at: by.now,
    })
}

/// The channel as the form chose it: a grid worker's intake is 代办, the desk's is in person
/// unless taken on the phone.
fn channel(draft: &Draft, grid: bool) -> &'static str {
    match (grid, draft.channel.as_str()) {
        (true, _) => "grid",
        (false, "phone") => "phone",
        _ => "desk",
    }
}

async fn to_intake(st: &Shared, draft: &Draft, outcome: Outcome, grid: bool) -> AppResult<Intake> {
    if grid && outcome != Outcome::Receive {
        return Err(AppError::BadRequest(
            "网格代办的申请由窗口核验后受理".into(),
        ));
    }
    let channel = channel(draft, grid);
    let snap = st.catalogue.get(&st.db).await?;
    let item = snap
        .get(&draft.item)
        .ok_or_else(|| AppError::BadRequest("请先查找并选择事项".into()))?;
    let kind = parse_kind(&draft.kind)
        .or_else(|| item.item.kinds.first().map(|k| k.kind))
        .ok_or_else(|| AppError::BadRequest("请选择办理类型".into()))?;
    let (name, phone) = applicant(st, draft).await?;
    Ok(Intake {
        item_code: draft.item.clone(),
        business_kind: kind,
        answers: draft.answers.clone(),
        statuses: draft.statuses.clone().unwrap_or_default(),
        resident_id: draft.resident,
        applicant_name: name,
        applicant_phone: phone,
        channel: channel.into(),
        outcome,
        note: draft.note.clone(),
        idempotency_key: (!draft.key.is_empty()).then(|| format!("desk:{}", draft.key)),
        community_id: None,
        // Only an application made in person at the desk is a trip for the resident.
        visit: channel == "desk",
        open311_key_id: None,
    })
}

/// A registry person's own name, and their registered phone unless the desk typed another.
async fn applicant(st: &Shared, draft: &Draft) -> AppResult<(String, String)> {
    let Some(id) = draft.resident else {
        return Ok((draft.name.clone(), draft.phone.clone()));
    };
    let r = registry::resident(&st.db, id).await?;
    let phone = if draft.phone.is_empty() {
        r.phone
    } else {
        draft.phone.clone()
    };
    Ok((r.name, phone))
}

/// Where the desk goes next: the printout the resident takes home.
fn next_page(case: &cases::Case, outcome: Outcome) -> String {
    let kind = match (outcome, case.state.parse::<CaseState>()) {
        (Outcome::RequestMaterials, _) => "notice",
        (Outcome::Reject, Ok(CaseState::Rejected)) => "refusal",
        (Outcome::Reject, _) | (Outcome::Receive, _) => return format!("/cases/{}", case.id),
        _ => "receipt",
    };
    format!("/cases/{}/print/{kind}", case.id)
}

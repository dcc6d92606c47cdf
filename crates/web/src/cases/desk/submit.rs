//! The outcome buttons: the case is opened (registering a new person first when the desk
//! typed an unknown ID number) and the desk goes to what the resident takes home.

use super::form::{Draft, render};
use super::register;
use crate::cases::fields::Fields;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use quanke_app::cases::channel::{MandateIn, Via};
use quanke_app::cases::intake::{self, Intake, Outcome};
use quanke_domain::case::State as CaseState;
use quanke_domain::catalogue::BusinessKind;
use quanke_domain::registry::{Query, classify};
use quanke_store::cases;

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
    match open(&st, &ctx, &draft, outcome).await {
        Ok(resp) => Ok(resp),
        Err(AppError::BadRequest(message)) => {
            let page = render(&st, &ctx, &draft, Some(message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn open(st: &Shared, ctx: &Ctx, draft: &Draft, outcome: Outcome) -> AppResult<Response> {
    let by = ctx.me.worker();
    let mut intake = to_intake(st, draft, outcome).await?;
    if intake.resident_id.is_none() && !intake.applicant_id_number.is_empty() && !draft.elsewhere {
        // Checked first: a person is registered only with an intake that will go through.
        intake::check(&st.cases(), &by, &intake).await?;
        let community = intake::community_of(&st.cases(), &by, None).await?;
        intake.resident_id = register::register(
            st,
            &by,
            &intake.applicant_id_number,
            &draft.name,
            &draft.phone,
            community.path.as_str(),
        )
        .await?;
    }
    let opened = intake::open(&st.cases(), &by, &intake).await?;
    Ok(Redirect::to(&next_page(&opened.case, outcome)).into_response())
}

/// The form as an intake. The channel and the visit are the server's to decide (a grid
/// worker's intake is 代办 whatever the form says); the form only says whether the desk took
/// the matter on the phone.
async fn to_intake(st: &Shared, draft: &Draft, outcome: Outcome) -> AppResult<Intake> {
    let snap = st.catalogue.get(&st.db).await?;
    let item = snap
        .get(&draft.item)
        .ok_or_else(|| AppError::BadRequest("请先查找并选择事项".into()))?;
    let kind = BusinessKind::parse(&draft.kind)
        .or_else(|| item.item.kinds.first().map(|k| k.kind))
        .ok_or_else(|| AppError::BadRequest("请选择办理类型".into()))?;
    let typed_number =
        draft.resident.is_none() && matches!(classify(&draft.who), Some(Query::IdNumber(_)));
    let mandate = MandateIn {
        grantor: draft.grantor.clone(),
        scope: draft.mandate_scope.clone(),
        until: draft.until.clone(),
    };
    Ok(Intake {
        item_code: draft.item.clone(),
        business_kind: kind,
        answers: draft.answers.clone(),
        statuses: draft.statuses.clone().unwrap_or_default(),
        resident_id: draft.resident,
        applicant_id_number: if typed_number {
            draft.who.clone()
        } else {
            String::new()
        },
        applicant_name: draft.name.clone(),
        applicant_phone: draft.phone.clone(),
        via: Via::Desk {
            phone: draft.channel == "phone",
        },
        mandate: (mandate != MandateIn::default()).then_some(mandate),
        outcome,
        note: draft.note.clone(),
        result: (outcome == Outcome::OnTheSpot).then(|| draft.result.clone()),
        idempotency_key: (!draft.key.is_empty()).then(|| format!("desk:{}", draft.key)),
        community_id: None,
    })
}

/// Where the desk goes next: the printout the resident takes home.
fn next_page(case: &cases::Case, outcome: Outcome) -> String {
    let kind = match (outcome, case.state) {
        (Outcome::RequestMaterials, _) => "notice",
        (Outcome::Reject, CaseState::Rejected) => "refusal",
        (Outcome::Reject, _) | (Outcome::Receive, _) => return format!("/cases/{}", case.id),
        (Outcome::OnTheSpot, _) => "completion",
        _ => "receipt",
    };
    format!("/cases/{}/print/{kind}", case.id)
}

//! Recording a visit (走访登记) and a subject's visits (走访记录). The form is one column of big
//! targets for a phone at 390 px and works without JavaScript; a fresh key in the form makes a
//! second press of 保存 (or a resend) find the first visit instead of making another.

use crate::audit::{self, Event};
use crate::auth::ClientIp;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use quanke_app::cases::Worker;
use quanke_app::grid::tasks as follow_ups;
use quanke_app::grid::visits::{self, Shown, VisitInput};
use quanke_app::grid::{GridError, purposes};
use quanke_domain::Permission;
use quanke_domain::grid::{Subject, SubjectKind};
use quanke_store::grid::photos::PhotoRow;
use quanke_store::registry::audit_target;
use serde::Deserialize;

/// Visits shown on a subject's page; older ones stay in the record.
const SHOWN: i64 = 50;

#[derive(Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    subject: String,
}

pub async fn form(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    ctx.me.require(Permission::RecordVisits)?;
    let subject: Subject = q.subject.parse().map_err(AppError::BadRequest)?;
    let input = VisitInput {
        key: visits::fresh_key(),
        subjects: vec![subject.to_string()],
        ..VisitInput::default()
    };
    render_form(&st, &ctx, subject, &input, None).await
}

pub async fn submit(
    State(st): State<Shared>,
    ctx: Ctx,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    ctx.me.require(Permission::RecordVisits)?;
    let input = input_of(fields);
    let subject: Subject = input
        .subjects
        .first()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| AppError::BadRequest("请选择走访对象".into()))?;
    match visits::record(&st.db, &ctx.me.worker(), purposes(), &input).await {
        Ok(_) => Ok(Redirect::to(&format!("{}?saved=1", subject_href(subject))).into_response()),
        Err(GridError::Refused(message)) => {
            render_form(&st, &ctx, subject, &input, Some(message)).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The form's fields as the service reads them (purposes and subjects repeat).
fn input_of(fields: Vec<(String, String)>) -> VisitInput {
    let mut input = VisitInput::default();
    for (name, value) in fields {
        match name.as_str() {
            "key" => input.key = value,
            "day" => input.day = value,
            "minutes" => input.minutes = value,
            "findings" => input.findings = value,
            "sensitive" => input.sensitive = value == "on",
            "purpose" => input.purposes.push(value),
            "subject" => input.subjects.push(value),
            "follow_up" => input.follow_up = value,
            "follow_up_due" => input.follow_up_due = value,
            "event_category" => input.event_category = value,
            "event_summary" => input.event_summary = value,
            _ => {}
        }
    }
    input
}

async fn render_form(
    st: &Shared,
    ctx: &Ctx,
    subject: Subject,
    input: &VisitInput,
    problem: Option<String>,
) -> AppResult<Response> {
    let (label, _) = visits::described_within(&st.db, &ctx.me.scope.org, subject).await?;
    let companions: Vec<Value> = visits::companions(&st.db, &ctx.me.scope.org, subject)
        .await?
        .into_iter()
        .map(|(s, name)| {
            let code = s.to_string();
            context! { on => input.subjects.contains(&code), code, name }
        })
        .collect();
    let choices: Vec<Value> = purposes()
        .all()
        .iter()
        .map(|p| context! { code => &p.code, label => &p.label, on => input.purposes.contains(&p.code) })
        .collect();
    let status = match problem {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    let data = context! {
        subject => context! { code => subject.to_string(), kind => subject.kind.label(), label, href => subject_href(subject) },
        input => context! {
            key => &input.key, day => &input.day, minutes => &input.minutes,
            findings => &input.findings, sensitive => input.sensitive,
            follow_up => &input.follow_up, follow_up_due => &input.follow_up_due,
            event_category => &input.event_category, event_summary => &input.event_summary,
        },
        categories => quanke_domain::event::Categories::shipped().all().iter()
            .map(|c| context! { code => &c.code, label => &c.label })
            .collect::<Vec<_>>(),
        purposes => choices,
        companions,
        latest_date => ctx.me.worker().today.to_string(),
        problem,
    };
    Ok((status, ctx.render("grid_visit_form.html", data)?).into_response())
}

/// Where a subject's visits are listed.
pub(super) fn subject_href(subject: Subject) -> String {
    format!("/grid/subjects/{}/{}", subject.kind.code(), subject.id)
}

#[derive(Deserialize)]
pub struct SubjectQuery {
    #[serde(default)]
    saved: Option<String>,
    #[serde(default)]
    done: Option<String>,
    #[serde(default)]
    photos: Option<u32>,
}

/// A subject's visits, newest first, with the button to record another.
pub async fn subject(
    State(st): State<Shared>,
    ctx: Ctx,
    Path((kind, id)): Path<(String, i64)>,
    Query(q): Query<SubjectQuery>,
) -> AppResult<Response> {
    ctx.me.require(Permission::ReadRegistry)?;
    let subject = subject_of(&kind, id)?;
    let (label, _) = visits::described_within(&st.db, &ctx.me.scope.org, subject).await?;
    let shown = visits::timeline(&st.db, &ctx.me.worker(), purposes(), subject, SHOWN).await?;
    let extra =
        context! { saved => q.saved.is_some(), done => q.done.is_some(), photos_added => q.photos };
    render_subject(&st, &ctx, subject, label, &shown, extra).await
}

#[derive(Deserialize)]
pub struct RevealForm {
    #[serde(default)]
    visit: i64,
    #[serde(default)]
    reason: String,
}

/// Opens one visit's sensitive findings, with a reason that goes into the audit log (and, for a
/// person, into "who has read this" on their page). Shown in this response only.
pub async fn reveal(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    ctx: Ctx,
    Path((kind, id)): Path<(String, i64)>,
    Form(f): Form<RevealForm>,
) -> AppResult<Response> {
    ctx.me.require(Permission::RevealPersonal)?;
    let subject = subject_of(&kind, id)?;
    let (label, place) = visits::described_within(&st.db, &ctx.me.scope.org, subject).await?;
    let reason = crate::registry::reveal::checked_reason(&f.reason, "查看敏感走访记录")?;
    let shown = visits::timeline_revealing(
        &st.db,
        &ctx.me.worker(),
        purposes(),
        subject,
        SHOWN,
        f.visit,
    )
    .await?;
    let target = match subject.kind {
        SubjectKind::Resident => audit_target(subject.id),
        _ => subject.to_string(),
    };
    let detail = format!("{reason}（走访记录 {}）", f.visit);
    let event = Event {
        action: "grid_visit_revealed",
        target: &target,
        detail: &detail,
        ip: &ip,
        org_path: &place,
    };
    audit::by_user(&st, &ctx.me, event).await?;
    let extra = context! { revealed => f.visit, reason };
    render_subject(&st, &ctx, subject, label, &shown, extra).await
}

/// The subject a page's path names; a kind we do not know is a page that does not exist.
pub(super) fn subject_of(kind: &str, id: i64) -> AppResult<Subject> {
    let kind: SubjectKind = kind.parse().map_err(|_| AppError::NotFound)?;
    Ok(Subject { kind, id })
}

async fn render_subject(
    st: &Shared,
    ctx: &Ctx,
    subject: Subject,
    label: String,
    shown: &[Shown],
    extra: Value,
) -> AppResult<Response> {
    let me = ctx.me.worker();
    let rows: Vec<_> = shown.iter().map(|v| v.row.clone()).collect();
    let photos = quanke_app::grid::photos::of_shown(&st.db, &me, &rows).await?;
    let tasks: Vec<Value> = follow_ups::of_subject(&st.db, &me, subject)
        .await?
        .iter()
        .map(|t| super::tasks::view(t, &me, None))
        .collect();
    let data = context! {
        tasks,
        events => super::events::of_subject(st, &me, subject).await?,
        inspections => super::inspections::of_subject(st, &me, subject).await?,
        can_report => ctx.me.scope.can(Permission::ReportEvents),
        subject => context! {
            code => subject.to_string(), kind => subject.kind.label(), label,
            href => subject_href(subject),
            person => (subject.kind == SubjectKind::Resident).then_some(subject.id),
        },
        visits => shown.iter().map(|v| visit_view(v, &me, &photos)).collect::<Vec<_>>(),
        can_record => ctx.me.scope.can(Permission::RecordVisits),
        can_reveal => ctx.me.scope.can(Permission::RevealPersonal),
        ..extra
    };
    Ok(crate::registry::private(
        ctx.render("grid_subject.html", data)?,
    ))
}

fn visit_view(v: &Shown, me: &Worker, photos: &[PhotoRow]) -> Value {
    let photos: Vec<Value> = photos
        .iter()
        .filter(|p| p.visit_id == v.row.id)
        .map(|p| context! { id => p.id, width => p.width, height => p.height, located => p.lat.is_some() })
        .collect();
    context! {
        id => v.row.id, day => v.row.day.to_string(), minutes => v.row.minutes,
        worker => &v.row.worker_name, purposes => v.purposes.join("、"), findings => &v.findings,
        named => v.row.named, sensitive => v.row.sensitive, photos,
        mine => me.id == Some(v.row.worker_id),
    }
}

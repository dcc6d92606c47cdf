//! Events (事件) in the web application: the report form (from a subject's page or on its own),
//! the list of a place's events, an event's page with the steps the viewer may take, and the
//! steps themselves. Everything stays inside the viewer's part of the org tree.

use crate::error::AppResult;
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use quanke_app::cases::Worker;
use quanke_app::grid::GridError;
use quanke_app::grid::events::{self, EventInput, Reporting, StepInput};
use quanke_app::grid::visits::{described_within, fresh_key};
use quanke_domain::Permission;
use quanke_domain::event::{Categories, EventGuard, EventLifecycle, EventState};
use quanke_domain::grid::Subject;
use quanke_store::grid::events::{EventRow, Listing, StepRow};
use serde::Deserialize;

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
    ctx.me.require(Permission::ReportEvents)?;
    let subjects = match q.subject.trim() {
        "" => Vec::new(),
        one => vec![one.to_string()],
    };
    let input = EventInput {
        key: fresh_key(),
        subjects,
        ..EventInput::default()
    };
    render_form(&st, &ctx, &input, None, &[]).await
}

pub async fn submit(
    State(st): State<Shared>,
    ctx: Ctx,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    ctx.me.require(Permission::ReportEvents)?;
    let input = input_of(fields);
    match events::report(&st.db, &ctx.me.worker(), "grid", &input).await {
        Ok(Reporting::Stored(r)) => {
            Ok(Redirect::to(&format!("/grid/events/{}?reported=1", r.id)).into_response())
        }
        Ok(Reporting::Alike(alike)) => render_form(&st, &ctx, &input, None, &alike).await,
        Err(GridError::Refused(message)) => {
            render_form(&st, &ctx, &input, Some(message), &[]).await
        }
        Err(other) => Err(other.into()),
    }
}

fn input_of(fields: Vec<(String, String)>) -> EventInput {
    let mut input = EventInput::default();
    for (name, value) in fields {
        match name.as_str() {
            "key" => input.key = value,
            "category" => input.category = value,
            "summary" => input.summary = value,
            "place" => input.place = value,
            "subject" => input.subjects.push(value),
            "despite_alike" => input.despite_alike = value == "on",
            _ => {}
        }
    }
    input
}

async fn render_form(
    st: &Shared,
    ctx: &Ctx,
    input: &EventInput,
    problem: Option<String>,
    alike: &[EventRow],
) -> AppResult<Response> {
    let mut subjects = Vec::new();
    for code in &input.subjects {
        let subject: Subject = code.parse().map_err(crate::error::AppError::BadRequest)?;
        let (label, _) = described_within(&st.db, &ctx.me.scope.org, subject).await?;
        subjects.push(context! { code, label, kind => subject.kind.label(), href => super::visits::subject_href(subject) });
    }
    let categories: Vec<Value> = Categories::shipped()
        .all()
        .iter()
        .map(|c| context! { code => &c.code, label => &c.label, days => c.days, on => c.code == input.category })
        .collect();
    let status = match (&problem, alike.is_empty()) {
        (None, true) => StatusCode::OK,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let data = context! {
        input => context! { key => &input.key, summary => &input.summary, place => &input.place },
        subjects,
        categories,
        alike => alike.iter().map(|e| brief(e, &ctx.me.worker())).collect::<Vec<_>>(),
        problem,
    };
    Ok((status, ctx.render("grid_event_form.html", data)?).into_response())
}

/// One event as lists show it.
fn brief(e: &EventRow, me: &Worker) -> Value {
    let category = Categories::shipped()
        .by_code(&e.category)
        .map_or(e.category.as_str(), |c| c.label.as_str());
    let due = e.due();
    context! {
        id => e.id, category, summary => &e.summary, place => &e.place,
        state => e.state.label(), handler => e.handler_label(),
        reported => quanke_app::clock::day(e.reported_at).to_string(),
        due => due.map(|d| d.to_string()),
        late => e.state.clock_runs() && due.is_some_and(|d| d < me.today),
    }
}

/// The events of `me`'s place for today's list: those they handle.
pub(super) async fn held(st: &Shared, me: &Worker) -> AppResult<Vec<Value>> {
    let rows = events::held(&st.db, me).await?;
    Ok(rows.iter().map(|e| brief(e, me)).collect())
}

/// The events linked to a subject, for its page.
pub(super) async fn of_subject(
    st: &Shared,
    me: &Worker,
    subject: Subject,
) -> AppResult<Vec<Value>> {
    let rows = events::of_subject(&st.db, me, subject).await?;
    Ok(rows.iter().map(|e| brief(e, me)).collect())
}

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    all: Option<String>,
}

pub async fn list(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    ctx.me.require(Permission::ReadRegistry)?;
    let me = ctx.me.worker();
    let listing = match q.all {
        Some(_) => Listing::All,
        None => Listing::Open,
    };
    let rows = events::listed(&st.db, &me, listing).await?;
    let data = context! {
        rows => rows.iter().map(|e| brief(e, &me)).collect::<Vec<_>>(),
        all => listing == Listing::All,
        can_report => ctx.me.scope.can(Permission::ReportEvents),
    };
    Ok(crate::registry::private(
        ctx.render("grid_events.html", data)?,
    ))
}

#[derive(Deserialize)]
pub struct EventQuery {
    #[serde(default)]
    reported: Option<String>,
    #[serde(default)]
    moved: Option<String>,
}

pub async fn page(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<EventQuery>,
) -> AppResult<Response> {
    let flash = match (q.reported.is_some(), q.moved.is_some()) {
        (true, _) => Some("事件已上报。"),
        (_, true) => Some("已办理。"),
        _ => None,
    };
    render_page(&st, &ctx, id, flash, None, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    handler: String,
    #[serde(default)]
    department: String,
    /// The state the page showed: a step pressed on a stale page is a conflict.
    #[serde(default)]
    expected: String,
}

pub async fn step(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<StepForm>,
) -> AppResult<Response> {
    ctx.me.require(Permission::ReportEvents)?;
    let calendar = st.calendar.get(&st.db).await?;
    // The dispatch form offers a worker or, with 部门, a department typed in.
    let handler = match f.handler.as_str() {
        "department" => format!("department:{}", f.department),
        other => other.to_string(),
    };
    let input = StepInput {
        action: f.action,
        note: f.note,
        handler,
        expected: f.expected,
    };
    match events::act(&st.db, &calendar, &ctx.me.worker(), id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/grid/events/{id}?moved=1")).into_response()),
        Err(GridError::Refused(message)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render_page(&st, &ctx, id, None, Some(message), status).await
        }
        Err(GridError::Conflict(message)) => {
            render_page(&st, &ctx, id, None, Some(message), StatusCode::CONFLICT).await
        }
        Err(other) => Err(other.into()),
    }
}

async fn render_page(
    st: &Shared,
    ctx: &Ctx,
    id: i64,
    flash: Option<&str>,
    problem: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let me = ctx.me.worker();
    let (event, steps, links) = events::detail(&st.db, &me, id).await?;
    let mut subjects = Vec::new();
    for subject in links {
        // A linked subject that has since moved out of the viewer's scope is not named.
        if let Ok((label, _)) = described_within(&st.db, &me.org, subject).await {
            subjects.push(context! { label, kind => subject.kind.label(), href => super::visits::subject_href(subject) });
        }
    }
    let alike = events::alike_before(&st.db, &me, &event).await?;
    let inspected = quanke_app::grid::inspections::of_event(&st.db, id).await?;
    // A 整改 event is closed by re-inspecting with the checklist that opened it.
    let reinspect = inspected
        .first()
        .filter(|_| quanke_app::grid::inspections::awaits_reinspection(event.state))
        .filter(|_| ctx.me.scope.can(Permission::RecordVisits))
        .and_then(|i| {
            let subject = i.subject()?;
            Some(format!(
                "/grid/inspections/new?subject={}&checklist={}",
                subject, i.checklist
            ))
        });
    let data = context! {
        inspections => inspected.iter().map(super::inspections::brief).collect::<Vec<_>>(),
        reinspect,
        event => brief(&event, &me),
        state_code => event.state.code(),
        channel => channel_label(&event.channel),
        reporter => &event.reporter_name,
        subjects,
        steps => steps.iter().map(step_view).collect::<Vec<_>>(),
        alike => alike.iter().map(|e| brief(e, &me)).collect::<Vec<_>>(),
        actions => actions(&event, &me),
        handlers => handler_choices(st, &event).await?,
        flash,
        problem,
    };
    let html = ctx.render("grid_event.html", data)?;
    Ok((status, crate::registry::private(html)).into_response())
}

fn channel_label(code: &str) -> &'static str {
    match code {
        "portal" => "居民网上上报",
        "open311" => "Open311 接口",
        "api" => "工作人员上报（手机或接口）",
        _ => "工作人员上报",
    }
}

fn step_view(s: &StepRow) -> Value {
    let label = match s.action.as_str() {
        "report" => "上报".to_string(),
        "escalate" => "超期督办".to_string(),
        code => EventLifecycle::shipped()
            .transitions()
            .iter()
            .find(|t| t.action_code() == code)
            .map_or_else(|| code.to_string(), |t| t.action_label().to_string()),
    };
    // A step that leaves the state as it was (the sweep's 督办) shows no arrow.
    let to = match s.from_state == s.to_state {
        true => "",
        false => EventState::from_code(&s.to_state).map_or("", |st| st.label()),
    };
    context! { label, to, who => &s.actor_name, note => &s.note, day => &s.day }
}

/// The buttons the viewer may press: the table's actions for their role (the rules about the
/// handler are checked when pressed, and explained then).
fn actions(event: &EventRow, me: &Worker) -> Vec<Value> {
    let Some(role) = me.role else {
        return Vec::new();
    };
    if !me.can(Permission::ReportEvents) {
        return Vec::new();
    }
    EventLifecycle::shipped()
        .actions_from(event.state, role)
        .into_iter()
        // 复查合格 is taken by saving a passing re-inspection, offered as a link instead.
        .filter(|t| !t.guards().contains(&EventGuard::Reinspected))
        .map(|t| {
            context! {
                code => t.action_code(), label => t.action_label(), note => t.needs_note(),
                handler => t.guards().contains(&EventGuard::Handler),
            }
        })
        .collect()
}

async fn handler_choices(st: &Shared, event: &EventRow) -> AppResult<Vec<Value>> {
    if event.state != EventState::Filed {
        return Ok(Vec::new());
    }
    Ok(events::handlers(&st.db, &event.org_path)
        .await?
        .into_iter()
        .map(|(id, name)| context! { code => format!("worker:{id}"), name })
        .collect())
}

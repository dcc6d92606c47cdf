//! Inspections (检查) in the web application: the checklist form for a business or a dwelling
//! (one column of big 合格/不合格/不适用 choices), the saved inspection with what it did to the
//! 整改 event, and a subject's inspection history.

use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use quanke_app::cases::Worker;
use quanke_app::grid::GridError;
use quanke_app::grid::inspections::{self, InspectionInput, Rectification};
use quanke_app::grid::visits::{described_within, fresh_key};
use quanke_domain::Permission;
use quanke_domain::grid::{Answer, Checklists, Subject};
use quanke_store::grid::inspections::InspectionRow;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    subject: String,
    #[serde(default)]
    checklist: String,
}

pub async fn form(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    ctx.me.require(Permission::RecordVisits)?;
    let input = InspectionInput {
        key: fresh_key(),
        subject: q.subject,
        checklist: q.checklist,
        ..InspectionInput::default()
    };
    render_form(&st, &ctx, &input, None).await
}

pub async fn submit(
    State(st): State<Shared>,
    ctx: Ctx,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    ctx.me.require(Permission::RecordVisits)?;
    let input = input_of(fields);
    let calendar = st.calendar.get(&st.db).await?;
    match inspections::record(&st.db, &calendar, &ctx.me.worker(), &input).await {
        Ok(done) => {
            let kept = matches!(done.rectification, Rectification::NotClosed(..));
            let to = format!(
                "/grid/inspections/{}?saved=1{}",
                done.id,
                if kept { "&kept=1" } else { "" }
            );
            Ok(Redirect::to(&to).into_response())
        }
        Err(GridError::Refused(message)) => render_form(&st, &ctx, &input, Some(message)).await,
        Err(other) => Err(other.into()),
    }
}

/// The form's fields: `answer.POINT` and `note.POINT` per point.
fn input_of(fields: Vec<(String, String)>) -> InspectionInput {
    let mut input = InspectionInput::default();
    let mut notes: Vec<(String, String)> = Vec::new();
    for (name, value) in fields {
        match name.as_str() {
            "key" => input.key = value,
            "subject" => input.subject = value,
            "checklist" => input.checklist = value,
            "note" => input.note = value,
            other => {
                if let Some(point) = other.strip_prefix("answer.") {
                    input
                        .answers
                        .push((point.to_string(), value, String::new()));
                } else if let Some(point) = other.strip_prefix("note.") {
                    notes.push((point.to_string(), value));
                }
            }
        }
    }
    for (point, note) in notes {
        if let Some(a) = input.answers.iter_mut().find(|(p, _, _)| *p == point) {
            a.2 = note;
        }
    }
    input
}

async fn render_form(
    st: &Shared,
    ctx: &Ctx,
    input: &InspectionInput,
    problem: Option<String>,
) -> AppResult<Response> {
    let subject: Subject = input.subject.parse().map_err(AppError::BadRequest)?;
    let (label, _) = described_within(&st.db, &ctx.me.scope.org, subject).await?;
    let lists = Checklists::shipped();
    let choices: Vec<Value> = lists
        .for_kind(subject.kind)
        .map(|l| context! { code => &l.code, name => &l.name, on => l.code == input.checklist })
        .collect();
    let chosen = lists
        .by_code(&input.checklist)
        .filter(|l| l.kind == subject.kind);
    let points: Vec<Value> = chosen
        .map(|l| l.points.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|p| {
            let sent = input.answers.iter().find(|(code, _, _)| *code == p.code);
            let answers: Vec<Value> = Answer::ALL
                .iter()
                .map(|a| context! { code => a.code(), label => a.label(), on => sent.is_some_and(|s| s.1 == a.code()) })
                .collect();
            context! { code => &p.code, text => &p.text, answers, note => sent.map(|s| s.2.as_str()) }
        })
        .collect();
    let status = match problem {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    let data = context! {
        subject => context! { code => &input.subject, label, kind => subject.kind.label(), href => super::visits::subject_href(subject) },
        checklists => choices,
        checklist => chosen.map(|l| context! { code => &l.code, name => &l.name }),
        points,
        input => context! { key => &input.key, note => &input.note },
        problem,
    };
    Ok((status, ctx.render("grid_inspection_form.html", data)?).into_response())
}

/// One inspection as lists show it.
pub(super) fn brief(row: &InspectionRow) -> Value {
    let name = Checklists::shipped()
        .by_code(&row.checklist)
        .map_or(row.checklist.as_str(), |l| l.name.as_str());
    context! {
        id => row.id, name, day => row.day.to_string(), inspector => &row.inspector_name,
        failed => row.failed, event => row.opened_event.or(row.rechecked_event),
        recheck => row.rechecked_event.is_some(),
    }
}

/// A subject's inspections and the checklists it may be inspected with, for its page.
pub(super) async fn of_subject(st: &Shared, me: &Worker, subject: Subject) -> AppResult<Value> {
    let lists: Vec<Value> = Checklists::shipped()
        .for_kind(subject.kind)
        .map(|l| context! { code => &l.code, name => &l.name })
        .collect();
    if lists.is_empty() {
        return Ok(Value::UNDEFINED);
    }
    let rows = inspections::of_subject(&st.db, me, subject).await?;
    Ok(context! { lists, rows => rows.iter().map(brief).collect::<Vec<_>>() })
}

#[derive(Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    saved: Option<String>,
    #[serde(default)]
    kept: Option<String>,
}

pub async fn page(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let me = ctx.me.worker();
    let (row, answers) = inspections::detail(&st.db, &me, id).await?;
    let subject = row.subject().ok_or(AppError::NotFound)?;
    let (label, _) = described_within(&st.db, &me.org, subject).await?;
    let answers: Vec<Value> = answers
        .iter()
        .map(|(text, a, note)| context! { text, answer => a.label(), failed => *a == Answer::Fail, note })
        .collect();
    let data = context! {
        inspection => brief(&row),
        note => &row.note,
        subject => context! { code => subject.to_string(), label, href => super::visits::subject_href(subject) },
        answers,
        saved => q.saved.is_some(),
        outcome => outcome(&row, q.kept.is_some()),
    };
    Ok(crate::registry::private(
        ctx.render("grid_inspection.html", data)?,
    ))
}

/// What the inspection did to the 整改 event, as the saved page says it.
fn outcome(row: &InspectionRow, kept_open: bool) -> Option<String> {
    match (row.opened_event, row.rechecked_event) {
        (Some(e), _) => Some(format!(
            "有 {} 项不合格：已立案整改事件 {e}，派给检查人督促整改，整改后请复查。",
            row.failed
        )),
        (None, Some(e)) if row.failed > 0 => Some(format!(
            "复查仍有 {} 项不合格，整改事件 {e} 继续跟进。",
            row.failed
        )),
        (None, Some(e)) if kept_open => Some(format!(
            "复查全部合格，但整改事件 {e} 现在不能结案（如已挂起须先恢复处置），请打开事件查看。"
        )),
        (None, Some(e)) => Some(format!("复查全部合格，整改事件 {e} 已结案。")),
        (None, None) => None,
    }
}

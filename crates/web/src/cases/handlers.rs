//! The case page's forms: take an action (with an optional file for the timeline), decide an
//! approval, transfer and answer a transfer, reassign, link, and download a file.

use super::attachments;
use super::fields::Fields;
use super::page;
use crate::error::{AppError, AppResult};
use crate::page::Ctx;
use crate::server::Shared;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use quanke_app::cases::act::{self, Acted, Request};
use quanke_app::cases::checklist::MaterialStatus;
use quanke_app::cases::rating;
use quanke_app::cases::transfer::{self, Target};
use quanke_app::cases::worker::Worker;
use quanke_app::cases::{CaseError, CaseResult};
use quanke_domain::case::State as CaseState;
use quanke_domain::{Permission, Role};
use quanke_store::cases::{self, NewFile};
use serde::Deserialize;

/// Files attached to one action: a scan or a department's reply, under the server's 4 MB body limit.
const FILE_LIMIT: usize = 3 * 1024 * 1024;

/// A file that passed `attachments::accept`, read before the action is taken so that a
/// refused file leaves the case as it was.
struct Upload {
    name: String,
    content_type: &'static str,
    data: Vec<u8>,
}

pub async fn act(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> AppResult<Response> {
    let by = ctx.me.worker();
    let (fields, upload) = read_form(multipart).await?;
    let fields = Fields(fields);
    let typed = context! { note => fields.get("note") };
    // A refused file refuses the action: the case stays as it was.
    let upload = match upload {
        Ok(u) => u,
        Err(message) => return refused(&st, &ctx, id, "actions", typed, message).await,
    };
    // The page sends each missing material as "missing" with a "brought" box: a ticked box
    // overrides, an unticked one leaves it missing.
    let mut statuses = std::collections::HashMap::new();
    for m in fields.all("missing") {
        statuses.insert(m.to_string(), MaterialStatus::Missing);
    }
    for m in fields.all("brought") {
        statuses.insert(m.to_string(), MaterialStatus::Brought);
    }
    let visit = fields.get("visit");
    let req = Request {
        action: fields.get("action").to_string(),
        note: fields.get("note").to_string(),
        statuses,
        visit: (!visit.is_empty()).then(|| visit.to_string()),
        result: Some(fields.decision()),
    };
    let acted = match act::act(&st.cases(), &by, id, &req).await {
        Ok(a) => a,
        Err(CaseError::Refused(r)) => {
            // Browsers cannot refill a file input: say so with the file's name.
            let message = match &upload {
                Some(u) => format!("{}。附件“{}”未保存，请重新选择", r.message, u.name),
                None => r.message,
            };
            return refused(&st, &ctx, id, "actions", typed, message).await;
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(u) = upload {
        attach(&st, &by, id, u).await?;
    }
    let next = match (acted, req.action.as_str()) {
        (Acted::Moved(_), "request_more_materials") => format!("/cases/{id}/print/notice"),
        (Acted::Moved(_), "accept_after_materials" | "accept") => {
            format!("/cases/{id}/print/receipt")
        }
        (Acted::Moved(CaseState::Completed), _) => format!("/cases/{id}/print/completion"),
        _ => format!("/cases/{id}"),
    };
    Ok(Redirect::to(&next).into_response())
}

/// The case page with `form`'s refusal beside it and what was typed kept.
async fn refused(
    st: &Shared,
    ctx: &Ctx,
    id: i64,
    form: &str,
    typed: Value,
    message: String,
) -> AppResult<Response> {
    let r = page::Refused {
        form: form.to_string(),
        message,
        typed,
    };
    page::show_refused(st, ctx, id, r).await
}

/// Back to the case page when the form's step was taken; its refusal shown in the form
/// otherwise. Other failures (not found, internal) stay errors.
async fn done_or_refused(
    st: &Shared,
    ctx: &Ctx,
    id: i64,
    form: &str,
    typed: Value,
    result: CaseResult<()>,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/cases/{id}")).into_response()),
        Err(CaseError::Refused(r)) => refused(st, ctx, id, form, typed, r.message).await,
        Err(e) => Err(e.into()),
    }
}

/// The form's fields and its file, if one was chosen; a file that cannot be taken is the
/// message saying why (the other fields are still read, to be shown again).
async fn read_form(
    mut mp: Multipart,
) -> AppResult<(Vec<(String, String)>, Result<Option<Upload>, String>)> {
    let bad = |_| AppError::BadRequest("表单内容无法读取，请重新提交".into());
    let mut fields = Vec::new();
    let mut upload = Ok(None);
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("").to_string();
            let data = field.bytes().await.map_err(bad)?;
            if file_name.is_empty() || data.is_empty() {
                continue;
            }
            upload = if data.len() > FILE_LIMIT {
                Err(format!("附件“{file_name}”超过 3 MB，请压缩后重新选择"))
            } else {
                attachments::accept(&file_name, &data)
                    .map(|a| {
                        Some(Upload {
                            name: a.file_name,
                            content_type: a.content_type,
                            data: data.to_vec(),
                        })
                    })
                    .map_err(|e| format!("{e}。请重新选择附件"))
            };
        } else {
            fields.push((name, field.text().await.map_err(bad)?));
        }
    }
    Ok((fields, upload))
}

/// Attaches the file to the case's newest event (the one this action appended).
async fn attach(st: &Shared, by: &Worker, case_id: i64, u: Upload) -> AppResult<()> {
    let events = cases::events(&st.db, case_id).await?;
    let f = NewFile {
        event_id: events.last().map(|e| e.id),
        file_name: &u.name,
        content_type: u.content_type,
        data: &u.data,
    };
    cases::add_file(&st.db, case_id, &f, &by.actor()).await?;
    Ok(())
}

#[derive(Deserialize)]
pub struct Decision {
    decision: String,
    #[serde(default)]
    answer: String,
}

pub async fn decide(
    State(st): State<Shared>,
    ctx: Ctx,
    Path((id, approval)): Path<(i64, i64)>,
    Form(d): Form<Decision>,
) -> AppResult<Response> {
    let by = ctx.me.worker();
    let result = act::decide(
        &st.cases(),
        &by,
        approval,
        d.decision == "approve",
        &d.answer,
    )
    .await;
    let typed = context! { answer => &d.answer };
    done_or_refused(&st, &ctx, id, "approval", typed, result).await
}

#[derive(Deserialize)]
pub struct TransferForm {
    kind: String,
    #[serde(default)]
    community: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    reason: String,
}

pub async fn transfer(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<TransferForm>,
) -> AppResult<Response> {
    let by = ctx.me.worker();
    let typed = context! {
        kind => &f.kind, community => &f.community, department => &f.department, reason => &f.reason,
    };
    let result = match f.kind.as_str() {
        "community" => match f.community.parse() {
            Ok(c) => transfer::request(&st.cases(), &by, id, Target::Community(c), &f.reason).await,
            Err(_) => Err(CaseError::refuse("bad_target", "请选择接收的社区")),
        },
        _ => {
            transfer::request(
                &st.cases(),
                &by,
                id,
                Target::Department(f.department.clone()),
                &f.reason,
            )
            .await
        }
    };
    done_or_refused(&st, &ctx, id, "transfer", typed, result.map(|_| ())).await
}

pub async fn answer_transfer(
    State(st): State<Shared>,
    ctx: Ctx,
    Path((id, t)): Path<(i64, i64)>,
    Form(d): Form<Decision>,
) -> AppResult<Response> {
    let by = ctx.me.worker();
    let result = transfer::answer(&st.cases(), &by, id, t, d.decision == "accept", &d.answer).await;
    let typed = context! { answer => &d.answer };
    done_or_refused(&st, &ctx, id, &format!("transfer-{t}"), typed, result).await
}

#[derive(Deserialize)]
pub struct AssignForm {
    worker: String,
}

pub async fn assign(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<AssignForm>,
) -> AppResult<Response> {
    if ctx.me.user.role != Role::CommunityHead {
        return Err(AppError::Forbidden);
    }
    let by = ctx.me.worker();
    let case = act::load(&st.cases(), &by, id).await?;
    let worker: i64 = f
        .worker
        .parse()
        .map_err(|_| AppError::BadRequest("请选择经办人".into()))?;
    let target = quanke_store::users::by_id(&st.db, worker).await?;
    let community = case.community_path.clone();
    if target.role != Role::BackOffice || !community.contains(&target.org_path) {
        return Err(AppError::BadRequest(
            "只能分派给本社区的后台工作人员".into(),
        ));
    }
    let note = format!("社区负责人改派给{}", target.display_name);
    cases::assign(&st.db, id, Some(worker), &note, &by.actor()).await?;
    Ok(Redirect::to(&format!("/cases/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct LinkForm {
    number: String,
}

pub async fn link(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<LinkForm>,
) -> AppResult<Response> {
    let by = ctx.me.worker();
    let case = act::load(&st.cases(), &by, id).await?;
    let number = f.number.trim();
    let typed = context! { number };
    // A case outside the caller's area is "no such number", as one that does not exist: the
    // message must not tell that it exists elsewhere.
    let other = match act::load_numbered(&st.cases(), &by, number).await {
        Ok(o) if o.id != case.id => o,
        Ok(_) => {
            let message = "请填写本辖区另一件办件的编号".to_string();
            return refused(&st, &ctx, id, "link", typed, message).await;
        }
        Err(CaseError::NotFound) => {
            let message = format!("没有办件编号“{number}”");
            return refused(&st, &ctx, id, "link", typed, message).await;
        }
        Err(e) => return Err(e.into()),
    };
    cases::link(&st.db, case.id, other.id).await?;
    let note = format!("关联办件 {}", other.number);
    cases::note(&st.db, case.id, "link", &note, &by.actor()).await?;
    Ok(Redirect::to(&format!("/cases/{id}")).into_response())
}

pub async fn file(
    State(st): State<Shared>,
    ctx: Ctx,
    Path((id, file_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let by = ctx.me.worker();
    act::load(&st.cases(), &by, id).await?;
    let (meta, data) = cases::file(&st.db, id, file_id).await?;
    Ok(attachments::download(meta.id, &meta.file_name, data))
}

#[derive(Deserialize)]
pub struct RatingForm {
    #[serde(default)]
    pub score: String,
    #[serde(default)]
    pub comment: String,
}

/// `POST /cases/{id}/rating`: the worker records the resident's rating at the desk (or at
/// home, for a grid worker delivering the result).
pub async fn rate(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<RatingForm>,
) -> AppResult<Redirect> {
    ctx.me.require(Permission::HandleMatters)?;
    let by = ctx.me.worker();
    let case = act::load(&st.cases(), &by, id).await?;
    let score = rating::parse_score(&f.score)?;
    let channel = if ctx.me.user.role == Role::GridWorker {
        "grid"
    } else {
        "desk"
    };
    rating::rate(&st.db, &by, &case, score, &f.comment, channel)
        .await
        .map_err(AppError::from)?;
    Ok(Redirect::to(&format!("/cases/{id}")))
}

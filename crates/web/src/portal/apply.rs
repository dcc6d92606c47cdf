//! 网上申请: a resident applies online for an item. Step one picks the business kind and answers
//! the intake questions (a plain GET form, like the checklist); step two ticks the materials
//! the resident has ready, attaches scans and gives name, phone, optional ID number and
//! community. The case is opened as received (收件) through the portal channel for the desk to
//! check; unticked materials are recorded as missing. Bad input re-shows the form with what was
//! typed and writes nothing.

use super::{choice, choice_query, current, pairs_of};
use crate::auth::ClientIp;
use crate::cases::attachments;
use crate::error::{AppError, AppResult};
use crate::page::{Csrf, render_anon};
use crate::server::Shared;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use minijinja::{Value, context};
use quanke_app::cases::channel::Via;
use quanke_app::cases::checklist::{self, MaterialStatus};
use quanke_app::cases::intake::{self, Intake, Outcome};
use quanke_app::cases::{CaseError, Worker};
use quanke_app::clock;
use quanke_domain::OrgKind;
use quanke_domain::catalogue::spoken::ASK_ITEM;
use quanke_domain::catalogue::{
    AnswerProblem, Answers, BusinessKind, ServiceItem, check_answers, materials_for,
};
use quanke_domain::ident::phone;
use quanke_domain::limits;
use quanke_domain::throttle::PortalAttempt::Application;
use quanke_store::cases::{self, Attachment};
use quanke_store::{orgs, throttle};
use std::collections::HashMap;

/// All the scans of one application together.
pub const FILES_LIMIT: usize = 10 * 1024 * 1024;
/// Scans per application.
pub const MAX_FILES: usize = 10;
/// The request body: the scans and room for the form's fields.
pub const BODY_LIMIT: usize = FILES_LIMIT + 1024 * 1024;

/// `GET /portal/items/{code}/apply`: step one, or step two once the kind is chosen and the
/// questions answered (`step=2`, or an item that asks nothing).
pub async fn form(
    State(st): State<Shared>,
    Csrf(csrf): Csrf,
    Path(code): Path<String>,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let snap = st.catalogue.get(&st.db).await?;
    let item = &current(&snap, &code)?.public;
    let pairs = pairs_of(raw.as_deref());
    let (kind, answers) = choice(item, &pairs);
    let kind = kind.or_else(|| (item.kinds.len() == 1).then(|| item.kinds[0].kind));
    let asked = pairs.iter().any(|(k, v)| k == "step" && v == "2");
    let problem = match kind {
        None => Some("请选择您要办理的业务类型".to_string()),
        Some(_) => answers_problem(item, &answers),
    };
    match (kind, problem) {
        (Some(kind), None) if asked || item.questions.is_empty() => {
            let typed = Typed {
                key: new_key(),
                note: carried_note(&pairs),
                ..Typed::default()
            };
            details(&st, &csrf, item, kind, &answers, &typed, None).await
        }
        (kind, problem) => {
            let error = if asked { problem } else { None };
            start(item, kind, &answers, error)
        }
    }
}

/// A note the link brought along (the question a search could not answer, on its way to the
/// community), when it is within the note's limit.
fn carried_note(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == "note")
        .map(|(_, v)| v.trim())
        .filter(|v| limits::NOTE.check(v).is_ok())
        .unwrap_or_default()
        .to_string()
}

/// Step one: the kind and the questions.
fn start(
    item: &ServiceItem,
    kind: Option<BusinessKind>,
    answers: &Answers,
    error: Option<String>,
) -> AppResult<Response> {
    let kinds: Vec<Value> = item
        .kinds
        .iter()
        .map(|k| {
            context! {
                code => k.kind.code(), label => k.kind.label(),
                checked => kind == Some(k.kind) || (kind.is_none() && item.kinds.len() == 1),
            }
        })
        .collect();
    let mut questions: Vec<_> = item.questions.iter().collect();
    questions.sort_by_key(|q| q.order);
    let questions: Vec<Value> = questions
        .into_iter()
        .map(|q| {
            let given = answers.get(&q.id).cloned().unwrap_or_default();
            let options: Vec<Value> = q
                .options
                .iter()
                .map(|o| context! { key => &o.key, label => &o.label, checked => given.contains(&o.key) })
                .collect();
            context! {
                id => &q.id, text => &q.text, hint => &q.hint, required => q.required,
                choice => q.datatype.has_options(),
                multiple => q.datatype == quanke_domain::catalogue::Datatype::Multivaluelist,
                options, value => given.first().cloned().unwrap_or_default(),
            }
        })
        .collect();
    let data = context! { step => 1, item, kinds, questions, error };
    Ok(page(render_anon("portal_apply.html", data)?))
}

/// What the resident typed in step two, to show it again after a refusal.
#[derive(Debug, Clone, Default, serde::Serialize)]
struct Typed {
    name: String,
    phone: String,
    id_number: String,
    community: String,
    note: String,
    /// Ids of the materials ticked as ready.
    has: Vec<String>,
    /// The idempotency key of this form: a double submit opens one case.
    key: String,
    /// The files a refused form carried, to be chosen again.
    reselect: Vec<Reselect>,
}

/// A file of a refused form, by name, and why it cannot be taken as it is.
#[derive(Debug, Default, Clone, serde::Serialize)]
struct Reselect {
    name: String,
    problem: Option<String>,
}

/// Step two: materials, files and the applicant.
async fn details(
    st: &Shared,
    csrf: &str,
    item: &ServiceItem,
    kind: BusinessKind,
    answers: &Answers,
    typed: &Typed,
    error: Option<String>,
) -> AppResult<Response> {
    let materials: Vec<Value> = materials_for(item, kind, answers)
        .into_iter()
        .map(|m| {
            context! {
                id => &m.id, name => &m.name, form => m.form.label(), copies => m.copies,
                how_to_obtain => &m.how_to_obtain,
                system_may_hold => m.system_may_hold.is_some(),
                ticked => typed.has.contains(&m.id),
            }
        })
        .collect();
    let communities: Vec<Value> = communities(st)
        .await?
        .into_iter()
        .map(|c| context! { id => c.id.to_string(), name => c.name })
        .collect();
    let summary: Vec<Value> = item
        .questions
        .iter()
        .filter_map(|q| {
            let given = answers.get(&q.id)?;
            let shown: Vec<String> = given
                .iter()
                .map(|v| {
                    q.options
                        .iter()
                        .find(|o| &o.key == v)
                        .map_or_else(|| v.clone(), |o| o.label.clone())
                })
                .collect();
            Some(context! { text => &q.text, answer => shown.join("、") })
        })
        .collect();
    let hidden: Vec<(String, String)> =
        serde_urlencoded::from_str(&choice_query(kind, answers)).unwrap_or_default();
    let data = context! {
        step => 2, item, csrf, error, typed, materials, communities, summary, hidden,
        ask => item.code == ASK_ITEM,
        kind => kind.label(),
        back => choice_query(kind, answers),
        max_files => MAX_FILES, limit_mb => FILES_LIMIT / (1024 * 1024),
        action => format!("/portal/items/{}/apply?{}", item.code,
            serde_urlencoded::to_string([("_csrf", csrf)]).unwrap_or_default()),
    };
    Ok(page(render_anon("portal_apply.html", data)?))
}

/// Pages with what a resident typed are not kept by the browser or a proxy.
fn page(html: axum::response::Html<String>) -> Response {
    ([(header::CACHE_CONTROL, "no-store")], html).into_response()
}

/// The communities a resident may choose: every community of the street(s) served.
pub(super) async fn communities(st: &Shared) -> AppResult<Vec<orgs::Org>> {
    let mut all = Vec::new();
    for street in orgs::streets(&st.db).await? {
        let below = orgs::subtree(&st.db, &street.path).await?;
        all.extend(below.into_iter().filter(|o| o.kind == OrgKind::Community));
    }
    Ok(all)
}

/// Why the answers cannot go on to step two (the catalogue's rule, worded for residents).
fn answers_problem(item: &ServiceItem, answers: &Answers) -> Option<String> {
    match check_answers(item, answers).err()? {
        AnswerProblem::Missing(q) => Some(format!("请回答：{}", q.text)),
        AnswerProblem::NotAnOption(q, _) => Some(format!("“{}”的选择无效，请重新选择", q.text)),
        AnswerProblem::TooLong(q, e) => Some(format!("“{}”：{e}", q.text)),
        // The form offers only the item's questions; a stray field is dropped, not shown.
        AnswerProblem::UnknownQuestion(_) => None,
    }
}

fn new_key() -> String {
    format!("portal-{:032x}", rand::random::<u128>())
}

/// A key this form could have issued; anything else is ignored.
fn well_formed_key(key: &str) -> bool {
    key.strip_prefix("portal-")
        .is_some_and(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// One scan as uploaded.
struct Upload {
    file_name: String,
    data: Vec<u8>,
}

/// The whole posted form.
#[derive(Default)]
struct Posted {
    pairs: Vec<(String, String)>,
    typed: Typed,
    files: Vec<Upload>,
}

async fn read(mut form: Multipart) -> AppResult<Posted> {
    let mut p = Posted::default();
    while let Some(field) = form.next_field().await.map_err(bad_upload)? {
        let name = field.name().unwrap_or("").to_string();
        if name == "files" {
            let file_name = field.file_name().unwrap_or("").to_string();
            let data = field.bytes().await.map_err(bad_upload)?;
            // An empty file input still sends a part, without name or content.
            if !(file_name.is_empty() && data.is_empty()) {
                p.files.push(Upload {
                    file_name,
                    data: data.to_vec(),
                });
            }
            continue;
        }
        let text = field.text().await.map_err(bad_upload)?;
        let t = &mut p.typed;
        match name.as_str() {
            "name" => t.name = text,
            "phone" => t.phone = text,
            "id_number" => t.id_number = text,
            "community" => t.community = text,
            "note" => t.note = text,
            "has" => t.has.push(text),
            "key" => t.key = text,
            n if n == "kind" || n.starts_with("a_") => p.pairs.push((name, text)),
            _ => {}
        }
    }
    Ok(p)
}

fn bad_upload(e: axum::extract::multipart::MultipartError) -> AppError {
    AppError::BadRequest(format!(
        "申请未能提交：附件合计不能超过 {} MB，请压缩或减少附件后重新提交（{e}）",
        FILES_LIMIT / (1024 * 1024)
    ))
}

/// A scan that passed the checks.
struct Scan {
    file_name: String,
    content_type: &'static str,
    data: Vec<u8>,
}

fn check_files(files: Vec<Upload>) -> Result<Vec<Scan>, String> {
    if files.len() > MAX_FILES {
        return Err(format!("附件最多 {MAX_FILES} 个，请合并后再上传"));
    }
    let total: usize = files.iter().map(|f| f.data.len()).sum();
    if total > FILES_LIMIT {
        return Err(format!(
            "附件合计不能超过 {} MB，请压缩后再上传",
            FILES_LIMIT / (1024 * 1024)
        ));
    }
    files
        .into_iter()
        .map(|f| {
            let a = attachments::accept(&f.file_name, &f.data)?;
            Ok(Scan {
                file_name: a.file_name,
                content_type: a.content_type,
                data: f.data,
            })
        })
        .collect()
}

/// The applicant's checked details.
struct Applicant {
    name: String,
    phone: String,
    community: orgs::Org,
}

async fn check_applicant(st: &Shared, t: &Typed) -> AppResult<Result<Applicant, String>> {
    let name = t.name.trim();
    if name.is_empty() {
        return Ok(Err("请填写申请人姓名".into()));
    }
    if let Err(e) = limits::PERSON_NAME.check(name) {
        return Ok(Err(e.to_string()));
    }
    if t.phone.trim().is_empty() {
        return Ok(Err(
            "请填写手机号码，办件进度凭办件编号和手机号码查询".into()
        ));
    }
    let phone = match phone::parse(&t.phone) {
        Ok(p) => p,
        Err(e) => return Ok(Err(format!("手机号码有误：{e}"))),
    };
    // The ID number is checked, and linked only to a person of the chosen community with the
    // same name, by the intake service (`cases::applicant`).
    let chosen = t.community.trim().parse::<i64>().ok();
    let Some(community) = communities(st)
        .await?
        .into_iter()
        .find(|c| Some(c.id) == chosen)
    else {
        return Ok(Err("请选择您所在的社区".into()));
    };
    if let Err(e) = limits::NOTE.named("补充说明").check(&t.note) {
        return Ok(Err(e.to_string()));
    }
    Ok(Ok(Applicant {
        name: name.to_string(),
        phone: phone.as_str().to_string(),
        community,
    }))
}

/// `POST /portal/items/{code}/apply` (multipart, the CSRF token in the action's query).
pub async fn submit(
    State(st): State<Shared>,
    Csrf(csrf): Csrf,
    Path(code): Path<String>,
    ClientIp(ip): ClientIp,
    form: Multipart,
) -> AppResult<Response> {
    let posted = read(form).await?;
    let snap = st.catalogue.get(&st.db).await?;
    let item = &current(&snap, &code)?.public;
    let (kind, answers) = choice(item, &posted.pairs);
    let Some(kind) = kind else {
        return start(
            item,
            None,
            &answers,
            Some("请选择您要办理的业务类型".into()),
        );
    };
    if let Some(problem) = answers_problem(item, &answers) {
        return start(item, Some(kind), &answers, Some(problem));
    }
    let mut typed = posted.typed;
    if !well_formed_key(&typed.key) {
        typed.key = new_key();
    }
    let chosen = chosen_files(&posted.files);
    let error = match open(&st, &ip, item, kind, &answers, &typed, posted.files).await? {
        Ok(done) => return Ok(done),
        Err(e) if !chosen.is_empty() => format!("{e}。为安全起见，附件需要重新选择（见下方清单）"),
        Err(e) => e,
    };
    typed.reselect = chosen;
    details(&st, &csrf, item, kind, &answers, &typed, Some(error)).await
}

/// The files of a refused form, each with what is wrong with it, if anything: a browser
/// cannot put them back into the file input, so the page names each one to choose again
/// (and says which of them would be refused again) before the resident sends the form.
fn chosen_files(files: &[Upload]) -> Vec<Reselect> {
    files
        .iter()
        .map(|f| Reselect {
            name: f.file_name.clone(),
            problem: attachments::accept(&f.file_name, &f.data).err(),
        })
        .collect()
}

/// The message for an address that reached its hourly quota of applications.
async fn over_hourly_limit(st: &Shared, ip: &str) -> AppResult<Option<String>> {
    let (now, rule) = (clock::now(), Application.rule());
    let (n, newest) = throttle::portal_attempts(&st.db, Application, ip, rule.since(now)).await?;
    Ok(rule.wait_secs(n, newest, now).map(|_| {
        format!(
            "同一网络一小时内最多提交 {} 份网上申请，请稍后再试，或到社区窗口办理",
            rule.max
        )
    }))
}

/// Checks everything, then opens the case and attaches the scans; the page that says so, or
/// why nothing was written.
async fn open(
    st: &Shared,
    ip: &str,
    item: &ServiceItem,
    kind: BusinessKind,
    answers: &Answers,
    typed: &Typed,
    files: Vec<Upload>,
) -> AppResult<Result<Response, String>> {
    if let Some(too_many) = over_hourly_limit(st, ip).await? {
        return Ok(Err(too_many));
    }
    let applicant = match check_applicant(st, typed).await? {
        Ok(a) => a,
        Err(e) => return Ok(Err(e)),
    };
    let scans = match check_files(files) {
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    let statuses: HashMap<String, MaterialStatus> = materials_for(item, kind, answers)
        .into_iter()
        .map(|m| {
            let status = if typed.has.contains(&m.id) {
                MaterialStatus::Brought
            } else {
                MaterialStatus::Missing
            };
            (m.id.clone(), status)
        })
        .collect();
    let by = Worker::system("居民网上申请", applicant.community.path.clone());
    let new = Intake {
        item_code: item.code.clone(),
        business_kind: kind,
        answers: answers.clone(),
        statuses,
        resident_id: None,
        applicant_id_number: typed.id_number.trim().to_string(),
        applicant_name: applicant.name,
        applicant_phone: applicant.phone,
        via: Via::Portal,
        mandate: None,
        outcome: Outcome::Receive,
        note: typed.note.trim().to_string(),
        result: None,
        idempotency_key: Some(typed.key.clone()),
        community_id: Some(applicant.community.id),
    };
    // The scans are written with the case, in its transaction: a case is never seen with some
    // of them, and a repeated submission (the same key) finds the case whole.
    let attachments = scans
        .into_iter()
        .map(|s| Attachment {
            file_name: s.file_name,
            content_type: s.content_type.to_string(),
            data: s.data,
        })
        .collect();
    let opened = match intake::open_with_files(&st.cases(), &by, &new, attachments).await {
        Ok(o) => o,
        Err(CaseError::Refused(r)) => return Ok(Err(r.message)),
        Err(e) => return Err(e.into()),
    };
    let case = opened.case;
    if opened.created {
        throttle::record_portal(&st.db, Application, ip, clock::now()).await?;
    }
    let attached = cases::files(&st.db, case.id).await?.len();
    let list = checklist::from_json(&case.checklist);
    let missing: Vec<Value> = checklist::missing(&list)
        .into_iter()
        .map(|e| context! { name => &e.name, form => &e.form, how_to_obtain => &e.how_to_obtain })
        .collect();
    let data = context! {
        item, number => &case.number, missing, attached, ask => item.code == ASK_ITEM,
        community => &applicant.community.name,
        track => format!("/portal/track?{}",
            serde_urlencoded::to_string([("number", &case.number)]).unwrap_or_default()),
    };
    Ok(Ok(page(render_anon("portal_applied.html", data)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked() {
        assert!(well_formed_key(&new_key()));
        assert!(!well_formed_key("portal-xyz"));
        assert!(!well_formed_key("k-1"));
    }
}

//! 办件查询: a resident follows a case with its number and the phone given when applying. Both
//! must match; any mismatch gets the same neutral answer, and an address that keeps guessing
//! is made to wait (misses have their own counter per address, apart from sign-ins). Shows the
//! state, the timeline (actions, days, workers' names and nothing else about them), the due
//! day, what is missing while 待补正, and once the case is done the 好差评 form (once).

use crate::auth::ClientIp;
use crate::error::{AppError, AppResult};
use crate::page::{Csrf, render_anon};
use crate::server::Shared;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use minijinja::{Value, context};
use quanke_app::cases::checklist;
use quanke_app::cases::intake::channel_label;
use quanke_app::cases::rating::{self, SCORE_LABELS};
use quanke_app::cases::{CaseError, Worker};
use quanke_app::clock;
use quanke_domain::case::{Lifecycle, State as CaseState};
use quanke_domain::ident::phone;
use quanke_domain::throttle::PortalAttempt::TrackingMiss;
use quanke_store::cases::{self, Case};
use quanke_store::{StoreError, case_reports, throttle};
use serde::Deserialize;

/// The one answer to a wrong number, a wrong phone, or both.
const NOT_FOUND: &str =
    "未找到与该办件编号和手机号码相符的办件，请核对后重试。如仍查不到，请致电社区咨询。";

/// Actions kept off the resident's timeline: the office's internal steps.
const INTERNAL: [&str; 8] = [
    "approval_requested",
    "approval_granted",
    "approval_refused",
    "escalate",
    "transfer_requested",
    "transfer_refused",
    "link",
    "unassigned",
];

/// Actions whose note is written for the resident (what to bring, why refused, the result).
const NOTES_FOR_RESIDENT: [&str; 8] = [
    "request_materials",
    "request_more_materials",
    "reject",
    "withdraw",
    "terminate_early",
    "complete",
    "complete_on_spot",
    "rate",
];

/// Steps that are not state changes, as the resident reads them.
const NOTE_LABELS: [(&str, &str); 4] = [
    ("receive", "已收到申请"),
    ("assign", "已安排工作人员办理"),
    ("transfer_accepted", "已转至其他社区办理"),
    ("rate", "评价"),
];

fn action_label(lifecycle: &Lifecycle, code: &str) -> String {
    if let Some((_, label)) = NOTE_LABELS.iter().find(|(c, _)| *c == code) {
        return (*label).to_string();
    }
    lifecycle
        .transitions()
        .iter()
        .find(|t| t.action_code() == code)
        .map_or_else(|| "办理".to_string(), |t| t.action_label().to_string())
}

#[derive(Deserialize, Default)]
pub struct TrackQuery {
    #[serde(default)]
    number: String,
}

/// `GET /portal/track`: the form (the number filled in when coming from the application).
pub async fn form(Csrf(csrf): Csrf, Query(q): Query<TrackQuery>) -> AppResult<Response> {
    let data = context! { csrf, number => q.number.trim() };
    page(render_anon("portal_track.html", data)?)
}

#[derive(Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    phone: String,
}

/// `POST /portal/track`: the case, or the neutral "not found".
pub async fn lookup(
    State(st): State<Shared>,
    Csrf(csrf): Csrf,
    ClientIp(ip): ClientIp,
    Form(f): Form<TrackForm>,
) -> AppResult<Response> {
    match find(&st, &ip, &f.number, &f.phone).await? {
        Ok(case) => show(&st, &csrf, &case, &f.phone, Shown::default()).await,
        Err(error) => again(&csrf, &f.number, &error),
    }
}

#[derive(Deserialize)]
pub struct RateForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    score: String,
    #[serde(default)]
    comment: String,
}

/// `POST /portal/track/rating`: the resident rates the case, proving it is theirs again.
pub async fn rate(
    State(st): State<Shared>,
    Csrf(csrf): Csrf,
    ClientIp(ip): ClientIp,
    Form(f): Form<RateForm>,
) -> AppResult<Response> {
    let case = match find(&st, &ip, &f.number, &f.phone).await? {
        Ok(case) => case,
        Err(error) => return again(&csrf, &f.number, &error),
    };
    let by = Worker::system("居民", case.community_path.clone());
    let done = match rating::parse_score(&f.score) {
        Ok(score) => rating::rate(&st.db, &by, &case, score, &f.comment, "portal").await,
        Err(e) => Err(e),
    };
    let shown = match done {
        Ok(()) => Shown {
            thanks: true,
            ..Shown::default()
        },
        Err(CaseError::Refused(r)) => Shown {
            error: Some(r.message),
            comment: f.comment.clone(),
            score: f.score.trim().to_string(),
            ..Shown::default()
        },
        Err(e) => return Err(AppError::from(e)),
    };
    let case = cases::get(&st.db, case.id).await?;
    show(&st, &csrf, &case, &f.phone, shown).await
}

/// The case with this number and phone, or the message to show; counts misses against the
/// address and refuses an address that missed too often.
async fn find(
    st: &Shared,
    ip: &str,
    number: &str,
    typed_phone: &str,
) -> AppResult<Result<Case, String>> {
    let now = clock::now();
    let rule = TrackingMiss.rule();
    let (n, newest) = throttle::portal_attempts(&st.db, TrackingMiss, ip, rule.since(now)).await?;
    if let Some(wait) = rule.wait_secs(n, newest, now) {
        let minutes = (wait + 59) / 60;
        return Ok(Err(format!("查询失败次数过多，请 {minutes} 分钟后再试")));
    }
    let number = number.trim();
    if number.is_empty() || typed_phone.trim().is_empty() {
        return Ok(Err("请填写办件编号和申请时留的手机号码".into()));
    }
    let case = match by_number(st, number).await? {
        Some(c) if same_phone(&c.applicant_phone, typed_phone) => Some(c),
        _ => None,
    };
    match case {
        Some(c) => Ok(Ok(c)),
        None => {
            throttle::record_portal(&st.db, TrackingMiss, ip, now).await?;
            Ok(Err(NOT_FOUND.into()))
        }
    }
}

async fn by_number(st: &Shared, number: &str) -> AppResult<Option<Case>> {
    for candidate in [number.to_string(), number.to_ascii_uppercase()] {
        match cases::by_number(&st.db, &candidate).await {
            Ok(c) => return Ok(Some(c)),
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(None)
}

/// Phones compare in their canonical form, so "138 0571 2345" matches "13805712345".
fn same_phone(stored: &str, typed: &str) -> bool {
    match (phone::parse(stored), phone::parse(typed)) {
        (Ok(a), Ok(b)) => a.as_str() == b.as_str(),
        _ => false,
    }
}

fn again(csrf: &str, number: &str, error: &str) -> AppResult<Response> {
    let data = context! { csrf, number => number.trim(), error };
    page(render_anon("portal_track.html", data)?)
}

/// What the case page adds after a rating attempt.
#[derive(Default)]
struct Shown {
    thanks: bool,
    error: Option<String>,
    score: String,
    comment: String,
}

async fn show(
    st: &Shared,
    csrf: &str,
    case: &Case,
    typed_phone: &str,
    shown: Shown,
) -> AppResult<Response> {
    let snap = st.catalogue.get(&st.db).await?;
    let item = snap
        .get(&case.item_code)
        .map_or_else(|| case.item_code.clone(), |c| c.public.name.clone());
    let state = case.state;
    let lifecycle = quanke_domain::case::Lifecycle::shipped();
    let events = cases::events(&st.db, case.id).await?;
    let timeline: Vec<Value> = events
        .iter()
        .filter(|e| !INTERNAL.contains(&e.action.as_str()))
        .map(|e| {
            context! {
                at => clock::format(e.at).chars().take(16).collect::<String>(),
                action => action_label(lifecycle, &e.action),
                state => e.moved().then(|| e.to_state.label()),
                who => &e.actor_name,
                note => NOTES_FOR_RESIDENT.contains(&e.action.as_str()).then_some(&e.note),
            }
        })
        .collect();
    let waiting = state == CaseState::AwaitingMaterials;
    let missing: Vec<Value> = if waiting {
        let list = checklist::from_json(&case.checklist);
        checklist::missing(&list)
            .into_iter()
            .map(|e| context! { name => &e.name, form => &e.form, how_to_obtain => &e.how_to_obtain })
            .collect()
    } else {
        Vec::new()
    };
    let result = quanke_app::cases::outcome::of_case(&st.db, case.id).await?;
    // A refusal, at intake or at the end, tells the resident where to challenge it.
    let refused = state == CaseState::Rejected || result.as_ref().is_some_and(|r| r.refused());
    let rated = case_reports::rating(&st.db, case.id).await?;
    let can_rate = rating::ratable(case) && rated.is_none();
    let scores: Vec<Value> = SCORE_LABELS
        .iter()
        .map(|(s, l)| context! { score => s, label => l, checked => shown.score == s.to_string() })
        .collect();
    let data = context! {
        csrf, item, number => &case.number,
        phone => typed_phone.trim(),
        state => state.label(),
        state_code => state.code(),
        channel => channel_label(&case.channel),
        received => clock::date(case.created_at),
        promised_days => case.promised_days,
        due_on => case.due_on.filter(|_| state.clock_runs()),
        waiting, missing, timeline, can_rate, scores, result,
        remedies => refused.then_some(&st.settings.remedies),
        rated => rated.map(|r| context! {
            score => r.score,
            label => SCORE_LABELS.iter().find(|(s, _)| *s == r.score).map_or("", |(_, l)| l),
            comment => r.comment,
        }),
        thanks => shown.thanks,
        error => shown.error,
        comment => shown.comment,
        comment_max => rating::COMMENT_MAX,
    };
    page(render_anon("portal_case.html", data)?)
}

/// Tracking pages hold what the resident typed: not kept by the browser or a proxy.
fn page(html: axum::response::Html<String>) -> AppResult<Response> {
    Ok(([(header::CACHE_CONTROL, "no-store")], html).into_response())
}

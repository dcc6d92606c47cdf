//! 随手拍: a resident reports an event (litter, a broken lamp, noise) for their community to
//! act on, without signing in, and follows it by its number (`SJ` + id, as Open311 shows it).
//! The event is reported through the portal channel for the community to file; an address that
//! reports more than a few an hour is made to wait.

use crate::auth::ClientIp;
use crate::error::{AppError, AppResult};
use crate::page::{Csrf, render_anon};
use crate::server::Shared;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use minijinja::{Value, context};
use quanke_app::clock;
use quanke_app::grid::GridError;
use quanke_app::grid::events::{self, OutsideReport};
use quanke_domain::event::Categories;
use quanke_domain::throttle::PortalAttempt::EventReport;
use quanke_store::grid::events::{self as stored_events, Located};
use quanke_store::throttle;
use serde::Deserialize;

/// What the resident typed, to show again after a refusal.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
pub struct Typed {
    #[serde(default)]
    key: String,
    #[serde(default)]
    community: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    name: String,
}

pub async fn form(State(st): State<Shared>, Csrf(csrf): Csrf) -> AppResult<Response> {
    let typed = Typed {
        key: format!("portal-event-{:032x}", rand::random::<u128>()),
        ..Typed::default()
    };
    render(&st, &csrf, &typed, None).await
}

pub async fn submit(
    State(st): State<Shared>,
    ClientIp(ip): ClientIp,
    Csrf(csrf): Csrf,
    Form(typed): Form<Typed>,
) -> AppResult<Response> {
    if let Some(wait) = over_limit(&st, &ip).await? {
        return render(&st, &csrf, &typed, Some(wait)).await;
    }
    let communities = super::apply::communities(&st).await?;
    let chosen = typed.community.trim().parse::<i64>().ok();
    let Some(community) = communities.iter().find(|c| Some(c.id) == chosen) else {
        return render(&st, &csrf, &typed, Some("请选择事件所在的社区".into())).await;
    };
    if typed.place.trim().is_empty() {
        return render(&st, &csrf, &typed, Some("请填写事件地点".into())).await;
    }
    let key = typed.key.trim();
    if !key.starts_with("portal-event-") || key.len() > 64 {
        return Err(AppError::BadRequest("表单已过期，请重新打开页面".into()));
    }
    let name = typed.name.trim();
    let report = OutsideReport {
        key: format!("portal:{key}"),
        community: community.path.clone(),
        category: typed.category.clone(),
        summary: typed.summary.clone(),
        place: typed.place.clone(),
        located: Located::default(),
        channel: "portal".into(),
        reporter: match name.chars().count() {
            0 => "居民网上上报".into(),
            1..=30 => format!("居民网上上报（{name}）"),
            _ => return render(&st, &csrf, &typed, Some("称呼最多 30 个字".into())).await,
        },
    };
    let now = clock::now();
    let reported = match events::report_from_outside(&st.db, clock::day(now), now, &report).await {
        Ok(r) => r,
        Err(GridError::Refused(message)) => return render(&st, &csrf, &typed, Some(message)).await,
        Err(other) => return Err(other.into()),
    };
    if reported.fresh {
        throttle::record_portal(&st.db, EventReport, &ip, now).await?;
    }
    let to = format!("/portal/events/SJ{}", reported.id);
    Ok(axum::response::Redirect::to(&to).into_response())
}

async fn over_limit(st: &Shared, ip: &str) -> AppResult<Option<String>> {
    let (now, rule) = (clock::now(), EventReport.rule());
    let (n, newest) = throttle::portal_attempts(&st.db, EventReport, ip, rule.since(now)).await?;
    Ok(rule.wait_secs(n, newest, now).map(|_| {
        format!(
            "同一网络一小时内最多上报 {} 件事，请稍后再试，或拨打社区电话",
            rule.max
        )
    }))
}

async fn render(
    st: &Shared,
    csrf: &str,
    typed: &Typed,
    error: Option<String>,
) -> AppResult<Response> {
    let communities: Vec<Value> = super::apply::communities(st)
        .await?
        .into_iter()
        .map(|c| context! { id => c.id.to_string(), name => c.name })
        .collect();
    let categories: Vec<Value> = Categories::shipped()
        .all()
        .iter()
        .map(|c| context! { code => &c.code, label => &c.label })
        .collect();
    let data = context! { csrf, typed, communities, categories, error };
    let html = render_anon("portal_report.html", data)?;
    Ok(([(header::CACHE_CONTROL, "no-store")], html).into_response())
}

/// An event's public progress by its number: category, state, place as the resident wrote it
/// (their own report) and the deadline; never a worker's note or a person.
pub async fn show(State(st): State<Shared>, Path(number): Path<String>) -> AppResult<Response> {
    let id = number
        .strip_prefix("SJ")
        .and_then(|d| d.parse::<i64>().ok())
        .ok_or(AppError::NotFound)?;
    let event = stored_events::by_id(&st.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let category = Categories::shipped()
        .by_code(&event.category)
        .map_or(event.category.clone(), |c| c.label.clone());
    let theirs = event.channel == "portal";
    let data = context! {
        number, category, state => event.state.label(), closed => event.state.is_final(),
        reported => clock::day(event.reported_at).to_string(),
        due => event.due_day,
        place => theirs.then_some(event.place.as_str()),
        summary => theirs.then_some(event.summary.as_str()),
    };
    let html = render_anon("portal_event.html", data)?;
    Ok(([(header::CACHE_CONTROL, "no-store")], html).into_response())
}

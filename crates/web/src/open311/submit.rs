//! POST Service Request: a partner's request becomes a case, received for the desk to check
//! (`cases::intake::open` with `Outcome::Receive`, channel "open311"), and its case number is
//! the service_request_id; a request for an event service becomes an event for the community
//! to file (`grid::events::report_from_outside`), its id `SJ` + the event's. Everything is checked before the case is written, so a refused
//! request leaves nothing behind.
//!
//! The request's community: the one whose name `address_string` mentions (the longest such
//! name, so "卖鱼桥社区" wins over a shorter name it contains; the name without "社区" counts,
//! as people write "卖鱼桥小河路 12 号"). When none is named, the first community of the first
//! street takes it: a deployment serves one street, whose desk passes a case on (通办) when it
//! belongs elsewhere, which is better than refusing a resident over an address.

use super::events;
use super::format::{Format, Problem, Reply};
use super::jurisdiction::{self, InJurisdiction};
use super::node::Node;
use super::note::Details;
use super::requests::{self, text_or_null};
use crate::catalogue::snapshot::Snapshot;
use crate::server::Shared;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use quanke_app::cases::channel::Via;
use quanke_app::cases::intake::{self, Intake, Outcome};
use quanke_app::cases::{CaseError, Worker};
use quanke_app::catalogue::Current;
use quanke_app::grid::GridError;
use quanke_app::grid::events::{self as grid_events, OutsideReport};
use quanke_app::grid::visits::fresh_key;
use quanke_domain::catalogue::{AnswerProblem, Answers, BusinessKind, ServiceItem, check_answers};
use quanke_domain::ident::phone;
use quanke_domain::{OrgKind, idempotency};
use quanke_store::grid::events::Located;
use quanke_store::open311_keys::{self, Key};
use quanke_store::orgs::{self, Org};
use std::collections::HashMap;

/// The applicant when the partner sends no name: the desk learns it when calling back.
const DEFAULT_APPLICANT: &str = "Open311 用户";

/// `POST /requests.{format}`, the fields form-encoded in the body as the spec says.
pub async fn create(
    State(st): State<Shared>,
    format: Format,
    _: InJurisdiction,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Reply, Problem> {
    let form = Form::parse(format, &body)?;
    form.check_jurisdiction(format)?;
    // Some clients put the key in the query string even when posting.
    let query = Form::parse(format, query.unwrap_or_default().as_bytes())?;
    let partner = partner(&st, format, form.get("api_key").or(query.get("api_key"))).await?;
    if let Some(code) = form
        .get("service_code")
        .filter(|c| events::is_event_service(c))
    {
        return event(&st, format, &form, &headers, &partner, code).await;
    }
    let snap = st
        .catalogue
        .get(&st.db)
        .await
        .map_err(|e| format.internal(&e))?;
    let current = service(format, &snap, form.get("service_code"))?;
    let item = &current.public;
    let details = details(format, &form)?;
    let answers = answers(format, item, &form)?;
    let idempotency_key = idempotency_key(format, &headers, partner.id)?;
    let community = community(&st, format, details.address.as_deref()).await?;
    let intake = Intake {
        item_code: item.code.clone(),
        business_kind: item.kinds.first().map_or(BusinessKind::New, |k| k.kind),
        answers,
        statuses: HashMap::new(),
        resident_id: None,
        // A partner's request never names a registry person (see `cases::applicant`).
        applicant_id_number: String::new(),
        applicant_name: applicant_name(form.get("first_name"), form.get("last_name")),
        // A number the office cannot call is no use to it; the request still counts.
        applicant_phone: form
            .get("phone")
            .filter(|p| phone::parse(p).is_ok())
            .unwrap_or_default()
            .to_string(),
        via: Via::Open311 { key_id: partner.id },
        mandate: None,
        outcome: Outcome::Receive,
        note: details.to_note(),
        result: None,
        idempotency_key,
        community_id: Some(community.id),
    };
    let by = Worker::system(
        &format!("Open311：{}", partner.name),
        community.path.clone(),
    );
    let opened = intake::open(&st.cases(), &by, &intake)
        .await
        .map_err(|e| refused(format, e))?;
    let request = Node::fields([
        ("service_request_id", Node::text(&opened.case.number)),
        ("service_notice", Node::text(requests::notice(item))),
        ("account_id", text_or_null(form.get("account_id"))),
    ]);
    Ok(format.reply("service_requests", Node::list("request", [request])))
}

/// A request for an event service: an event reported for the community its address names,
/// for the community to file. Resent under the same `Idempotency-Key`, the first event.
async fn event(
    st: &Shared,
    format: Format,
    form: &Form,
    headers: &HeaderMap,
    partner: &Key,
    code: &str,
) -> Result<Reply, Problem> {
    let category = events::category_of(code)
        .ok_or_else(|| format.problem(StatusCode::BAD_REQUEST, format!("服务不存在：{code}")))?;
    let details = details(format, form)?;
    let key = match idempotency_key(format, headers, partner.id)? {
        Some(key) => key,
        None => idempotency::scoped("open311", partner.id, &fresh_key()),
    };
    let community = community(st, format, details.address.as_deref()).await?;
    let who = applicant_name(form.get("first_name"), form.get("last_name"));
    let report = OutsideReport {
        key,
        community: community.path.clone(),
        category: category.code.clone(),
        summary: details.description.clone(),
        place: details.address.clone().unwrap_or_default(),
        located: Located {
            lat: details.lat.as_deref().and_then(|v| v.parse().ok()),
            lon: details.long.as_deref().and_then(|v| v.parse().ok()),
            media_url: details.media_url.clone().unwrap_or_default(),
        },
        channel: events::CHANNEL.into(),
        reporter: format!("Open311：{}（{who}）", partner.name),
    };
    let now = quanke_app::clock::now();
    let today = quanke_app::clock::day(now);
    let reported = grid_events::report_from_outside(&st.db, today, now, &report)
        .await
        .map_err(|e| match e {
            GridError::Refused(message) => format.problem(StatusCode::BAD_REQUEST, message),
            other => format.internal(&other),
        })?;
    let request = Node::fields([
        (
            "service_request_id",
            Node::text(events::request_id(reported.id)),
        ),
        ("service_notice", Node::text(events::notice(category))),
        ("account_id", text_or_null(form.get("account_id"))),
    ]);
    Ok(format.reply("service_requests", Node::list("request", [request])))
}

/// The form's fields in order, repeated names kept (multivalue attributes repeat).
struct Form(Vec<(String, String)>);

impl Form {
    fn parse(format: Format, bytes: &[u8]) -> Result<Form, Problem> {
        serde_urlencoded::from_bytes(bytes).map(Form).map_err(|e| {
            format.problem(
                StatusCode::BAD_REQUEST,
                format!("请求内容应为 application/x-www-form-urlencoded 表单：{e}"),
            )
        })
    }

    /// The first non-blank value of a field, trimmed.
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .find(|v| !v.is_empty())
    }

    /// A jurisdiction_id in the body must name us, as one in the query must.
    fn check_jurisdiction(&self, format: Format) -> Result<(), Problem> {
        jurisdiction::check(format, self.get("jurisdiction_id"))
    }

    /// `attribute[code]=value`, and `attribute[code][]=value` repeated for a multivaluelist.
    fn attributes(&self) -> Answers {
        let mut answers = Answers::new();
        for (name, value) in &self.0 {
            let Some(inner) = name.strip_prefix("attribute[") else {
                continue;
            };
            let code = inner
                .strip_suffix("][]")
                .or_else(|| inner.strip_suffix(']'))
                .unwrap_or(inner);
            // A blank answer is no answer: the question stays unanswered.
            if !value.trim().is_empty() {
                let values = answers.entry(code.to_string()).or_default();
                values.push(value.trim().to_string());
            }
        }
        answers
    }
}

/// The partner whose active key this is; 403 otherwise, as the spec says.
async fn partner(st: &Shared, format: Format, api_key: Option<&str>) -> Result<Key, Problem> {
    let Some(api_key) = api_key else {
        return Err(format.problem(
            StatusCode::FORBIDDEN,
            "缺少 api_key：提交服务请求须使用街道发放的 API 密钥",
        ));
    };
    open311_keys::find_active_by_hash(&st.db, &open311_keys::hash(api_key))
        .await
        .map_err(|e| format.internal(&e))?
        .ok_or_else(|| format.problem(StatusCode::FORBIDDEN, "api_key 无效或已停用"))
}

/// The item in force with the request's service_code.
fn service<'a>(
    format: Format,
    snap: &'a Snapshot,
    code: Option<&str>,
) -> Result<&'a Current, Problem> {
    let code = code.ok_or_else(|| format.problem(StatusCode::BAD_REQUEST, "缺少 service_code"))?;
    snap.get(code)
        .ok_or_else(|| format.problem(StatusCode::BAD_REQUEST, format!("服务不存在：{code}")))
}

/// The description and location, checked: the spec requires lat and long, address_string or
/// address_id, and the location and photo are shown again to anyone, so they must be sound.
fn details(format: Format, form: &Form) -> Result<Details, Problem> {
    let bad = |message: &str| format.problem(StatusCode::BAD_REQUEST, message);
    let (lat, long) = match (form.get("lat"), form.get("long")) {
        (None, None) => (None, None),
        (Some(lat), Some(long)) => {
            let lat = coordinate(lat, 90.0)
                .ok_or_else(|| bad("lat 应为 -90 到 90 之间的纬度（WGS84）"))?;
            let long = coordinate(long, 180.0)
                .ok_or_else(|| bad("long 应为 -180 到 180 之间的经度（WGS84）"))?;
            (Some(lat), Some(long))
        }
        _ => return Err(bad("lat 与 long 须同时提供")),
    };
    let address = form.get("address_string").map(str::to_string);
    let address_id = form.get("address_id").map(str::to_string);
    if lat.is_none() && address.is_none() && address_id.is_none() {
        return Err(bad(
            "请提供位置：lat 与 long，或 address_string，或 address_id",
        ));
    }
    let media_url = form.get("media_url").map(str::to_string);
    if media_url
        .as_deref()
        .is_some_and(|u| !u.starts_with("https://") && !u.starts_with("http://"))
    {
        return Err(bad("media_url 应为 http:// 或 https:// 开头的地址"));
    }
    Ok(Details {
        description: form.get("description").unwrap_or_default().to_string(),
        address,
        address_id,
        lat,
        long,
        media_url,
        email: form.get("email").map(str::to_string),
    })
}

/// A latitude or longitude within ±`limit`, written back plainly ("30.2876").
fn coordinate(text: &str, limit: f64) -> Option<String> {
    let v: f64 = text.parse().ok()?;
    (v.is_finite() && v.abs() <= limit).then(|| v.to_string())
}

/// The answers, by the catalogue's rule (`quanke_domain::catalogue::check_answers`), worded
/// with the attribute's code that a partner's developer needs.
fn answers(format: Format, item: &ServiceItem, form: &Form) -> Result<Answers, Problem> {
    let answers = form.attributes();
    let message = match check_answers(item, &answers) {
        Ok(()) => return Ok(answers),
        Err(AnswerProblem::Missing(q)) => format!("缺少必填属性 attribute[{}]（{}）", q.id, q.text),
        Err(AnswerProblem::NotAnOption(q, given)) => {
            format!("attribute[{}] 的值“{given}”不是可选项", q.id)
        }
        Err(AnswerProblem::TooLong(q, e)) => format!("attribute[{}]：{e}", q.id),
        Err(AnswerProblem::UnknownQuestion(id)) => format!("该服务没有属性 attribute[{id}]"),
    };
    Err(format.problem(StatusCode::BAD_REQUEST, message))
}

/// A retried request with the same `Idempotency-Key` header gets the case the first one made;
/// keys are per partner, so two partners' keys never meet.
fn idempotency_key(
    format: Format,
    headers: &HeaderMap,
    key_id: i64,
) -> Result<Option<String>, Problem> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    match idempotency::read(value.to_str().unwrap_or("")) {
        Ok(key) => Ok(Some(idempotency::scoped("open311", key_id, key))),
        Err(bad) => Err(format.problem(StatusCode::BAD_REQUEST, bad.to_string())),
    }
}

/// The community the request goes to (see the module's documentation).
async fn community(st: &Shared, format: Format, address: Option<&str>) -> Result<Org, Problem> {
    let mut communities = Vec::new();
    for street in orgs::streets(&st.db)
        .await
        .map_err(|e| format.internal(&e))?
    {
        let nodes = orgs::subtree(&st.db, &street.path)
            .await
            .map_err(|e| format.internal(&e))?;
        communities.extend(nodes.into_iter().filter(|o| o.kind == OrgKind::Community));
    }
    let named = address.and_then(|a| mentioned(&communities, a));
    named.or(communities.first()).cloned().ok_or_else(|| {
        format.problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "本辖区尚未设置社区，暂不能受理服务请求",
        )
    })
}

/// The community whose name the address mentions, the longest name first (the first such
/// community on a tie).
fn mentioned<'a>(communities: &'a [Org], address: &str) -> Option<&'a Org> {
    let mentions = |name: &str| {
        let short = name.strip_suffix("社区").filter(|s| s.chars().count() >= 2);
        address.contains(name) || short.is_some_and(|s| address.contains(s))
    };
    communities
        .iter()
        .rev()
        .filter(|c| mentions(&c.name))
        .max_by_key(|c| c.name.chars().count())
}

/// Chinese names put the family name (last_name) first, without a space; others read
/// "first last".
fn applicant_name(first: Option<&str>, last: Option<&str>) -> String {
    match (first, last) {
        (None, None) => DEFAULT_APPLICANT.to_string(),
        (Some(name), None) | (None, Some(name)) => name.to_string(),
        (Some(first), Some(last)) if first.is_ascii() && last.is_ascii() => {
            format!("{first} {last}")
        }
        (Some(first), Some(last)) => format!("{last}{first}"),
    }
}

/// The intake's refusals are the client's to fix; anything else is ours.
fn refused(format: Format, e: CaseError) -> Problem {
    match e {
        CaseError::Refused(r) => format.problem(StatusCode::BAD_REQUEST, r.message),
        other => format.internal(&other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quanke_domain::OrgPath;

    fn org(id: i64, name: &str) -> Org {
        Org {
            id,
            parent_id: Some(1),
            kind: OrgKind::Community,
            code: format!("C{id}"),
            name: name.into(),
            path: OrgPath::root(1).child(id),
            community_id: Some(id),
        }
    }

    #[test]
    fn the_address_names_the_community() {
        let all = [
            org(2, "卖鱼桥社区"),
            org(3, "双荡弄社区"),
            org(4, "新卖鱼桥社区"),
        ];
        let id = |a: &str| mentioned(&all, a).map(|o| o.id);
        assert_eq!(id("湖墅街道卖鱼桥社区小河路 12 号"), Some(2));
        assert_eq!(id("双荡弄 5 幢"), Some(3));
        assert_eq!(id("新卖鱼桥社区 3 幢"), Some(4));
        assert_eq!(id("西湖区文三路"), None);
    }

    #[test]
    fn names_in_either_order() {
        assert_eq!(applicant_name(None, None), DEFAULT_APPLICANT);
        assert_eq!(applicant_name(Some("小明"), Some("王")), "王小明");
        assert_eq!(applicant_name(Some("Ming"), Some("Wang")), "Ming Wang");
        assert_eq!(applicant_name(None, Some("王")), "王");
    }

    #[test]
    fn attributes_single_and_repeated() {
        let form = Form(vec![
            ("attribute[who]".into(), "self".into()),
            ("attribute[needs][]".into(), "meal".into()),
            ("attribute[needs][]".into(), "visit".into()),
            ("attribute[note]".into(), "  ".into()),
            ("description".into(), "x".into()),
        ]);
        let a = form.attributes();
        assert_eq!(a["who"], ["self"]);
        assert_eq!(a["needs"], ["meal", "visit"]);
        assert_eq!(a.len(), 2);
    }
}

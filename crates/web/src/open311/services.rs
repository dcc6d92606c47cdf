//! GET Service List and GET Service Definition: the catalogue items in force today, then the
//! event categories (`events.rs`).

use super::format::{Format, Problem, Reply};
use super::jurisdiction::InJurisdiction;
use super::node::Node;
use crate::server::Shared;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use quanke_domain::catalogue::{Datatype, Mode, PublicItem, Question};

/// `GET /services.{format}`
pub async fn list(
    State(st): State<Shared>,
    format: Format,
    _: InJurisdiction,
) -> Result<Reply, Problem> {
    let snap = st
        .catalogue
        .get(&st.db)
        .await
        .map_err(|e| format.internal(&e))?;
    let services = snap.items.iter().map(|c| service(&c.public));
    let all = services.chain(super::events::services());
    Ok(format.reply("services", Node::list("service", all)))
}

/// `GET /services/{service_code}.{format}`
pub async fn definition(
    State(st): State<Shared>,
    format: Format,
    _: InJurisdiction,
    Path(file): Path<String>,
) -> Result<Reply, Problem> {
    // The Format extractor has already seen the extension; what precedes it is the code.
    let code = file
        .rsplit_once('.')
        .map_or(file.as_str(), |(code, _)| code);
    if let Some(category) = super::events::category_of(code) {
        return Ok(format.reply("service_definition", super::events::definition(category)));
    }
    let snap = st
        .catalogue
        .get(&st.db)
        .await
        .map_err(|e| format.internal(&e))?;
    let current = snap
        .get(code)
        .ok_or_else(|| format.problem(StatusCode::NOT_FOUND, format!("服务不存在：{code}")))?;
    Ok(format.reply("service_definition", service_definition(&current.public)))
}

/// Partners see what residents see: the public view of each item in force today.
fn service(item: &PublicItem) -> Node {
    Node::fields([
        ("service_code", Node::text(&item.code)),
        ("service_name", Node::text(&item.name)),
        ("description", Node::text(description(item))),
        // Questions are what a client must ask before submitting: the definition's attributes.
        ("metadata", Node::Bool(!item.questions.is_empty())),
        // The spec's type says what a POST answers, not how fast a case is decided: "realtime"
        // returns the service_request_id at once (ours is the case number), "batch" only a token
        // to trade for it later, "blackbox" nothing.
        ("type", Node::text("realtime")),
        ("keywords", Node::text(keywords(item))),
        ("group", Node::text(&item.line)),
    ])
}

/// "申请对象：…；承诺件，10 个工作日办结": who may apply and how long it takes.
fn description(item: &PublicItem) -> String {
    let limit = match item.mode {
        Mode::OnTheSpot => format!("{}，当场办结", Mode::OnTheSpot.label()),
        Mode::Promised => format!(
            "{}，{} 个工作日办结",
            Mode::Promised.label(),
            item.promised_days
        ),
    };
    format!("申请对象：{}；{limit}", item.applicants)
}

/// Keywords then synonyms, each once, separated as in the spec's own example.
fn keywords(item: &PublicItem) -> String {
    let mut words: Vec<&str> = Vec::new();
    for w in item.keywords.iter().chain(&item.synonyms) {
        if !words.contains(&w.as_str()) {
            words.push(w);
        }
    }
    words.join(", ")
}

fn service_definition(item: &PublicItem) -> Node {
    let mut questions: Vec<&Question> = item.questions.iter().collect();
    questions.sort_by_key(|q| q.order);
    Node::fields([
        ("service_code", Node::text(&item.code)),
        (
            "attributes",
            Node::list("attribute", questions.into_iter().map(attribute)),
        ),
    ])
}

fn attribute(q: &Question) -> Node {
    let hint = if q.hint.is_empty() {
        Node::Null
    } else {
        Node::text(&q.hint)
    };
    let mut fields = vec![
        // Every question asks the resident something; none is display-only.
        ("variable", Node::Bool(true)),
        ("code", Node::text(&q.id)),
        ("datatype", Node::text(datatype(q.datatype))),
        ("required", Node::Bool(q.required)),
        ("datatype_description", hint),
        ("order", Node::Int(q.order.into())),
        ("description", Node::text(&q.text)),
    ];
    // The spec gives values only to the two list types.
    if q.datatype.has_options() {
        let values = q
            .options
            .iter()
            .map(|o| Node::fields([("key", Node::text(&o.key)), ("name", Node::text(&o.label))]));
        fields.push(("values", Node::list("value", values)));
    }
    Node::Fields(fields)
}

fn datatype(d: Datatype) -> &'static str {
    match d {
        Datatype::String => "string",
        Datatype::Number => "number",
        Datatype::Datetime => "datetime",
        Datatype::Text => "text",
        Datatype::Singlevaluelist => "singlevaluelist",
        Datatype::Multivaluelist => "multivaluelist",
    }
}

//! Open311 GeoReport v2: discovery, service list and service definitions in both formats, and
//! the spec's error lists. Each document is checked as JSON against an expected value, and as
//! XML against the same value (element names, nesting, text), plus the element order.

use crate::both;
use crate::harness::App;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use quanke_domain::catalogue::{Datatype, Mode, Question, QuestionOption, ServiceItem};
use quanke_store::Backend;
use quanke_store::catalogue::{NewVersion, publish};
use serde_json::{Value, json};
use tower::ServiceExt;

const SAMPLE: &str = include_str!("../../../domain/src/catalogue/sample.json");
const IN_FORCE: &str = "2020-01-01";
const FUTURE: &str = "2999-01-01";
const JSON: &str = "application/json; charset=utf-8";
const XML: &str = "text/xml; charset=utf-8";
const DECLARATION: &str = r#"<?xml version="1.0" encoding="utf-8"?>"#;

const SERVICE_FIELDS: [&str; 7] = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
];
const ATTRIBUTE_FIELDS: [&str; 7] = [
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
];

// ---- requests ----

struct Got {
    status: StatusCode,
    content_type: String,
    body: String,
}

impl Got {
    fn json(&self) -> Value {
        assert_eq!(self.content_type, JSON, "{}", self.body);
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    fn xml(&self) -> roxmltree::Document<'_> {
        assert_eq!(self.content_type, XML, "{}", self.body);
        assert!(self.body.starts_with(DECLARATION), "{}", self.body);
        roxmltree::Document::parse(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// Anonymous GET, as an outside client sends it.
async fn get_with(app: &App, path: &str, headers: &[(&str, &str)]) -> Got {
    let mut req = Request::get(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = app
        .router
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let content_type = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    Got {
        status,
        content_type,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

async fn get(app: &App, path: &str) -> Got {
    get_with(app, path, &[]).await
}

// ---- catalogue ----

fn question(id: &str, text: &str, hint: &str, datatype: Datatype, order: u32) -> Question {
    Question {
        id: id.into(),
        text: text.into(),
        hint: hint.into(),
        datatype,
        // Alternate so both values of `required` are seen.
        required: order.is_multiple_of(2),
        order,
        options: vec![],
    }
}

fn option(key: &str, label: &str) -> QuestionOption {
    QuestionOption {
        key: key.into(),
        label: label.into(),
    }
}

/// The sample item with a question of every datatype, listed out of order, and hints that need
/// escaping or carry a control character XML cannot hold.
fn elderly() -> ServiceItem {
    let mut item: ServiceItem = serde_json::from_str(SAMPLE).unwrap();
    item.code = "T311-GLJT".into();
    let mut needs = question(
        "needs",
        "需要哪些上门服务？",
        "可多选",
        Datatype::Multivaluelist,
        3,
    );
    needs.options = vec![option("meal", "助餐 & 助浴"), option("visit", "探访")];
    let note = "<b>不要</b>填写\"身份证号\" & 银行卡号\u{b}";
    item.questions.extend([
        question("note", "其他情况说明", note, Datatype::Text, 5),
        needs,
        question("age", "老人年龄", "周岁", Datatype::Number, 2),
        question("phone", "联系电话", "", Datatype::String, 6),
        question("birthday", "出生日期", "", Datatype::Datetime, 4),
    ]);
    item
}

fn on_the_spot() -> ServiceItem {
    let mut item: ServiceItem = serde_json::from_str(SAMPLE).unwrap();
    item.code = "T311-YDZ".into();
    item.name = "老年人优待证 <补办 & 换领>".into();
    item.line = "卫健/计生".into();
    item.applicants = "年满 60 周岁的本市户籍老年人".into();
    item.mode = Mode::OnTheSpot;
    item.promised_days = 0;
    item.keywords.clear();
    item.synonyms.clear();
    item.questions.clear();
    item
}

async fn publish_item(app: &App, item: &ServiceItem, effective_from: &str) {
    let body = serde_json::to_string(item).unwrap();
    let v = NewVersion {
        item_code: &item.code,
        name: &item.name,
        line: &item.line,
        effective_from,
        change_note: "测试",
        body: &body,
        published_by: "admin",
    };
    publish(&app.db, &v, 1_700_000_000).await.unwrap();
}

/// Two items in force; a later version of one and a whole item that take effect in the future.
async fn seed(app: &App) {
    publish_item(app, &elderly(), IN_FORCE).await;
    let mut renamed = elderly();
    renamed.name = "高龄津贴申领（新版）".into();
    publish_item(app, &renamed, FUTURE).await;
    publish_item(app, &on_the_spot(), IN_FORCE).await;
    let mut future = on_the_spot();
    future.code = "T311-FUT".into();
    publish_item(app, &future, FUTURE).await;
}

// ---- expected documents ----

fn expected_services() -> Value {
    json!([
        {
            "service_code": "T311-GLJT",
            "service_name": "高龄津贴申领",
            "description": "申请对象：具有本市户籍、年满 80 周岁的老年人；承诺件，10 个工作日办结",
            "metadata": true,
            "type": "realtime",
            "keywords": "八十岁, 老人补贴, 高龄补贴, 尊老金",
            "group": "民政"
        },
        {
            "service_code": "T311-YDZ",
            "service_name": "老年人优待证 <补办 & 换领>",
            "description": "申请对象：年满 60 周岁的本市户籍老年人；即办件，当场办结",
            "metadata": false,
            "type": "realtime",
            "keywords": "",
            "group": "卫健/计生"
        }
    ])
}

/// `note` as JSON carries it; XML drops the control character it cannot represent.
fn expected_definition(note_hint: &str) -> Value {
    json!({
        "service_code": "T311-GLJT",
        "attributes": [
            {
                "variable": true, "code": "who", "datatype": "singlevaluelist", "required": true,
                "datatype_description": null, "order": 1, "description": "由谁来办理？",
                "values": [{ "key": "self", "name": "老人本人" }, { "key": "proxy", "name": "家属代办" }]
            },
            {
                "variable": true, "code": "age", "datatype": "number", "required": true,
                "datatype_description": "周岁", "order": 2, "description": "老人年龄"
            },
            {
                "variable": true, "code": "needs", "datatype": "multivaluelist", "required": false,
                "datatype_description": "可多选", "order": 3, "description": "需要哪些上门服务？",
                "values": [{ "key": "meal", "name": "助餐 & 助浴" }, { "key": "visit", "name": "探访" }]
            },
            {
                "variable": true, "code": "birthday", "datatype": "datetime", "required": true,
                "datatype_description": null, "order": 4, "description": "出生日期"
            },
            {
                "variable": true, "code": "note", "datatype": "text", "required": false,
                "datatype_description": note_hint, "order": 5, "description": "其他情况说明"
            },
            {
                "variable": true, "code": "phone", "datatype": "string", "required": true,
                "datatype_description": null, "order": 6, "description": "联系电话"
            }
        ]
    })
}

const NOTE_JSON: &str = "<b>不要</b>填写\"身份证号\" & 银行卡号\u{b}";
const NOTE_XML: &str = "<b>不要</b>填写\"身份证号\" & 银行卡号";

// ---- XML checks ----

/// The element that repeats inside each list container, per the spec.
fn item_name(container: &str) -> &'static str {
    match container {
        "services" => "service",
        "attributes" => "attribute",
        "values" => "value",
        "endpoints" => "endpoint",
        "formats" => "format",
        "errors" => "error",
        other => panic!("<{other}> is not a list"),
    }
}

fn elements<'a, 'i>(el: roxmltree::Node<'a, 'i>) -> Vec<roxmltree::Node<'a, 'i>> {
    el.children().filter(|c| c.is_element()).collect()
}

fn names(el: roxmltree::Node) -> Vec<String> {
    elements(el)
        .iter()
        .map(|c| c.tag_name().name().to_string())
        .collect()
}

/// Asserts that an XML element holds what the JSON value says: objects as one child element
/// per key, arrays as repeated items, scalars as text (null as nothing).
fn assert_xml_is(el: roxmltree::Node, expected: &Value) {
    let name = el.tag_name().name();
    match expected {
        Value::Object(map) => {
            let mut got = names(el);
            got.sort();
            let want: Vec<&String> = map.keys().collect();
            assert_eq!(got.iter().collect::<Vec<_>>(), want, "fields of <{name}>");
            for child in elements(el) {
                assert_xml_is(child, &map[child.tag_name().name()]);
            }
        }
        Value::Array(items) => {
            let children = elements(el);
            assert_eq!(children.len(), items.len(), "entries of <{name}>");
            for (child, item) in children.iter().zip(items) {
                assert_eq!(child.tag_name().name(), item_name(name));
                assert_xml_is(*child, item);
            }
        }
        scalar => {
            assert!(elements(el).is_empty(), "<{name}> should hold text only");
            let want = match scalar {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(el.text().unwrap_or_default(), want, "text of <{name}>");
        }
    }
}

fn ours(list: Vec<Value>) -> Value {
    Value::Array(
        list.into_iter()
            .filter(|s| s["service_code"].as_str().unwrap().starts_with("T311-"))
            .collect(),
    )
}

// ---- tests ----

async fn service_list_json(app: &App) {
    seed(app).await;
    let got = get(app, "/open311/v2/services.json").await;
    assert_eq!(got.status, StatusCode::OK);
    let Value::Array(list) = got.json() else {
        panic!("the service list is a JSON array: {}", got.body);
    };
    // Only the versions in force today: no future item, no future version's new name.
    assert_eq!(ours(list), expected_services());
}
both!(services_as_json, service_list_json);

async fn service_list_xml(app: &App) {
    seed(app).await;
    let got = get(app, "/open311/v2/services.xml").await;
    assert_eq!(got.status, StatusCode::OK);
    let doc = got.xml();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "services");
    let ours: Vec<_> = elements(root)
        .into_iter()
        .filter(|s| {
            elements(*s)[0]
                .text()
                .is_some_and(|code| code.starts_with("T311-"))
        })
        .collect();
    for service in &ours {
        assert_eq!(names(*service), SERVICE_FIELDS);
    }
    let Value::Array(expected) = expected_services() else {
        unreachable!()
    };
    assert_eq!(ours.len(), expected.len());
    for (service, want) in ours.iter().zip(&expected) {
        assert_eq!(service.tag_name().name(), "service");
        assert_xml_is(*service, want);
    }
}
both!(services_as_xml, service_list_xml);

async fn definition_json(app: &App) {
    seed(app).await;
    let got = get(app, "/open311/v2/services/T311-GLJT.json").await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.json(), expected_definition(NOTE_JSON));
    let empty = get(app, "/open311/v2/services/T311-YDZ.json").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(
        empty.json(),
        json!({ "service_code": "T311-YDZ", "attributes": [] })
    );
}
both!(definition_as_json, definition_json);

async fn definition_xml(app: &App) {
    seed(app).await;
    let got = get(app, "/open311/v2/services/T311-GLJT.xml").await;
    assert_eq!(got.status, StatusCode::OK);
    let doc = got.xml();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "service_definition");
    assert_eq!(names(root), ["service_code", "attributes"]);
    assert_xml_is(root, &expected_definition(NOTE_XML));
    for attribute in elements(elements(root)[1]) {
        let fields = names(attribute);
        assert_eq!(fields[..7], ATTRIBUTE_FIELDS);
        let is_list = ["who", "needs"].contains(&elements(attribute)[1].text().unwrap());
        assert_eq!(fields.len(), if is_list { 8 } else { 7 }, "{fields:?}");
    }
    let empty = get(app, "/open311/v2/services/T311-YDZ.xml").await;
    let doc = empty.xml();
    assert_eq!(names(doc.root_element()), ["service_code", "attributes"]);
    assert_xml_is(
        doc.root_element(),
        &json!({ "service_code": "T311-YDZ", "attributes": [] }),
    );
}
both!(definition_as_xml, definition_xml);

fn error_json(got: &Got, status: StatusCode) -> String {
    assert_eq!(got.status, status, "{}", got.body);
    let v = got.json();
    assert_eq!(v.as_array().map(Vec::len), Some(1), "{v}");
    assert_eq!(v[0]["code"], json!(status.as_u16()));
    let description = v[0]["description"].as_str().unwrap();
    assert!(!description.is_empty());
    description.to_string()
}

fn error_xml(got: &Got, status: StatusCode) -> String {
    assert_eq!(got.status, status, "{}", got.body);
    let doc = got.xml();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "errors");
    assert_eq!(names(root), ["error"]);
    let error = elements(root)[0];
    assert_eq!(names(error), ["code", "description"]);
    let code = status.as_u16().to_string();
    assert_eq!(elements(error)[0].text(), Some(code.as_str()));
    elements(error)[1].text().unwrap().to_string()
}

async fn unknown_services(app: &App) {
    seed(app).await;
    let nope = get(app, "/open311/v2/services/NOPE.xml").await;
    assert_eq!(
        nope.body,
        format!(
            "{DECLARATION}<errors><error><code>404</code>\
             <description>服务不存在：NOPE</description></error></errors>"
        )
    );
    error_xml(&nope, StatusCode::NOT_FOUND);
    let nope = get(app, "/open311/v2/services/NOPE.json").await;
    assert_eq!(
        nope.body,
        r#"[{"code":404,"description":"服务不存在：NOPE"}]"#
    );
    error_json(&nope, StatusCode::NOT_FOUND);
    // An item whose first version is not in force yet does not exist for clients.
    let future = get(app, "/open311/v2/services/T311-FUT.json").await;
    assert!(error_json(&future, StatusCode::NOT_FOUND).contains("T311-FUT"));
}
both!(unknown_service, unknown_services);

async fn unknown_formats_and_paths(app: &App) {
    seed(app).await;
    for path in [
        "/open311/v2/services.yaml",
        "/open311/v2/services/T311-GLJT.html",
        "/open311/v2/services/T311-GLJT",
        "/open311/v2/discovery.csv",
    ] {
        let got = get(app, path).await;
        let description = error_xml(&got, StatusCode::NOT_FOUND);
        assert!(description.contains(".json"), "{path}: {description}");
    }
    // Resources not served (yet) answer in the format they asked for.
    error_json(
        &get(app, "/open311/v2/tokens.json").await,
        StatusCode::NOT_FOUND,
    );
    error_xml(
        &get(app, "/open311/v2/services/T311-GLJT/extra.xml").await,
        StatusCode::NOT_FOUND,
    );
}
both!(unknown_format, unknown_formats_and_paths);

async fn jurisdictions(app: &App) {
    seed(app).await;
    for path in [
        "/open311/v2/services.json?jurisdiction_id=quanke.local",
        "/open311/v2/services/T311-GLJT.json?jurisdiction_id=quanke.local&api_key=x",
    ] {
        let got = get(app, path).await;
        assert_eq!(got.status, StatusCode::OK, "{path}: {}", got.body);
    }
    // Client libraries that always send the parameter send it empty: that means "not given".
    for path in [
        "/open311/v2/services.json?jurisdiction_id=",
        "/open311/v2/services.xml?jurisdiction_id=%20",
        "/open311/v2/services/T311-GLJT.json?jurisdiction_id=&api_key=",
        "/open311/v2/services/T311-GLJT.xml?jurisdiction_id=",
        "/open311/v2/requests.json?jurisdiction_id=",
        "/open311/v2/requests.xml?jurisdiction_id=&status=open",
        "/open311/v2/servicerequestupdates.json?jurisdiction_id=",
    ] {
        let got = get(app, path).await;
        assert_eq!(got.status, StatusCode::OK, "{path}: {}", got.body);
    }
    let json = get(
        app,
        "/open311/v2/services.json?jurisdiction_id=hangzhou.gov",
    )
    .await;
    assert!(error_json(&json, StatusCode::NOT_FOUND).contains("hangzhou.gov"));
    let xml = get(
        app,
        "/open311/v2/services/T311-GLJT.xml?jurisdiction_id=hangzhou.gov",
    )
    .await;
    assert!(error_xml(&xml, StatusCode::NOT_FOUND).contains("quanke.local"));
    let twice = "/open311/v2/services.xml?jurisdiction_id=quanke.local&jurisdiction_id=x";
    error_xml(&get(app, twice).await, StatusCode::BAD_REQUEST);
}
both!(jurisdiction, jurisdictions);

fn expected_discovery(url: &str) -> Value {
    json!({
        "changeset": "2026-11-28T00:00:00+08:00",
        "contact": "如需帮助，请联系所在社区党群服务中心，或拨打 12345 政务服务便民热线。",
        "key_service": "查询服务目录无需 API 密钥。",
        "endpoints": [{
            "specification": "http://wiki.open311.org/GeoReport_v2",
            "url": url,
            "changeset": "2026-11-28T00:00:00+08:00",
            "type": "production",
            "formats": ["text/xml", "application/json"]
        }]
    })
}

async fn discovery_documents(app: &App) {
    let host = [("host", "quanke.example.cn:8080")];
    let got = get_with(app, "/open311/v2/discovery.json", &host).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.body);
    let url = "http://quanke.example.cn:8080/open311/v2";
    assert_eq!(got.json(), expected_discovery(url));
    // The endpoint's url is the base that resource names are appended to.
    let base = url.strip_prefix("http://quanke.example.cn:8080").unwrap();
    let listed = get(app, &format!("{base}/services.xml")).await;
    assert_eq!(listed.status, StatusCode::OK);

    let behind_tls = [
        ("host", "quanke.example.cn"),
        ("x-forwarded-proto", "https"),
    ];
    let got = get_with(app, "/open311/v2/discovery.xml", &behind_tls).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.body);
    let doc = got.xml();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "discovery");
    assert_eq!(
        names(root),
        ["changeset", "contact", "key_service", "endpoints"]
    );
    let https = expected_discovery("https://quanke.example.cn/open311/v2");
    assert_xml_is(root, &https);

    error_json(
        &get(app, "/open311/v2/discovery.json").await,
        StatusCode::BAD_REQUEST,
    );
    let forged = [("host", "evil.example/phish")];
    error_xml(
        &get_with(app, "/open311/v2/discovery.xml", &forged).await,
        StatusCode::BAD_REQUEST,
    );
}
both!(discovery, discovery_documents);

//! Field limits (issue 11, item 10): oversized text and repeated fields are refused with a clear
//! message on every channel (pages, JSON API, Open311) and write nothing; extractor rejections
//! answer in the channel's format, never axum's plain text.

use crate::api_cases::{count_cases, token_for};
use crate::both;
use crate::harness::{App, Client};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use quanke_store::Backend;
use serde_json::{Value, json};

/// Sends `body` as JSON with a bearer token; returns the status, content type and body.
async fn send_json(
    c: &mut Client<'_>,
    token: Option<&str>,
    method: &str,
    path: &str,
    body: Option<String>,
) -> (StatusCode, String, String) {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    if body.is_some() {
        req = req.header(header::CONTENT_TYPE, "application/json");
    }
    let req = req.body(Body::from(body.unwrap_or_default())).unwrap();
    let r = c.send(req).await;
    (r.status, r.content_type, r.body)
}

async fn desk_refuses_oversized_fields(app: &App) {
    let before = count_cases(app).await;
    let mut desk = app.client();
    desk.login_ok("qiantai").await;
    // Over the floor every field meets, under the body limit (a 300,000-character note is
    // already over the 4 MiB body limit once encoded, and refused with 413).
    let note = "长".repeat(30_000);
    let r = desk
        .post(
            "/desk/cases",
            &[
                ("item", "MZ-GL80"),
                ("applicant_name", "王秀英"),
                ("outcome", "accept"),
                ("note", &note),
            ],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "{}",
        &r.body[..200.min(r.body.len())]
    );
    assert!(r.body.contains("过长"), "the page says why");
    // One answer repeated 1,000 times (100,000 are over the body limit).
    let mut fields = vec![("item", "MZ-GL80"), ("outcome", "accept")];
    fields.extend(std::iter::repeat_n(("q.who", "self"), 1_000));
    let r = desk.post("/desk/cases", &fields).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("重复"), "the page says why");
    // An answer over its limit, by the catalogue's rule every channel applies.
    let long = "长".repeat(501);
    let fields = [
        ("item", "MZ-GL80"),
        ("who", "330105196001010026"),
        ("name", "王秀英"),
        ("outcome", "accept"),
        ("q.who", long.as_str()),
    ];
    let r = desk.post("/desk/cases", &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "the form again");
    assert!(r.body.contains("最多 500 个字"), "the page says why");
    assert_eq!(count_cases(app).await, before, "nothing written");
}
both!(desk_oversized, desk_refuses_oversized_fields);

async fn api_refuses_oversized_fields_in_json(app: &App) {
    let before = count_cases(app).await;
    let token = token_for(app, "qiantai").await;
    let mut c = app.client();
    let body = json!({
        "item_code": "MZ-GL80",
        "applicant_name": "名".repeat(100_000),
        "outcome": "accept",
    });
    let (status, ct, text) = send_json(
        &mut c,
        Some(&token),
        "POST",
        "/api/v1/cases",
        Some(body.to_string()),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(ct.starts_with("application/json"), "{ct}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["error"]["code"], "field_too_long", "{v}");
    assert_eq!(count_cases(app).await, before, "nothing written");
}
both!(api_oversized, api_refuses_oversized_fields_in_json);

async fn rejections_answer_in_the_channels_format(app: &App) {
    let mut c = app.client();
    // A repeated query parameter used to be axum's text/plain 400.
    let (status, ct, text) = send_json(
        &mut c,
        None,
        "GET",
        "/api/v1/catalogue/search?q=%E4%BD%8F%E9%99%A2&q=x",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(ct.starts_with("application/json"), "{ct}: {text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["error"]["code"], "bad_request");
    // A page's repeated query parameter gets the Chinese error page.
    let mut desk = app.client();
    desk.login_ok("qiantai").await;
    let r = desk.get("/cases?queue=mine&queue=team").await;
    if r.status.is_client_error() {
        assert!(r.body.contains("请求有误"), "{}", r.body);
    }
    // An Open311 description far over any limit: the GeoReport error list.
    let long = "水".repeat(30_000);
    let form = serde_urlencoded::to_string([("service_code", "x"), ("description", long.as_str())])
        .unwrap();
    let req = Request::post("/open311/v2/requests.json")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    let r = c.send(req).await;
    let (status, ct, text) = (r.status, r.content_type, r.body);
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(ct.starts_with("application/json"), "{ct}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v[0]["code"], 400, "{v}");

    // An address under /api/ that names nothing: JSON, not the people's page.
    let (status, ct, text) = send_json(&mut c, None, "GET", "/api/v1/residents", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{text}");
    assert!(ct.starts_with("application/json"), "{ct}: {text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["error"]["code"], "not_found");
    // The catalogue search refuses a q over its limit (it used to answer 200 and cut it) and
    // answers a blank q with nothing found rather than an error.
    let long = "住".repeat(101);
    let path = format!("/api/v1/catalogue/search?q={}", urlencode(&long));
    let (status, _, text) = send_json(&mut c, None, "GET", &path, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["error"]["code"], "field_too_long");
    let (status, _, text) =
        send_json(&mut c, None, "GET", "/api/v1/catalogue/search?q=%20", None).await;
    assert_eq!(
        (status, text.as_str()),
        (StatusCode::OK, r#"{"ask":null,"found":false,"items":[]}"#)
    );
    let blank_bad_limit = "/api/v1/catalogue/search?q=%20&limit=0";
    let (status, _, text) = send_json(&mut c, None, "GET", blank_bad_limit, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).unwrap()[1..].to_string()
}
both!(rejection_formats, rejections_answer_in_the_channels_format);

/// The OpenAPI document states the limits the server enforces and the errors every operation
/// can answer.
async fn openapi_states_limits_and_errors(app: &App) {
    let mut c = app.client();
    let r = c.get("/api/v1/openapi.json").await;
    let doc: Value = serde_json::from_str(&r.body).unwrap();
    let create = &doc["components"]["schemas"]["CreateCase"]["properties"];
    assert_eq!(create["applicant_name"]["maxLength"], 50, "{create}");
    assert_eq!(create["note"]["maxLength"], 2000);
    let answers = &create["answers"]["additionalProperties"];
    assert_eq!(answers["maxItems"], 200, "{answers}");
    assert_eq!(answers["items"]["maxLength"], 500, "{answers}");
    let mut params = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for code in ["400", "500"] {
                assert!(
                    op["responses"].get(code).is_some(),
                    "{method} {path} does not state {code}"
                );
            }
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["schema"]["type"] == "string"
                    || p["schema"]["type"] == serde_json::json!(["string", "null"])
                {
                    params += 1;
                    assert!(
                        p["schema"]["maxLength"].is_u64(),
                        "{method} {path}: parameter {} has no maxLength",
                        p["name"]
                    );
                }
            }
        }
    }
    assert!(params >= 5, "the query parameters were checked ({params})");
    // What schemathesis found undocumented: the HTTP layer's 414, the visit's values and the
    // search's limit range.
    let search = &doc["paths"]["/api/v1/catalogue/search"]["get"];
    assert!(search["responses"].get("414").is_some(), "{search}");
    let limit = search["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "limit")
        .unwrap();
    assert_eq!(
        (
            limit["schema"]["minimum"].as_u64(),
            limit["schema"]["maximum"].as_u64()
        ),
        (Some(1), Some(50))
    );
    let list = &doc["paths"]["/api/v1/cases"]["get"]["parameters"];
    let limit = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "limit")
        .unwrap();
    assert_eq!(limit["schema"]["maximum"].as_u64(), Some(200), "{limit}");
    let visit = &doc["components"]["schemas"]["TransitionIn"]["properties"]["visit"];
    assert!(
        visit["pattern"]
            .as_str()
            .is_some_and(|p| p.contains("pickup")),
        "{visit}"
    );
}
both!(openapi_limits, openapi_states_limits_and_errors);

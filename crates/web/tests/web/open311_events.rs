//! Issue 15, events through Open311: every event category is a service; a partner's request
//! for one becomes an event for the community its address names, once per Idempotency-Key;
//! its status follows the event; publicly a worker's event shows neither its text nor its
//! place, and no event shows a person.

use crate::both;
use crate::harness::App;
use crate::open311_requests::{Got, key, post};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use quanke_domain::event::EventState;
use quanke_store::Backend;
use quanke_store::grid::events;
use serde_json::Value;
use tower::ServiceExt;

async fn get_json(app: &App, path: &str) -> (StatusCode, Value) {
    let req = Request::get(path).body(Body::empty()).unwrap();
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

fn json(got: &Got) -> Value {
    serde_json::from_str(&got.body).unwrap_or_else(|e| panic!("{e}: {}", got.body))
}

async fn partners_report_events_and_follow_them(app: &App) {
    let (status, services) = get_json(app, "/open311/v2/services.json").await;
    assert_eq!(status, StatusCode::OK);
    let codes: Vec<&str> = services
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["service_code"].as_str())
        .collect();
    assert!(codes.contains(&"SJ-environment") && codes.contains(&"SJ-fire_hazard"));
    let (status, def) = get_json(app, "/open311/v2/services/SJ-noise.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(def["service_code"], "SJ-noise");
    let (status, _) = get_json(app, "/open311/v2/services/SJ-weather.json").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let k = key(app, "城市大脑").await;
    let fields = [
        ("api_key", k.key.as_str()),
        ("service_code", "SJ-environment"),
        ("description", "双荡弄 5 幢楼下垃圾三天没人清运"),
        ("address_string", "双荡弄社区双荡弄 5 幢"),
        ("lat", "30.2921"),
        ("long", "120.1502"),
        ("first_name", "小明"),
        ("last_name", "王"),
    ];
    let once = [("idempotency-key", "ev-1")];
    let path = "/open311/v2/requests.json";
    let first = post(app, path, &fields, &once).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let first = json(&first);
    let id = first[0]["service_request_id"].as_str().unwrap().to_string();
    assert!(id.starts_with("SJ"), "{id}");
    assert!(
        first[0]["service_notice"]
            .as_str()
            .unwrap()
            .contains("3 个工作日")
    );
    let again = json(&post(app, path, &fields, &once).await);
    assert_eq!(again[0]["service_request_id"], id.as_str());
    let event_id: i64 = id[2..].parse().unwrap();
    let whole = quanke_domain::OrgPath::whole();
    let stored = events::within(&app.db, event_id, &whole)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.state, EventState::Reported);
    assert!(stored.reporter_name.contains("城市大脑") && stored.reporter_name.contains("王小明"));
    let sdn = quanke_store::orgs::by_code(&app.db, "SDN").await.unwrap();
    assert_eq!(
        stored.community_path, sdn.path,
        "the address names the community"
    );
    assert_eq!(stored.reporter_id, None);

    // Bad requests are refused and write nothing.
    let count = || async {
        events::listed(&app.db, &whole, events::Listing::All, 1000)
            .await
            .unwrap()
            .len()
    };
    let before = count().await;
    let mut no_text = fields.to_vec();
    no_text.retain(|(k, _)| *k != "description");
    let r = post(app, path, &no_text, &[]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let mut unknown = fields.to_vec();
    unknown[1] = ("service_code", "SJ-weather");
    assert_eq!(
        post(app, path, &unknown, &[]).await.status,
        StatusCode::BAD_REQUEST
    );
    let mut nowhere = fields.to_vec();
    nowhere.retain(|(k, _)| !matches!(*k, "address_string" | "lat" | "long"));
    assert_eq!(
        post(app, path, &nowhere, &[]).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(count().await, before);

    // Public reads: the status follows the event; the resident's own text and place show, no
    // person does.
    let one = format!("/open311/v2/requests/{id}.json");
    let (status, shown) = get_json(app, &one).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown[0]["status"], "open");
    assert_eq!(shown[0]["service_name"], "环境卫生");
    assert_eq!(shown[0]["description"], "双荡弄 5 幢楼下垃圾三天没人清运");
    assert_eq!(shown[0]["lat"], 30.2921);
    assert!(!shown.to_string().contains("王小明"));
    let mut head = app.login("shequ").await;
    app.account("sdn_head", quanke_domain::Role::CommunityHead, "SDN")
        .await;
    let mut sdn_head = app.login("sdn_head").await;
    let steps = format!("/grid/events/{event_id}/steps");
    assert_eq!(
        head.post(&steps, &[("action", "file")]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        sdn_head
            .post(&steps, &[("action", "dismiss"), ("note", "已由物业清运")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let (_, shown) = get_json(app, &one).await;
    assert_eq!(
        (
            shown[0]["status"].as_str(),
            shown[0]["status_notes"].as_str()
        ),
        (Some("closed"), Some("不予立案"))
    );

    // A worker's event is listed, its text and place kept inside.
    let mut grid = app.login("wangge").await;
    let person = app.first_resident("MYQ-01").await;
    let r = grid
        .post(
            "/grid/events",
            &[
                ("key", "w-1"),
                ("category", "noise"),
                ("summary", "王大爷家楼上装修扰民"),
                ("subject", &format!("resident:{}", person.id)),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (_, listed) = get_json(app, "/open311/v2/requests.json?service_code=SJ-noise").await;
    let mine = &listed.as_array().unwrap()[0];
    assert_eq!(mine["service_code"], "SJ-noise");
    assert_eq!(mine["description"], Value::Null);
    assert_eq!(mine["address"], "卖鱼桥社区");
    assert!(!listed.to_string().contains("王大爷") && !listed.to_string().contains(&person.name));
    let (_, closed) = get_json(app, "/open311/v2/requests.json?status=closed").await;
    assert!(
        closed
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["service_request_id"] == id.as_str())
    );
    let (_, named) = get_json(
        app,
        &format!("/open311/v2/requests.json?service_request_id={id},SJ999999"),
    )
    .await;
    assert_eq!(named.as_array().unwrap().len(), 1);
    let (status, _) = get_json(app, "/open311/v2/requests/SJ999999.json").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
both!(open311_events, partners_report_events_and_follow_them);

async fn residents_report_on_the_portal_and_follow_by_number(app: &App) {
    let mut c = app.client();
    let form = c.get("/portal/report").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("双荡弄社区") && form.body.contains("设施损坏"));
    let sdn = quanke_store::orgs::by_code(&app.db, "SDN").await.unwrap();
    let community = sdn.id.to_string();
    let fields = |key: &'static str| {
        vec![
            ("key", key),
            ("community", community.as_str()),
            ("category", "facility"),
            ("place", "双荡弄 5 幢楼下"),
            ("summary", "路灯坏了一个星期"),
            ("name", "王阿姨"),
        ]
    };
    let r = c.post("/portal/report", &fields("portal-event-aaa1")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.location.unwrap();
    assert!(location.starts_with("/portal/events/SJ"));
    let again = c.post("/portal/report", &fields("portal-event-aaa1")).await;
    assert_eq!(
        again.location.as_deref(),
        Some(location.as_str()),
        "one event per form"
    );
    let page = c.get(&location).await;
    assert!(page.body.contains("设施损坏") && page.body.contains("路灯坏了一个星期"));
    assert!(page.body.contains("社区正在核实") && !page.body.contains("王阿姨"));
    let id: i64 = location
        .trim_start_matches("/portal/events/SJ")
        .parse()
        .unwrap();
    let whole = quanke_domain::OrgPath::whole();
    let stored = events::within(&app.db, id, &whole).await.unwrap().unwrap();
    assert_eq!(
        (stored.channel.as_str(), stored.community_path.clone()),
        ("portal", sdn.path)
    );
    assert!(stored.reporter_name.contains("王阿姨"));

    // No community, an unknown category, or a key the form did not issue: nothing written.
    let mut none = fields("portal-event-aaa2");
    none[1].1 = "";
    assert!(
        c.post("/portal/report", &none)
            .await
            .body
            .contains("请选择事件所在的社区")
    );
    let mut odd = fields("portal-event-aaa3");
    odd[2].1 = "aliens";
    assert!(
        c.post("/portal/report", &odd)
            .await
            .body
            .contains("事件类别“aliens”不存在")
    );
    let mut forged = fields("portal-event-aaa4");
    forged[0].1 = "visit:1:x";
    assert_eq!(
        c.post("/portal/report", &forged).await.status,
        StatusCode::BAD_REQUEST
    );
    let all = events::listed(&app.db, &whole, events::Listing::All, 100)
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(
        c.get("/portal/events/SJ999999").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.get("/portal/events/abc").await.status,
        StatusCode::NOT_FOUND
    );

    // A flood from one address waits.
    let keys: Vec<String> = (0..12).map(|i| format!("portal-event-flood{i}")).collect();
    let mut last = None;
    for key in &keys {
        let mut f = fields("x");
        f[0].1 = key.as_str();
        last = Some(c.post("/portal/report", &f).await);
    }
    assert!(last.unwrap().body.contains("一小时内最多上报 10 件"));
    let all = events::listed(&app.db, &whole, events::Listing::All, 100)
        .await
        .unwrap();
    assert_eq!(all.len(), 10);
}
both!(
    portal_events,
    residents_report_on_the_portal_and_follow_by_number
);

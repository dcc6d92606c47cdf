//! What the public may read of the catalogue (issue 11, item 14): a marker written into every
//! staff-only field of an item in force reaches the staff guide and nothing public: no portal
//! page, no Open311 document in either format, no public search answer.

use crate::both;
use crate::harness::App;
use axum::http::StatusCode;
use quanke_domain::catalogue::STAFF_ONLY;
use quanke_store::Backend;
use quanke_store::catalogue::{NewVersion, publish};
use serde_json::Value;

const CODE: &str = "CL-FJSP";
/// Latin letters and digits: whatever the search makes of it, it cannot come from public text.
const MARKER: &str = "QKSTAFFONLY7F3A";

/// Publishes a new version of the demo item with the marker in each staff-only field, in force
/// from the same day as the demo's own version.
async fn mark_staff_fields(app: &App) {
    let file = quanke_web::demo::catalogue_file().unwrap();
    let entry = file.items.iter().find(|e| e.item.code == CODE).unwrap();
    let mut body = serde_json::to_value(&entry.item).unwrap();
    for key in STAFF_ONLY {
        let marked = format!("{MARKER}-{key} 别让他先申请，核查过不了反而留记录");
        body[key] = match &body[key] {
            Value::Array(_) => Value::from(vec![marked]),
            _ => Value::from(marked),
        };
    }
    let body = body.to_string();
    let version = NewVersion {
        item_code: CODE,
        name: &entry.item.name,
        line: &entry.item.line,
        effective_from: &entry.effective_from,
        change_note: "加入内部经验",
        body: &body,
        published_by: "jiedao",
    };
    publish(&app.db, &version, 1_700_000_000).await.unwrap();
}

/// Every public address that shows the item, its guide's text or a search over it.
const PUBLIC: [&str; 14] = [
    "/portal",
    "/portal/search?q=%E8%BD%AE%E6%A4%85",
    "/portal/items/CL-FJSP",
    "/portal/items/CL-FJSP/checklist?kind=new&a_device=hearing&a_who=proxy",
    "/portal/items/CL-FJSP/apply",
    "/portal/items/CL-FJSP/apply?kind=new&a_device=general&a_who=self&step=2",
    "/open311/v2/services.json",
    "/open311/v2/services.xml",
    "/open311/v2/services/CL-FJSP.json",
    "/open311/v2/services/CL-FJSP.xml",
    "/api/v1/catalogue/search?q=%E8%BD%AE%E6%A4%85&limit=50",
    "/api/v1/catalogue/search?q=QKSTAFFONLY7F3A&limit=50",
    "/api/v1/catalogue/search?q=%E6%A0%B8%E6%9F%A5%E8%BF%87%E4%B8%8D%E4%BA%86%E5%8F%8D%E8%80%8C%E7%95%99%E8%AE%B0%E5%BD%95&limit=50",
    "/api/v1/catalogue/search?q=qkstaffonly7f3a-tips&limit=50",
];

async fn staff_only_fields_stay_inside(app: &App) {
    mark_staff_fields(app).await;
    let mut public = app.client();
    for path in PUBLIC {
        let r = public.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        assert!(
            !r.body.to_uppercase().contains(MARKER),
            "{path} shows a staff-only field: {}",
            r.body
        );
    }
    // The item is found by its public words, and never by its staff-only ones.
    let found = |body: &str| -> Vec<String> {
        let v: Value = serde_json::from_str(body).unwrap();
        let items = v["items"].as_array().unwrap();
        items.iter().map(|i| i["code"].to_string()).collect()
    };
    let wheelchair = public.get(PUBLIC[10]).await;
    assert!(found(&wheelchair.body).contains(&format!("\"{CODE}\"")));
    let marker = public.get(PUBLIC[11]).await;
    assert!(!found(&marker.body).contains(&format!("\"{CODE}\"")));

    let mut staff = app.client();
    staff.login_ok("qiantai").await;
    let page = staff.get("/catalogue/CL-FJSP").await;
    assert_eq!(page.status, StatusCode::OK);
    for key in STAFF_ONLY {
        assert!(page.body.contains(&format!("{MARKER}-{key}")), "{key}");
    }
    assert!(page.body.contains("仅工作人员可见"));
}
both!(staff_only_fields, staff_only_fields_stay_inside);

//! The catalogue in the web application: who may read, edit, publish and import; the draft →
//! publish → notice → acknowledgement cycle; the portal, its checklist and the search API.

use crate::both;
use crate::harness::{App, Client, Part, multipart};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use quanke_store::Backend;
use quanke_store::catalogue as store;
use quanke_web::catalogue::form::ItemForm;

const OK: StatusCode = StatusCode::OK;
const NO: StatusCode = StatusCode::FORBIDDEN;
const USERS: [&str; 6] = ["qiantai", "houtai", "wangge", "shequ", "jiedao", "admin"];

async fn pages_by_role(app: &App) {
    let pages: [(&str, [StatusCode; 6]); 7] = [
        ("/catalogue", [OK; 6]),
        ("/catalogue/MZ-GL80", [OK; 6]),
        ("/policies", [OK; 6]),
        ("/catalogue/new", [NO, NO, NO, OK, OK, NO]),
        ("/catalogue/import", [NO, NO, NO, NO, OK, NO]),
        ("/notices", [OK, OK, OK, OK, NO, NO]),
        ("/notices/status", [NO, NO, NO, OK, OK, NO]),
    ];
    for (i, who) in USERS.iter().enumerate() {
        let mut c = app.client();
        c.login_ok(who).await;
        for (path, expected) in &pages {
            assert_eq!(c.get(path).await.status, expected[i], "{who} GET {path}");
        }
    }
}
both!(catalogue_access, pages_by_role);

/// The editor's form for an item as stored, as the edit page fills it.
pub(crate) async fn edit_form(app: &App, code: &str) -> ItemForm {
    let v = &store::history(&app.db, code).await.unwrap()[0];
    let item = serde_json::from_str(&v.body).unwrap();
    ItemForm::from_item(&item, "2026-01-01", "")
}

pub(crate) async fn post_form(c: &mut Client<'_>, form: &ItemForm) -> crate::harness::Resp {
    post_pairs(c, &form.to_pairs()).await
}

/// Posts the editor's fields exactly as given, as the browser sends them.
pub(crate) async fn post_pairs(
    c: &mut Client<'_>,
    pairs: &[(String, String)],
) -> crate::harness::Resp {
    let f: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post("/catalogue/drafts", &f).await
}

async fn draft_publish_notice_ack(app: &App) {
    let mut head = app.client();
    head.login_ok("shequ").await;
    assert!(
        head.get("/catalogue/MZ-GL80/edit")
            .await
            .body
            .contains("高龄津贴")
    );
    let mut form = edit_form(app, "MZ-GL80").await;
    // Invalid input is refused with every problem named, and nothing is saved.
    form.promised_days = "五天".into();
    form.fee = String::new();
    form.change_note = "2026 年起缩短办理时限".into();
    let r = post_form(&mut head, &form).await;
    assert_eq!(r.status, OK);
    assert!(
        r.body.contains("承诺时限") && r.body.contains("应为整数"),
        "{}",
        r.body
    );
    assert!(store::draft(&app.db, "MZ-GL80").await.unwrap().is_none());
    form.promised_days = "5".into();
    let r = post_form(&mut head, &form).await;
    assert!(
        r.body.contains("收费标准"),
        "the blank fee is still refused"
    );
    form.fee = "不收费".into();
    let r = post_form(&mut head, &form).await;
    assert_eq!(
        r.location.as_deref(),
        Some("/catalogue/MZ-GL80/draft"),
        "{}",
        r.body
    );
    // The draft shows what changed; a head cannot publish it, residents cannot see it.
    let draft = head.get("/catalogue/MZ-GL80/draft").await.body;
    assert!(draft.contains("承诺时限") && draft.contains("需街道管理员发布"));
    assert_eq!(
        head.post("/catalogue/MZ-GL80/publish", &[]).await.status,
        NO
    );
    let portal = app.client().get("/portal/items/MZ-GL80").await.body;
    assert!(
        portal.contains("承诺 10 个工作日"),
        "residents still see the published version"
    );
    // The street admin publishes: version 2 in force, the portal shows it.
    let mut street = app.client();
    street.login_ok("jiedao").await;
    let r = street.post("/catalogue/MZ-GL80/publish", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        store::history(&app.db, "MZ-GL80").await.unwrap()[0].version,
        2
    );
    assert!(
        app.client()
            .get("/portal/items/MZ-GL80")
            .await
            .body
            .contains("承诺 5 个工作日")
    );
    // Workers are told until they acknowledge; the head sees who has not.
    let mut desk = app.client();
    desk.login_ok("qiantai").await;
    assert!(
        desk.get("/").await.body.contains("因政策调整发生变化"),
        "the desk home shows the banner"
    );
    let notices = desk.get("/notices").await.body;
    assert!(notices.contains("高龄津贴") && notices.contains("2026 年起缩短办理时限"));
    let status = head.get("/notices/status").await.body;
    assert!(
        status.contains("陈晓燕"),
        "desk worker not yet acknowledged"
    );
    let v2 = store::history(&app.db, "MZ-GL80").await.unwrap()[0].id;
    assert_eq!(
        desk.post(&format!("/notices/{v2}/ack"), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(!desk.get("/notices").await.body.contains("高龄津贴"));
    assert!(!desk.get("/").await.body.contains("因政策调整发生变化"));
    assert!(!head.get("/notices/status").await.body.contains("陈晓燕"));
    // The comparison page names the change in Chinese.
    let diff = desk.get("/catalogue/MZ-GL80/diff?from=1&to=2").await.body;
    assert!(
        diff.contains("承诺时限") && diff.contains(">10<") && diff.contains(">5<"),
        "{diff}"
    );
}
both!(edit_cycle, draft_publish_notice_ack);

async fn portal_finds_and_lists_materials(app: &App) {
    let mut c = app.client();
    let r = c.get("/portal/search?q=%E6%88%91%E5%A6%88%E5%85%AB%E5%8D%81%E5%B2%81%E4%BA%86%E8%83%BD%E9%A2%86%E4%BB%80%E4%B9%88").await;
    assert_eq!(r.status, OK);
    assert!(
        r.body.contains("MZ-GL80"),
        "我妈八十岁了能领什么 finds 高龄津贴"
    );
    assert!(!r.body.contains("没有找到对应事项"));
    // A matter no item handles: said so, with the closest few only.
    let r = c
        .get("/portal/search?q=%E5%85%BB%E7%8B%97%E5%8A%9E%E7%8B%97%E8%AF%81")
        .await;
    assert!(
        r.body.contains("没有找到对应事项"),
        "养狗办狗证: {}",
        r.body
    );
    assert!(r.body.matches("<li><a href=\"/portal/items/").count() <= 3);
    // The checklist follows the answers: a proxy needs the agent's ID, the elder alone does not.
    let item = c.get("/portal/items/MZ-GL80").await.body;
    assert!(item.contains("我要带什么"));
    let proxy = c
        .get("/portal/items/MZ-GL80/checklist?kind=new&a_who=proxy")
        .await
        .body;
    let own = c
        .get("/portal/items/MZ-GL80/checklist?kind=new&a_who=self")
        .await
        .body;
    assert!(proxy.contains("代办人居民身份证"), "{proxy}");
    assert!(!own.contains("代办人居民身份证"));
    assert_eq!(
        c.get("/portal/items/NOPE").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.get("/portal/").await.status,
        StatusCode::PERMANENT_REDIRECT
    );
}
both!(portal, portal_finds_and_lists_materials);

async fn search_api(app: &App) {
    let mut c = app.client();
    let r = c.get("/api/v1/catalogue/search?q=shebaoka&limit=3").await;
    assert_eq!(r.status, OK);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let items = v["items"].as_array().unwrap();
    assert!(!items.is_empty() && items.len() <= 3);
    assert_eq!(items[0]["code"], "SB-SBKSL");
    assert!(
        items[0]["why"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w.as_str().unwrap().contains("拼音"))
    );
    assert_eq!(v["found"], true, "{v}");
    assert_eq!(items[0]["answers"], true);
    assert!(items[0]["confidence"].as_f64().unwrap() >= 0.5);
    // A matter no item handles: the closest items come, said not to be answers.
    let r = c
        .get("/api/v1/catalogue/search?q=%E5%85%BB%E7%8B%97%E5%8A%9E%E7%8B%97%E8%AF%81")
        .await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["found"], false, "养狗办狗证: {v}");
    assert!(
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["answers"] == false)
    );
    let bad = c.get("/api/v1/catalogue/search?q=x&limit=500").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let v: serde_json::Value = serde_json::from_str(&bad.body).unwrap();
    assert_eq!(v["error"]["code"], "bad_limit");
    assert_eq!(
        c.get("/api/v1/catalogue/search").await.status,
        StatusCode::BAD_REQUEST
    );
}
both!(api, search_api);

/// A multipart upload as the import form sends it, with the token in the action URL.
pub(crate) async fn upload(
    c: &mut Client<'_>,
    token: Option<&str>,
    json: &str,
    action: &str,
) -> crate::harness::Resp {
    let file = Part {
        field: "file",
        name: "c.json",
        claimed: "application/json",
        bytes: json.as_bytes(),
    };
    let (content_type, body) = multipart(&[("action", action)], &[file]);
    let path = match token {
        Some(t) => format!("/catalogue/import?_csrf={t}"),
        None => "/catalogue/import".into(),
    };
    let req = Request::post(path)
        .header(header::COOKIE, c.cookie_header())
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    c.send(req).await
}

async fn import_page_checks_then_writes(app: &App) {
    let mut street = app.client();
    street.login_ok("jiedao").await;
    let token = street.cookies["qk_csrf"].clone();
    let exported = street.get("/catalogue/export.json").await.body;
    let mut file: serde_json::Value = serde_json::from_str(&exported).unwrap();
    assert!(file["items"].as_array().unwrap().len() >= 120);
    // Without the token the upload is refused.
    assert_eq!(
        upload(&mut street, None, &exported, "import").await.status,
        NO
    );
    // Re-importing the export changes nothing.
    let same = upload(&mut street, Some(&token), &exported, "import")
        .await
        .body;
    assert!(same.contains("新增事项 0，新版本 0"), "{same}");
    // A change to one item, checked only: reported, not written.
    file["items"][0]["item"]["fee"] = "工本费 10 元".into();
    let changed = file.to_string();
    let checked = upload(&mut street, Some(&token), &changed, "check")
        .await
        .body;
    assert!(
        checked.contains("检查通过") && checked.contains("新版本 1"),
        "{checked}"
    );
    let code = file["items"][0]["item"]["code"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(store::history(&app.db, &code).await.unwrap().len(), 1);
    let written = upload(&mut street, Some(&token), &changed, "import")
        .await
        .body;
    assert!(written.contains("已导入"));
    assert_eq!(store::history(&app.db, &code).await.unwrap().len(), 2);
    // A changed policy flags every stored item citing it (none of them changed in this file).
    let number = file["policies"][0]["number"].as_str().unwrap().to_string();
    file["policies"][0]["text"] = "（演示数据）修订后的全文。".into();
    let revised = upload(&mut street, Some(&token), &file.to_string(), "import")
        .await
        .body;
    assert!(revised.contains("政策文件 1"), "{revised}");
    let flagged = store::open_reviews(&app.db).await.unwrap();
    assert!(
        !flagged.is_empty() && flagged.iter().all(|(_, n, _)| *n == number),
        "{flagged:?}"
    );
    // A broken file names the problem and writes nothing.
    file["items"][1]["item"]["promised_days"] = 999.into();
    let broken = upload(&mut street, Some(&token), &file.to_string(), "import")
        .await
        .body;
    assert!(
        broken.contains("第 2 个事项") && broken.contains("未导入任何内容"),
        "{broken}"
    );
}
both!(import_page, import_page_checks_then_writes);

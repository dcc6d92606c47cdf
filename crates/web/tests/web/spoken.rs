//! Learning from the desk: words workers followed to an item become its alias once enough of
//! them agree and a head or the street administrator accepts; the alias is part of the
//! catalogue (versioned, exported, imported). The portal's questions nobody followed to an item
//! are listed for the street administrator.

use crate::both;
use crate::catalogue::upload;
use crate::harness::{App, Client};
use axum::http::StatusCode;
use quanke_domain::Role;
use quanke_store::Backend;
use quanke_store::catalogue as store;

const ITEM: &str = "MZ-GL80";

/// Where the search API puts `code` for `words` (1 = first), None outside its results.
async fn rank(c: &mut Client<'_>, words: &str, code: &str) -> Option<usize> {
    let q = serde_urlencoded::to_string([("q", words)]).unwrap();
    let body = c.get(&format!("/api/v1/catalogue/search?{q}")).await.body;
    let found: serde_json::Value = serde_json::from_str(&body).unwrap();
    found["items"]
        .as_array()
        .unwrap()
        .iter()
        .position(|h| h["code"] == code)
        .map(|i| i + 1)
}

/// A worker follows `words` to the item the way the desk does (the intake screen).
async fn picked_at_desk(c: &mut Client<'_>, words: &str, code: &str) {
    let r = c
        .post("/desk/intake", &[("what", words), ("item", code)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// A worker opens the item's guide from the catalogue's search results.
async fn picked_in_guide(c: &mut Client<'_>, words: &str, code: &str) {
    let q = serde_urlencoded::to_string([("q", words)]).unwrap();
    let r = c.get(&format!("/catalogue/{code}?{q}")).await;
    assert_eq!(r.status, StatusCode::OK);
}

/// A worker searches the desk with `first`, finds nothing right, searches again with `then`
/// and starts the item's intake: the screen carries the earlier words along.
async fn reformulated_at_desk(c: &mut Client<'_>, first: &str, then: &str, code: &str) {
    let page = c.post("/desk", &[("what", first)]).await.body;
    let tried = hidden_tried(&page);
    assert_eq!(tried, first);
    let page = c
        .post("/desk", &[("what", then), ("tried", &tried)])
        .await
        .body;
    let tried = hidden_tried(&page);
    let fields = [("what", then), ("tried", tried.as_str()), ("item", code)];
    assert_eq!(c.post("/desk/intake", &fields).await.status, StatusCode::OK);
}

/// The same in the catalogue: search, search again, open the item from the results.
async fn reformulated_in_guide(c: &mut Client<'_>, first: &str, then: &str, code: &str) {
    let q = serde_urlencoded::to_string([("q", first)]).unwrap();
    let page = c.get(&format!("/catalogue?{q}")).await.body;
    let q = serde_urlencoded::to_string([("q", then), ("tried", &hidden_tried(&page))]).unwrap();
    let page = c.get(&format!("/catalogue?{q}")).await.body;
    let link = crate::harness::between(&page, &format!("href=\"/catalogue/{code}?"), "\"")
        .unwrap_or_else(|| panic!("{code} among the results: {page}"))
        .replace("&amp;", "&");
    let r = c.get(&format!("/catalogue/{code}?{link}")).await;
    assert_eq!(r.status, StatusCode::OK);
}

fn hidden_tried(page: &str) -> String {
    let value = crate::harness::between(page, "name=\"tried\" value=\"", "\"").unwrap();
    value.replace("&#x7c;", "|").replace("&#124;", "|")
}

fn decide(words: &str, code: &str) -> [(&'static str, String); 2] {
    [("query", words.to_string()), ("item", code.to_string())]
}

async fn post_decision(c: &mut Client<'_>, path: &str, words: &str, code: &str) -> StatusCode {
    let f = decide(words, code);
    let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.post(path, &fields).await.status
}

async fn confirmed_words_become_an_alias(app: &App) {
    let words = "岁数钱";
    let mut desk = app.login("qiantai").await;
    assert_ne!(rank(&mut desk, words, ITEM).await, Some(1), "not found yet");
    let mut grid = app.login("wangge").await;
    let mut back = app.login("houtai").await;
    let mut head = app.login("shequ").await;
    let mut street = app.login("jiedao").await;
    // One worker's habit, however often, and two workers are not yet a proposal. Words that
    // found nothing count when the worker found the item with other words just after.
    reformulated_at_desk(&mut desk, words, "高龄津贴", ITEM).await;
    picked_in_guide(&mut desk, "岁数钱？", ITEM).await;
    reformulated_in_guide(&mut grid, words, "高龄", ITEM).await;
    assert!(!head.get("/catalogue/spoken").await.body.contains(words));
    // The street administrator's clicks are not a worker's pick; a third worker's are.
    picked_in_guide(&mut street, words, ITEM).await;
    assert!(!head.get("/catalogue/spoken").await.body.contains(words));
    picked_in_guide(&mut back, words, ITEM).await;
    let page = head.get("/catalogue/spoken").await.body;
    assert!(page.contains(words) && page.contains("3 人"), "{page}");
    // Workers cannot decide; a proposal that does not exist is not found.
    assert_eq!(
        post_decision(&mut desk, "/catalogue/spoken/accept", words, ITEM).await,
        StatusCode::FORBIDDEN
    );
    for (w, code) in [("岁数钱钱", ITEM), (words, "MZ-JJYL"), (words, "NO-SUCH")] {
        assert_eq!(
            post_decision(&mut head, "/catalogue/spoken/accept", w, code).await,
            StatusCode::NOT_FOUND,
            "{w} {code}"
        );
    }
    // The head accepts: the words go into the item's draft, the street administrator publishes.
    let versions = store::history(&app.db, ITEM).await.unwrap().len();
    assert_eq!(
        post_decision(&mut head, "/catalogue/spoken/accept", words, ITEM).await,
        StatusCode::SEE_OTHER
    );
    let draft = store::draft(&app.db, ITEM).await.unwrap().expect("a draft");
    assert!(draft.body.contains(words) && draft.change_note.contains("3 位工作人员"));
    assert_ne!(
        rank(&mut desk, words, ITEM).await,
        Some(1),
        "a draft is not in force"
    );
    assert_eq!(
        post_decision(&mut street, "/catalogue/spoken/accept", words, ITEM).await,
        StatusCode::NOT_FOUND,
        "decided once"
    );
    assert!(!head.get("/catalogue/spoken").await.body.contains(words));
    let r = street
        .post(&format!("/catalogue/{ITEM}/publish"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        store::history(&app.db, ITEM).await.unwrap().len(),
        versions + 1
    );
    assert_eq!(
        rank(&mut desk, words, ITEM).await,
        Some(1),
        "now found first"
    );
    // A later pick of known words proposes nothing again.
    picked_in_guide(&mut grid, words, ITEM).await;
    assert!(!head.get("/catalogue/spoken").await.body.contains(words));
    // The alias travels with the catalogue: exported, and imported into another deployment.
    let exported = street.get("/catalogue/export.json").await.body;
    let file: serde_json::Value = serde_json::from_str(&exported).unwrap();
    let item = file["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["item"]["code"] == ITEM)
        .unwrap();
    assert!(
        item["item"]["synonyms"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == words)
    );
    let other = App::start(app.db.backend(), app.state.settings.clone())
        .await
        .unwrap();
    let mut their_admin = other.login("jiedao").await;
    let token = their_admin.cookies["qk_csrf"].clone();
    let imported = upload(&mut their_admin, Some(&token), &exported, "import")
        .await
        .body;
    assert!(imported.contains("已导入"), "{imported}");
    assert_eq!(rank(&mut their_admin, words, ITEM).await, Some(1));
    other.finish().await;
}
both!(desk_words_become_an_alias, confirmed_words_become_an_alias);

async fn street_admin_publishes_or_rejects(app: &App) {
    let (taken, refused) = ("岁数补贴", "老爷子的钱");
    let mut workers = Vec::new();
    for (name, role) in [
        ("qiantai", None),
        ("houtai", None),
        ("desk_3", Some(Role::FrontDesk)),
    ] {
        if let Some(role) = role {
            app.account(name, role, "MYQ").await;
        }
        workers.push(app.login(name).await);
    }
    for w in &mut workers {
        picked_at_desk(w, taken, ITEM).await;
        picked_in_guide(w, refused, ITEM).await;
    }
    let mut street = app.login("jiedao").await;
    let before = store::history(&app.db, ITEM).await.unwrap().len();
    // Rejected: not proposed again, even when more workers pick it.
    assert_eq!(
        post_decision(&mut street, "/catalogue/spoken/reject", refused, ITEM).await,
        StatusCode::SEE_OTHER
    );
    let mut fourth = app.signed_in("grid_4", Role::GridWorker, "MYQ-01").await;
    picked_in_guide(&mut fourth, refused, ITEM).await;
    let page = street.get("/catalogue/spoken").await.body;
    assert!(page.contains(taken) && !page.contains(refused), "{page}");
    // Accepted by the street administrator with no draft open: published at once.
    assert_eq!(
        post_decision(&mut street, "/catalogue/spoken/accept", taken, ITEM).await,
        StatusCode::SEE_OTHER
    );
    let history = store::history(&app.db, ITEM).await.unwrap();
    assert_eq!(history.len(), before + 1);
    assert!(history[0].body.contains(taken) && !history[0].body.contains(refused));
    assert!(store::draft(&app.db, ITEM).await.unwrap().is_none());
    assert_eq!(rank(&mut fourth, taken, ITEM).await, Some(1));
}
both!(street_admin_decides, street_admin_publishes_or_rejects);

async fn links_from_other_sites_teach_nothing(app: &App) {
    use axum::body::Body;
    use axum::http::{Request, header};
    let words = "岁数钱";
    for name in ["qiantai", "houtai", "wangge"] {
        let mut c = app.login(name).await;
        let q = serde_urlencoded::to_string([("q", words)]).unwrap();
        // Another site's page makes the signed-in browser open the guide with its words.
        let req = Request::get(format!("/catalogue/{ITEM}?{q}"))
            .header(header::COOKIE, c.cookie_header())
            .header("sec-fetch-site", "cross-site")
            .body(Body::empty())
            .unwrap();
        assert_eq!(c.send(req).await.status, StatusCode::OK);
    }
    let mut head = app.login("shequ").await;
    assert!(!head.get("/catalogue/spoken").await.body.contains(words));
}
both!(other_sites, links_from_other_sites_teach_nothing);

async fn unanswered_portal_questions(app: &App) {
    let resident = &mut app.client();
    let unanswered = "zzqq怎么弄";
    let followed = "百岁老人";
    let with_phone = "我电话13812345678能不能帮我查";
    for q in [unanswered, unanswered, followed, with_phone] {
        let q = serde_urlencoded::to_string([("q", q)]).unwrap();
        assert_eq!(
            resident.get(&format!("/portal/search?{q}")).await.status,
            StatusCode::OK
        );
    }
    // The results link carries the question, and opening one counts as a click.
    let q = serde_urlencoded::to_string([("q", followed)]).unwrap();
    let results = resident.get(&format!("/portal/search?{q}")).await.body;
    assert!(
        results.contains(&format!("/portal/items/{ITEM}?{q}")),
        "{results}"
    );
    resident.get(&format!("/portal/items/{ITEM}?{q}")).await;
    let mut street = app.login("jiedao").await;
    let page = street.get("/catalogue/spoken").await.body;
    let listed = page.split("id=\"unanswered\"").nth(1).unwrap();
    assert!(
        listed.contains(unanswered) && listed.contains("<td>2</td>"),
        "{listed}"
    );
    assert!(!listed.contains(followed), "{listed}");
    assert!(
        listed.contains("我电话＊＊＊＊能不能帮我查") && !page.contains("13812345678"),
        "{listed}"
    );
    // Heads decide aliases but do not read what residents asked.
    let mut head = app.login("shequ").await;
    let theirs = head.get("/catalogue/spoken").await.body;
    assert!(!theirs.contains(unanswered) && !theirs.contains("id=\"unanswered\""));
    // Counts kept in memory reach the store whatever page is read, and add up.
    resident
        .get(&format!(
            "/portal/search?{}",
            serde_urlencoded::to_string([("q", unanswered)]).unwrap()
        ))
        .await;
    app.state.flush_portal_questions().await.unwrap();
    let since = 0;
    let stored = quanke_store::search_learning::unanswered(&app.db, since, 10)
        .await
        .unwrap();
    let row = stored.iter().find(|q| q.query == unanswered).unwrap();
    assert_eq!(row.searches, 3);
    assert!(!row.answered);
}
both!(portal_questions, unanswered_portal_questions);

async fn a_question_found_nothing_is_asked_of_the_community(app: &App) {
    use quanke_store::cases::{self, Filter};
    let question = "养狗要办证吗";
    let resident = &mut app.client();
    let q = serde_urlencoded::to_string([("q", question)]).unwrap();
    let results = resident.get(&format!("/portal/search?{q}")).await.body;
    assert!(results.contains("没有找到对应事项"), "{results}");
    let ask = crate::harness::between(&results, "<a class=\"button\" href=\"", "\"")
        .expect("a way to ask the community")
        .replace("&amp;", "&")
        .replace("&#x2f;", "/");
    assert!(ask.starts_with("/portal/items/QK-DZX/apply?"), "{ask}");
    // The API says the same to partners.
    let api = resident
        .get(&format!("/api/v1/catalogue/search?{q}"))
        .await
        .body;
    let api: serde_json::Value = serde_json::from_str(&api).unwrap();
    assert_eq!(api["found"], false);
    assert_eq!(
        api["ask"]
            .as_str()
            .map(|a| format!("{a}?{}", q.replace("q=", "note="))),
        Some(ask.clone())
    );
    let found = resident
        .get("/api/v1/catalogue/search?q=%E9%AB%98%E9%BE%84%E6%B4%A5%E8%B4%B4")
        .await
        .body;
    assert!(found.contains("\"ask\":null"), "{found}");
    // The form holds the question; without one nothing is written.
    let form = resident.get(&ask).await.body;
    assert!(
        form.contains("请社区帮您问") && form.contains(question),
        "{form}"
    );
    assert!(
        !form.contains("需要的材料"),
        "no materials to tick for a question"
    );
    let key = crate::harness::between(&form, "name=\"key\" value=\"", "\"")
        .unwrap()
        .to_string();
    let myq = quanke_store::orgs::by_code(&app.db, "MYQ").await.unwrap();
    let community = myq.id.to_string();
    let mut fields = vec![
        ("kind", "new"),
        ("key", key.as_str()),
        ("name", "赵大伯"),
        ("phone", "13905710001"),
        ("community", community.as_str()),
        ("note", " "),
    ];
    let path = "/portal/items/QK-DZX/apply";
    let refused = resident.post_multipart(path, &fields, &[]).await.body;
    assert!(refused.contains("请写下您要咨询的问题"), "{refused}");
    let within = Filter {
        within: "/",
        limit: 100,
        ..Filter::default()
    };
    let before = cases::list(&app.db, &within).await.unwrap().len();
    fields.pop();
    fields.push(("note", question));
    let done = resident.post_multipart(path, &fields, &[]).await.body;
    assert!(done.contains("问题已提交"), "{done}");
    // A case like any other, received for the community's desk, with the question.
    let all = cases::list(&app.db, &within).await.unwrap();
    assert_eq!(all.len(), before + 1);
    let case = all.iter().find(|c| c.item_code == "QK-DZX").unwrap();
    assert_eq!(case.community_path, myq.path);
    assert_eq!(case.channel, "portal");
    let opened = &cases::events(&app.db, case.id).await.unwrap()[0];
    assert_eq!(opened.note, question);
}
both!(
    ask_the_community,
    a_question_found_nothing_is_asked_of_the_community
);

/// The rule that a question asked of the community carries the question holds for every
/// channel: here the API, as a partner's desk application would send it.
async fn a_question_without_words_is_refused_by_the_api(app: &App) {
    use crate::api_cases::{Auth, post, token_for};
    use serde_json::json;
    let token = token_for(app, "qiantai").await;
    let mut c = app.client();
    let mut body = json!({
        "item_code": "QK-DZX",
        "applicant_id_number": "330105196001010026",
        "applicant_name": "王秀英",
        "applicant_phone": "13812345678",
        "outcome": "receive",
        "note": "  ",
    });
    let before = crate::api_cases::count_cases(app).await;
    let r = post(
        &mut c,
        Auth::Token(&token),
        "/api/v1/cases",
        &body,
        Some("ask-1"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    assert_eq!(r.json["error"]["code"], "missing_question");
    assert_eq!(crate::api_cases::count_cases(app).await, before);
    body["note"] = json!("养狗要办证吗");
    let r = post(
        &mut c,
        Auth::Token(&token),
        "/api/v1/cases",
        &body,
        Some("ask-2"),
    )
    .await;
    assert!(r.status.is_success(), "{}", r.json);
    assert_eq!(crate::api_cases::count_cases(app).await, before + 1);
}
both!(ask_by_api, a_question_without_words_is_refused_by_the_api);

//! Issue 11 item 17: the documents handed to a resident (一次性告知书, 受理回执, 不予受理告知书)
//! are kept as issued, listed on the case page, reprinted exactly, and seen only within the
//! case's scope.

use crate::both;
use crate::desk::intake;
use crate::harness::{App, Resp, document_date};
use axum::http::StatusCode;
use quanke_app::accounts::{self, NewAccount};
use quanke_domain::Role;
use quanke_store::cases;
use quanke_store::{Backend, orgs};

const CARD: &str = "老年人本人社会保障卡（市民卡）";

/// The reprint links of the case page, in the order listed (oldest first).
fn reprint_links(page: &str, id: i64) -> Vec<String> {
    let prefix = format!("/cases/{id}/documents/");
    page.match_indices(&prefix)
        .map(|(at, _)| {
            let rest = &page[at..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

/// The notice a resident took home still lists what was missing after the materials came, on
/// the case page and in a reprint; a new 补正 is a new notice; the receipt is kept too.
async fn a_reprint_shows_what_was_issued(app: &App) {
    let person = app.first_resident("MYQ-01").await;
    let rid = person.id.to_string();
    let mut desk = app.client();
    desk.login_ok("qiantai").await;
    let r = desk
        .post(
            "/desk/cases",
            &intake(&rid, "doc-1", &["card"], "request_materials"),
        )
        .await;
    let id = r.case_id();
    let notice = desk.get(&format!("/cases/{id}/print/notice")).await;
    assert!(notice.body.contains(CARD), "{}", notice.body);
    assert!(
        !notice.body.contains("副本"),
        "the first print is the original"
    );
    // The resident brings the card: accepted, the receipt issued.
    let r = desk
        .act(
            id,
            &[("action", "accept_after_materials"), ("brought", "card")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = desk.get(&format!("/cases/{id}")).await;
    assert!(page.body.contains("已出具文书"), "{}", page.body);
    assert!(page.body.contains("一次性告知书") && page.body.contains("受理回执"));
    assert!(page.body.contains("陈晓燕"), "the issuer is listed");
    let links = reprint_links(&page.body, id);
    assert_eq!(links.len(), 2, "{links:?}");
    // The notice as the resident took it home: the card is still listed, marked as a reprint.
    let again = desk.get(&links[0]).await;
    assert_eq!(again.status, StatusCode::OK);
    assert!(again.body.contains("一次性告知书"));
    assert!(again.body.contains(CARD), "{}", again.body);
    assert!(again.body.contains("副本（重印）"), "{}", again.body);
    assert!(
        desk.get(&format!("/cases/{id}/print/notice"))
            .await
            .body
            .contains(CARD)
    );
    let receipt = desk.get(&links[1]).await;
    assert!(receipt.body.contains("受理回执") && receipt.body.contains("已受理"));
    let due = cases::get(&app.db, id).await.unwrap().due_on.unwrap();
    assert!(
        receipt.body.contains(&document_date(&due.to_string())),
        "{}",
        receipt.body
    );

    // The back office asks for more: a new notice, the first one unchanged.
    let mut back = app.client();
    back.login_ok("houtai").await;
    let r = back
        .act(
            id,
            &[
                ("action", "request_more_materials"),
                ("missing", "hukou"),
                ("note", "户口簿页面不清"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let docs = cases::documents(&app.db, id).await.unwrap();
    let kinds: Vec<&str> = docs.iter().map(|d| d.kind.as_str()).collect();
    assert_eq!(kinds, ["notice", "receipt", "notice"]);
    assert_eq!(docs[2].issuer_name, "王建国");
    let newest = back.get(&format!("/cases/{id}/print/notice")).await;
    assert!(newest.body.contains("户口簿"), "{}", newest.body);
    assert!(!newest.body.contains(CARD), "{}", newest.body);
    let first = back.get(&links[0]).await;
    assert!(first.body.contains(CARD) && !first.body.contains("户口簿（"));
}
both!(
    documents_reprinted_as_issued,
    a_reprint_shows_what_was_issued
);

/// A refusal after the head's approval is issued by the head with its reason; a document of
/// another case, or of a case outside the worker's community, is not found.
async fn refusals_are_kept_and_documents_stay_in_scope(app: &App) {
    let person = app.first_resident("MYQ-01").await;
    let rid = person.id.to_string();
    let mut desk = app.client();
    desk.login_ok("qiantai").await;
    let mut form = intake(&rid, "doc-2", &[], "reject");
    form.push(("note", "户籍不在本区，请到户籍所在地社区申请"));
    let id = desk.post("/desk/cases", &form).await.case_id();
    assert!(cases::documents(&app.db, id).await.unwrap().is_empty());
    let approval = cases::pending_approval(&app.db, id).await.unwrap().unwrap();
    let mut head = app.client();
    head.login_ok("shequ").await;
    let r = head
        .post(
            &format!("/cases/{id}/approvals/{}", approval.id),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let docs = cases::documents(&app.db, id).await.unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(
        (docs[0].kind.as_str(), docs[0].issuer_name.as_str()),
        ("refusal", "张丽华")
    );
    let refusal = desk
        .get(&format!("/cases/{id}/documents/{}", docs[0].id))
        .await;
    assert!(refusal.body.contains("户籍不在本区"), "{}", refusal.body);

    // Another case's document under this case's address: not found.
    let other = Resp::case_id(
        &desk
            .post(
                "/desk/cases",
                &intake(&rid, "doc-3", &["card"], "request_materials"),
            )
            .await,
    );
    let theirs = cases::documents(&app.db, other).await.unwrap()[0].id;
    let wrong = desk.get(&format!("/cases/{id}/documents/{theirs}")).await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);

    // A worker of 双荡弄 sees neither the list nor the documents of a 卖鱼桥 case.
    let sdn = orgs::by_code(&app.db, "SDN").await.unwrap();
    let account = NewAccount {
        username: "sdn_docs",
        display_name: "周敏",
        role: Role::FrontDesk,
        org: &sdn,
        password: Some(quanke_web::demo::PASSWORD),
    };
    accounts::create(&app.db, &account).await.unwrap();
    let mut stranger = app.client();
    stranger.login_ok("sdn_docs").await;
    for path in [
        format!("/cases/{id}/documents/{}", docs[0].id),
        format!("/cases/{id}/print/refusal"),
        format!("/cases/{other}/print/notice"),
        format!("/cases/{other}/documents/{theirs}"),
    ] {
        let r = stranger.get(&path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!r.body.contains("户籍不在本区") && !r.body.contains(CARD));
    }
}
both!(
    documents_in_scope,
    refusals_are_kept_and_documents_stay_in_scope
);

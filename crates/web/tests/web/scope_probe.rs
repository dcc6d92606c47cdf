//! Every address that names a record by id, tried from another community and another grid:
//! outside the caller's part of the org tree the answer is "not found" (404) — never the record,
//! never "forbidden", which would say that it exists — and a write changes nothing. Inside, the
//! same request works, so the probe cannot pass by refusing everything.
//!
//! Two communities (卖鱼桥 MYQ, 双荡弄 SDN), two grids of MYQ, a resident and a case in each.

use crate::api_cases::token_for;
use crate::both;
use crate::desk::intake;
use crate::harness::{App, Client, Resp, between};
use crate::registry::audit_entries;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use quanke_domain::Role;
use quanke_store::cases::{self, Case};
use quanke_store::registry::Resident;
use quanke_store::{Backend, orgs, users};

const OK: StatusCode = StatusCode::OK;
const NOT_FOUND: StatusCode = StatusCode::NOT_FOUND;

/// A resident and the open case the desk of their community filed for them, with a notice.
struct Record {
    person: Resident,
    case: Case,
    /// The address of the notice kept on the case.
    document: String,
}

async fn record(app: &App, desk: &mut Client<'_>, grid: &str, key: &str) -> Record {
    let person = app.first_resident(grid).await;
    let rid = person.id.to_string();
    let r = desk
        .post(
            "/desk/cases",
            &intake(&rid, key, &["card"], "request_materials"),
        )
        .await;
    let case = cases::get(&app.db, r.case_id()).await.unwrap();
    let doc = cases::documents(&app.db, case.id).await.unwrap().remove(0);
    Record {
        document: format!("/cases/{}/documents/{}", case.id, doc.id),
        person,
        case,
    }
}

/// Asserts the status of each GET, naming the caller and the address when it is wrong.
async fn expect_gets(c: &mut Client<'_>, who: &str, want: StatusCode, paths: &[String]) {
    for p in paths {
        let r = c.get(p).await;
        assert_eq!(r.status, want, "{who} GET {p}: {}", excerpt(&r));
    }
}

fn excerpt(r: &Resp) -> String {
    r.body.chars().take(300).collect()
}

/// The addresses that show a resident or a case.
fn reads(r: &Record) -> Vec<String> {
    let (p, c) = (r.person.id, r.case.id);
    vec![
        format!("/registry/people/{p}"),
        format!("/cases/{c}"),
        format!("/cases/{c}/print/notice"),
        r.document.clone(),
    ]
}

async fn api_get(app: &App, token: &str, number: &str) -> StatusCode {
    let req = Request::get(format!("/api/v1/cases/{number}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    app.client().send(req).await.status
}

async fn every_id_outside_the_subtree_is_not_found(app: &App) {
    app.account("sdn_desk", Role::FrontDesk, "SDN").await;
    app.account("sdn_head", Role::CommunityHead, "SDN").await;
    app.account("myq02_grid", Role::GridWorker, "MYQ-02").await;
    let mut myq_desk = app.login("qiantai").await;
    let mut sdn_desk = app.login("sdn_desk").await;
    let mine = record(app, &mut myq_desk, "MYQ-01", "probe-myq").await;
    let theirs = record(app, &mut sdn_desk, "SDN-01", "probe-sdn").await;
    let second_grid = app.first_resident("MYQ-02").await;

    // Each desk reads its own community and nothing of the other.
    expect_gets(&mut myq_desk, "卖鱼桥前台", OK, &reads(&mine)).await;
    expect_gets(&mut myq_desk, "卖鱼桥前台", NOT_FOUND, &reads(&theirs)).await;
    expect_gets(&mut sdn_desk, "双荡弄前台", OK, &reads(&theirs)).await;
    expect_gets(&mut sdn_desk, "双荡弄前台", NOT_FOUND, &reads(&mine)).await;
    let mut sdn_head = app.login("sdn_head").await;
    expect_gets(&mut sdn_head, "双荡弄负责人", NOT_FOUND, &reads(&mine)).await;

    // Grid workers read their own grid's people only; another grid is as far as another street.
    let mut grid1 = app.login("wangge").await;
    let mut grid2 = app.login("myq02_grid").await;
    let person = |r: &Resident| vec![format!("/registry/people/{}", r.id)];
    expect_gets(&mut grid1, "第1网格", OK, &person(&mine.person)).await;
    expect_gets(&mut grid2, "第2网格", OK, &person(&second_grid)).await;
    expect_gets(&mut grid1, "第1网格", NOT_FOUND, &person(&second_grid)).await;
    expect_gets(&mut grid2, "第2网格", NOT_FOUND, &person(&mine.person)).await;
    for c in [&mut grid1, &mut grid2] {
        expect_gets(c, "网格员", NOT_FOUND, &reads(&theirs)).await;
    }

    // The JSON API answers the same.
    let sdn_token = token_for(app, "sdn_desk").await;
    let myq_token = token_for(app, "qiantai").await;
    assert_eq!(api_get(app, &myq_token, &mine.case.number).await, OK);
    assert_eq!(api_get(app, &sdn_token, &mine.case.number).await, NOT_FOUND);
    assert_eq!(
        api_get(app, &myq_token, &theirs.case.number).await,
        NOT_FOUND
    );

    // Accounts of another community are not found by its head, nor by the other head.
    let qiantai = users::by_username(&app.db, "qiantai").await.unwrap();
    let sdn_user = users::by_username(&app.db, "sdn_desk").await.unwrap();
    let mut myq_head = app.login("shequ").await;
    expect_gets(
        &mut myq_head,
        "卖鱼桥负责人",
        OK,
        &[format!("/admin/users/{}", qiantai.id)],
    )
    .await;
    expect_gets(
        &mut sdn_head,
        "双荡弄负责人",
        NOT_FOUND,
        &[format!("/admin/users/{}", qiantai.id)],
    )
    .await;
    expect_gets(
        &mut myq_head,
        "卖鱼桥负责人",
        NOT_FOUND,
        &[format!("/admin/users/{}", sdn_user.id)],
    )
    .await;

    writes_from_outside_change_nothing(app, &mut sdn_desk, &mut sdn_head, &mine, &qiantai).await;
    links_to_the_other_community_read_as_no_case(app, &mut sdn_desk, &theirs, &mine).await;
}

/// Linking one's own case to a number of another community is answered exactly as a number
/// that does not exist, and links nothing.
async fn links_to_the_other_community_read_as_no_case(
    app: &App,
    desk: &mut Client<'_>,
    own: &Record,
    other: &Record,
) {
    let link = format!("/cases/{}/link", own.case.id);
    let r = desk.post(&link, &[("number", &other.case.number)]).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        excerpt(&r)
    );
    let message = between(&r.body, "id=\"link-error\">", "<").expect("the form's message");
    assert_eq!(message, format!("没有办件编号“{}”", other.case.number));
    assert!(
        cases::linked(&app.db, own.case.id)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Writes that name the other community's records: 404, and nothing changed or recorded.
async fn writes_from_outside_change_nothing(
    app: &App,
    desk: &mut Client<'_>,
    head: &mut Client<'_>,
    mine: &Record,
    colleague: &users::User,
) {
    let (p, c) = (mine.person.id, mine.case.id);
    let r = desk
        .post(
            &format!("/registry/people/{p}/reveal"),
            &[("reason", "核对身份")],
        )
        .await;
    assert_eq!(r.status, NOT_FOUND, "reveal: {}", excerpt(&r));
    assert!(audit_entries(app, "registry_revealed").await.is_empty());

    let r = desk
        .act(c, &[("action", "withdraw"), ("note", "居民不再申请")])
        .await;
    assert_eq!(r.status, NOT_FOUND, "act: {}", excerpt(&r));
    let back_office = users::by_username(&app.db, "houtai")
        .await
        .unwrap()
        .id
        .to_string();
    let r = head
        .post(&format!("/cases/{c}/assign"), &[("worker", &back_office)])
        .await;
    assert_eq!(r.status, NOT_FOUND, "assign: {}", excerpt(&r));
    let r = head
        .post(
            &format!("/cases/{c}/transfer"),
            &[
                ("kind", "department"),
                ("department", "民政科"),
                ("reason", "转走"),
            ],
        )
        .await;
    assert_eq!(r.status, NOT_FOUND, "transfer: {}", excerpt(&r));
    let now = cases::get(&app.db, c).await.unwrap();
    assert_eq!(
        (
            now.state.code(),
            now.assignee_id,
            now.community_path.as_str()
        ),
        (
            mine.case.state.code(),
            mine.case.assignee_id,
            mine.case.community_path.as_str()
        )
    );

    let u = colleague.id;
    for action in ["disable", "reset"] {
        let r = head.post(&format!("/admin/users/{u}/{action}"), &[]).await;
        assert_eq!(r.status, NOT_FOUND, "{action}: {}", excerpt(&r));
    }
    let after = users::by_username(&app.db, &colleague.username)
        .await
        .unwrap();
    assert!(!after.disabled);
    let myq = orgs::by_code(&app.db, "MYQ").await.unwrap();
    let r = head
        .post(
            &format!("/admin/orgs/{}/rename", myq.id),
            &[("name", "被改名社区")],
        )
        .await;
    assert!(
        [NOT_FOUND, StatusCode::FORBIDDEN].contains(&r.status),
        "rename: {} {}",
        r.status,
        excerpt(&r)
    );
    assert_eq!(orgs::by_code(&app.db, "MYQ").await.unwrap().name, myq.name);
}
both!(probe, every_id_outside_the_subtree_is_not_found);

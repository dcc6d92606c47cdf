//! The front desk and the case page: intake with each outcome, the printouts, the resident's
//! return, routing to the back office, head approvals, registering a new person, and the
//! refusals (missing materials, wrong role) that write nothing.

use crate::both;
use crate::harness::{App, Resp, document_date};
use axum::http::StatusCode;
use quanke_domain::case::State;
use quanke_domain::ident::resident_id::check_digit;
use quanke_store::cases::{self, Case};
use quanke_store::registry::{self as store};
use quanke_store::{Backend, orgs, users};

const SEE_OTHER: StatusCode = StatusCode::SEE_OTHER;
const ITEM: &str = "MZ-GL80";

/// The intake form for 高龄津贴 (new application, in person) with `missing` unticked.
pub(crate) fn intake<'a>(
    resident: &'a str,
    key: &'a str,
    missing: &[&'a str],
    outcome: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("item", ITEM),
        ("resident", resident),
        ("kind", "new"),
        ("q.who", "self"),
        ("key", key),
        ("outcome", outcome),
        ("material", "id-card"),
        ("material", "hukou"),
        ("material", "card"),
        ("held", "id-card"),
        ("held", "hukou"),
    ];
    for m in ["id-card", "hukou", "card"] {
        if !missing.contains(&m) {
            f.push(("have", m));
        }
    }
    f
}

async fn case(app: &App, id: i64) -> Case {
    cases::get(&app.db, id).await.unwrap()
}

async fn count(app: &App) -> usize {
    let f = cases::Filter {
        within: "/",
        limit: 1000,
        ..Default::default()
    };
    cases::list(&app.db, &f).await.unwrap().len()
}

async fn notice_then_return_then_back_office(app: &App) {
    let person = app.first_resident("MYQ-01").await;
    let mut desk = app.client();
    desk.login_ok("qiantai").await;
    // One Enter finds the person and the matter together.
    let found = desk
        .post(
            "/desk",
            &[("who", &person.id_number), ("what", "八十岁高龄补贴")],
        )
        .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    assert!(found.body.contains(&person.name));
    assert!(
        found.body.contains(&format!("value=\"{ITEM}\"")),
        "{}",
        found.body
    );
    assert!(
        !found.body.contains(&person.id_number),
        "the ID number is masked"
    );
    let rid = person.id.to_string();
    let form = desk
        .post(
            "/desk/intake",
            &[("who", &person.id_number), ("item", ITEM)],
        )
        .await;
    assert!(form.body.contains("老年人本人社会保障卡"), "{}", form.body);
    assert!(
        form.body
            .contains(&format!("name=\"resident\" value=\"{rid}\""))
    );
    // The social security card is missing: 补正 prints the one-time notice.
    let r = desk
        .post(
            "/desk/cases",
            &intake(&rid, "k1", &["card"], "request_materials"),
        )
        .await;
    assert_eq!(r.status, SEE_OTHER, "{}", r.body);
    let id = r.case_id();
    assert_eq!(
        r.location.as_deref(),
        Some(format!("/cases/{id}/print/notice").as_str())
    );
    let notice = desk.get(&format!("/cases/{id}/print/notice")).await;
    assert!(notice.body.contains("一次性告知书"));
    assert!(notice.body.contains("老年人本人社会保障卡（市民卡）"));
    assert!(
        !notice.body.contains("户口簿（"),
        "held materials are not asked for"
    );
    let c = case(app, id).await;
    assert_eq!(c.state, State::AwaitingMaterials);
    assert_eq!(c.due_on, None, "the clock is paused");
    assert_eq!(c.channel, "desk");
    // A double submit of the same form makes no second case.
    let again = desk
        .post(
            "/desk/cases",
            &intake(&rid, "k1", &["card"], "request_materials"),
        )
        .await;
    assert_eq!(again.case_id(), id);
    assert_eq!(count(app).await, 1);
    // The same matter again warns of the open case.
    let form = desk
        .post(
            "/desk/intake",
            &[("who", &person.id_number), ("item", ITEM)],
        )
        .await;
    assert!(form.body.contains("已有同一事项的办件未办结"));
    assert!(form.body.contains(&c.number));
    // The resident returns with the card: accepted, receipt, routed to the back office.
    let r = desk
        .act(
            id,
            &[
                ("action", "accept_after_materials"),
                ("brought", "card"),
                ("visit", "materials"),
            ],
        )
        .await;
    assert_eq!(
        r.location.as_deref(),
        Some(format!("/cases/{id}/print/receipt").as_str()),
        "{}",
        r.body
    );
    let c = case(app, id).await;
    assert_eq!(c.state, State::Accepted);
    assert!(c.due_on.is_some(), "the clock runs again");
    let houtai = users::by_username(&app.db, "houtai").await.unwrap();
    assert_eq!(c.assignee_id, Some(houtai.id));
    let receipt = desk.get(&format!("/cases/{id}/print/receipt")).await;
    assert!(receipt.body.contains("受理回执"));
    let due = document_date(&c.due_on.unwrap().to_string());
    assert!(receipt.body.contains(&due), "{}", receipt.body);
    assert!(receipt.body.contains("陈晓燕"), "the issuer is named");
    assert_eq!(cases::visits(&app.db, id).await.unwrap().len(), 2);
    // The desk may not work the case in the back office.
    let refused = desk.act(id, &[("action", "start")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(case(app, id).await.state, State::Accepted);
    // Back office: the case is in "mine", started and completed.
    let mut back = app.client();
    back.login_ok("houtai").await;
    let mine = back.get("/cases?queue=mine").await;
    assert!(mine.body.contains(&c.number), "{}", mine.body);
    let r = back.act(id, &[("action", "start")]).await;
    assert_eq!(r.status, SEE_OTHER, "start: {}", r.body);
    let granted = [
        ("action", "complete"),
        ("result", "granted"),
        ("result_amount", "200"),
        ("result_month", "2026-12"),
    ];
    let r = back.act(id, &granted).await;
    assert_eq!(r.status, SEE_OTHER, "complete: {}", r.body);
    let c = case(app, id).await;
    assert_eq!(c.state, State::Completed);
    let page = back.get(&format!("/cases/{id}")).await;
    for step in ["补正", "补齐受理", "分派", "开始办理", "办结"] {
        assert!(page.body.contains(step), "timeline lacks {step}");
    }
}
both!(desk_round_trip, notice_then_return_then_back_office);

async fn refusals_write_nothing(app: &App) {
    let person = app.first_resident("MYQ-01").await;
    let rid = person.id.to_string();
    let mut desk = app.client();
    desk.login_ok("qiantai").await;
    // 受理 with a material missing is refused, the form comes back with what was typed.
    let r = desk
        .post("/desk/cases", &intake(&rid, "k2", &["card"], "accept"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("材料不齐"), "{}", r.body);
    // 补正 with nothing missing, 即办 of a promised item, an unanswered required question.
    let r = desk
        .post("/desk/cases", &intake(&rid, "k3", &[], "request_materials"))
        .await;
    assert!(r.body.contains("没有标记为“缺”的材料"));
    let r = desk
        .post("/desk/cases", &intake(&rid, "k4", &[], "on_the_spot"))
        .await;
    assert!(r.body.contains("承诺件"));
    let unanswered: Vec<(&str, &str)> = intake(&rid, "k5", &[], "accept")
        .into_iter()
        .filter(|(k, _)| *k != "q.who")
        .collect();
    let r = desk.post("/desk/cases", &unanswered).await;
    assert!(r.body.contains("请回答：由谁来办理？"), "{}", r.body);
    assert_eq!(count(app).await, 0);
    // 不予受理 needs a reason, then waits for the head, who approves.
    let r = desk
        .post("/desk/cases", &intake(&rid, "k6", &[], "reject"))
        .await;
    assert!(r.body.contains("不予受理须写明理由"));
    let mut with_reason = intake(&rid, "k7", &[], "reject");
    with_reason.push(("note", "户籍不在本区，请到户籍所在地社区申请"));
    let r = desk.post("/desk/cases", &with_reason).await;
    let id = r.case_id();
    assert_eq!(case(app, id).await.state, State::Received);
    let approval = cases::pending_approval(&app.db, id).await.unwrap().unwrap();
    let mut head = app.client();
    head.login_ok("shequ").await;
    let queue = head.get("/cases").await;
    assert!(queue.body.contains("待我审批"));
    let r = head
        .post(
            &format!("/cases/{id}/approvals/{}", approval.id),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(r.status, SEE_OTHER, "{}", r.body);
    assert_eq!(case(app, id).await.state, State::Rejected);
    let refusal = desk.get(&format!("/cases/{id}/print/refusal")).await;
    assert!(refusal.body.contains("户籍不在本区"));
}
both!(desk_refusals, refusals_write_nothing);

/// A valid ID number nobody has: 330105 + 19500307 + 001 (a man) + check digit.
fn fresh_id() -> String {
    let first17 = "33010519500307001";
    format!("{first17}{}", check_digit(first17).unwrap())
}

async fn a_new_person_is_registered_with_the_case(app: &App) {
    let id_number = fresh_id();
    assert!(
        store::id_by_number(&app.db, &id_number)
            .await
            .unwrap()
            .is_none()
    );
    let mut desk = app.client();
    desk.login_ok("qiantai").await;
    let found = desk
        .post("/desk", &[("who", &id_number), ("what", "高龄津贴")])
        .await;
    assert!(found.body.contains("受理时一并登记"), "{}", found.body);
    let form = desk
        .post("/desk/intake", &[("who", &id_number), ("item", ITEM)])
        .await;
    assert!(form.body.contains("1950年3月7日"), "{}", form.body);
    assert!(form.body.contains("男"));
    let fields = vec![
        ("item", ITEM),
        ("who", id_number.as_str()),
        ("kind", "new"),
        ("q.who", "self"),
        ("key", "k8"),
        ("outcome", "accept"),
        ("name", "钱塘生"),
        ("phone", "13905710000"),
        ("material", "id-card"),
        ("material", "hukou"),
        ("material", "card"),
        ("have", "id-card"),
        ("have", "hukou"),
        ("have", "card"),
    ];
    let r = desk.post("/desk/cases", &fields).await;
    assert_eq!(r.status, SEE_OTHER, "{}", r.body);
    let c = case(app, r.case_id()).await;
    let rid = store::id_by_number(&app.db, &id_number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(c.resident_id, Some(rid));
    let person = store::resident(&app.db, rid).await.unwrap();
    assert_eq!((person.name.as_str(), person.sex.as_str()), ("钱塘生", "M"));
    assert_eq!(person.birth_date, "1950-03-07");
}
both!(desk_registers, a_new_person_is_registered_with_the_case);

async fn grid_workers_apply_with_a_mandate_and_phones_are_no_visit(app: &App) {
    let person = app.first_resident("MYQ-01").await;
    let rid = person.id.to_string();
    let mut grid = app.client();
    grid.login_ok("wangge").await;
    let form = grid
        .post("/desk/intake", &[("resident", &rid), ("item", ITEM)])
        .await;
    assert!(form.body.contains("网格代办授权"), "{}", form.body);
    // Without a mandate the application is refused; a grid worker cannot accept either.
    let r = grid
        .post("/desk/cases", &intake(&rid, "g1", &[], "receive"))
        .await;
    assert!(r.body.contains("须登记授权人和授权范围"), "{}", r.body);
    let mut with_mandate = intake(&rid, "g2", &[], "accept");
    with_mandate.extend([
        ("grantor", "本人"),
        ("mandate_scope", "高龄津贴申领"),
        ("until", "2099-12-31"),
    ]);
    let r = grid.post("/desk/cases", &with_mandate).await;
    assert!(r.body.contains("由窗口核验后受理"), "{}", r.body);
    assert_eq!(count(app).await, 0);
    let mut good = intake(&rid, "g3", &[], "receive");
    good.extend([
        ("grantor", "本人"),
        ("mandate_scope", "高龄津贴申领"),
        ("until", "2099-12-31"),
    ]);
    let r = grid.post("/desk/cases", &good).await;
    assert_eq!(r.status, SEE_OTHER, "{}", r.body);
    let id = r.case_id();
    let c = case(app, id).await;
    assert_eq!((c.channel.as_str(), c.state.code()), ("grid", "received"));
    let m = cases::mandate(&app.db, id).await.unwrap().unwrap();
    assert_eq!(
        (m.grantor.as_str(), m.valid_until.as_str()),
        ("本人", "2099-12-31")
    );
    assert!(
        cases::visits(&app.db, id).await.unwrap().is_empty(),
        "代办 saves the resident a trip"
    );
    // The desk checks the application and accepts it.
    let mut desk = app.client();
    desk.login_ok("qiantai").await;
    let page = desk.get(&format!("/cases/{id}")).await;
    assert!(page.body.contains("受本人委托"), "{}", page.body);
    let r = desk.act(id, &[("action", "accept")]).await;
    assert_eq!(r.status, SEE_OTHER, "{}", r.body);
    assert_eq!(case(app, id).await.state, State::Accepted);
    // A matter taken on the phone is not a visit either.
    let mut phoned = intake(&rid, "p1", &[], "accept");
    phoned.push(("channel", "phone"));
    let r = desk.post("/desk/cases", &phoned).await;
    let pid = r.case_id();
    assert_eq!(case(app, pid).await.channel, "phone");
    assert!(cases::visits(&app.db, pid).await.unwrap().is_empty());
}
both!(
    desk_channels,
    grid_workers_apply_with_a_mandate_and_phones_are_no_visit
);

async fn transfers_are_accepted_or_refused_by_the_receiver(app: &App) {
    use quanke_domain::Role;
    app.account("sdn_back", Role::BackOffice, "SDN").await;
    app.account("sdn_desk", Role::FrontDesk, "SDN").await;
    let person = app.first_resident("MYQ-01").await;
    let rid = person.id.to_string();
    let mut desk = app.client();
    desk.login_ok("qiantai").await;
    let r = desk
        .post("/desk/cases", &intake(&rid, "t1", &[], "accept"))
        .await;
    let id = r.case_id();
    let sdn = orgs::by_code(&app.db, "SDN").await.unwrap();
    let sdn_id = sdn.id.to_string();
    // Refused without a reason; then asked for properly.
    let r = desk
        .post(
            &format!("/cases/{id}/transfer"),
            &[("kind", "community"), ("community", &sdn_id)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = desk
        .post(
            &format!("/cases/{id}/transfer"),
            &[
                ("kind", "community"),
                ("community", &sdn_id),
                ("reason", "居民实际居住在双荡弄"),
            ],
        )
        .await;
    assert_eq!(r.status, SEE_OTHER, "{}", r.body);
    // The receiving community sees it waiting, refuses once with a reason...
    let mut other = app.client();
    other.login_ok("sdn_desk").await;
    let queue = other.get("/cases").await;
    assert!(queue.body.contains("转入本社区待接收"), "{}", queue.body);
    let t = cases::transfers(&app.db, id).await.unwrap().remove(0);
    let r = other
        .post(
            &format!("/cases/{id}/transfers/{}", t.id),
            &[("decision", "refuse"), ("answer", "")],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a refusal needs a reason"
    );
    let r = other
        .post(
            &format!("/cases/{id}/transfers/{}", t.id),
            &[("decision", "refuse"), ("answer", "不在本社区")],
        )
        .await;
    assert_eq!(r.status, SEE_OTHER, "{}", r.body);
    let c = case(app, id).await;
    assert_eq!(
        c.community_path,
        orgs::by_code(&app.db, "MYQ").await.unwrap().path
    );
    // ...and accepts the next one: the case moves and is routed to its back office.
    desk.post(
        &format!("/cases/{id}/transfer"),
        &[
            ("kind", "community"),
            ("community", &sdn_id),
            ("reason", "已核实居住地"),
        ],
    )
    .await;
    let t = cases::transfers(&app.db, id).await.unwrap().remove(1);
    let r = other
        .post(
            &format!("/cases/{id}/transfers/{}", t.id),
            &[("decision", "accept"), ("answer", "同意接收")],
        )
        .await;
    assert_eq!(r.status, SEE_OTHER, "{}", r.body);
    let c = case(app, id).await;
    assert_eq!(c.community_path, sdn.path);
    let back = users::by_username(&app.db, "sdn_back").await.unwrap();
    assert_eq!(c.assignee_id, Some(back.id));
    // The first community no longer sees it.
    assert_eq!(
        desk.get(&format!("/cases/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    // A department hand-off is answered by the case's own community.
    let r = other
        .post(
            &format!("/cases/{id}/transfer"),
            &[
                ("kind", "department"),
                ("department", "区民政局"),
                ("reason", "需区级审核"),
            ],
        )
        .await;
    assert_eq!(r.status, SEE_OTHER, "{}", r.body);
    let t = cases::transfers(&app.db, id).await.unwrap().remove(2);
    assert_eq!(
        (t.kind.as_str(), t.to_target.as_str()),
        ("department", "区民政局")
    );
    let r = other
        .post(
            &format!("/cases/{id}/transfers/{}", t.id),
            &[("decision", "accept"), ("answer", "区民政局已接收")],
        )
        .await;
    assert_eq!(r.status, SEE_OTHER);
    let events = cases::events(&app.db, id).await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.action == "transfer_refused" && e.note.contains("不在本社区"))
    );
    assert!(
        events
            .iter()
            .filter(|e| e.action == "transfer_accepted")
            .count()
            == 2
    );
}
both!(
    desk_transfers,
    transfers_are_accepted_or_refused_by_the_receiver
);

async fn routing_prefers_the_line_then_the_lightest_load(app: &App) {
    use quanke_domain::Role;
    app.account("mz_back", Role::BackOffice, "MYQ").await;
    let mz = users::by_username(&app.db, "mz_back").await.unwrap();
    let houtai = users::by_username(&app.db, "houtai").await.unwrap();
    // The head gives mz_back the 民政 line on the account page (an unknown line is refused).
    let mut head = app.client();
    head.login_ok("shequ").await;
    let bad = head
        .post(
            &format!("/admin/users/{}/lines", mz.id),
            &[("line", "不存在")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let r = head
        .post(
            &format!("/admin/users/{}/lines", mz.id),
            &[("line", "民政")],
        )
        .await;
    assert_eq!(r.status, SEE_OTHER, "{}", r.body);
    assert_eq!(users::lines(&app.db, mz.id).await.unwrap(), ["民政"]);
    let person = app.first_resident("MYQ-01").await;
    let rid = person.id.to_string();
    let mut desk = app.client();
    desk.login_ok("qiantai").await;
    let first = Resp::case_id(
        &desk
            .post("/desk/cases", &intake(&rid, "r1", &[], "accept"))
            .await,
    );
    assert_eq!(
        case(app, first).await.assignee_id,
        Some(mz.id),
        "the worker of the line"
    );
    // With both on the line, the one with fewer open cases gets the next.
    head.post(
        &format!("/admin/users/{}/lines", houtai.id),
        &[("line", "民政")],
    )
    .await;
    let second = Resp::case_id(
        &desk
            .post("/desk/cases", &intake(&rid, "r2", &[], "accept"))
            .await,
    );
    assert_eq!(
        case(app, second).await.assignee_id,
        Some(houtai.id),
        "the lighter load"
    );
    // The head reassigns; the timeline says who did it.
    let r = head
        .post(
            &format!("/cases/{second}/assign"),
            &[("worker", &mz.id.to_string())],
        )
        .await;
    assert_eq!(r.status, SEE_OTHER, "{}", r.body);
    assert_eq!(case(app, second).await.assignee_id, Some(mz.id));
    let events = cases::events(&app.db, second).await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.action == "assign" && e.note.contains("改派"))
    );
}
both!(
    desk_routing,
    routing_prefers_the_line_then_the_lightest_load
);

async fn a_grid_worker_registers_a_person_in_their_grid(app: &App) {
    let first17 = "33010519480512003";
    let id_number = format!("{first17}{}", check_digit(first17).unwrap());
    let mut grid = app.client();
    grid.login_ok("wangge").await;
    let fields = vec![
        ("item", ITEM),
        ("who", id_number.as_str()),
        ("kind", "new"),
        ("q.who", "self"),
        ("key", "g9"),
        ("outcome", "receive"),
        ("name", "拱宸老人"),
        ("grantor", "本人"),
        ("mandate_scope", "高龄津贴申领"),
        ("until", "2099-12-31"),
        ("material", "id-card"),
        ("material", "hukou"),
        ("material", "card"),
        ("have", "id-card"),
        ("have", "hukou"),
        ("have", "card"),
    ];
    let r = grid.post("/desk/cases", &fields).await;
    assert_eq!(r.status, SEE_OTHER, "{}", r.body);
    let rid = store::id_by_number(&app.db, &id_number)
        .await
        .unwrap()
        .unwrap();
    let person = store::resident(&app.db, rid).await.unwrap();
    let grid_org = orgs::by_code(&app.db, "MYQ-01").await.unwrap();
    assert_eq!(
        person.org_path, grid_org.path,
        "placed in the worker's grid"
    );
    let c = case(app, r.case_id()).await;
    let community = orgs::by_code(&app.db, "MYQ").await.unwrap();
    assert_eq!(c.community_path, community.path);
    assert_eq!(c.resident_id, Some(rid));
}
both!(
    desk_grid_registers,
    a_grid_worker_registers_a_person_in_their_grid
);

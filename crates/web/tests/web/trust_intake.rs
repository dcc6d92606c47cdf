//! Issue 11, items 1, 12 and 13: a case names only an applicant the worker may see and who is
//! identified, on every channel; the channel, the visit and the 代办 mandate are the server's.
//! Probed with two communities (卖鱼桥 MYQ, 双荡弄 SDN), two grids of MYQ and a resident in each.

use crate::api_cases::{
    Auth, Got, accept_body, code, count_cases, other_community_desk, post as api_post, token_for,
};
use crate::both;
use crate::harness::between;
use crate::harness::{App, Client};
use crate::portal_cases::{apply, step_two};
use axum::http::StatusCode;
use quanke_domain::Role;
use quanke_domain::ident::resident_id::check_digit;
use quanke_store::cases::{self, Case};
use quanke_store::registry::{self as store, Resident};
use quanke_store::{Backend, orgs};
use serde_json::json;

const ITEM: &str = "MZ-GL80";
const SEE_OTHER: StatusCode = StatusCode::SEE_OTHER;

/// A valid ID number nobody has, from its first 17 digits.
fn valid_id(first17: &str) -> String {
    format!("{first17}{}", check_digit(first17).unwrap())
}

async fn all_cases(app: &App) -> Vec<Case> {
    let f = cases::Filter {
        within: "/",
        limit: 1000,
        ..Default::default()
    };
    cases::list(&app.db, &f).await.unwrap()
}

/// The desk's intake form for 高龄津贴 with every material brought, as `outcome`.
fn form<'a>(key: &'a str, outcome: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("item", ITEM),
        ("kind", "new"),
        ("q.who", "self"),
        ("key", key),
        ("outcome", outcome),
        ("material", "id-card"),
        ("material", "hukou"),
        ("material", "card"),
        ("have", "id-card"),
        ("have", "hukou"),
        ("have", "card"),
    ]
}

const MANDATE: [(&str, &str); 3] = [
    ("grantor", "本人"),
    ("mandate_scope", "高龄津贴申领"),
    ("until", "2099-12-31"),
];

/// Item 1 at the desk: for each worker, a resident outside their subtree (another community,
/// or another grid of the same community for a grid worker) is not found, on the intake form
/// and when a case is opened with their registry id; nothing is written, nothing of them shown.
async fn the_desk_does_not_find_residents_outside_the_subtree(app: &App) {
    let sdn_person = app.first_resident("SDN-01").await;
    let myq_person = app.first_resident("MYQ-01").await;
    let grid2_person = app.first_resident("MYQ-02").await;
    let mut qiantai = app.client();
    qiantai.login_ok("qiantai").await;
    let mut shequ = app.client();
    shequ.login_ok("shequ").await;
    let mut wangge = app.client();
    wangge.login_ok("wangge").await;
    let sdn_desk = app.signed_in("sdn_desk", Role::FrontDesk, "SDN").await;
    let mut probes: Vec<(&str, Client<'_>, &Resident, bool)> = vec![
        ("qiantai", qiantai, &sdn_person, false),
        ("shequ", shequ, &sdn_person, false),
        ("wangge", wangge, &grid2_person, true),
        ("sdn_desk", sdn_desk, &myq_person, false),
    ];
    for (who, c, person, grid) in probes.iter_mut() {
        let rid = person.id.to_string();
        let shown = c
            .post("/desk/intake", &[("resident", &rid), ("item", ITEM)])
            .await;
        assert_eq!(shown.status, StatusCode::NOT_FOUND, "{who}: intake form");
        let mut fields = form("k-out", if *grid { "receive" } else { "accept" });
        fields.push(("resident", &rid));
        if *grid {
            fields.extend(MANDATE);
        }
        let r = c.post("/desk/cases", &fields).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}: {}", r.body);
        assert!(!r.body.contains(&person.name), "{who}: the name leaked");
        assert!(all_cases(app).await.is_empty(), "{who}: a case was written");
    }
    // The worker's own resident still opens a case.
    let (_, c, _, _) = &mut probes[0];
    let own = myq_person.id.to_string();
    let mut fields = form("k-own", "accept");
    fields.push(("resident", &own));
    let r = c.post("/desk/cases", &fields).await;
    assert_eq!(r.status, SEE_OTHER, "{}", r.body);
    assert_eq!(all_cases(app).await[0].resident_id, Some(myq_person.id));
}
both!(
    desk_resident_outside_subtree,
    the_desk_does_not_find_residents_outside_the_subtree
);

/// Item 1: typing the ID number of another community's person is answered exactly as a number
/// nobody has; the case is taken in unlinked (通办), nothing is 系统已有, the person untouched.
async fn an_id_number_of_another_community_reveals_nobody(app: &App) {
    let person = app.first_resident("SDN-01").await;
    let fresh = valid_id("33010519500307001");
    let mut desk = app.client();
    desk.login_ok("qiantai").await;
    for number in [&person.id_number, &fresh] {
        let found = desk
            .post("/desk", &[("who", number), ("what", "高龄津贴")])
            .await;
        assert!(found.body.contains("受理时一并登记"), "{}", found.body);
        assert!(found.body.contains("通办"), "the desk is told how");
        assert!(!found.body.contains(&person.name));
        let shown = desk
            .post("/desk/intake", &[("who", number), ("item", ITEM)])
            .await;
        assert_eq!(shown.status, StatusCode::OK);
        assert!(!shown.body.contains(&person.name));
        assert!(!shown.body.contains("系统已有"), "{}", shown.body);
        assert!(!shown.body.contains("name=\"held\""));
    }
    // Nor may the form claim the system holds their household book.
    let mut claimed = form("k-claimed", "accept");
    claimed.extend([
        ("who", person.id_number.as_str()),
        ("name", "来访居民"),
        ("held", "hukou"),
    ]);
    let r = desk.post("/desk/cases", &claimed).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("系统中没有申请人的"), "{}", r.body);
    let mut fields = form("k-elsewhere", "accept");
    fields.extend([
        ("who", person.id_number.as_str()),
        ("name", "来访居民"),
        ("phone", "13905710001"),
    ]);
    let r = desk.post("/desk/cases", &fields).await;
    assert_eq!(r.status, SEE_OTHER, "{}", r.body);
    let c = &all_cases(app).await[0];
    assert_eq!(
        c.resident_id, None,
        "not linked to the other community's person"
    );
    assert_eq!(c.applicant_name, "来访居民");
    assert!(!c.checklist.contains("held"), "{}", c.checklist);
    let after = store::resident(&app.db, person.id).await.unwrap();
    assert_eq!(after, person, "the person is untouched");
    let page = desk.get(&format!("/cases/{}", c.id)).await;
    assert!(!page.body.contains(&person.name));
    // 通办 ticked: a number nobody has is taken in without registering the person here.
    let mut fields = form("k-tongban", "accept");
    fields.extend([
        ("who", fresh.as_str()),
        ("name", "外社区居民"),
        ("elsewhere", "1"),
    ]);
    let r = desk.post("/desk/cases", &fields).await;
    assert_eq!(r.status, SEE_OTHER, "{}", r.body);
    assert_eq!(store::id_by_number(&app.db, &fresh).await.unwrap(), None);
}
both!(
    id_number_of_another_community,
    an_id_number_of_another_community_reveals_nobody
);

/// Item 1 through the API: another community's registry id is `unknown_resident`, answered as
/// an id nobody has, and never with that community's case numbers as duplicates.
async fn the_api_does_not_find_residents_outside_the_subtree(app: &App) {
    let person = app.first_resident("MYQ-01").await;
    let desk = token_for(app, "qiantai").await;
    let mut c = app.client();
    let mut theirs = accept_body();
    theirs["resident_id"] = json!(person.id);
    let made = api_post(&mut c, Auth::Token(&desk), "/api/v1/cases", &theirs, None).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.json);
    let other = other_community_desk(app).await;
    let probe = |id: i64| {
        let mut b = accept_body();
        b["resident_id"] = json!(id);
        b
    };
    let outside = api_post(
        &mut c,
        Auth::Token(&other),
        "/api/v1/cases",
        &probe(person.id),
        None,
    )
    .await;
    let nobody = api_post(
        &mut c,
        Auth::Token(&other),
        "/api/v1/cases",
        &probe(999_999),
        None,
    )
    .await;
    assert_eq!(
        outside.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        outside.json
    );
    assert_eq!(code(&outside), "unknown_resident");
    assert_eq!(
        outside.json, nobody.json,
        "indistinguishable from an id nobody has"
    );
    assert!(!outside.json.to_string().contains("MYQ-"));
    assert_eq!(count_cases(app).await, 1);
    // By ID number: taken in unlinked, no duplicates, the typed name kept.
    let mut by_number = accept_body();
    by_number["applicant_id_number"] = json!(person.id_number);
    let r = api_post(
        &mut c,
        Auth::Token(&other),
        "/api/v1/cases",
        &by_number,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    assert_eq!(r.json["case"]["resident_id"], json!(null));
    assert_eq!(r.json["duplicates"], json!([]));
    assert_eq!(r.json["case"]["applicant_name"], json!("王秀英"));
    // The worker's own community links by ID number, under the registered name.
    let r = api_post(
        &mut c,
        Auth::Token(&desk),
        "/api/v1/cases",
        &by_number,
        None,
    )
    .await;
    assert_eq!(
        r.json["case"]["resident_id"],
        json!(person.id),
        "{}",
        r.json
    );
    assert_eq!(r.json["case"]["applicant_name"], json!(person.name));
    assert_eq!(r.json["duplicates"].as_array().unwrap().len(), 1);
}
both!(
    api_resident_outside_subtree,
    the_api_does_not_find_residents_outside_the_subtree
);

/// Item 1 on the anonymous portal: an ID number links only a person of the chosen community
/// with the registered name.
async fn the_portal_links_only_the_named_person_of_the_community(app: &App) {
    let person = app.first_resident("MYQ-01").await;
    let myq = orgs::by_code(&app.db, "MYQ").await.unwrap().id.to_string();
    let sdn = orgs::by_code(&app.db, "SDN").await.unwrap().id.to_string();
    let mut c = app.client();
    let tries = [
        (person.name.as_str(), sdn.as_str(), None),
        ("冒名者", myq.as_str(), None),
        (person.name.as_str(), myq.as_str(), Some(person.id)),
    ];
    for (name, community, linked) in tries {
        let key = step_two(&mut c).await;
        let fields = [
            ("key", key.as_str()),
            ("name", name),
            ("phone", "13805712345"),
            ("id_number", person.id_number.as_str()),
            ("community", community),
        ];
        let r = apply(&mut c, &fields, &[]).await;
        let number =
            between(&r.body, "id=\"case-number\">", "<").unwrap_or_else(|| panic!("{}", r.body));
        let case = cases::by_number(&app.db, number).await.unwrap();
        assert_eq!(case.resident_id, linked, "{name} in {community}");
        assert_eq!(case.channel, "portal");
    }
}
both!(
    portal_links_only_the_named_person,
    the_portal_links_only_the_named_person_of_the_community
);

/// Item 12: the channel, the visit and the mandate come from who calls, never from the body.
async fn the_server_decides_channel_visit_and_mandate(app: &App) {
    let person = app.first_resident("MYQ-01").await;
    let desk = token_for(app, "qiantai").await;
    let grid = token_for(app, "wangge").await;
    let mut c = app.client();
    let path = "/api/v1/cases";
    for (field, value) in [
        ("channel", json!("open311")),
        ("visit", json!(false)),
        ("open311_key_id", json!(1)),
        ("channel", json!(null)),
    ] {
        let mut b = accept_body();
        b[field] = value;
        let r = api_post(&mut c, Auth::Token(&desk), path, &b, None).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{field}: {}", r.json);
        assert_eq!(code(&r), "server_decided_field");
    }
    let mut with_mandate = accept_body();
    with_mandate["mandate"] =
        json!({"grantor": "本人", "scope": "高龄津贴申领", "valid_until": "2099-12-31"});
    let r = api_post(&mut c, Auth::Token(&desk), path, &with_mandate, None).await;
    assert_eq!(code(&r), "mandate_not_applicable", "{}", r.json);
    // A grid worker's API call is 代办: refused without a mandate, received with one.
    let mut received = accept_body();
    received["outcome"] = json!("receive");
    received["resident_id"] = json!(person.id);
    let r = api_post(&mut c, Auth::Token(&grid), path, &received, None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    assert_eq!(code(&r), "missing_mandate");
    let mut accepting = with_mandate.clone();
    accepting["resident_id"] = json!(person.id);
    let r = api_post(&mut c, Auth::Token(&grid), path, &accepting, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.json);
    assert_eq!(count_cases(app).await, 0, "refusals write nothing");
    received["mandate"] = with_mandate["mandate"].clone();
    let r = api_post(&mut c, Auth::Token(&grid), path, &received, None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let number = r.json["case"]["number"].as_str().unwrap();
    let case = cases::by_number(&app.db, number).await.unwrap();
    assert_eq!(case.channel, "grid");
    assert!(cases::visits(&app.db, case.id).await.unwrap().is_empty());
    let m = cases::mandate(&app.db, case.id).await.unwrap().unwrap();
    assert_eq!(
        (m.grantor.as_str(), m.valid_until.as_str()),
        ("本人", "2099-12-31")
    );
    // A desk worker's case is at the desk, with the visit.
    let r = api_post(&mut c, Auth::Token(&desk), path, &accept_body(), None).await;
    let number = r.json["case"]["number"].as_str().unwrap();
    let case = cases::by_number(&app.db, number).await.unwrap();
    assert_eq!(case.channel, "desk");
    assert_eq!(cases::visits(&app.db, case.id).await.unwrap().len(), 1);
    // The desk's form cannot make a grid worker's 代办 anything else.
    let mut wangge = app.client();
    wangge.login_ok("wangge").await;
    let rid = person.id.to_string();
    let mut fields = form("g-phone", "receive");
    fields.extend([("resident", rid.as_str()), ("channel", "phone")]);
    fields.extend(MANDATE);
    let r = wangge.post("/desk/cases", &fields).await;
    assert_eq!(r.status, SEE_OTHER, "{}", r.body);
    let newest = all_cases(app)
        .await
        .into_iter()
        .max_by_key(|c| c.id)
        .unwrap();
    assert_eq!(newest.channel, "grid");
}
both!(
    server_decides_channel,
    the_server_decides_channel_visit_and_mandate
);

/// Item 13: the desk must pick one of two namesakes or type a valid ID number; an invalid
/// number is called invalid; every channel of the API obeys the same rule.
async fn an_intake_needs_an_identified_applicant(app: &App) {
    let person = app.first_resident("MYQ-01").await;
    let mut desk = app.client();
    desk.login_ok("qiantai").await;
    // A namesake registered at the desk.
    let namesake = valid_id("33010519480512003");
    let mut fields = form("k-namesake", "accept");
    fields.extend([("who", namesake.as_str()), ("name", person.name.as_str())]);
    let r = desk.post("/desk/cases", &fields).await;
    assert_eq!(r.status, SEE_OTHER, "{}", r.body);
    let before = all_cases(app).await.len();
    let found = desk.post("/desk", &[("who", &person.name)]).await;
    assert!(
        found.body.matches("name=\"resident\"").count() >= 2,
        "{}",
        found.body
    );
    let shown = desk
        .post("/desk/intake", &[("who", &person.name), ("item", ITEM)])
        .await;
    assert!(shown.body.contains("尚未确定申请人"), "{}", shown.body);
    let mut unpicked = form("k-unpicked", "accept");
    unpicked.extend([("who", person.name.as_str()), ("name", "随便填")]);
    let r = desk.post("/desk/cases", &unpicked).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("请确定申请人"), "{}", r.body);
    // An ID number with a wrong check digit is invalid, not a new resident.
    let good = valid_id("33010519600101002");
    let last = good.chars().last().unwrap();
    let bad = format!("{}{}", &good[..17], if last == '1' { '2' } else { '1' });
    let found = desk.post("/desk", &[("who", &bad)]).await;
    assert!(found.body.contains("身份证号无效"), "{}", found.body);
    assert!(found.body.contains("校验码"));
    assert!(!found.body.contains("登记新居民"));
    let shown = desk
        .post("/desk/intake", &[("who", &bad), ("item", ITEM)])
        .await;
    assert!(shown.body.contains("身份证号无效"), "{}", shown.body);
    let mut invalid = form("k-invalid", "accept");
    invalid.extend([("who", bad.as_str()), ("name", "钱塘生")]);
    let r = desk.post("/desk/cases", &invalid).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("身份证号无效"), "{}", r.body);
    // An impossible birth date too.
    let feb30 = valid_id("33010519500230001");
    let r = desk.post("/desk", &[("who", &feb30)]).await;
    assert!(r.body.contains("出生日期"), "{}", r.body);
    assert_eq!(all_cases(app).await.len(), before, "nothing written");
    assert_eq!(store::id_by_number(&app.db, &bad).await.unwrap(), None);

    // The API: no registry person and no ID number, or a wrong number, is refused.
    let token = token_for(app, "qiantai").await;
    let mut c = app.client();
    let mut nobody = accept_body();
    nobody
        .as_object_mut()
        .unwrap()
        .remove("applicant_id_number");
    let r: Got = api_post(&mut c, Auth::Token(&token), "/api/v1/cases", &nobody, None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.json);
    assert_eq!(code(&r), "unidentified_applicant");
    let mut wrong = accept_body();
    wrong["applicant_id_number"] = json!(bad);
    let r = api_post(&mut c, Auth::Token(&token), "/api/v1/cases", &wrong, None).await;
    assert_eq!(code(&r), "bad_id_number", "{}", r.json);
    assert_eq!(all_cases(app).await.len(), before);
}
both!(
    identified_applicant,
    an_intake_needs_an_identified_applicant
);

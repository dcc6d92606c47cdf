//! The home pages say what needs doing now, per role, within the worker's own community: the
//! head's approvals, deadlines, intake, policy changes and ratings; the street's figures per
//! community; the back office's queues; the desk's 补正 due; the grid's tags and tasks.

use crate::both;
use crate::desk::intake;
use crate::harness::{App, Client, beijing_today, between};
use crate::portal_cases;
use quanke_domain::Role;
use quanke_domain::case::State;
use quanke_store::cases::{self, Actor, Move};
use quanke_store::catalogue::{self, NewVersion};
use quanke_store::registry::export;
use quanke_store::testing::day;
use quanke_store::{Backend, case_reports, orgs, users};

/// The section of a page with this id, up to its end.
fn section<'a>(body: &'a str, id: &str) -> &'a str {
    between(body, &format!("id=\"{id}\""), "</section>").unwrap_or_else(|| panic!("no #{id}"))
}

fn test_actor(now: i64) -> Actor<'static> {
    Actor {
        id: None,
        name: "测试",
        now,
        today: day("2020-01-01"),
    }
}

/// Starts an accepted case with the due day `due`.
async fn due_on(app: &App, id: i64, due: &str) {
    let m = Move {
        from: State::Accepted,
        to: State::InProgress,
        action: "start",
        note: "",
        due_on: Some(day(due)),
        accepted_on: None,
        checklist: None,
    };
    cases::transition(&app.db, id, &m, &test_actor(1))
        .await
        .unwrap();
}

async fn number(app: &App, id: i64) -> String {
    cases::get(&app.db, id).await.unwrap().number
}

/// A case accepted at the desk by `desk` for the first resident of `grid`.
async fn accepted(app: &App, desk: &mut Client<'_>, grid: &str, key: &str) -> i64 {
    let rid = app.first_resident(grid).await.id.to_string();
    let r = desk
        .post("/desk/cases", &intake(&rid, key, &[], "accept"))
        .await;
    r.case_id()
}

/// Publishes the current 高龄津贴 again as version 2: a policy change nobody has read.
async fn change_policy(app: &App) {
    let v = catalogue::current_version(&app.db, "MZ-GL80", &beijing_today())
        .await
        .unwrap()
        .unwrap();
    let next = NewVersion {
        item_code: "MZ-GL80",
        name: &v.name,
        line: &v.line,
        effective_from: "2020-01-01",
        change_note: "测试调整",
        body: &v.body,
        published_by: "admin",
    };
    catalogue::publish(&app.db, &next, 2).await.unwrap();
}

async fn the_heads_home_shows_the_work(app: &App) {
    change_policy(app).await;
    let mut desk = app.login("qiantai").await;
    let overdue = accepted(app, &mut desk, "MYQ-01", "h-1").await;
    due_on(app, overdue, "2020-01-02").await;
    let waiting = accepted(app, &mut desk, "MYQ-01", "h-2").await;
    cases::assign(&app.db, waiting, None, "退回待分派", &test_actor(1))
        .await
        .unwrap();
    let rid = app.first_resident("MYQ-01").await.id.to_string();
    let mut form = intake(&rid, "h-3", &[], "reject");
    form.push(("note", "户籍不在本区"));
    let refused = desk.post("/desk/cases", &form).await.case_id();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    case_reports::rate(&app.db, waiting, 1, "太慢", "desk", None, now)
        .await
        .unwrap();
    let mut resident = app.client();
    portal_cases::applied(app, &mut resident, "李秀英").await;
    // Another community's overdue case never shows.
    let mut sdn = app.signed_in("sdn_desk", Role::FrontDesk, "SDN").await;
    let elsewhere = accepted(app, &mut sdn, "SDN-01", "h-4").await;
    due_on(app, elsewhere, "2020-01-02").await;

    let mut head = app.login("shequ").await;
    let home = head.get("/").await.body;
    let approvals = section(&home, "approvals");
    assert!(
        approvals.contains(&number(app, refused).await),
        "{approvals}"
    );
    assert!(!approvals.contains(&format!("办件 {refused}")));
    assert!(section(&home, "overdue").contains(&number(app, overdue).await));
    assert!(section(&home, "unassigned").contains(&number(app, waiting).await));
    assert!(!home.contains(&number(app, elsewhere).await));
    let intake_today = section(&home, "intake");
    assert!(intake_today.contains("今日受理 4 件"), "{intake_today}");
    assert!(
        intake_today.contains("<td>窗口</td><td>3</td>"),
        "{intake_today}"
    );
    assert!(
        intake_today.contains("<td>网上</td><td>1</td>"),
        "{intake_today}"
    );
    let ratings = section(&home, "ratings");
    assert!(
        ratings.contains("1 条评价") && ratings.contains("差评 1 条"),
        "{ratings}"
    );
    let policy = section(&home, "policy");
    assert!(
        policy.contains("高龄津贴") && policy.contains("陈晓燕"),
        "{policy}"
    );
    // Accounts and the security log are on the administrators' pages, not the work page.
    assert!(!home.contains("最近安全事件"));
    let accounts = head.get("/admin/users").await.body;
    assert!(accounts.contains("最近安全事件") && accounts.contains("按角色"));
    // The queue names the approval by its case number too.
    let queue = head.get("/cases").await.body;
    assert!(queue.contains(&number(app, refused).await));
    assert!(!queue.contains(&format!("办件 {refused}<")));
}
both!(head_home, the_heads_home_shows_the_work);

async fn the_streets_home_rolls_up_per_community(app: &App) {
    let mut desk = app.login("qiantai").await;
    let overdue = accepted(app, &mut desk, "MYQ-01", "s-1").await;
    due_on(app, overdue, "2020-01-02").await;
    let mut sdn = app.signed_in("sdn_desk", Role::FrontDesk, "SDN").await;
    accepted(app, &mut sdn, "SDN-01", "s-2").await;
    let mut street = app.login("jiedao").await;
    let home = street.get("/").await.body;
    let work = section(&home, "work");
    let myq = orgs::by_code(&app.db, "MYQ").await.unwrap().name;
    let sdn_name = orgs::by_code(&app.db, "SDN").await.unwrap().name;
    let myq_row = between(work, &format!("<td>{myq}</td>"), "</tr>").expect("MYQ row");
    let cell = |row: &str, label: &str| {
        between(row, &format!("data-label=\"{label}\">"), "</td>")
            .unwrap_or_else(|| panic!("no {label} in {row}"))
            .to_string()
    };
    // One overdue case in 卖鱼桥 (bold), none in 双荡弄; each took one case at the 窗口 today.
    assert_eq!(cell(myq_row, "已逾期"), "<strong>1</strong>");
    assert_eq!(cell(myq_row, "待审批"), "0");
    assert!(cell(myq_row, "今日受理").contains("窗口 1"), "{myq_row}");
    let sdn_row = between(work, &format!("<td>{sdn_name}</td>"), "</tr>").expect("SDN row");
    assert_eq!(cell(sdn_row, "已逾期"), "0");
    assert!(cell(sdn_row, "今日受理").contains("窗口 1"), "{sdn_row}");
    // Nothing of the accounts overview is lost on the street's home.
    assert!(home.contains("最近安全事件") && home.contains("按角色"));
}
both!(street_home, the_streets_home_rolls_up_per_community);

async fn the_back_office_sees_its_queues_and_today(app: &App) {
    let mut desk = app.login("qiantai").await;
    let today = accepted(app, &mut desk, "MYQ-01", "b-1").await;
    due_on(app, today, &beijing_today()).await;
    let late = accepted(app, &mut desk, "MYQ-01", "b-2").await;
    due_on(app, late, "2020-01-02").await;
    let mut back = app.login("houtai").await;
    let home = back.get("/").await.body;
    assert!(
        home.contains("<span class=\"num\">2</span>我的办件"),
        "{home}"
    );
    assert!(home.contains("<span class=\"num\">1</span>已逾期"));
    let due = section(&home, "due-today");
    assert!(due.contains(&number(app, today).await), "{due}");
    assert!(!due.contains(&number(app, late).await));
}
both!(back_office_home, the_back_office_sees_its_queues_and_today);

async fn the_desk_sees_today_and_who_comes_back(app: &App) {
    let rid = app.first_resident("MYQ-01").await.id.to_string();
    let mut desk = app.login("qiantai").await;
    let r = desk
        .post(
            "/desk/cases",
            &intake(&rid, "d-1", &["card"], "request_materials"),
        )
        .await;
    let waiting = r.case_id();
    let case = cases::get(&app.db, waiting).await.unwrap();
    let list: serde_json::Value = serde_json::from_str(&case.checklist).unwrap();
    let card = list
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "card")
        .unwrap()["name"]
        .as_str()
        .unwrap()
        .to_string();
    let done = accepted(app, &mut desk, "MYQ-01", "d-2").await;
    let mut sdn = app.signed_in("sdn_desk", Role::FrontDesk, "SDN").await;
    let sdn_rid = app.first_resident("SDN-01").await.id.to_string();
    let other = sdn
        .post(
            "/desk/cases",
            &intake(&sdn_rid, "d-3", &["card"], "request_materials"),
        )
        .await
        .case_id();
    let home = desk.get("/").await.body;
    let back = section(&home, "come-back");
    assert!(back.contains(&case.number), "{back}");
    assert!(back.contains(&format!("缺：{card}")), "{back}");
    let today = section(&home, "today");
    assert!(today.contains(&case.number) && today.contains(&number(app, done).await));
    assert!(!home.contains(&number(app, other).await));
}
both!(desk_home, the_desk_sees_today_and_who_comes_back);

async fn the_grid_worker_sees_tags_and_tasks(app: &App) {
    let grid = orgs::by_code(&app.db, "MYQ-01").await.unwrap();
    let alone = export::page(&app.db, &grid.path, Some("living_alone"), 0, 100_000)
        .await
        .unwrap()
        .len();
    let mut desk = app.login("qiantai").await;
    let mine = accepted(app, &mut desk, "MYQ-01", "g-1").await;
    let not_mine = accepted(app, &mut desk, "MYQ-01", "g-2").await;
    let wangge = users::by_username(&app.db, "wangge").await.unwrap().id;
    cases::assign(&app.db, mine, Some(wangge), "请上门送达", &test_actor(1))
        .await
        .unwrap();
    let mut worker = app.login("wangge").await;
    let home = worker.get("/").await.body;
    let tags = section(&home, "tags");
    assert!(
        tags.contains(&format!("<span class=\"num\">{alone}</span>独居老人")),
        "{alone}: {tags}"
    );
    assert!(tags.contains("href=\"/registry?q=%E7%8B%AC%E5%B1%85%E8%80%81%E4%BA%BA\""));
    let tasks = section(&home, "tasks");
    assert!(tasks.contains(&number(app, mine).await), "{tasks}");
    assert!(!tasks.contains(&number(app, not_mine).await));
}
both!(grid_home, the_grid_worker_sees_tags_and_tasks);

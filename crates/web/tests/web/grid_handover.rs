//! Issue 15, grid hand-over (网格交接): the outgoing worker's open follow-ups and events in the
//! grid move to the incoming worker, the incoming account moves to the grid, the hand-over is
//! recorded; grids, workers and heads from elsewhere are "not found".

use crate::both;
use crate::harness::App;
use axum::http::StatusCode;
use quanke_domain::Role;
use quanke_store::grid::{events, tasks};
use quanke_store::{Backend, orgs, users};

async fn a_grid_moves_with_its_open_work(app: &App) {
    let person = app.first_resident("MYQ-01").await;
    let subject = format!("resident:{}", person.id);
    let mut grid = app.login("wangge").await;
    let visit = [
        ("key", "ho-visit"),
        ("subject", subject.as_str()),
        ("purpose", "daily"),
        ("follow_up", "送药上门"),
        ("follow_up_due", "2099-01-01"),
    ];
    // The due day must lie within a year of the visit: use the last allowed.
    let due = (quanke_app::clock::day(quanke_app::clock::now()).date() + time::Duration::days(30))
        .to_string();
    let mut visit = visit.to_vec();
    visit[4].1 = &due;
    assert_eq!(
        grid.post("/grid/visits", &visit).await.status,
        StatusCode::SEE_OTHER
    );
    let r = grid
        .post(
            "/grid/events",
            &[
                ("key", "ho-ev"),
                ("category", "noise"),
                ("summary", "夜间施工"),
                ("subject", &subject),
            ],
        )
        .await;
    let event: i64 = r
        .location
        .unwrap()
        .trim_start_matches("/grid/events/")
        .trim_end_matches("?reported=1")
        .parse()
        .unwrap();
    let wangge = users::by_username(&app.db, "wangge").await.unwrap();
    let mut head = app.login("shequ").await;
    head.post(
        &format!("/grid/events/{event}/steps"),
        &[("action", "file")],
    )
    .await;
    let me = format!("worker:{}", wangge.id);
    head.post(
        &format!("/grid/events/{event}/steps"),
        &[("action", "dispatch"), ("handler", &me)],
    )
    .await;

    app.account("myq_new", Role::GridWorker, "MYQ-02").await;
    app.account("sdn_grid5", Role::GridWorker, "SDN-01").await;
    app.account("sdn_head5", Role::CommunityHead, "SDN").await;
    let newcomer = users::by_username(&app.db, "myq_new").await.unwrap();
    let outsider = users::by_username(&app.db, "sdn_grid5").await.unwrap();
    let back = users::by_username(&app.db, "houtai").await.unwrap();
    let grid01 = orgs::by_code(&app.db, "MYQ-01").await.unwrap();
    let form = |to: i64| {
        vec![
            ("grid", grid01.id.to_string()),
            ("from", wangge.id.to_string()),
            ("to", to.to_string()),
            ("move_account", "on".to_string()),
            ("note", "李明调往第二网格".to_string()),
        ]
    };
    // Not the grid worker's to do; not another community's head; not to someone outside.
    assert_eq!(
        post(&mut grid, form(newcomer.id)).await.status,
        StatusCode::FORBIDDEN
    );
    let mut sdn = app.login("sdn_head5").await;
    assert_eq!(
        post(&mut sdn, form(newcomer.id)).await.status,
        StatusCode::NOT_FOUND
    );
    for to in [outsider.id, back.id, 999_999] {
        assert_eq!(
            post(&mut head, form(to)).await.status,
            StatusCode::NOT_FOUND,
            "to {to}"
        );
    }
    let r = post(&mut head, form(wangge.id)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不能是同一人"));
    let open = tasks::open_for(&app.db, wangge.id, 10).await.unwrap();
    assert_eq!(open.len(), 1, "nothing moved yet");

    let r = post(&mut head, form(newcomer.id)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.location.as_deref(),
        Some("/grid/handover?tasks=1&events=1")
    );
    assert!(
        tasks::open_for(&app.db, wangge.id, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        tasks::open_for(&app.db, newcomer.id, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    let whole = quanke_domain::OrgPath::whole();
    let moved = events::within(&app.db, event, &whole)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(moved.handler_id, Some(newcomer.id));
    let steps = events::steps(&app.db, event).await.unwrap();
    assert!(steps.last().unwrap().note.contains("网格交接"));
    let newcomer = users::by_username(&app.db, "myq_new").await.unwrap();
    assert_eq!(
        newcomer.org_path, grid01.path,
        "the incoming account moved to the grid"
    );
    let page = head.get("/grid/handover").await.body;
    assert!(page.contains("李明调往第二网格") && page.contains("1 项跟进、1 件事件"));
    // The newcomer works the grid: the event is on their list.
    let mut new = app.login("myq_new").await;
    assert!(
        new.get("/grid/due")
            .await
            .body
            .contains("我处置的事件（1）")
    );
}
both!(grid_handover, a_grid_moves_with_its_open_work);

async fn post(
    c: &mut crate::harness::Client<'_>,
    fields: Vec<(&'static str, String)>,
) -> crate::harness::Resp {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.post("/grid/handover", &pairs).await
}

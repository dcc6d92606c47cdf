//! The demo street looks lived in on its first start (`quanke demo` plays the history): cases in
//! every state and channel, some overdue and rated, and the queues, reports, search and homes of
//! the demo logins show them. Played once: a second start adds nothing.

use crate::both;
use crate::harness::{App, beijing_today};
use quanke_store::cases::{self, Filter};
use quanke_store::{Backend, case_reports, orgs};
use std::collections::BTreeSet;

async fn the_demo_street_starts_with_months_of_work(app: &App) {
    let opened = quanke_web::demo::history::ensure(&app.state).await.unwrap();
    assert!(opened >= 300, "only {opened} cases");
    let street = orgs::by_code(&app.db, "HS").await.unwrap();
    let all = cases::list(
        &app.db,
        &Filter {
            within: street.path.as_str(),
            limit: 5_000,
            ..Filter::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(all.len(), opened);
    let states: BTreeSet<&str> = all.iter().map(|c| c.state.code()).collect();
    for s in [
        "received",
        "awaiting_materials",
        "in_progress",
        "completed",
        "delivered",
        "rejected",
        "withdrawn",
    ] {
        assert!(states.contains(s), "no {s} case: {states:?}");
    }
    let channels: BTreeSet<&str> = all.iter().map(|c| c.channel.as_str()).collect();
    for ch in ["desk", "phone", "portal", "grid", "open311"] {
        assert!(channels.contains(ch), "no {ch} case: {channels:?}");
    }
    let today = beijing_today();
    let overdue = all
        .iter()
        .filter(|c| c.due_on.is_some_and(|d| d.to_string() < today))
        .filter(|c| matches!(c.state.code(), "accepted" | "in_progress"))
        .count();
    assert!(overdue > 0, "no overdue case");
    let oldest = all.iter().map(|c| c.created_at).min().unwrap();
    assert!(
        time::OffsetDateTime::now_utc().unix_timestamp() - oldest > 60 * 86_400,
        "the history is shorter than two months"
    );
    let rated = case_reports::ratings_since(&app.db, street.path.as_str(), 0)
        .await
        .unwrap();
    assert!(rated.count >= 50, "{} ratings", rated.count);
    the_demo_logins_see_it(app).await;
    let again = quanke_web::demo::history::ensure(&app.state).await.unwrap();
    assert_eq!(again, 0, "a second start played the history again");
    grid_work_is_there(app, &street.path).await;
}

/// What the demo logins meet on their pages.
/// The grid workers' months: visits in each demo grid, events in every part of the loop, and
/// inspections whose failed points opened 整改 events that re-inspections closed.
async fn grid_work_is_there(app: &App, street: &quanke_domain::OrgPath) {
    use quanke_store::grid::{events, inspections};
    let all = events::listed(&app.db, street, events::Listing::All, 1_000)
        .await
        .unwrap();
    assert!(all.len() >= 30, "only {} events", all.len());
    let states: BTreeSet<&str> = all.iter().map(|e| e.state.code()).collect();
    for s in ["closed", "dismissed"] {
        assert!(states.contains(s), "no {s} event: {states:?}");
    }
    assert!(
        all.iter().any(|e| !e.state.is_final()),
        "every event is over"
    );
    let rectified = all
        .iter()
        .filter(|e| e.channel == "inspection")
        .collect::<Vec<_>>();
    assert!(!rectified.is_empty(), "no 整改 event");
    let closed = rectified
        .iter()
        .find(|e| e.state.is_final())
        .expect("a re-inspection closed one");
    let checks = inspections::of_event(&app.db, closed.id).await.unwrap();
    assert_eq!(checks.len(), 2, "the failed inspection and its re-check");
    for code in ["MYQ-01", "SDN-01", "CJXC-01"] {
        let grid = orgs::by_code(&app.db, code).await.unwrap();
        let load = quanke_store::grid::workload::by_worker(
            &app.db,
            &grid.path,
            "2000-01-01".parse().unwrap(),
            "2999-12-31".parse().unwrap(),
        )
        .await
        .unwrap();
        assert!(load.iter().any(|w| w.visits >= 50), "{code}: {load:?}");
    }
}

async fn the_demo_logins_see_it(app: &App) {
    let mut back = app.login("houtai").await;
    let queue = back.get("/cases").await;
    assert!(queue.body.contains("/cases/"), "empty queue");
    let mut head = app.login("shequ").await;
    let reports = head.get("/cases/reports").await.body;
    assert!(
        reports.contains("满意度") || reports.contains("评价"),
        "{reports}"
    );
    assert!(!reports.contains("暂无"), "an empty report: {reports}");
    let found = head.get("/cases/search?state=delivered").await.body;
    assert!(found.contains("已送达"), "search found nothing");
    let home = head.get("/").await.body;
    assert!(home.contains("已逾期"), "{home}");
    let mut desk = app.login("qiantai").await;
    let notes = desk.get("/notifications").await.body;
    assert!(
        notes.contains("href=\"/notifications/"),
        "no notifications: {notes}"
    );
}
both!(demo_history, the_demo_street_starts_with_months_of_work);

//! Two server processes on one database behave as one: case numbers unique and gap-free under
//! intake through both, routing balanced on the true load, a revoked token or disabled account
//! refused by the other at once, a catalogue publication reaching the other's pages.

use crate::api_cases::{Auth, accept_body, get, post, token_for};
use crate::both;
use crate::catalogue::{edit_form, post_form};
use crate::harness::App;
use axum::http::StatusCode;
use quanke_app::accounts::{self, NewAccount};
use quanke_domain::Role;
use quanke_store::{Backend, Db, api_tokens, orgs, users};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Opens `n` accepted cases through `app` at once; their numbers.
async fn intakes(app: &App, token: &str, n: usize) -> Vec<String> {
    let calls = (0..n).map(|_| async {
        let mut c = app.client();
        let r = post(
            &mut c,
            Auth::Token(token),
            "/api/v1/cases",
            &accept_body(),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
        r.json["case"]["number"].as_str().unwrap().to_string()
    });
    futures_util::future::join_all(calls).await
}

async fn numbers_stay_unique_and_gap_free_across_servers(a: &App) {
    let b = a.beside().await;
    let token = token_for(a, "qiantai").await;
    let (from_a, from_b) = tokio::join!(intakes(a, &token, 30), intakes(&b, &token, 30));
    let mut seqs: Vec<u32> = from_a
        .iter()
        .chain(&from_b)
        .map(|n| n.rsplit('-').next().unwrap().parse().unwrap())
        .collect();
    seqs.sort();
    let first = seqs[0];
    let expected: Vec<u32> = (first..first + 60).collect();
    assert_eq!(seqs, expected, "one day's numbers: unique, no gaps");
    b.finish().await;
}
both!(numbers, numbers_stay_unique_and_gap_free_across_servers);

/// Open cases per worker, counted from the cases themselves.
async fn open_cases(db: &Db) -> HashMap<i64, i64> {
    let sql = "SELECT assignee_id, COUNT(*) FROM cases WHERE assignee_id IS NOT NULL \
               AND state IN ('received', 'awaiting_materials', 'accepted', 'in_progress', \
               'awaiting_department', 'completed') GROUP BY assignee_id";
    let rows: Vec<(i64, i64)> = match db {
        Db::Sqlite(quanke_store::SqliteDb { pool: p, .. }) => {
            sqlx::query_as(sql).fetch_all(p).await.unwrap()
        }
        Db::Pg(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
    };
    rows.into_iter().collect()
}

async fn routing_balances_the_true_load_across_servers(a: &App) {
    let b = a.beside().await;
    // Three back-office workers of 民政 in the community; each server routes in turn.
    let org = orgs::by_code(&a.db, "MYQ").await.unwrap();
    let mut team = vec![users::by_username(&a.db, "houtai").await.unwrap().id];
    for name in ["mz_back_1", "mz_back_2"] {
        let acc = NewAccount {
            username: name,
            display_name: "民政后台",
            role: Role::BackOffice,
            org: &org,
            password: None,
        };
        team.push(accounts::create(&a.db, &acc).await.unwrap().0);
    }
    for id in &team {
        users::set_lines(&a.db, *id, &["民政".to_string()])
            .await
            .unwrap();
    }
    let token = token_for(a, "qiantai").await;
    let before = open_cases(&a.db).await;
    for round in 0..12 {
        let server = if round % 2 == 0 { a } else { &b };
        intakes(server, &token, 1).await;
    }
    let after = open_cases(&a.db).await;
    let load = |id: &i64| after.get(id).copied().unwrap_or(0);
    let given: Vec<i64> = team
        .iter()
        .map(|id| load(id) - before.get(id).copied().unwrap_or(0))
        .collect();
    assert_eq!(given.iter().sum::<i64>(), 12, "{given:?}");
    let loads: Vec<i64> = team.iter().map(load).collect();
    let spread = loads.iter().max().unwrap() - loads.iter().min().unwrap();
    assert!(
        spread <= 1,
        "balanced on the load both servers see: {loads:?}"
    );
    b.finish().await;
}
both!(routing, routing_balances_the_true_load_across_servers);

async fn a_revoke_or_a_disable_on_one_server_holds_on_the_other(a: &App) {
    let b = a.beside().await;
    let desk = users::by_username(&a.db, "qiantai").await.unwrap();
    let token = token_for(a, "qiantai").await;
    let mut on_b = b.client();
    assert_eq!(
        get(&mut on_b, Auth::Token(&token), "/api/v1/cases")
            .await
            .status,
        StatusCode::OK
    );
    let id = api_tokens::list(&a.db, Some(desk.id)).await.unwrap()[0].id;
    let mut admin = a.client();
    admin.login_ok("jiedao").await;
    let page = format!("/admin/users/{}", desk.id);
    let r = admin.post(&format!("{page}/tokens/{id}/revoke"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        get(&mut on_b, Auth::Token(&token), "/api/v1/cases")
            .await
            .status,
        StatusCode::UNAUTHORIZED,
        "the other server refuses the revoked token on the next request"
    );

    // Signed in on B; disabled on A; B's next page sends them to sign in.
    let mut worker = b.client();
    worker.login_ok("qiantai").await;
    assert_eq!(worker.get("/cases").await.status, StatusCode::OK);
    let r = admin.post(&format!("{page}/disable"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = worker.get("/cases").await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert!(after.location.unwrap().starts_with("/login"));
    b.finish().await;
}
both!(
    revocation,
    a_revoke_or_a_disable_on_one_server_holds_on_the_other
);

/// Asks `read` until its answer passes `changed`, for at most five seconds: the other server
/// hears of a change through the database's notice, moments after it is made.
async fn soon<R, Fut>(mut read: R, changed: impl Fn(&str) -> bool)
where
    R: FnMut() -> Fut,
    Fut: std::future::Future<Output = String>,
{
    let made = Instant::now();
    loop {
        let answer = read().await;
        if changed(&answer) {
            return;
        }
        assert!(
            made.elapsed() < Duration::from_secs(5),
            "the other server still answers as before the change: {answer}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A publication through one server shows on the other's portal within a second or so: the
/// other holds the catalogue in memory and drops it on the database's notice (PostgreSQL; a
/// SQLite deployment is one process).
#[tokio::test]
async fn a_publication_reaches_the_other_server() {
    let Some(a) = App::start(Backend::Postgres, Default::default()).await else {
        return;
    };
    let b = a.beside().await;
    quanke_web::changes::listen(b.state.clone()).await;
    let page = "/portal/items/MZ-GL80";
    assert!(b.client().get(page).await.body.contains("承诺 10 个工作日"));

    let mut head = a.client();
    head.login_ok("shequ").await;
    let mut form = edit_form(&a, "MZ-GL80").await;
    form.promised_days = "5".into();
    form.change_note = "缩短办理时限".into();
    let r = post_form(&mut head, &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut street = a.client();
    street.login_ok("jiedao").await;
    let r = street.post("/catalogue/MZ-GL80/publish", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    let shown = || async { b.client().get(page).await.body };
    soon(shown, |body| body.contains("承诺 5 个工作日")).await;
    b.finish().await;
    a.finish().await;
}

/// The organisations are held in memory too: a community renamed through one server is the
/// issuer of the documents the other hands out next (PostgreSQL, as above).
#[tokio::test]
async fn a_rename_reaches_the_other_servers_documents() {
    let Some(a) = App::start(Backend::Postgres, Default::default()).await else {
        return;
    };
    let b = a.beside().await;
    quanke_web::changes::listen(b.state.clone()).await;
    let token = token_for(&a, "qiantai").await;
    let issuer = |number: String| {
        let db = a.db.clone();
        async move {
            let case = quanke_store::cases::by_number(&db, &number).await.unwrap();
            let docs = quanke_store::cases::documents(&db, case.id).await.unwrap();
            docs.last().unwrap().content.clone()
        }
    };
    // B has read the community's name once, and holds it.
    let before = issuer(intakes(&b, &token, 1).await.remove(0)).await;
    assert!(before.contains("卖鱼桥社区"), "{before}");

    let community = orgs::by_code(&a.db, "MYQ").await.unwrap();
    let mut admin = a.client();
    admin.login_ok("admin").await;
    let path = format!("/admin/orgs/{}/rename", community.id);
    let r = admin.post(&path, &[("name", "卖鱼桥新社区")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    let issued = || async { issuer(intakes(&b, &token, 1).await.remove(0)).await };
    soon(issued, |content| content.contains("卖鱼桥新社区")).await;
    b.finish().await;
    a.finish().await;
}

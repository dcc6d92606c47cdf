//! Ledger imports kept in the database: an upload made through one server process is checked,
//! downloaded, imported and discarded through another (as behind a load balancer, or after a
//! restart); two "import" clicks at once start one run; a run whose process stopped says so and
//! can be discarded, one still alive cannot.

use crate::both;
use crate::harness::{App, Client};
use crate::registry::{download, settled, upload};
use axum::http::StatusCode;
use quanke_app::clock;
use quanke_domain::ident::resident_id::check_digit;
use quanke_ledger::registry::write_ledger;
use quanke_store::registry::{self as store, uploads};
use quanke_store::{Backend, orgs, users};

const HEADERS: [&str; 6] = ["姓名", "身份证号", "联系电话", "网格", "户号", "与户主关系"];

/// A ledger of two new people of 卖鱼桥's first grid, one row with a wrong ID number; its path.
async fn ledger(app: &App, dir: &std::path::Path) -> std::path::PathBuf {
    let mut ids = Vec::new();
    for seq in 100.. {
        let first17 = format!("33010519910101{seq:03}");
        let id = format!("{first17}{}", check_digit(&first17).unwrap());
        if store::id_by_number(&app.db, &id).await.unwrap().is_none() {
            ids.push(id);
        }
        if ids.len() == 2 {
            break;
        }
    }
    let mut bad = ids[0].clone();
    bad.pop();
    bad.push(if ids[0].ends_with('0') { '1' } else { '0' });
    let rows = vec![
        vec![
            "多进程甲",
            &ids[0],
            "13900000011",
            "第一网格",
            "P0001",
            "户主",
        ],
        vec![
            "多进程乙",
            &ids[1],
            "13900000012",
            "第一网格",
            "P0001",
            "配偶",
        ],
        vec!["多进程错", &bad, "13900000013", "第一网格", "P0002", "户主"],
    ];
    let file = dir.join("ledger.xlsx");
    write_ledger(&file, None, &HEADERS, rows).unwrap();
    file
}

fn stage(body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    v["stage"].as_str().unwrap().to_string()
}

async fn an_upload_is_followed_through_either_server(a: &App) {
    let b = a.beside().await;
    let dir = tempfile::tempdir().unwrap();
    let file = ledger(a, dir.path()).await;
    let mut head_a = a.login("shequ").await;
    let mut head_b = b.login("shequ").await;

    let r = upload(&mut head_a, &file, "多进程.xlsx", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let job = r.location.unwrap();
    // The other process reads the dry run's findings and serves its problem report.
    let r = settled(&mut head_b, &job).await;
    assert!(r.body.contains("试导入结果 · 多进程.xlsx"), "{}", r.body);
    assert!(r.body.contains("<span class=\"num\">1</span>有错误的行"));
    let (status, _, bytes) = download(&b, &head_b, "GET", &format!("{job}/report.xlsx"), "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!bytes.is_empty());
    // Its person finds it again on the import page of either process; nobody else sees it.
    let r = head_b.get("/registry/import").await;
    let listed = format!("<a href=\"{job}\">多进程.xlsx</a>");
    assert!(r.body.contains(&listed), "{}", r.body);
    assert!(r.body.contains("已试导入，等待选择"), "{}", r.body);
    let mut street = b.login("jiedao").await;
    assert!(!street.get("/registry/import").await.body.contains(&listed));
    assert_eq!(street.get(&job).await.status, StatusCode::NOT_FOUND);
    let r = street
        .post(&format!("{job}/commit"), &[("mode", "valid")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Two clicks at once, one through each process: one run starts.
    let path = format!("{job}/commit");
    let (ra, rb) = tokio::join!(
        head_a.post(&path, &[("mode", "valid")]),
        head_b.post(&path, &[("mode", "valid")])
    );
    let mut codes = [ra.status, rb.status];
    codes.sort();
    assert_eq!(codes, [StatusCode::SEE_OTHER, StatusCode::BAD_REQUEST]);
    let r = settled(&mut head_a, &job).await;
    assert!(r.body.contains("导入完成"), "{}", r.body);
    assert!(
        r.body.contains("<span class=\"num\">2</span>新增"),
        "{}",
        r.body
    );
    let r = head_b.get(&format!("{job}/status")).await;
    assert_eq!(stage(&r.body), "imported");

    // Imported, the ledger's copy is gone; the upload itself is discarded through the other.
    let id = job.rsplit('/').next().unwrap();
    let tmp = dir.path().join("copy.xlsx");
    let kept = uploads::write_file(&a.db, id, uploads::File::Ledger, &tmp).await;
    assert!(!kept.unwrap(), "the imported ledger is not kept");
    let r = head_b.post(&format!("{job}/discard"), &[]).await;
    assert_eq!(r.location.as_deref(), Some("/registry/import?discarded=1"));
    assert_eq!(head_a.get(&job).await.status, StatusCode::NOT_FOUND);
    b.finish().await;
}
both!(either_server, an_upload_is_followed_through_either_server);

/// Keeps an upload in the checking stage whose process last showed life `silent` seconds ago.
async fn running_upload(app: &App, id: &str, silent: i64) {
    let owner = users::by_username(&app.db, "shequ").await.unwrap().id;
    let community = orgs::by_code(&app.db, "MYQ").await.unwrap();
    let now = clock::now();
    let new = uploads::NewUpload {
        id,
        owner_id: owner,
        area: &community.path,
        community_code: &community.code,
        community_path: &community.path,
        community_name: &community.name,
        file_name: "停止.csv",
        extension: "csv",
        mapping: None,
        now: now - silent,
    };
    uploads::create(&app.db, &new, "姓名\n".as_bytes())
        .await
        .unwrap();
}

async fn status_of(c: &mut Client<'_>, id: &str) -> String {
    let r = c.get(&format!("/registry/import/{id}/status")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    stage(&r.body)
}

async fn a_run_whose_process_stopped_says_so(app: &App) {
    let mut head = app.login("shequ").await;
    let (alive, stopped) = ("a1".repeat(16), "b2".repeat(16));
    running_upload(app, &alive, 2).await;
    running_upload(app, &stopped, 120).await;

    assert_eq!(status_of(&mut head, &alive).await, "checking");
    let r = head
        .post(&format!("/registry/import/{alive}/discard"), &[])
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "a live run is not discarded"
    );

    assert_eq!(status_of(&mut head, &stopped).await, "failed");
    let r = head.get(&format!("/registry/import/{stopped}")).await;
    assert!(r.body.contains("试导入中断"), "{}", r.body);
    let r = head
        .post(&format!("/registry/import/{stopped}/discard"), &[])
        .await;
    assert_eq!(r.location.as_deref(), Some("/registry/import?discarded=1"));
    assert_eq!(
        head.get(&format!("/registry/import/{stopped}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
both!(cut_off, a_run_whose_process_stopped_says_so);

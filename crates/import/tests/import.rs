//! The ledger import on SQLite and PostgreSQL: the dry run writes nothing, "valid rows only"
//! loses no valid row, "all or nothing" writes nothing while any row is wrong, and the problem
//! report names each bad row.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use quanke_domain::ident::resident_id::check_digit;
use quanke_domain::registry::classify;
use quanke_import::{Commit, Options, Outcome, Target};
use quanke_ledger::registry::{ColumnMapping, write_ledger};
use quanke_store::both;
use quanke_store::{Db, orgs, registry};

const NOW: i64 = 1_795_824_000;
const HEADERS: [&str; 6] = [
    "名字",
    "公民身份号码",
    "手机",
    "现住址",
    "所属网格",
    "人员类别",
];

/// A valid ID number for sequence `n`.
fn id(n: u32) -> String {
    let first17 = format!("33010519800101{n:03}");
    format!("{first17}{}", check_digit(&first17).unwrap())
}

fn row(name: &str, id: &str, grid: &str) -> Vec<String> {
    vec![
        name.into(),
        id.into(),
        "13805712345".into(),
        format!("小河路1幢1单元{}室", 100 + name.chars().count()),
        grid.into(),
        "高龄".into(),
    ]
}

async fn tree(db: &Db) -> Target {
    let street = orgs::create_street(db, "HS", "湖墅街道", NOW)
        .await
        .unwrap();
    let c = orgs::create_child(db, &street, "MYQ", "卖鱼桥社区", NOW)
        .await
        .unwrap();
    orgs::create_child(db, &c, "MYQ-01", "卖鱼桥第一网格", NOW)
        .await
        .unwrap();
    orgs::create_child(db, &c, "MYQ-02", "卖鱼桥第二网格", NOW)
        .await
        .unwrap();
    Target::resolve(db, Some("MYQ")).await.unwrap()
}

fn ledger(dir: &Path, rows: Vec<Vec<String>>) -> PathBuf {
    let path = dir.join("台账.xlsx");
    write_ledger(&path, Some("卖鱼桥社区居民台账"), &HEADERS, rows).unwrap();
    path
}

async fn import(db: &Db, target: &Target, path: &Path, commit: Commit) -> Outcome {
    let opts = Options {
        commit,
        report: path.with_file_name("问题清单.xlsx"),
        mapping: ColumnMapping::default(),
        today: time::macros::date!(2026 - 11 - 28),
        now: NOW,
        actor: "测试".into(),
        actor_id: None,
        ip: String::new(),
        area: target.community.path.clone(),
        file_name: "台账.xlsx".into(),
    };
    quanke_import::run(db, path, target, &opts, Arc::new(|_| {}))
        .await
        .unwrap()
}

async fn count(db: &Db, target: &Target) -> usize {
    let all = registry::export::page(db, &target.community.path, None, 0, 1000)
        .await
        .unwrap();
    all.len()
}

/// Three good rows and one with a bad check digit in row 4 (title row 1, header row 2).
fn mixed() -> Vec<Vec<String>> {
    let mut bad = id(4);
    bad.replace_range(17.., if bad.ends_with('1') { "2" } else { "1" });
    vec![
        row("张三丰", &id(1), "第1网格"),
        row("李四", &id(2), "第2网格"),
        row("王五", &bad, ""),
        row("赵六", &id(3), ""),
    ]
}

async fn dry_run_then_valid_rows(db: &Db) {
    let target = tree(db).await;
    let dir = tempfile::tempdir().unwrap();
    let path = ledger(dir.path(), mixed());
    let dry = import(db, &target, &path, Commit::DryRun).await;
    assert_eq!((dry.rows, dry.valid, dry.invalid), (4, 3, 1));
    assert!(dry.written.is_none());
    assert_eq!(count(db, &target).await, 0, "the dry run wrote something");
    let report = dry.report.expect("a report");
    let lines = report_rows(&report);
    assert!(
        lines
            .iter()
            .any(|l| l[0] == "5" && l[1] == "公民身份号码" && l[3].contains("校验码")),
        "{lines:?}"
    );

    let all = import(db, &target, &path, Commit::All).await;
    assert!(!all.written.unwrap().committed);
    assert_eq!(
        count(db, &target).await,
        0,
        "all-or-nothing wrote with a bad row"
    );

    let valid = import(db, &target, &path, Commit::Valid).await;
    let w = valid.written.unwrap();
    assert!(w.committed);
    assert_eq!((w.created, w.updated), (3, 0));
    assert_eq!(count(db, &target).await, 3);
    let again = import(db, &target, &path, Commit::Valid)
        .await
        .written
        .unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 3));
}
both!(dry_run_then_valid_rows, dry_run_then_valid_rows);

async fn grids_are_recognised_and_unknown_ones_warned(db: &Db) {
    let target = tree(db).await;
    let dir = tempfile::tempdir().unwrap();
    let rows = vec![
        row("张三丰", &id(1), "第1网格"),
        row("李四", &id(2), "MYQ-02"),
        row("王五", &id(3), "第9网格"),
    ];
    let out = import(db, &target, &ledger(dir.path(), rows), Commit::All).await;
    assert!(out.written.unwrap().committed);
    assert_eq!(out.warnings, 1);
    let grid1 = orgs::by_code(db, "MYQ-01").await.unwrap().path;
    let grid2 = orgs::by_code(db, "MYQ-02").await.unwrap().path;
    assert_eq!(place(db, &target, "张三丰").await, grid1.as_str());
    assert_eq!(place(db, &target, "李四").await, grid2.as_str());
    assert_eq!(
        place(db, &target, "王五").await,
        target.community.path.as_str()
    );
}
both!(
    grids_are_recognised_and_unknown_ones_warned,
    grids_are_recognised_and_unknown_ones_warned
);

async fn place(db: &Db, target: &Target, name: &str) -> String {
    let query = classify(name).unwrap();
    let hits = registry::search(db, &query, &target.community.path, 5)
        .await
        .unwrap();
    hits[0].org_path.as_str().to_string()
}

async fn the_same_person_twice_keeps_the_later_row(db: &Db) {
    let target = tree(db).await;
    let dir = tempfile::tempdir().unwrap();
    let mut later = row("张三丰", &id(1), "第2网格");
    later[2] = "13900000000".into();
    let out = import(
        db,
        &target,
        &ledger(dir.path(), vec![row("张三丰", &id(1), "第1网格"), later]),
        Commit::All,
    )
    .await;
    assert_eq!(out.warnings, 1);
    assert_eq!(count(db, &target).await, 1);
    let id = registry::id_by_number(db, &id(1)).await.unwrap().unwrap();
    assert_eq!(
        registry::resident(db, id).await.unwrap().phone,
        "13900000000"
    );
}
both!(
    the_same_person_twice_keeps_the_later_row,
    the_same_person_twice_keeps_the_later_row
);

async fn a_file_without_required_columns_is_refused(db: &Db) {
    let target = tree(db).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("无身份证.xlsx");
    write_ledger(
        &path,
        None,
        &["姓名", "手机"],
        vec![vec!["张三".to_string(), "13805712345".to_string()]],
    )
    .unwrap();
    let opts = Options {
        commit: Commit::Valid,
        report: dir.path().join("r.xlsx"),
        mapping: ColumnMapping::default(),
        today: time::macros::date!(2026 - 11 - 28),
        now: NOW,
        actor: "测试".into(),
        actor_id: None,
        ip: String::new(),
        area: target.community.path.clone(),
        file_name: "无身份证.xlsx".into(),
    };
    let err = quanke_import::run(db, &path, &target, &opts, Arc::new(|_| {}))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("身份证号"), "{err}");
    assert_eq!(count(db, &target).await, 0);
}
both!(
    a_file_without_required_columns_is_refused,
    a_file_without_required_columns_is_refused
);

/// The report's rows as text: 行号, 列, 原值, 问题, 类别.
fn report_rows(path: &Path) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto(path).unwrap();
    let sheet = book.worksheet_range("问题清单").unwrap();
    sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

async fn an_unreadable_row_is_left_out_and_the_rest_imported(db: &Db) {
    let target = tree(db).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("台账.csv");
    // A long note keeps the first rows longer than the part the encoding is guessed from.
    let note = "备".repeat(100_000);
    let mut bytes = format!("姓名,身份证号,备注\n张三丰,{},{note}\n", id(1)).into_bytes();
    // 李四 in GBK, further down a UTF-8 file: a row pasted from another program.
    bytes.extend_from_slice(b"\xc0\xee\xcb\xc4,");
    bytes.extend_from_slice(format!("{},\n王五,{},\n", id(2), id(3)).as_bytes());
    std::fs::write(&path, bytes).unwrap();
    let out = import(db, &target, &path, Commit::Valid).await;
    assert_eq!((out.valid, out.invalid), (2, 1), "{out:?}");
    assert_eq!(out.first_problems.len(), 1);
    assert_eq!(out.first_problems[0].row, 3);
    assert_eq!(out.written.unwrap().created, 2);
    assert_eq!(count(db, &target).await, 2);
}
both!(
    an_unreadable_row_is_left_out_and_the_rest_imported,
    an_unreadable_row_is_left_out_and_the_rest_imported
);

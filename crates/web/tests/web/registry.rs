//! The residents registry in the web application: search by every kind, masking, grid scoping,
//! reveals with a reason, imports (dry run, problem report, valid rows only, updates), exports,
//! moves and retention. People come from the demo registry (`quanke_web::demo`).

use crate::both;
use crate::harness::{App, Client, Part, Resp};
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use calamine::{Data, Reader, Xlsx, open_workbook};
use http_body_util::BodyExt;
use quanke_domain::OrgPath;
use quanke_domain::ident::resident_id::check_digit;
use quanke_domain::mask::mask_middle;
use quanke_domain::registry::{CareTag, name_initials};
use quanke_ledger::registry::write_ledger;
use quanke_store::registry::{self as store, Resident, counts, export};
use quanke_store::{Backend, audit, orgs};
use std::path::Path;
use std::time::Duration;
use tower::ServiceExt;

const OK: StatusCode = StatusCode::OK;
const NO: StatusCode = StatusCode::FORBIDDEN;
const SEE_OTHER: StatusCode = StatusCode::SEE_OTHER;

/// The first demo resident of a grid with a mobile phone, for phone searches.
async fn first_with_mobile(app: &App, grid: &str) -> Resident {
    let org = orgs::by_code(&app.db, grid).await.unwrap();
    let page = export::page(&app.db, &org.path, None, 0, 100)
        .await
        .unwrap();
    let row = page
        .iter()
        .find(|r| r.phone.len() == 11 && r.phone.starts_with('1'))
        .expect("a mobile phone in the grid");
    store::resident(&app.db, row.id).await.unwrap()
}

async fn active_in(app: &App, code: &str) -> i64 {
    let org = orgs::by_code(&app.db, code).await.unwrap();
    let counts = counts::by_status(&app.db, &org.path).await.unwrap();
    counts
        .iter()
        .find(|(s, _)| s == "active")
        .map_or(0, |(_, n)| *n)
}

pub(crate) async fn audit_entries(app: &App, action: &str) -> Vec<audit::Entry> {
    let everything = OrgPath::from_stored("/".into());
    let f = audit::Filter {
        within: &everything,
        action: Some(action),
        before_id: None,
        limit: 1000,
    };
    audit::list(&app.db, &f).await.unwrap()
}

async fn search(c: &mut Client<'_>, q: &str) -> Resp {
    let r = c.post("/registry", &[("q", q)]).await;
    assert_eq!(r.status, OK, "search {q}: {}", r.body);
    r
}

fn link(p: &Resident) -> String {
    format!("/registry/people/{}\"", p.id)
}

fn masked_id(p: &Resident) -> String {
    mask_middle(&p.id_number, 6, 4)
}

async fn search_by_every_kind(app: &App) {
    let p = first_with_mobile(app, "MYQ-01").await;
    let tail = &p.id_number[12..];
    let prefix = "杭州市拱墅区湖墅街道卖鱼桥社区";
    let address = p.actual_address.trim_start_matches(prefix);
    let initials = name_initials(&p.name);
    let mut c = app.login("qiantai").await;
    let cases = [
        (p.id_number.as_str(), "按身份证号查找"),
        (tail, "按身份证号后几位查找"),
        (p.name.as_str(), "按姓名查找"),
        (initials.as_str(), "按姓名拼音首字母查找"),
        (p.phone.as_str(), "按电话查找"),
        (address, "按地址查找"),
    ];
    for (q, kind) in cases {
        let r = search(&mut c, q).await;
        assert!(r.body.contains(kind), "{q}: says {kind}");
        assert!(
            r.body.contains(&link(&p)),
            "{q} finds {}: {}",
            p.name,
            r.body
        );
        assert!(r.body.contains(&masked_id(&p)), "{q}: masked ID shown");
        assert!(
            !r.body.contains(&p.id_number),
            "{q}: full ID not in the page"
        );
        assert!(
            !r.body.contains(&p.phone),
            "{q}: full phone not in the page"
        );
        assert!(
            r.body.contains(&mask_middle(&p.phone, 3, 4)),
            "{q}: masked phone"
        );
        assert!(r.body.contains("卖鱼桥第一网格"), "{q}: grid named");
    }
    let r = search(&mut c, "1幢").await;
    assert!(
        r.body.contains("至少输入 3 个字"),
        "short address fragments are refused"
    );
    // The whole ID number in the address bar works too, and is not echoed back in full.
    let r = c.get(&format!("/registry?q={}", p.id_number)).await;
    assert!(r.body.contains(&link(&p)) && !r.body.contains(&p.id_number));
}
both!(search_kinds, search_by_every_kind);

async fn grid_worker_reads_only_their_grid(app: &App) {
    let mine = app.first_resident("MYQ-01").await;
    let other = app.first_resident("MYQ-02").await;
    assert_eq!(mine.household_number.as_deref(), Some("H00000001"));
    assert_eq!(mine.relation, "户主");
    let mut c = app.login("wangge").await;
    let r = search(&mut c, &other.id_number).await;
    assert!(!r.body.contains(&link(&other)), "other grid not found");
    let r = search(&mut c, &other.name).await;
    assert!(!r.body.contains(&link(&other)));
    let r = search(&mut c, &mine.id_number).await;
    assert!(r.body.contains(&link(&mine)), "own grid found");
    let r = c.get(&format!("/registry/people/{}", other.id)).await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "outside the grid is not found"
    );
    let r = c.get(&format!("/registry/people/{}", mine.id)).await;
    assert_eq!(r.status, OK);
    assert!(r.body.contains(&masked_id(&mine)) && !r.body.contains(&mine.id_number));
    assert!(
        !r.body.contains("显示完整身份证号和电话"),
        "no reveal button"
    );
    assert_eq!(c.get("/registry/export").await.status, NO);
    let grid = orgs::by_code(&app.db, "MYQ-02")
        .await
        .unwrap()
        .id
        .to_string();
    assert_eq!(
        c.post("/registry/export", &[("org", grid.as_str())])
            .await
            .status,
        NO
    );
    // The counts on the front page are the grid's.
    let r = c.get("/registry").await;
    let n = active_in(app, "MYQ-01").await;
    assert!(
        r.body
            .contains(&format!("<span class=\"num\">{n}</span>在册"))
    );
}
both!(grid_scope, grid_worker_reads_only_their_grid);

async fn reveal_needs_a_reason_and_is_listed(app: &App) {
    let p = first_with_mobile(app, "MYQ-01").await;
    let page = format!("/registry/people/{}", p.id);
    let reveal = format!("{page}/reveal");
    let mut desk = app.login("qiantai").await;
    let r = desk.get(&page).await;
    assert_eq!(r.status, OK);
    assert!(r.body.contains(&masked_id(&p)) && !r.body.contains(&p.id_number));
    let viewed = audit_entries(app, "registry_viewed").await;
    assert_eq!(viewed.len(), 1);
    assert_eq!(viewed[0].target, format!("resident:{}", p.id));
    assert_eq!(viewed[0].org_path, p.org_path);

    let r = desk.post(&reveal, &[("reason", "  ")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("须填写理由"), "{}", r.body);
    assert!(!r.body.contains(&p.id_number));
    assert!(audit_entries(app, "registry_revealed").await.is_empty());

    let r = desk.post(&reveal, &[("reason", "办理业务核对身份")]).await;
    assert_eq!(r.status, OK, "{}", r.body);
    assert!(
        r.body.contains(&p.id_number),
        "full ID in the reveal response"
    );
    assert!(
        r.body.contains(&p.phone),
        "full phone in the reveal response"
    );
    let revealed = audit_entries(app, "registry_revealed").await;
    assert_eq!(revealed.len(), 1);
    assert_eq!(revealed[0].detail, "办理业务核对身份");
    assert_eq!(revealed[0].actor_name, "qiantai");
    assert_eq!(revealed[0].target, format!("resident:{}", p.id));

    // Not a lasting unmask: the next view is masked again, and lists the reader.
    let mut head = app.login("shequ").await;
    let r = head.get(&page).await;
    assert!(!r.body.contains(&p.id_number));
    let readers = &r.body[r.body.find("<h2>谁查看过</h2>").unwrap()..];
    assert!(readers.contains("qiantai") && readers.contains("查看完整信息"));
    assert!(readers.contains("办理业务核对身份"));

    let mut grid = app.login("wangge").await;
    let r = grid.post(&reveal, &[("reason", "核对")]).await;
    assert_eq!(r.status, NO);
    assert_eq!(audit_entries(app, "registry_revealed").await.len(), 1);
}
both!(reveal, reveal_needs_a_reason_and_is_listed);

/// A response's status, headers and raw body (workbooks are not text).
async fn fetch(app: &App, req: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let (parts, body) = resp.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes().to_vec();
    (parts.status, parts.headers, bytes)
}

pub(crate) async fn download(
    app: &App,
    c: &Client<'_>,
    method: &str,
    path: &str,
    form: &str,
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::COOKIE, c.cookie_header())
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_string()))
        .unwrap();
    fetch(app, req).await
}

/// Every cell of a workbook's sheet, as text.
pub(crate) fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let mut book: Xlsx<_> = open_workbook(&path).unwrap();
    let range = book.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|r| r.iter().map(Data::to_string).collect())
        .collect()
}

/// Uploads a ledger as the import form does; the response redirects to the job.
pub(crate) async fn upload(
    c: &mut Client<'_>,
    file: &Path,
    name: &str,
    fields: &[(&str, &str)],
) -> Resp {
    let bytes = std::fs::read(file).unwrap();
    let part = Part {
        field: "file",
        name,
        claimed: "application/octet-stream",
        bytes: &bytes,
    };
    c.post_multipart("/registry/import", fields, &[part]).await
}

/// Polls the job until it is no longer running; returns its page.
pub(crate) async fn settled(c: &mut Client<'_>, job: &str) -> Resp {
    for _ in 0..400 {
        let r = c.get(&format!("{job}/status")).await;
        assert_eq!(r.status, OK, "{}", r.body);
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        if !matches!(v["stage"].as_str(), Some("checking" | "importing")) {
            return c.get(job).await;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("import job {job} did not finish");
}

/// ID numbers no demo resident has: born 1990-01-01 in 拱墅区, sequence 9nn.
async fn fresh_ids(app: &App, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for seq in 900.. {
        let first17 = format!("33010519900101{seq:03}");
        let id = format!("{first17}{}", check_digit(&first17).unwrap());
        if store::id_by_number(&app.db, &id).await.unwrap().is_none() {
            ids.push(id);
        }
        if ids.len() == n {
            break;
        }
    }
    ids
}

const HEADERS: [&str; 6] = ["姓名", "身份证号", "联系电话", "网格", "户号", "与户主关系"];

async fn import_dry_run_then_valid_rows(app: &App) {
    let ids = fresh_ids(app, 3).await;
    let mut bad = ids[0].clone();
    bad.pop();
    bad.push(if ids[0].ends_with('0') { '1' } else { '0' });
    let rows = vec![
        vec![
            "测试甲",
            &ids[0],
            "13900000001",
            "第一网格",
            "T0001",
            "户主",
        ],
        vec![
            "测试乙",
            &ids[1],
            "13900000002",
            "第一网格",
            "T0001",
            "配偶",
        ],
        vec!["测试错", &bad, "13900000009", "第二网格", "T0002", "户主"],
        vec![
            "测试丙",
            &ids[2],
            "13900000003",
            "第二网格",
            "T0002",
            "户主",
        ],
    ];
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ledger.xlsx");
    write_ledger(&file, Some("卖鱼桥社区居民台账"), &HEADERS, rows).unwrap();
    // Title on row 1, header on row 2: the bad row is Excel row 5.
    let bad_row = "5";
    let before = active_in(app, "MYQ").await;

    let mut head = app.login("shequ").await;
    assert_eq!(head.get("/registry/import").await.status, OK);
    let r = upload(&mut head, &file, "卖鱼桥台账.xlsx", &[]).await;
    assert_eq!(r.status, SEE_OTHER, "{}", r.body);
    let job = r.location.unwrap();
    let r = settled(&mut head, &job).await;
    assert!(
        r.body.contains("试导入结果 · 卖鱼桥台账.xlsx"),
        "{}",
        r.body
    );
    assert!(r.body.contains("<span class=\"num\">4</span>数据行"));
    assert!(r.body.contains("<span class=\"num\">1</span>有错误的行"));
    assert!(
        r.body.contains(&format!("<td>{bad_row}</td>")),
        "problem line shown"
    );
    assert!(r.body.contains("只导入无误的行（3 行）"));
    assert!(!r.body.contains("value=\"all\""), "no 全部导入 with errors");
    assert_eq!(
        active_in(app, "MYQ").await,
        before,
        "the dry run writes nothing"
    );

    let (status, headers, bytes) =
        download(app, &head, "GET", &format!("{job}/report.xlsx"), "").await;
    assert_eq!(status, OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    let lines = sheet(&bytes, "问题清单");
    assert!(
        lines.iter().any(|l| l[0] == bad_row && l[1] == "身份证号"),
        "{lines:?}"
    );
    // Only the uploader reaches the job.
    let street = app.login("jiedao").await;
    let (status, _, _) = download(app, &street, "GET", &format!("{job}/report.xlsx"), "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let r = head
        .post(&format!("{job}/commit"), &[("mode", "all")])
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "全部导入 refused with errors"
    );
    let r = head
        .post(&format!("{job}/commit"), &[("mode", "valid")])
        .await;
    assert_eq!(r.status, SEE_OTHER);
    let r = settled(&mut head, &job).await;
    assert!(r.body.contains("导入完成"), "{}", r.body);
    assert!(r.body.contains("<span class=\"num\">3</span>新增"));
    assert_eq!(active_in(app, "MYQ").await, before + 3);
    assert!(store::id_by_number(&app.db, &bad).await.unwrap().is_none());
    let placed = store::id_by_number(&app.db, &ids[2])
        .await
        .unwrap()
        .unwrap();
    let grid2 = orgs::by_code(&app.db, "MYQ-02").await.unwrap();
    assert_eq!(
        store::resident(&app.db, placed).await.unwrap().org_path,
        grid2.path
    );
    let imported = audit_entries(app, "registry_imported").await;
    assert_eq!(imported.len(), 1);
    assert!(
        imported[0].detail.contains("新增 3"),
        "{}",
        imported[0].detail
    );
    // The same job cannot be imported twice.
    let r = head
        .post(&format!("{job}/commit"), &[("mode", "valid")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // The same file again changes nothing.
    let r = upload(&mut head, &file, "卖鱼桥台账.xlsx", &[]).await;
    let again = r.location.unwrap();
    settled(&mut head, &again).await;
    head.post(&format!("{again}/commit"), &[("mode", "valid")])
        .await;
    let r = settled(&mut head, &again).await;
    assert!(
        r.body.contains("<span class=\"num\">0</span>新增"),
        "{}",
        r.body
    );
    assert!(r.body.contains("<span class=\"num\">0</span>更新"));
    assert!(r.body.contains("<span class=\"num\">3</span>未变化"));
    assert_eq!(active_in(app, "MYQ").await, before + 3);

    // Discarding an upload forgets it.
    let r = upload(&mut head, &file, "again.xlsx", &[]).await;
    let third = r.location.unwrap();
    settled(&mut head, &third).await;
    let r = head.post(&format!("{third}/discard"), &[]).await;
    assert_eq!(r.location.as_deref(), Some("/registry/import?discarded=1"));
    assert_eq!(head.get(&third).await.status, StatusCode::NOT_FOUND);
}
both!(import_valid_rows, import_dry_run_then_valid_rows);

async fn a_known_id_updates_the_person(app: &App) {
    let p = first_with_mobile(app, "MYQ-01").await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("update.csv");
    std::fs::write(
        &file,
        format!(
            "姓名,身份证号,联系电话\n{},{},13911112222\n",
            p.name, p.id_number
        ),
    )
    .unwrap();
    // A street admin imports into a community they choose.
    let mut street = app.login("jiedao").await;
    let r = upload(&mut street, &file, "update.csv", &[]).await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "a street admin must choose"
    );
    assert!(r.body.contains("请选择要导入到哪个社区"));
    let r = upload(&mut street, &file, "update.csv", &[("community", "MYQ")]).await;
    let job = r.location.expect("job");
    let r = settled(&mut street, &job).await;
    assert!(r.body.contains("全部导入（1 行）"), "{}", r.body);
    street
        .post(&format!("{job}/commit"), &[("mode", "all")])
        .await;
    let r = settled(&mut street, &job).await;
    assert!(
        r.body.contains("<span class=\"num\">1</span>更新"),
        "{}",
        r.body
    );
    let after = store::resident(&app.db, p.id).await.unwrap();
    assert_eq!(after.phone, "13911112222");
    assert_eq!(
        after.org_path, p.org_path,
        "a ledger without grids keeps the grid"
    );

    let mut head = app.login("shequ").await;
    let r = head.get(&format!("/registry/people/{}", p.id)).await;
    let history = &r.body
        [r.body.find("<h2>变更记录</h2>").unwrap()..r.body.find("<h2>谁查看过</h2>").unwrap()];
    assert!(history.contains("联系电话"), "{history}");
    assert!(
        history.contains("139****2222"),
        "new phone masked: {history}"
    );
    assert!(
        history.contains(&mask_middle(&p.phone, 3, 4)),
        "old phone masked"
    );
    assert!(history.contains("导入 update.csv"));
    assert!(!r.body.contains("13911112222"));
}
both!(import_updates, a_known_id_updates_the_person);

async fn a_saved_mapping_reads_odd_headers(app: &App) {
    let ids = fresh_ids(app, 1).await;
    let mut head = app.login("shequ").await;
    let r = head
        .post(
            "/registry/mappings",
            &[
                ("name", "老台账"),
                ("title", "居民名"),
                ("field", "name"),
                ("title", "公民号"),
                ("field", "id_number"),
                ("title", "备注栏"),
                ("field", ""),
            ],
        )
        .await;
    assert_eq!(r.status, OK, "a title without a field is refused");
    assert!(r.body.contains("备注栏"), "{}", r.body);
    let r = head
        .post(
            "/registry/mappings",
            &[
                ("name", "老台账"),
                ("title", "居民名"),
                ("field", "name"),
                ("title", "公民号"),
                ("field", "id_number"),
            ],
        )
        .await;
    assert_eq!(r.status, SEE_OTHER, "{}", r.body);
    let myq = orgs::by_code(&app.db, "MYQ").await.unwrap();
    let stored = store::mapping::get(&app.db, &myq.path, "老台账")
        .await
        .unwrap()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(v["columns"]["公民号"], "id_number");
    assert_eq!(audit_entries(app, "registry_mapping_saved").await.len(), 1);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("odd.xlsx");
    write_ledger(
        &file,
        None,
        &["居民名", "公民号"],
        vec![vec!["测试丁", ids[0].as_str()]],
    )
    .unwrap();
    let r = upload(&mut head, &file, "odd.xlsx", &[("mapping", "老台账")]).await;
    let r = settled(&mut head, &r.location.unwrap()).await;
    assert!(
        r.body.contains("<span class=\"num\">1</span>无误"),
        "{}",
        r.body
    );
    let r = upload(&mut head, &file, "odd.xlsx", &[]).await;
    let r = settled(&mut head, &r.location.unwrap()).await;
    assert!(
        r.body.contains("无法导入"),
        "without the mapping there is no header: {}",
        r.body
    );
}
both!(import_mapping, a_saved_mapping_reads_odd_headers);

async fn exports_are_masked_by_role_and_audited(app: &App) {
    let p = first_with_mobile(app, "MYQ-01").await;
    let myq = orgs::by_code(&app.db, "MYQ").await.unwrap();
    let org = format!("org={}&tag=", myq.id);
    let mut street = app.login("jiedao").await;
    assert_eq!(street.get("/registry/export").await.status, OK);
    let token = street.cookies["qk_csrf"].clone();
    let form = format!("_csrf={token}&{org}");
    let (status, headers, bytes) = download(app, &street, "POST", "/registry/export", &form).await;
    assert_eq!(status, OK, "{}", String::from_utf8_lossy(&bytes));
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    // 居民名册-卖鱼桥社区-…, percent-encoded.
    assert!(disposition.contains("filename*=UTF-8''%E5%B1%85%E6%B0%91%E5%90%8D%E5%86%8C-%E5%8D%96%E9%B1%BC%E6%A1%A5%E7%A4%BE%E5%8C%BA-"), "{disposition}");
    let rows = sheet(&bytes, "居民台账");
    assert!(
        rows[0][0].contains("已脱敏"),
        "title says masked: {:?}",
        rows[0]
    );
    assert_eq!(rows[1][1], "身份证号");
    let people = &rows[2..];
    assert_eq!(people.len() as i64, active_in(app, "MYQ").await);
    let line = people
        .iter()
        .find(|r| r[0] == p.name && r[1] == masked_id(&p))
        .expect("person exported masked");
    assert_eq!(line[4], mask_middle(&p.phone, 3, 4));
    assert_eq!(line[14], "卖鱼桥第一网格");
    assert!(
        people.iter().all(|r| r[1].contains('*')),
        "no full ID number"
    );
    assert!(
        people
            .iter()
            .all(|r| !r[11].contains("残疾") && !r[11].contains("重点人群"))
    );
    let exported = audit_entries(app, "registry_exported").await;
    assert_eq!(exported.len(), 1);
    assert!(
        exported[0].detail.contains("已脱敏"),
        "{}",
        exported[0].detail
    );
    assert!(
        exported[0]
            .detail
            .contains(&format!("共 {} 人", people.len()))
    );
    // Choosing people by a sensitive tag would disclose it.
    let form = format!("_csrf={token}&org={}&tag=disabled", myq.id);
    let (status, _, _) = download(app, &street, "POST", "/registry/export", &form).await;
    assert_eq!(status, NO);

    // A head may reveal, so their export is in full.
    let head = app.login("shequ").await;
    let token = head.cookies["qk_csrf"].clone();
    let grid = orgs::by_code(&app.db, "MYQ-01").await.unwrap();
    let form = format!("_csrf={token}&org={}&tag=", grid.id);
    let (status, _, bytes) = download(app, &head, "POST", "/registry/export", &form).await;
    assert_eq!(status, OK);
    let rows = sheet(&bytes, "居民台账");
    assert!(rows[2..].iter().any(|r| r[1] == p.id_number));
    let sdn = orgs::by_code(&app.db, "SDN").await.unwrap();
    let form = format!("_csrf={token}&org={}&tag=", sdn.id);
    let (status, _, _) = download(app, &head, "POST", "/registry/export", &form).await;
    assert_eq!(status, NO, "another community");
    assert_eq!(audit_entries(app, "registry_exported").await.len(), 2);
}
both!(exports, exports_are_masked_by_role_and_audited);

async fn retention_anonymises_who_moved_out_long_ago(app: &App) {
    let p = app.first_resident("MYQ-01").await;
    let stays = app.first_resident("MYQ-02").await;
    let page = format!("/registry/people/{}", p.id);
    let mut head = app.login("shequ").await;
    let r = head
        .post(&format!("{page}/move-out"), &[("left_on", "2015-03-01")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "confirmation required");
    let r = head
        .post(
            &format!("{page}/move-out"),
            &[("left_on", "2015-03-01"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status, SEE_OTHER, "{}", r.body);
    let r = head.get(&page).await;
    assert!(r.body.contains("已迁出") && r.body.contains("2015-03-01"));
    assert_eq!(audit_entries(app, "registry_moved_out").await.len(), 1);
    assert_eq!(head.get("/registry/retention").await.status, NO);

    let mut street = app.login("jiedao").await;
    let r = street.post("/registry/retention", &[("years", "5")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(store::resident(&app.db, p.id).await.unwrap().name, p.name);
    let r = street
        .post("/registry/retention", &[("years", "5"), ("confirm", "yes")])
        .await;
    assert_eq!(r.status, OK);
    assert!(r.body.contains("已匿名化 1 人"), "{}", r.body);
    let gone = store::resident(&app.db, p.id).await.unwrap();
    assert_eq!(gone.status, "anonymised");
    assert_ne!(gone.id_number, p.id_number);
    assert_eq!(
        store::resident(&app.db, stays.id).await.unwrap().status,
        "active"
    );
    let applied = audit_entries(app, "registry_retention_applied").await;
    assert!(
        applied[0].detail.contains("匿名化 1 人"),
        "{}",
        applied[0].detail
    );
    let r = search(&mut head, &p.id_number).await;
    assert!(
        !r.body.contains(&link(&p)),
        "anonymised people are not found"
    );
}
both!(retention, retention_anonymises_who_moved_out_long_ago);

async fn pages_by_role(app: &App) {
    let users = ["qiantai", "houtai", "wangge", "shequ", "jiedao", "admin"];
    let pages: [(&str, [StatusCode; 6]); 5] = [
        ("/registry", [OK, OK, OK, OK, OK, NO]),
        ("/registry/import", [NO, NO, NO, OK, OK, NO]),
        ("/registry/mappings", [NO, NO, NO, OK, OK, NO]),
        ("/registry/export", [NO, NO, NO, OK, OK, NO]),
        ("/registry/retention", [NO, NO, NO, NO, OK, NO]),
    ];
    for (i, who) in users.iter().enumerate() {
        let mut c = app.login(who).await;
        for (path, expected) in &pages {
            assert_eq!(c.get(path).await.status, expected[i], "{who} GET {path}");
        }
        let nav = c.get("/").await.body.contains("居民信息</a>");
        assert_eq!(nav, *who != "admin", "{who}: 居民信息 in the navigation");
    }
}
both!(registry_access, pages_by_role);

async fn sensitive_tags_are_hidden_unless_revealed(app: &App) {
    let myq = orgs::by_code(&app.db, "MYQ").await.unwrap();
    let everyone = export::page(&app.db, &myq.path, Some("disabled"), 0, 1)
        .await
        .unwrap();
    let p = everyone
        .first()
        .expect("the demo has a disabled resident in 卖鱼桥");
    let page = format!("/registry/people/{}", p.id);
    let mut desk = app.login("qiantai").await;
    let r = desk.get(&page).await;
    assert!(r.body.contains("（敏感信息，已隐藏）"), "{}", r.body);
    assert!(!r.body.contains("残疾"));
    let r = desk
        .post(&format!("{page}/reveal"), &[("reason", "核对残疾补贴资格")])
        .await;
    let tags = &r.body[r.body.find("<h2>人员类别</h2>").unwrap()..];
    assert!(tags.contains("<li>残疾"), "{tags}");
    assert!(!tags.contains("（敏感信息，已隐藏）"));
}
both!(sensitive_tags, sensitive_tags_are_hidden_unless_revealed);

/// A valid unified social credit code no demo business has (another seed).
fn credit_code() -> String {
    let mut generator = quanke_synth::Generator::new(99);
    let community = quanke_synth::Community::demo();
    generator.businesses_in(&community, 1).remove(0).credit_code
}

async fn businesses_are_listed_in_scope_and_registered_by_credit_code(app: &App) {
    let mut grid = app.login("wangge").await;
    let listed = grid.get("/registry/businesses").await;
    assert_eq!(listed.status, OK);
    assert!(
        listed.body.contains("卖鱼桥第一网格"),
        "own grid's shops listed"
    );
    assert!(
        !listed.body.contains("卖鱼桥第二网格"),
        "other grids' shops not listed"
    );
    let bad = grid
        .post(
            "/registry/businesses",
            &[
                ("name", "小河面馆"),
                ("credit_code", "92330105MA0000000X"),
                ("fire_category", "九小场所"),
                ("grid", "MYQ-01"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("统一社会信用代码"), "{}", bad.body);
    let code = credit_code();
    let outside = grid
        .post(
            "/registry/businesses",
            &[
                ("name", "小河面馆"),
                ("credit_code", &code),
                ("fire_category", "九小场所"),
                ("grid", "MYQ-02"),
            ],
        )
        .await;
    assert_eq!(
        outside.status,
        StatusCode::BAD_REQUEST,
        "another grid refused"
    );
    let ok = grid
        .post(
            "/registry/businesses",
            &[
                ("name", "小河面馆"),
                ("credit_code", &code.to_lowercase()),
                ("contact_phone", "13805712345"),
                ("fire_category", "九小场所"),
                ("grid", "MYQ-01"),
            ],
        )
        .await;
    assert_eq!(ok.status, OK, "{}", ok.body);
    assert!(ok.body.contains("小河面馆") && ok.body.contains(&code));
    assert!(ok.body.contains("138****2345") && !ok.body.contains("13805712345"));
    assert_eq!(audit_entries(app, "registry_business_saved").await.len(), 1);
    let mut other = app.login("qiantai").await;
    assert_eq!(other.get("/registry/businesses").await.status, OK);
    let refused = other
        .post(
            "/registry/businesses",
            &[
                ("name", "x"),
                ("credit_code", &code),
                ("fire_category", "九小场所"),
                ("grid", "MYQ-01"),
            ],
        )
        .await;
    assert_eq!(
        refused.status, NO,
        "front desk does not register businesses"
    );
}
both!(
    businesses,
    businesses_are_listed_in_scope_and_registered_by_credit_code
);

/// The people a results page links to, in order.
fn people_on(body: &str) -> Vec<i64> {
    body.split("href=\"/registry/people/")
        .skip(1)
        .filter_map(|s| s.split('"').next()?.parse().ok())
        .collect()
}

/// The hidden `after` of the page's 下一页 form.
fn next_after(body: &str) -> Option<String> {
    let form = body.split("name=\"after\" value=\"").nth(1)?;
    Some(form.split('"').next()?.to_string())
}

/// Every person of a long list is reached page by page, each once, in the list's order; a
/// page placed after a person outside the searcher's area starts at the beginning.
async fn long_results_page(app: &App) {
    let mut c = app.login("shequ").await;
    for q in ["小河路", "王", "高龄"] {
        let first = search(&mut c, q).await;
        let mut seen = people_on(&first.body);
        let mut after = next_after(&first.body);
        assert!(
            after.is_some(),
            "{q}: one page only ({} people)",
            seen.len()
        );
        let mut page = 1;
        while let Some(a) = after {
            page += 1;
            let p = page.to_string();
            let r = c
                .post("/registry", &[("q", q), ("after", &a), ("page", &p)])
                .await;
            assert!(r.body.contains(&format!("第 {page} 页")), "{q}: {}", r.body);
            let ids = people_on(&r.body);
            assert!(!ids.is_empty() && ids.len() <= 20, "{q}: page {page}");
            seen.extend(ids);
            after = next_after(&r.body);
        }
        let distinct: std::collections::BTreeSet<i64> = seen.iter().copied().collect();
        assert_eq!(distinct.len(), seen.len(), "{q}: someone listed twice");
        assert!(seen.len() > 20, "{q}: {} people", seen.len());
    }
    // A page placed after someone of 双荡弄 is the first page again.
    let stranger = app.first_resident("SDN-01").await.id.to_string();
    let first = search(&mut c, "王").await;
    let r = c
        .post(
            "/registry",
            &[("q", "王"), ("after", &stranger), ("page", "2")],
        )
        .await;
    assert_eq!(people_on(&r.body), people_on(&first.body));
    let bad = c
        .post("/registry", &[("q", "王"), ("after", "x"), ("page", "2")])
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}
both!(long_results, long_results_page);

/// The credit codes a business list shows.
fn codes_on(body: &str) -> Vec<String> {
    body.split("<tr><td>")
        .skip(1)
        .filter_map(|row| row.split("</td><td>").nth(1).map(str::to_string))
        .collect()
}

/// The street's businesses page by page, each once; a bad page number is refused.
async fn business_list_pages(app: &App) {
    let mut street = app.login("jiedao").await;
    let first = street.get("/registry/businesses").await.body;
    let mut seen = codes_on(&first);
    assert_eq!(seen.len(), 50, "{first}");
    let link = first
        .split("href=\"/registry/businesses?")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("下一页")
        .replace("&amp;", "&");
    let second = street
        .get(&format!("/registry/businesses?{link}"))
        .await
        .body;
    assert!(second.contains("第 2 页"));
    seen.extend(codes_on(&second));
    let distinct: std::collections::BTreeSet<&String> = seen.iter().collect();
    assert_eq!(distinct.len(), seen.len(), "a business listed twice");
    let street_path = orgs::by_code(&app.db, "HS").await.unwrap().path;
    let all = store::businesses(&app.db, &street_path, None, 10_000).await;
    assert_eq!(seen.len(), all.unwrap().len());
    let bad = street.get("/registry/businesses?page=0").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}
both!(business_pages, business_list_pages);

/// A COUNT made now over the registry's rows within `code`'s subtree: by status, or (with a
/// tag) the active people carrying it.
async fn counted(app: &App, code: &str, status: &str, tag: Option<&str>) -> i64 {
    let org = orgs::by_code(&app.db, code).await.unwrap();
    let sql = match tag {
        None => {
            "SELECT COUNT(*) FROM registry_residents r \
             WHERE r.org_path >= $1 AND r.org_path < $2 AND r.status = $3 AND $4 = ''"
        }
        Some(_) => {
            "SELECT COUNT(*) FROM registry_residents r \
             JOIN registry_tags t ON t.resident_id = r.id AND t.tag = $4 \
             WHERE r.org_path >= $1 AND r.org_path < $2 AND r.status = $3"
        }
    };
    let (path, end, tag) = (org.path.as_str(), org.path.subtree_end(), tag.unwrap_or(""));
    let (n,): (i64,) = match &app.db {
        quanke_store::Db::Sqlite(quanke_store::SqliteDb { pool: p, .. }) => {
            let q = sqlx::query_as(sql).bind(path).bind(&end).bind(status);
            q.bind(tag).fetch_one(p).await
        }
        quanke_store::Db::Pg(p) => {
            let q = sqlx::query_as(sql).bind(path).bind(&end).bind(status);
            q.bind(tag).fetch_one(p).await
        }
    }
    .unwrap();
    n
}

/// The figure a page shows on the card labelled `label` (`<span class="num">N</span>label`).
fn figure(body: &str, label: &str) -> i64 {
    let end = body
        .find(&format!("</span>{label}<"))
        .unwrap_or_else(|| panic!("no figure {label}"));
    let start = body[..end].rfind("<span class=\"num\">").unwrap() + "<span class=\"num\">".len();
    body[start..end].parse().unwrap()
}

/// The figures the street admin's and the head's registry pages and the grid worker's home show
/// equal a COUNT of the rows.
async fn check_figures(app: &App, staff: &mut [Client<'_>; 3]) {
    let [street, head, grid] = staff;
    for (c, code) in [(street, "HS"), (head, "MYQ")] {
        let body = c.get("/registry").await.body;
        for (status, label) in [
            ("active", "在册"),
            ("moved_out", "已迁出"),
            ("anonymised", "已匿名"),
        ] {
            let n = counted(app, code, status, None).await;
            assert_eq!(figure(&body, label), n, "{label} in {code}");
        }
    }
    let body = grid.get("/").await.body;
    for tag in CareTag::ALL {
        let n = counted(app, "MYQ-01", "active", Some(tag.code())).await;
        assert_eq!(figure(&body, tag.label()), n, "{} in MYQ-01", tag.label());
    }
}

/// The registry's figures are the rows counted, before and after a move out and retention.
async fn figures_are_the_rows_counted(app: &App) {
    let mut staff = [
        app.login("jiedao").await,
        app.login("shequ").await,
        app.login("wangge").await,
    ];
    check_figures(app, &mut staff).await;
    assert!(counted(app, "MYQ", "active", None).await > 0);
    assert!(counted(app, "MYQ-01", "active", Some("oldest")).await > 0);

    let p = app.first_resident("MYQ-01").await;
    let r = staff[1]
        .post(
            &format!("/registry/people/{}/move-out", p.id),
            &[("left_on", "2015-03-01"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status, SEE_OTHER, "{}", r.body);
    assert_eq!(counted(app, "MYQ", "moved_out", None).await, 1);
    check_figures(app, &mut staff).await;

    let r = staff[0]
        .post("/registry/retention", &[("years", "5"), ("confirm", "yes")])
        .await;
    assert_eq!(r.status, OK);
    assert_eq!(counted(app, "MYQ", "anonymised", None).await, 1);
    check_figures(app, &mut staff).await;
}
both!(figures, figures_are_the_rows_counted);

//! Issue 11, the registry's scope: a credit code or an ID number held outside the caller's part
//! of the org tree is never written through them and never said to exist; saved column mappings
//! belong to the org that saved them; an import cut off midway is listed with a way to finish it.

use crate::both;
use crate::harness::{App, Client, Resp, between};
use crate::registry::{settled, upload};
use axum::http::StatusCode;
use quanke_domain::ident::resident_id::check_digit;
use quanke_domain::{OrgPath, Role};
use quanke_store::registry::{self as store, ImportContext, ImportMsg, NewResident};
use quanke_store::{Backend, orgs};
use std::path::Path;

const OK: StatusCode = StatusCode::OK;
const SEE_OTHER: StatusCode = StatusCode::SEE_OTHER;
const BAD: StatusCode = StatusCode::BAD_REQUEST;

async fn business_in(app: &App, grid: &str) -> store::Business {
    let org = orgs::by_code(&app.db, grid).await.unwrap();
    store::businesses(&app.db, &org.path, None, 1)
        .await
        .unwrap()
        .remove(0)
}

async fn business(app: &App, code: &str) -> store::Business {
    let everything = OrgPath::from_stored("/".into());
    store::businesses(&app.db, &everything, None, 10_000)
        .await
        .unwrap()
        .into_iter()
        .find(|b| b.credit_code == code)
        .unwrap()
}

async fn register(c: &mut Client<'_>, code: &str, grid: &str) -> Resp {
    c.post(
        "/registry/businesses",
        &[
            ("name", "接管面馆"),
            ("credit_code", code),
            ("contact_name", "冒名"),
            ("contact_phone", "13805719999"),
            ("fire_category", "九小场所"),
            ("grid", grid),
        ],
    )
    .await
}

/// The page's alert text, which is all a refused registrar learns.
fn alert(r: &Resp) -> String {
    let start = r.body.find("role=\"alert\"").unwrap_or(0);
    r.body[start..].chars().take(200).collect()
}

async fn business_codes_held_elsewhere_are_refused_without_saying_so(app: &App) {
    let sdn = business_in(app, "SDN-01").await;
    let next_grid = business_in(app, "MYQ-02").await;
    let mut head = app.login("shequ").await;
    let refused = register(&mut head, &sdn.credit_code, "MYQ-01").await;
    assert_eq!(refused.status, BAD, "{}", refused.body);
    assert_eq!(business(app, &sdn.credit_code).await, sdn, "not taken over");
    let said = alert(&refused);
    assert!(said.contains("不能在本辖区登记"), "{said}");
    for leak in ["已存在", "已登记", "已被", &sdn.name] {
        assert!(!refused.body.contains(leak), "{leak} in {said}");
    }

    // A grid worker meets a code of the next grid exactly as one of another community.
    let mut grid = app.login("wangge").await;
    let next = register(&mut grid, &next_grid.credit_code, "MYQ-01").await;
    let far = register(&mut grid, &sdn.credit_code, "MYQ-01").await;
    assert_eq!((next.status, far.status), (BAD, BAD));
    assert_eq!(
        alert(&next),
        alert(&far),
        "one answer whatever holds the code"
    );
    assert_eq!(business(app, &next_grid.credit_code).await, next_grid);

    // Within the registrar's area the same code updates the record, as before.
    let own = business_in(app, "MYQ-01").await;
    let ok = register(&mut grid, &own.credit_code, "MYQ-01").await;
    assert_eq!(ok.status, OK, "{}", ok.body);
    assert_eq!(business(app, &own.credit_code).await.name, "接管面馆");
}
both!(
    business_takeover,
    business_codes_held_elsewhere_are_refused_without_saying_so
);

/// Uploads, waits for the dry run, commits `mode` and returns (dry run page, result page).
async fn import(c: &mut Client<'_>, file: &Path, name: &str, mode: &str) -> (Resp, Resp) {
    let r = upload(c, file, name, &[]).await;
    assert_eq!(r.status, SEE_OTHER, "{}", r.body);
    let job = r.location.unwrap();
    let checked = settled(c, &job).await;
    let r = c.post(&format!("{job}/commit"), &[("mode", mode)]).await;
    assert_eq!(r.status, SEE_OTHER, "{}", r.body);
    (checked, settled(c, &job).await)
}

/// An ID number no demo resident has: born 1990-01-01 in 拱墅区, sequence 9nn.
async fn fresh_id(app: &App) -> String {
    for seq in 900.. {
        let first17 = format!("33010519900101{seq:03}");
        let id = format!("{first17}{}", check_digit(&first17).unwrap());
        if store::id_by_number(&app.db, &id).await.unwrap().is_none() {
            return id;
        }
    }
    unreachable!()
}

async fn a_heads_import_leaves_other_communities_people_alone(app: &App) {
    let other = app.first_resident("SDN-01").await;
    let fresh = fresh_id(app).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ledger.csv");
    std::fs::write(
        &file,
        format!(
            "姓名,身份证号,联系电话,网格\n冒名,{},13911110000,第一网格\n新人,{fresh},13911110001,第一网格\n",
            other.id_number
        ),
    )
    .unwrap();
    let mut head = app.login("shequ").await;
    let (checked, done) = import(&mut head, &file, "ledger.csv", "valid").await;
    assert!(
        checked
            .body
            .contains("<span class=\"num\">1</span>不在本辖区"),
        "{}",
        checked.body
    );
    assert!(checked.body.contains("不在本辖区，需办理迁入/转移"));
    assert!(checked.body.contains("只导入无误的行（1 行）"));
    for leak in [other.name.as_str(), "双荡弄"] {
        assert!(!checked.body.contains(leak), "{leak} in the dry run");
    }
    assert!(
        done.body.contains("<span class=\"num\">1</span>新增"),
        "{}",
        done.body
    );
    assert!(done.body.contains("<span class=\"num\">0</span>更新"));
    let after = store::resident(&app.db, other.id).await.unwrap();
    assert_eq!(
        (
            after.phone.as_str(),
            after.org_path.as_str(),
            after.name.as_str()
        ),
        (
            other.phone.as_str(),
            other.org_path.as_str(),
            other.name.as_str()
        ),
        "the other community's person is not moved or changed"
    );
    assert!(store::changes(&app.db, other.id).await.unwrap().is_empty());

    // "全部导入" is refused outright: the row is an error like any other.
    let (_, all) = import_all_refused(&mut head, &file).await;
    assert!(all.body.contains("不能全部导入"), "{}", all.body);
}
both!(
    import_scope,
    a_heads_import_leaves_other_communities_people_alone
);

async fn import_all_refused(c: &mut Client<'_>, file: &Path) -> (Resp, Resp) {
    let r = upload(c, file, "again.csv", &[]).await;
    let job = r.location.unwrap();
    let checked = settled(c, &job).await;
    let r = c.post(&format!("{job}/commit"), &[("mode", "all")]).await;
    assert_eq!(r.status, BAD);
    (checked, r)
}

async fn save_mapping(c: &mut Client<'_>, name: &str, title: &str) -> Resp {
    c.post(
        "/registry/mappings",
        &[
            ("name", name),
            ("title", title),
            ("field", "name"),
            ("title", "公民号"),
            ("field", "id_number"),
        ],
    )
    .await
}

/// The mapping page for `name`, percent-encoded as a browser sends it.
fn mapping_page(name: &str) -> String {
    let encoded: String = name.bytes().map(|b| format!("%{b:02X}")).collect();
    format!("/registry/mappings?name={encoded}")
}

async fn saved_mappings_belong_to_the_org_that_saved_them(app: &App) {
    app.account("sdn_head", Role::CommunityHead, "SDN").await;
    let mut sdn = app.login("sdn_head").await;
    let mut myq = app.login("shequ").await;
    let mut street = app.login("jiedao").await;
    assert_eq!(
        save_mapping(&mut sdn, "老台账", "户内人员").await.status,
        SEE_OTHER
    );
    assert_eq!(
        save_mapping(&mut sdn, "双荡弄专用", "人员").await.status,
        SEE_OTHER
    );
    assert_eq!(
        save_mapping(&mut myq, "老台账", "卖鱼桥姓名栏")
            .await
            .status,
        SEE_OTHER
    );
    assert_eq!(
        save_mapping(&mut street, "街道模板", "街道名").await.status,
        SEE_OTHER
    );

    let page = sdn.get(&mapping_page("老台账")).await;
    assert!(
        page.body.contains("户内人员"),
        "SDN keeps its own: {}",
        page.body
    );
    assert!(!page.body.contains("卖鱼桥姓名栏"));
    let form = myq.get("/registry/import").await;
    assert!(
        !form.body.contains("双荡弄专用"),
        "a neighbour's mapping is not listed"
    );
    assert!(form.body.contains("街道模板"), "the street's is shared");
    // A community saving the street's name makes its own copy; the street's stays.
    assert_eq!(
        save_mapping(&mut myq, "街道模板", "本社区名").await.status,
        SEE_OTHER
    );
    let page = street.get(&mapping_page("街道模板")).await;
    assert!(page.body.contains("街道名") && !page.body.contains("本社区名"));
    let page = myq.get(&mapping_page("双荡弄专用")).await;
    assert!(
        !page.body.contains("value=\"人员\""),
        "not readable by name either"
    );
}
both!(
    mapping_scope,
    saved_mappings_belong_to_the_org_that_saved_them
);

/// A run of `file_name` into MYQ that is cut off: its first rows are sent, then the sender
/// goes away (as when the importing process dies) before the import commits.
async fn cut_off_run(app: &App, file_name: &str, id: &str) {
    let myq = orgs::by_code(&app.db, "MYQ").await.unwrap();
    let grid = orgs::by_code(&app.db, "MYQ-01").await.unwrap();
    let (tx, rx) = tokio::sync::mpsc::channel(2);
    let person = NewResident {
        row: 2,
        id_number: id.to_string(),
        name: "半途".into(),
        name_initials: "bt".into(),
        sex: "M",
        birth_date: "1990-01-01".into(),
        org_path: grid.path.as_str().into(),
        community_path: myq.path.as_str().into(),
        ..NewResident::default()
    };
    tx.send(ImportMsg::Rows(vec![person])).await.unwrap();
    drop(tx);
    let ctx = ImportContext {
        actor: "shequ".into(),
        source: format!("导入 {file_name}"),
        now: 0,
        today: "2026-11-28".into(),
        area: myq.path.clone(),
        atomic: false,
        run: Some(store::RunLog {
            file_name: file_name.into(),
            community_path: myq.path.clone(),
            actor_id: None,
            ip: String::new(),
        }),
    };
    let counts = store::import_residents(&app.db, rx, &ctx).await.unwrap();
    assert!(!counts.committed);
}

async fn an_interrupted_import_is_listed_until_the_same_file_completes_it(app: &App) {
    let id = fresh_id(app).await;
    cut_off_run(app, "半途.csv", &id).await;
    let mut head = app.login("shequ").await;
    let page = head.get("/registry/import").await;
    assert_eq!(page.status, OK);
    assert!(page.body.contains("未完成的导入"), "{}", page.body);
    assert!(page.body.contains("半途.csv") && page.body.contains("上传并继续导入"));
    let started = audit_actions(app).await;
    assert!(
        started.contains(&"registry_import_started".to_string()),
        "{started:?}"
    );
    // Another community's head does not see it.
    app.account("sdn_head2", Role::CommunityHead, "SDN").await;
    let mut sdn = app.login("sdn_head2").await;
    assert!(!sdn.get("/registry/import").await.body.contains("半途.csv"));

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("半途.csv");
    std::fs::write(&file, format!("姓名,身份证号\n半途,{id}\n")).unwrap();
    let (_, done) = import(&mut head, &file, "半途.csv", "valid").await;
    assert!(
        done.body.contains("<span class=\"num\">1</span>新增"),
        "{}",
        done.body
    );
    let page = head.get("/registry/import").await;
    let unfinished = between(&page.body, "id=\"unfinished\"", "</section>").unwrap_or("");
    assert!(
        !unfinished.contains("半途.csv"),
        "completed by the same file"
    );
    // It stays among the person's uploads, imported.
    let uploads = between(&page.body, "id=\"uploads\"", "</section>").unwrap();
    assert!(
        uploads.contains("半途.csv") && uploads.contains("已导入"),
        "{uploads}"
    );
}
both!(
    import_resume,
    an_interrupted_import_is_listed_until_the_same_file_completes_it
);

async fn audit_actions(app: &App) -> Vec<String> {
    let everything = OrgPath::from_stored("/".into());
    let f = quanke_store::audit::Filter {
        within: &everything,
        action: None,
        before_id: None,
        limit: 1000,
    };
    quanke_store::audit::list(&app.db, &f)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

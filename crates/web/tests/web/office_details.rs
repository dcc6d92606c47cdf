//! The small things a working office notices (issue 12, items 5, 6 and 10): tags of care typed
//! into a search box filter instead of being taken for a name; the duplicate warning tells an
//! open case from a finished one; "谁查看过" names people; the desk's hits give one short
//! reason; a refused case-page form comes back with its message; a refused portal form names
//! each file to choose again.

use crate::both;
use crate::desk::intake;
use crate::harness::{App, Client, between};
use crate::portal_cases::{apply, step_two};
use axum::http::StatusCode;
use quanke_domain::OrgPath;
use quanke_domain::case::State;
use quanke_store::registry::export;
use quanke_store::{Backend, audit, cases, orgs};
use std::collections::BTreeSet;

const UNPROCESSABLE: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

/// The person ids a results page links to.
fn listed(body: &str) -> BTreeSet<i64> {
    body.split("href=\"/registry/people/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect()
}

/// Everyone active in `org_code` carrying `tag`.
async fn tagged(app: &App, org_code: &str, tag: &str) -> BTreeSet<i64> {
    let org = orgs::by_code(&app.db, org_code).await.unwrap();
    export::page(&app.db, &org.path, Some(tag), 0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect()
}

async fn registry_search(c: &mut Client<'_>, q: &str) -> String {
    let r = c.post("/registry", &[("q", q)]).await;
    assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.body);
    r.body
}

async fn tags_are_filters_in_scope(app: &App) {
    let alone_myq = tagged(app, "MYQ", "living_alone").await;
    let alone_grid = tagged(app, "MYQ-01", "living_alone").await;
    let alone_sdn = tagged(app, "SDN", "living_alone").await;
    assert!(
        !alone_myq.is_empty() && !alone_sdn.is_empty(),
        "the demo has 独居老人"
    );
    assert!(alone_myq.len() <= 50, "one page holds them");

    // The head of 卖鱼桥 lists exactly the community's people living alone, none of 双荡弄.
    let mut head = app.login("shequ").await;
    let body = registry_search(&mut head, "独居老人").await;
    assert_eq!(listed(&body), alone_myq, "{body}");
    assert!(body.contains("人员类别“独居老人”"), "{body}");

    // A tag with a name: only those of that name who carry the tag (the other form "独居" too).
    let someone = *alone_myq.first().unwrap();
    let name = quanke_store::registry::resident(&app.db, someone)
        .await
        .unwrap()
        .name;
    let surname: String = name.chars().take(1).collect();
    let body = registry_search(&mut head, &format!("独居 {surname}")).await;
    let found = listed(&body);
    assert!(found.contains(&someone), "{body}");
    assert!(found.is_subset(&alone_myq), "{body}");

    // A grid worker sees their grid's only.
    let mut grid = app.login("wangge").await;
    let body = registry_search(&mut grid, "独居老人").await;
    assert_eq!(listed(&body), alone_grid, "{body}");

    // Sensitive tags: the desk is told why not; the head may, and it is audited.
    let mut desk = app.login("qiantai").await;
    let body = registry_search(&mut desk, "残疾").await;
    assert!(listed(&body).is_empty(), "{body}");
    assert!(body.contains("属于敏感个人信息"), "{body}");
    let disabled = tagged(app, "MYQ", "disabled").await;
    let body = registry_search(&mut head, "残疾").await;
    assert_eq!(listed(&body), disabled, "{body}");
    let everything = OrgPath::from_stored("/".into());
    let f = audit::Filter {
        within: &everything,
        action: Some("registry_tag_searched"),
        before_id: None,
        limit: 10,
    };
    let log = audit::list(&app.db, &f).await.unwrap();
    assert_eq!(
        log.len(),
        1,
        "the head's sensitive search is audited, the refused one not"
    );
    assert!(log[0].detail.contains("残疾"), "{:?}", log[0]);

    // The desk's resident box reads tags the same way.
    let low = tagged(app, "MYQ", "low_income").await;
    let r = desk.post("/desk", &[("who", "低保"), ("what", "")]).await;
    let radios: BTreeSet<i64> = r
        .body
        .split("name=\"resident\" value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next()?.parse().ok())
        .collect();
    assert!(!radios.is_empty(), "{}", r.body);
    assert!(radios.is_subset(&low), "{}", r.body);
}
both!(registry_tags, tags_are_filters_in_scope);

async fn intake_form(c: &mut Client<'_>, rid: &str) -> String {
    c.post("/desk/intake", &[("resident", rid), ("item", "MZ-GL80")])
        .await
        .body
}

async fn duplicate_warning_tells_open_from_finished(app: &App) {
    let person = app.first_resident("MYQ-01").await;
    let rid = person.id.to_string();
    let mut desk = app.login("qiantai").await;
    let r = desk
        .post("/desk/cases", &intake(&rid, "dup1", &[], "accept"))
        .await;
    let id = r.case_id();
    let number = cases::get(&app.db, id).await.unwrap().number;
    let open = intake_form(&mut desk, &rid).await;
    let warning = between(&open, "id=\"duplicates-open\">", "</p>").expect("open warning");
    assert!(
        warning.contains("未办结") && warning.contains(&number),
        "{warning}"
    );
    assert!(warning.contains("已受理"), "{warning}");

    let mut back = app.login("houtai").await;
    let start = [("action", "start")];
    let complete = [
        ("action", "complete"),
        ("result", "granted"),
        ("result_amount", "200"),
        ("result_month", "2026-12"),
    ];
    for step in [&start[..], &complete[..]] {
        let r = back.act(id, step).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{step:?}: {}", r.body);
    }
    let done = intake_form(&mut desk, &rid).await;
    assert!(
        !done.contains("未办结"),
        "a finished case is not called open: {done}"
    );
    let note = between(&done, "id=\"duplicates-done\">", "</p>").expect("finished notice");
    assert!(note.contains("已办结") && note.contains(&number), "{note}");
}
both!(
    duplicate_warning,
    duplicate_warning_tells_open_from_finished
);

async fn readers_are_named(app: &App) {
    let person = app.first_resident("MYQ-01").await;
    let page = format!("/registry/people/{}", person.id);
    app.login("qiantai").await.get(&page).await;
    let r = app.login("shequ").await.get(&page).await;
    let readers = between(&r.body, "id=\"readers\">", "</section>").unwrap();
    assert!(readers.contains("陈晓燕"), "{readers}");
    assert!(readers.contains("前台社工"), "{readers}");
    assert!(readers.contains("卖鱼桥社区"), "{readers}");
    assert!(!readers.contains(">qiantai<"), "{readers}");
}
both!(readers_named, readers_are_named);

async fn desk_hits_give_one_short_reason(app: &App) {
    let mut desk = app.login("qiantai").await;
    let r = desk
        .post("/desk", &[("who", ""), ("what", "八十岁高龄补贴")])
        .await;
    let span = between(&r.body, "<span class=\"why\" title=\"", "</span>").expect("a reason");
    let (all, shown) = span.split_once("\">").unwrap();
    let first = all.split('；').next().unwrap();
    assert!(all.contains('；'), "more reasons on hover: {all}");
    assert_eq!(shown.trim_end_matches(" …"), first, "{span}");
}
both!(desk_reasons, desk_hits_give_one_short_reason);

async fn refused_case_forms_come_back_with_the_message(app: &App) {
    let person = app.first_resident("MYQ-01").await;
    let rid = person.id.to_string();
    let mut desk = app.login("qiantai").await;
    let r = desk
        .post(
            "/desk/cases",
            &intake(&rid, "wd1", &["card"], "request_materials"),
        )
        .await;
    let id = r.case_id();
    // 撤回 without a reason: the case page, the message at the form, nothing changed.
    let r = desk
        .act(id, &[("action", "withdraw"), ("note", "  ")])
        .await;
    assert_eq!(r.status, UNPROCESSABLE, "{}", r.body);
    let message = between(&r.body, "id=\"actions-error\">", "<").expect("message");
    assert!(message.contains("理由"), "{message}");
    assert!(r.body.contains("id=\"timeline\""), "the whole case page");
    assert_eq!(
        cases::get(&app.db, id).await.unwrap().state,
        State::AwaitingMaterials
    );
    // A transfer without a reason keeps what was chosen.
    let r = desk
        .post(
            &format!("/cases/{id}/transfer"),
            &[
                ("kind", "department"),
                ("department", "区民政局"),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(r.status, UNPROCESSABLE, "{}", r.body);
    assert!(between(&r.body, "id=\"transfer-error\">", "<").is_some());
    assert!(r.body.contains("value=\"区民政局\""), "{}", r.body);
    // A link to no case.
    let r = desk
        .post(
            &format!("/cases/{id}/link"),
            &[("number", "MYQ-00000000-0000")],
        )
        .await;
    assert_eq!(r.status, UNPROCESSABLE);
    assert!(between(&r.body, "id=\"link-error\">", "<").is_some());
    // With the reason it is withdrawn.
    let r = desk
        .act(id, &[("action", "withdraw"), ("note", "居民决定不再申请")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        cases::get(&app.db, id).await.unwrap().state,
        State::Withdrawn
    );
}
both!(
    case_form_refusals,
    refused_case_forms_come_back_with_the_message
);

async fn a_refused_portal_form_names_each_file(app: &App) {
    let mut c = app.client();
    let key = step_two(&mut c).await;
    let fields = [
        ("key", key.as_str()),
        ("name", ""),
        ("phone", "13805712345"),
    ];
    let pdf = b"%PDF-1.4\n%%EOF\n";
    let files: [(&str, &[u8]); 2] = [("户口簿.pdf", pdf), ("notes.html", b"<html></html>")];
    let r = apply(&mut c, &fields, &files).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let list = between(&r.body, "id=\"reselect\"", "</div>").expect("the files to choose again");
    assert!(list.contains("户口簿.pdf"), "{list}");
    assert!(list.contains("notes.html"), "{list}");
    assert!(list.contains("不是 PDF"), "the bad one says why: {list}");
}
both!(portal_reselect, a_refused_portal_form_names_each_file);

//! The catalogue editor's rows: materials, intake questions and FAQs posted as rows of inputs
//! (added, removed, reordered, applicability chosen from the item's own questions), problems
//! pointing at their row, nothing saved half-way, and items of other orgs out of reach.

use crate::both;
use crate::catalogue::{edit_form, post_form, post_pairs};
use crate::harness::App;
use axum::http::StatusCode;
use quanke_domain::Role;
use quanke_domain::catalogue::{MaterialForm, ServiceItem};
use quanke_store::catalogue as store;
use quanke_store::{Backend, orgs};

const CODE: &str = "MZ-GL80";

/// The value of the option whose text ends with `label` on a page (as the browser would post it).
fn option_value(page: &str, label: &str) -> String {
    let end = page
        .find(&format!("{label}</option>"))
        .unwrap_or_else(|| panic!("no option {label}"));
    let start = page[..end].rfind("<option value=\"").unwrap() + "<option value=\"".len();
    let value = &page[start..];
    value[..value.find('"').unwrap()].replace("&quot;", "\"")
}

fn set(pairs: &mut Vec<(String, String)>, name: &str, value: &str) {
    pairs.retain(|(k, _)| k != name);
    pairs.push((name.into(), value.into()));
}

async fn draft_item(app: &App, code: &str) -> Option<ServiceItem> {
    let d = store::draft(&app.db, code).await.unwrap()?;
    Some(serde_json::from_str(&d.body).unwrap())
}

async fn rows_are_added_removed_and_reordered(app: &App) {
    let mut head = app.login("shequ").await;
    let page = head.get(&format!("/catalogue/{CODE}/edit")).await.body;
    // Rows of inputs, the last one blank; no JSON to type.
    assert!(page.contains("name=\"materials[4].name\" value=\"代办人居民身份证及委托书\""));
    assert!(
        page.contains("name=\"materials[5].name\" value=\"\""),
        "a blank row to add"
    );
    assert!(!page.contains("name=\"materials\""), "no JSON textarea");
    assert!(page.contains("由谁来办理？：子女或他人代办</option>"));
    let proxy = option_value(&page, "子女或他人代办");

    let mut form = edit_form(app, CODE).await;
    form.change_note = "材料顺序调整，新增授权委托书".into();
    // Reorder: the 社保卡 row moves to the top; remove the 死亡证明 row.
    let card = form.rows.materials.remove(2);
    form.rows.materials.insert(0, card);
    form.rows.materials.retain(|m| m.id != "death");
    let mut pairs = form.to_pairs();
    // Add: a new material in the blank row the page offers (index 5), applicable to proxies,
    // chosen from the list; a new FAQ; a new question with two options.
    for (k, v) in [
        ("materials[5].id", ""),
        ("materials[5].name", "授权委托书"),
        ("materials[5].copies", "2"),
        ("materials[5].form", "original_and_copy"),
        ("materials[5].how_to_obtain", "社区提供空白表格"),
        ("materials[5].system_may_hold", ""),
        ("materials[5].when", &proxy),
        ("faqs[2].q", "委托书要公证吗？"),
        ("faqs[2].a", "不需要，申请人签字或按手印即可。"),
        ("questions[1].text", "老人是否行动不便？"),
        ("questions[1].datatype", "singlevaluelist"),
        ("questions[1].options[0].label", "是"),
        ("questions[1].options[1].label", "否"),
        ("questions[1].options[2].label", ""),
        // A blank row at the end is ignored.
        ("materials[6].name", ""),
        ("materials[6].copies", "1"),
        ("materials[6].form", "original"),
    ] {
        pairs.push((k.into(), v.into()));
    }
    let r = post_pairs(&mut head, &pairs).await;
    assert_eq!(
        r.location.as_deref(),
        Some("/catalogue/MZ-GL80/draft"),
        "{}",
        r.body
    );
    let item = draft_item(app, CODE).await.expect("draft saved");
    let ids: Vec<&str> = item.materials.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, vec!["card", "id-card", "hukou", "proxy-id", "m1"]);
    let added = &item.materials[4];
    assert_eq!(added.name, "授权委托书");
    assert_eq!(
        (added.copies, added.form),
        (2, MaterialForm::OriginalAndCopy)
    );
    let cond = added.applies_when.as_ref().expect("applicability kept");
    assert_eq!(
        (cond.question.as_str(), cond.any_of.clone()),
        ("who", vec!["proxy".to_string()])
    );
    assert_eq!(item.faqs.len(), 3);
    assert_eq!(item.questions[1].id, "q1");
    assert_eq!(item.questions[1].order, 2);
    let keys: Vec<&str> = item.questions[1]
        .options
        .iter()
        .map(|o| o.key.as_str())
        .collect();
    assert_eq!(keys, vec!["o1", "o2"]);
    // The edit page now offers the new question's answers for applicability.
    let again = head.get(&format!("/catalogue/{CODE}/edit")).await.body;
    assert!(again.contains("老人是否行动不便？：是</option>"), "{again}");
    // The street publishes; the resident's guide lists the materials in the new order.
    let mut street = app.login("jiedao").await;
    assert_eq!(
        street
            .post(&format!("/catalogue/{CODE}/publish"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let guide = app
        .client()
        .get(&format!("/portal/items/{CODE}"))
        .await
        .body;
    let at = |s: &str| guide.find(s).unwrap_or_else(|| panic!("{s} in {guide}"));
    assert!(at("老年人本人社会保障卡") < at("老年人居民身份证"));
    assert!(at("代办人居民身份证") < at("授权委托书"));
    assert!(!guide.contains("死亡医学证明"));
    assert!(
        guide.contains("由谁来办理？选“子女或他人代办”时"),
        "the condition in words"
    );
}
both!(rows_edit, rows_are_added_removed_and_reordered);

async fn problems_point_at_rows_and_nothing_is_saved(app: &App) {
    let mut head = app.login("shequ").await;
    let mut pairs = edit_form(app, CODE).await.to_pairs();
    set(&mut pairs, "change_note", "补充材料");
    set(&mut pairs, "materials[2].name", "");
    set(&mut pairs, "faqs[1].a", "");
    set(&mut pairs, "faqs[2].q", "新问题留着");
    set(&mut pairs, "faqs[2].a", "新答案也留着");
    pairs.push(("materials[4].when".into(), r#"["who","self"]"#.into()));
    let r = post_pairs(&mut head, &pairs).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("材料第 3 行</a>：名称不能为空"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("常见问题第 2 行</a>：答案不能为空"),
        "{}",
        r.body
    );
    // Everything typed comes back, in its row.
    assert!(r.body.contains("name=\"faqs[2].q\" value=\"新问题留着\""));
    assert!(r.body.contains("新答案也留着"));
    assert!(
        r.body
            .contains("name=\"materials[2].how_to_obtain\" value=\"申请人自备\"")
    );
    assert!(
        r.body
            .contains(r#"<option value="[&quot;who&quot;,&quot;self&quot;]" selected>"#)
    );
    assert!(draft_item(app, CODE).await.is_none(), "nothing saved");
    // Answers of two different questions cannot make one condition.
    let mut pairs = edit_form(app, CODE).await.to_pairs();
    set(&mut pairs, "change_note", "x");
    pairs.push(("materials[1].when".into(), r#"["who","self"]"#.into()));
    pairs.push(("materials[1].when".into(), r#"["other","x"]"#.into()));
    let r = post_pairs(&mut head, &pairs).await;
    assert!(
        r.body
            .contains("材料第 2 行</a>：适用条件只能选择同一个问题的答案"),
        "{}",
        r.body
    );
    assert!(draft_item(app, CODE).await.is_none(), "nothing saved");
}
both!(rows_problems, problems_point_at_rows_and_nothing_is_saved);

/// Creates a new item `code` as `client` from a copy of MZ-GL80's form.
async fn create_item(app: &App, client: &mut crate::harness::Client<'_>, code: &str) {
    let mut form = edit_form(app, CODE).await;
    form.code = code.into();
    form.name = format!("{code} 测试事项");
    form.change_note = "首次发布".into();
    let r = post_form(client, &form).await;
    assert_eq!(
        r.location,
        Some(format!("/catalogue/{code}/draft")),
        "{}",
        r.body
    );
}

async fn other_orgs_items_are_not_found(app: &App) {
    orgs::create_street(&app.db, "GS", "拱宸桥街道", 0)
        .await
        .unwrap();
    let mut other_street = app.signed_in("gs_admin", Role::StreetAdmin, "GS").await;
    create_item(app, &mut other_street, "GS-01").await;
    let mut sdn = app.signed_in("sdn_head", Role::CommunityHead, "SDN").await;
    create_item(app, &mut sdn, "SDN-01").await;

    let mut head = app.login("shequ").await;
    let mut street = app.login("jiedao").await;
    const NOT_FOUND: StatusCode = StatusCode::NOT_FOUND;
    for code in ["GS-01", "SDN-01"] {
        for path in ["edit", "draft"] {
            let r = head.get(&format!("/catalogue/{code}/{path}")).await;
            assert_eq!(r.status, NOT_FOUND, "MYQ head, {code} {path}");
        }
        for path in ["discard", "reviewed"] {
            let r = head.post(&format!("/catalogue/{code}/{path}"), &[]).await;
            assert_eq!(r.status, NOT_FOUND, "MYQ head, {code} {path}");
        }
        let mut form = edit_form(app, CODE).await;
        form.code = code.into();
        form.name = "改名".into();
        form.change_note = "越权修改".into();
        assert_eq!(post_form(&mut head, &form).await.status, NOT_FOUND);
        assert_ne!(draft_item(app, code).await.unwrap().name, "改名");
    }
    // The drafts list shows only what one may open.
    let list = head.get("/catalogue").await.body;
    assert!(
        !list.contains("GS-01") && !list.contains("SDN-01"),
        "{list}"
    );
    // Another street's item is out of the street admin's reach too; its own community's is not.
    assert_eq!(street.get("/catalogue/GS-01/edit").await.status, NOT_FOUND);
    assert_eq!(
        street.post("/catalogue/GS-01/publish", &[]).await.status,
        NOT_FOUND
    );
    assert!(store::history(&app.db, "GS-01").await.unwrap().is_empty());
    assert_eq!(
        street.get("/catalogue/SDN-01/edit").await.status,
        StatusCode::OK
    );
    // The owner's branch still works on it.
    assert_eq!(
        other_street.get("/catalogue/GS-01/edit").await.status,
        StatusCode::OK
    );
}
both!(rows_scope, other_orgs_items_are_not_found);

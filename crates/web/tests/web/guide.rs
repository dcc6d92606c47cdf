//! The user guide (操作手册): who may read which part, the 帮助 link of every main page opening
//! a section that exists, and the screenshots' headers.

use crate::both;
use crate::desk::intake;
use crate::harness::{App, Client, between};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use quanke_store::Backend;
use tower::ServiceExt;

/// The href of the header's 帮助 link.
fn help_link(body: &str) -> String {
    let tag = between(body, "<a href=\"", "\" class=\"help\">帮助</a>");
    let tag = tag.unwrap_or_else(|| panic!("no 帮助 link in:\n{body}"));
    // `between` finds the first link of the page; the help link's own href is after the last quote.
    let href = tag.rsplit("<a href=\"").next().unwrap();
    // The templates escape every value, slashes too.
    href.replace("&#x2f;", "/")
}

/// Opens the page's 帮助 link and checks it names a section the linked part has.
async fn help_opens_a_section(c: &mut Client<'_>, page: &str, part: &str) {
    let r = c.get(page).await;
    assert_eq!(r.status, StatusCode::OK, "{page}: {}", r.body);
    let link = help_link(&r.body);
    let (href, anchor) = link
        .split_once('#')
        .unwrap_or_else(|| panic!("{page}: the help link {link} names no section"));
    assert!(
        href.ends_with(part),
        "{page}: help opens {link}, expected the {part} part"
    );
    let guide = c.get(href).await;
    assert_eq!(guide.status, StatusCode::OK, "{page} → {href}");
    assert!(
        guide.body.contains(&format!("<h2 id=\"{anchor}\">")),
        "{page} → {link}: no such section"
    );
}

async fn staff_parts_need_sign_in(app: &App) {
    let mut anon = app.client();
    let r = anon.get("/portal/help").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("居民（网上办事）操作手册"), "{}", r.body);
    assert!(r.body.contains("<h2 id=\"track\">"));
    for page in ["/help", "/help/desk", "/help/street"] {
        let r = anon.get(page).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{page}");
        assert!(r.location.unwrap().starts_with("/login"), "{page}");
    }

    let mut desk = app.login("qiantai").await;
    let index = desk.get("/help").await;
    assert_eq!(index.status, StatusCode::OK);
    for title in [
        "前台（窗口受理）",
        "后台办理",
        "网格员",
        "社区负责人",
        "街道管理员",
        "居民（网上办事）",
    ] {
        assert!(index.body.contains(title), "the contents list {title}");
    }
    let own = between(&index.body, "<li class=\"own\">", "</li>").unwrap();
    assert!(
        own.contains("&#x2f;help&#x2f;desk\""),
        "the reader's own part is marked: {own}"
    );
    let part = desk.get("/help/desk").await;
    assert!(part.body.contains("前台（窗口受理）操作手册"));
    assert!(part.body.contains("<h2 id=\"intake\">"));
    // Any worker may read another role's part.
    assert_eq!(desk.get("/help/head").await.status, StatusCode::OK);
    let resident = desk.get("/help/resident").await;
    assert_eq!(resident.location.as_deref(), Some("/portal/help"));
    assert_eq!(desk.get("/help/nobody").await.status, StatusCode::NOT_FOUND);
}
both!(guide_parts_by_reader, staff_parts_need_sign_in);

/// The main pages of each role: the 帮助 link opens the section explaining the page.
async fn every_main_page_links_to_its_section(app: &App) {
    let rid = app.first_resident("MYQ").await.id.to_string();
    let mut desk = app.login("qiantai").await;
    let case = desk
        .post(
            "/desk/cases",
            &intake(&rid, "guide-1", &["card"], "request_materials"),
        )
        .await
        .case_id();
    let case_page = format!("/cases/{case}");
    let person = format!("/registry/people/{rid}");

    for page in ["/", "/desk", "/cases", &case_page, "/registry", &person] {
        help_opens_a_section(&mut desk, page, "/help/desk").await;
    }
    for page in ["/catalogue", "/catalogue/MZ-GL80", "/notices", "/password"] {
        help_opens_a_section(&mut desk, page, "/help/desk").await;
    }
    let form = desk
        .post("/desk/intake", &[("item", "MZ-GL80"), ("resident", &rid)])
        .await;
    assert_eq!(help_link(&form.body), "/help/desk#intake");
    let notice = desk.get(&format!("{case_page}/print/notice")).await;
    assert_eq!(notice.status, StatusCode::OK);

    let mut back = app.login("houtai").await;
    for page in ["/", "/cases", &case_page, "/registry", "/catalogue"] {
        help_opens_a_section(&mut back, page, "/help/back-office").await;
    }
    assert_eq!(
        help_link(&back.get(&case_page).await.body),
        "/help/back-office#handle"
    );

    let mut grid = app.login("wangge").await;
    for page in ["/", "/registry", "/registry/businesses", "/catalogue"] {
        help_opens_a_section(&mut grid, page, "/help/grid").await;
    }

    let mut head = app.login("shequ").await;
    for page in [
        "/",
        "/cases",
        &case_page,
        "/cases/reports",
        "/notices/status",
    ] {
        help_opens_a_section(&mut head, page, "/help/head").await;
    }
    for page in [
        "/catalogue/new",
        "/admin/users",
        "/admin/orgs",
        "/registry/import",
    ] {
        help_opens_a_section(&mut head, page, "/help/head").await;
    }
    for page in ["/registry/export", "/admin/audit"] {
        help_opens_a_section(&mut head, page, "/help/head").await;
    }
    // The head at the desk reads the desk's part.
    help_opens_a_section(&mut head, "/desk", "/help/desk").await;

    let mut street = app.login("jiedao").await;
    for page in [
        "/",
        "/admin/orgs",
        "/admin/users",
        "/admin/calendar",
        "/admin/open311",
    ] {
        help_opens_a_section(&mut street, page, "/help/street").await;
    }
    for page in [
        "/catalogue/import",
        "/cases/reports",
        "/registry/retention",
        "/admin/audit",
    ] {
        help_opens_a_section(&mut street, page, "/help/street").await;
    }
    let mut admin = app.login("admin").await;
    for page in ["/", "/admin/users", "/admin/calendar"] {
        help_opens_a_section(&mut admin, page, "/help/street").await;
    }

    let mut resident = app.client();
    for page in ["/portal", "/portal/items/MZ-GL80", "/portal/track"] {
        help_opens_a_section(&mut resident, page, "/portal/help").await;
    }
    let apply = resident.get("/portal/items/MZ-GL80/apply").await;
    assert_eq!(help_link(&apply.body), "/portal/help#apply");
}
both!(guide_help_links, every_main_page_links_to_its_section);

/// The status, content type, cache policy and first bytes of `path`.
async fn fetch(app: &App, path: &str, cookies: &str) -> (StatusCode, String, String, Vec<u8>) {
    let req = Request::get(path)
        .header(header::COOKIE, cookies)
        .body(Body::empty())
        .unwrap();
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let value = |h| {
        resp.headers()
            .get(h)
            .map_or(String::new(), |v| v.to_str().unwrap().to_string())
    };
    let (ty, cache) = (value(header::CONTENT_TYPE), value(header::CACHE_CONTROL));
    let status = resp.status();
    let bytes = resp
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, ty, cache, bytes)
}

/// The first screenshot a page shows.
fn first_image(body: &str) -> String {
    let src = between(body, "<img src=\"", "\"").unwrap_or_else(|| panic!("no image: {body}"));
    src.replace("&amp;", "&")
}

async fn screenshots_are_png_and_cached(app: &App) {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
    let public = first_image(&app.client().get("/portal/help").await.body);
    assert!(public.starts_with("/portal/help/img/resident-"), "{public}");
    assert!(public.contains("?v="), "versioned address: {public}");
    let (status, ty, cache, bytes) = fetch(app, &public, "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ty, "image/png");
    assert_eq!(cache, "public, max-age=31536000, immutable");
    assert!(bytes.starts_with(PNG));

    let mut desk = app.login("qiantai").await;
    let staff = first_image(&desk.get("/help/desk").await.body);
    assert!(staff.starts_with("/help/img/desk-"), "{staff}");
    let (status, ty, cache, bytes) = fetch(app, &staff, &desk.cookie_header()).await;
    assert_eq!((status, ty.as_str()), (StatusCode::OK, "image/png"));
    assert_eq!(cache, "private, max-age=31536000, immutable");
    assert!(bytes.starts_with(PNG));

    // Staff screenshots are for staff: not without sign-in, not through the portal's address.
    let (status, ..) = fetch(app, &staff, "").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let name = staff.trim_start_matches("/help/img/");
    let (status, ..) = fetch(app, &format!("/portal/help/img/{name}"), "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, ..) = fetch(app, "/help/img/nothing.png", &desk.cookie_header()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
both!(guide_screenshots, screenshots_are_png_and_cached);

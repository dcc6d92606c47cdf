//! The working-day calendar page: street and system admins edit it; a text with mistakes is
//! refused line by line and nothing is saved; a saved text is in force at once and moves
//! deadlines.

use crate::both;
use crate::harness::App;
use axum::http::StatusCode;
use quanke_app::cases::calendar::CalendarCache;
use quanke_domain::calendar::WorkCalendar;
use quanke_store::{Backend, audit, calendar, users};
use time::macros::date;

const SHIPPED: &str = include_str!("../../../domain/data/holidays.txt");

async fn saves(app: &App) -> Vec<audit::Entry> {
    let everything = quanke_domain::OrgPath::from_stored("/".into());
    let f = audit::Filter {
        within: &everything,
        action: Some("calendar_saved"),
        before_id: None,
        limit: 50,
    };
    audit::list(&app.db, &f).await.unwrap()
}

/// The calendar a newly started instance would count on: what the database holds.
async fn loaded(app: &App) -> std::sync::Arc<WorkCalendar> {
    CalendarCache::default().get(&app.db).await.unwrap()
}

async fn page_shows_the_shipped_calendar_until_edited(app: &App) {
    let mut c = app.client();
    c.login_ok("jiedao").await;
    let r = c.get("/admin/calendar").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(
        r.body.contains("系统自带的日历（尚未修改过）"),
        "{}",
        r.body
    );
    // The text in force, in the editor.
    assert!(r.body.contains("2026-10-10 work 国庆节调休"));
    // A summary per year: days off, 调休 days, complete, and the notice.
    assert!(
        r.body.contains("<td>2025 年</td><td>28</td><td>5</td>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("<td>2026 年</td><td>33</td><td>6</td>"));
    assert!(r.body.contains("国办发明电〔2025〕7号"));
    assert!(r.body.contains("尚无修改记录"));
    // The trial deadline, across 国庆 2025 and its 调休 Saturday.
    let r = c.get("/admin/calendar?from=2025-09-26&days=6").await;
    assert!(
        r.body
            .contains(r#"<strong id="trial-due">2025-10-11</strong>（星期六）"#),
        "{}",
        r.body
    );
    let r = c.get("/admin/calendar?from=2025-09-26&days=abc").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("工作日数应为 0 到 365 之间的整数"));
    // The street admin finds it in the navigation.
    // (minijinja escapes the slashes of the link.)
    assert!(c.get("/").await.body.contains(">工作日历</a>"));
}
both!(shows_shipped, page_shows_the_shipped_calendar_until_edited);

async fn a_bad_text_is_refused_with_every_line_and_nothing_is_saved(app: &App) {
    let mut c = app.client();
    c.login_ok("admin").await;
    let typed = "# 2027 年安排（草稿）\r\nyear 2027 国办发明电〔2026〕1号\r\n2027-02-30 off 春节\r\n\
                 2027-02-06 work 春节调休\r\n2027-01-01 holiday 元旦\r\n2027-01-04 work 元旦调休\r\n";
    let r = c.post("/admin/calendar", &[("body", typed)]).await;
    assert_eq!(r.status, StatusCode::OK, "shown again, not saved");
    assert!(r.body.contains("未保存：有 3 处需要修改"), "{}", r.body);
    for expected in [
        "第 3 行“<code>2027-02-30 off 春节</code>”：“2027-02-30”不是有效日期，应为 YYYY-MM-DD",
        "第 5 行“<code>2027-01-01 holiday 元旦</code>”：类型“holiday”无效",
        "第 6 行“<code>2027-01-04 work 元旦调休</code>”：2027-01-04 是星期一，本来就上班，不是调休",
    ] {
        assert!(r.body.contains(expected), "{expected}\n{}", r.body);
    }
    // The typed text is kept for correction, not replaced by the one in force.
    assert!(r.body.contains("2027-02-06 work 春节调休"));
    assert!(!r.body.contains("2026-10-10 work 国庆节调休"));
    assert_eq!(calendar::current(&app.db).await.unwrap(), None);
    assert!(saves(app).await.is_empty());

    // Emptying the calendar is refused as a whole.
    let r = c.post("/admin/calendar", &[("body", "# 全部删掉\n")]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("未保存：内容为空"), "{}", r.body);
    assert_eq!(calendar::current(&app.db).await.unwrap(), None);

    // Without the form token nothing happens either.
    let r = c.post_raw("/admin/calendar", "body=year+2027+x").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(calendar::current(&app.db).await.unwrap(), None);
    // The deadlines still follow the shipped calendar.
    assert_eq!(*loaded(app).await, WorkCalendar::default_china());
}
both!(
    bad_text_refused,
    a_bad_text_is_refused_with_every_line_and_nothing_is_saved
);

async fn a_saved_text_is_in_force_at_once_and_moves_deadlines(app: &App) {
    let mut c = app.client();
    c.login_ok("jiedao").await;
    // Friday 2026-11-27 + 1 working day: Monday 2026-11-30. The trial also loads the calendar
    // into the application's cache, which the save must refresh.
    let before = loaded(app).await;
    assert_eq!(
        before.add_working_days(date!(2026 - 11 - 27), 1),
        date!(2026 - 11 - 30)
    );
    let r = c.get("/admin/calendar?from=2026-11-27&days=1").await;
    assert!(
        r.body
            .contains(r#"<strong id="trial-due">2026-11-30</strong>"#),
        "{}",
        r.body
    );

    // Declare Monday 2026-11-30 a day off, typed in a browser (CRLF line ends).
    let edited = format!("{SHIPPED}2026-11-30 off 临时停工\n").replace('\n', "\r\n");
    let r = c
        .post("/admin/calendar", &[("body", edited.as_str())])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let saved = calendar::current(&app.db).await.unwrap().unwrap();
    assert_eq!(
        r.location.as_deref(),
        Some(format!("/admin/calendar?saved={}", saved.id).as_str())
    );
    assert_eq!(saved.body, format!("{SHIPPED}2026-11-30 off 临时停工\n"));
    let street = users::by_username(&app.db, "jiedao").await.unwrap();
    assert_eq!(saved.saved_by, Some(street.id));

    // Deadlines now fall a working day later.
    let after = loaded(app).await;
    assert_eq!(
        after.add_working_days(date!(2026 - 11 - 27), 1),
        date!(2026 - 12 - 01)
    );
    assert!(!after.is_working_day(date!(2026 - 11 - 30)));
    // ...in the running application too: its cached calendar was dropped on save.
    let r = c
        .get(&format!(
            "/admin/calendar?saved={}&from=2026-11-27&days=1",
            saved.id
        ))
        .await;
    assert!(r.body.contains(&format!("已保存为第 {} 版", saved.id)));
    assert!(
        r.body
            .contains(r#"<strong id="trial-due">2026-12-01</strong>"#),
        "{}",
        r.body
    );
    assert!(r.body.contains(&format!("第 {} 版，由 ", saved.id)));
    assert!(
        r.body.contains("<td>2026 年</td><td>34</td><td>6</td>"),
        "{}",
        r.body
    );
    assert!(r.body.contains("2026-11-30 off 临时停工"));

    // Audited, and listed in the page's history.
    let entries = saves(app).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].actor_name, "jiedao");
    assert_eq!(entries[0].target, "工作日历");
    assert!(
        entries[0]
            .detail
            .contains(&format!("第 {} 版：2025 年 放假 28 天", saved.id)),
        "{}",
        entries[0].detail
    );
    assert!(r.body.contains(&entries[0].detail));
    let audit_page = c.get("/admin/audit?action=calendar_saved").await;
    assert!(audit_page.body.contains("修改工作日历"));

    // A second save by the system administrator becomes the newest version.
    let mut admin = app.client();
    admin.login_ok("admin").await;
    let r = admin.post("/admin/calendar", &[("body", SHIPPED)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let newest = calendar::current(&app.db).await.unwrap().unwrap();
    assert!(newest.id > saved.id);
    assert_eq!(
        loaded(app).await.add_working_days(date!(2026 - 11 - 27), 1),
        date!(2026 - 11 - 30)
    );
    assert_eq!(saves(app).await.len(), 2);
}
both!(
    saved_text_in_force,
    a_saved_text_is_in_force_at_once_and_moves_deadlines
);

async fn only_street_and_system_admins_may_edit(app: &App) {
    for who in ["qiantai", "houtai", "wangge", "shequ"] {
        let mut c = app.client();
        c.login_ok(who).await;
        let r = c.get("/admin/calendar").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        assert!(r.body.contains("无权访问"));
        let r = c
            .post("/admin/calendar", &[("body", "year 2027 伪造\n")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} POST");
        assert!(
            !c.get("/").await.body.contains(">工作日历</a>"),
            "{who} has no menu entry"
        );
    }
    assert_eq!(calendar::current(&app.db).await.unwrap(), None);
    for who in ["jiedao", "admin"] {
        let mut c = app.client();
        c.login_ok(who).await;
        assert_eq!(
            c.get("/admin/calendar").await.status,
            StatusCode::OK,
            "{who}"
        );
    }
    // Anonymous visitors are sent to sign in.
    let r = app.client().get("/admin/calendar").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location.unwrap().starts_with("/login"));
}
both!(calendar_access, only_street_and_system_admins_may_edit);

//! Drives the real router in process with a cookie-keeping client, on a fresh database seeded
//! with the demo street.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use quanke_app::accounts::{self, NewAccount};
use quanke_domain::Role;
use quanke_store::registry::{self, Resident, export};
use quanke_store::testing::TestDb;
use quanke_store::{Backend, Db, orgs};
use quanke_web::{AppState, Shared, WebSettings, router};
use std::collections::HashMap;
use tower::ServiceExt;

pub const PASSWORD: &str = quanke_web::demo::PASSWORD;

pub struct App {
    pub router: Router,
    pub db: Db,
    pub state: Shared,
    /// None for a second server on another app's database (`beside`).
    test_db: Option<TestDb>,
}

impl App {
    /// None when the backend is PostgreSQL and no test server is configured.
    pub async fn start(backend: Backend, settings: WebSettings) -> Option<App> {
        // Internal errors are logged, not shown; let a failing test print them.
        let _ = tracing_subscriber::fmt().with_test_writer().try_init();
        let test_db = TestDb::new(backend).await?;
        let db = test_db.db.clone();
        quanke_web::demo::ensure(&db).await.expect("seed demo");
        let state = AppState::new(db.clone(), settings);
        let router = router(state.clone());
        Some(App {
            router,
            db,
            state,
            test_db: Some(test_db),
        })
    }

    /// A second server process on this app's database: its own pool, caches, in-flight
    /// routing and listener, as `quanke serve` started twice would have.
    pub async fn beside(&self) -> App {
        let url = &self.test_db.as_ref().expect("the first server").url;
        let db = Db::connect(url).await.expect("second pool");
        let state = AppState::new(db.clone(), self.state.settings.clone());
        App {
            router: router(state.clone()),
            db,
            state,
            test_db: None,
        }
    }

    pub fn client(&self) -> Client<'_> {
        Client {
            app: self,
            cookies: HashMap::new(),
        }
    }

    pub async fn finish(self) {
        match self.test_db {
            Some(t) => t.finish().await,
            None => self.db.close().await,
        }
    }
}

pub struct Resp {
    pub status: StatusCode,
    pub location: Option<String>,
    pub content_type: String,
    pub body: String,
}

pub struct Client<'a> {
    app: &'a App,
    pub cookies: HashMap<String, String>,
}

impl Client<'_> {
    pub async fn send(&mut self, req: Request<Body>) -> Resp {
        let resp = self
            .app
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("infallible router");
        for v in resp.headers().get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (pair, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = pair.split_once('=').unwrap();
            if attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), val.to_string());
            }
        }
        let status = resp.status();
        let location = resp
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_string());
        let content_type = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .map_or(String::new(), |v| v.to_str().unwrap().to_string());
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        Resp {
            status,
            location,
            content_type,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        let req = Request::get(path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// Posts a form carrying the CSRF token the browser would have embedded.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        if !self.cookies.contains_key("qk_csrf") {
            self.get("/login").await;
        }
        let token = self.cookies["qk_csrf"].clone();
        let mut all: Vec<(&str, &str)> = vec![("_csrf", &token)];
        all.extend_from_slice(fields);
        self.post_raw(path, &serde_urlencoded::to_string(&all).unwrap())
            .await
    }

    /// Posts exactly this body, token or not.
    pub async fn post_raw(&mut self, path: &str, body: &str) -> Resp {
        let req = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_string()))
            .unwrap();
        self.send(req).await
    }

    /// Posts a multipart form as the browser does: the CSRF token in the action's query.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[Part<'_>],
    ) -> Resp {
        let token = self.cookies.get("qk_csrf").cloned().unwrap_or_default();
        let (content_type, body) = multipart(fields, files);
        let req = Request::post(format!("{path}?_csrf={token}"))
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_LENGTH, body.len())
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Posts the case page's action form for case `id`.
    pub async fn act(&mut self, id: i64, fields: &[(&str, &str)]) -> Resp {
        self.post_multipart(&format!("/cases/{id}/act"), fields, &[])
            .await
    }

    pub async fn login(&mut self, username: &str, password: &str) -> Resp {
        self.post(
            "/login",
            &[
                ("username", username),
                ("password", password),
                ("next", "/"),
            ],
        )
        .await
    }

    /// Signs in and fails the test unless it worked.
    pub async fn login_ok(&mut self, username: &str) {
        let r = self.login(username, PASSWORD).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "login {username}: {}",
            r.body
        );
        assert!(self.cookies.contains_key("qk_session"));
    }
}

impl App {
    /// A client signed in as `username` with the demo password.
    pub async fn login(&self, username: &str) -> Client<'_> {
        let mut c = self.client();
        c.login_ok(username).await;
        c
    }

    /// Creates an account of `role` in the org with code `org_code`, with the demo password.
    pub async fn account(&self, username: &str, role: Role, org_code: &str) {
        let org = orgs::by_code(&self.db, org_code).await.unwrap();
        let a = NewAccount {
            username,
            display_name: "测试社工",
            role,
            org: &org,
            password: Some(PASSWORD),
        };
        accounts::create(&self.db, &a).await.unwrap();
    }

    /// A new account of `role` in `org_code`, signed in.
    pub async fn signed_in(&self, username: &str, role: Role, org_code: &str) -> Client<'_> {
        self.account(username, role, org_code).await;
        self.login(username).await
    }

    /// The first resident registered in the org with this code (a grid or a community).
    pub async fn first_resident(&self, org_code: &str) -> Resident {
        let org = orgs::by_code(&self.db, org_code).await.unwrap();
        let page = export::page(&self.db, &org.path, None, 0, 1).await.unwrap();
        registry::resident(&self.db, page[0].id).await.unwrap()
    }
}

impl Resp {
    /// The case id of a redirect to a case page (`/cases/ID...`).
    pub fn case_id(&self) -> i64 {
        let loc = self
            .location
            .as_deref()
            .unwrap_or_else(|| panic!("no redirect: {}", self.body));
        loc.trim_start_matches("/cases/")
            .split('/')
            .next()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("not a case address: {loc}"))
    }
}

/// A file of a multipart form.
pub struct Part<'a> {
    pub field: &'a str,
    pub name: &'a str,
    /// The content type the uploader claims.
    pub claimed: &'a str,
    pub bytes: &'a [u8],
}

/// A multipart body of text fields and files, and its content type.
pub fn multipart(fields: &[(&str, &str)], files: &[Part<'_>]) -> (String, Vec<u8>) {
    let boundary = "QKTESTBOUNDARY";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .bytes(),
        );
    }
    for f in files {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\n\
                 Content-Type: {}\r\n\r\n",
                f.field, f.name, f.claimed
            )
            .bytes(),
        );
        body.extend_from_slice(f.bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The text between `start` and the next `end` after it.
pub fn between<'a>(body: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = body.find(start)? + start.len();
    let to = body[from..].find(end)? + from;
    Some(&body[from..to])
}

/// Declares `name::sqlite` and `name::postgres` around an async body taking the app.
#[macro_export]
macro_rules! both {
    ($name:ident, $body:path) => {
        both!($name, $body, quanke_web::WebSettings::default());
    };
    ($name:ident, $body:path, $settings:expr) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn sqlite() {
                if let Some(app) = App::start(Backend::Sqlite, $settings).await {
                    $body(&app).await;
                    app.finish().await;
                }
            }
            #[tokio::test]
            async fn postgres() {
                if let Some(app) = App::start(Backend::Postgres, $settings).await {
                    $body(&app).await;
                    app.finish().await;
                }
            }
        }
    };
}

/// Today's date in Beijing ("YYYY-MM-DD"), the day the application counts deadlines from.
pub fn beijing_today() -> String {
    let offset = time::UtcOffset::from_hms(8, 0, 0).unwrap();
    let d = time::OffsetDateTime::now_utc().to_offset(offset).date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// A "YYYY-MM-DD" day as the printed documents write it: "2026年12月5日".
pub fn document_date(day: &str) -> String {
    let part = |r: std::ops::Range<usize>| day[r].trim_start_matches('0').to_string();
    format!("{}年{}月{}日", &day[..4], part(5..7), part(8..10))
}

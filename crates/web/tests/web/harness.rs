//! Drives the real router in process with a cookie-keeping client, on a fresh database seeded
//! with the demo street.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use quanke_store::testing::TestDb;
use quanke_store::{Backend, Db};
use quanke_web::{AppState, WebSettings, router};
use std::collections::HashMap;
use tower::ServiceExt;

pub const PASSWORD: &str = quanke_web::demo::PASSWORD;

pub struct App {
    pub router: Router,
    pub db: Db,
    test_db: TestDb,
}

impl App {
    /// None when the backend is PostgreSQL and no test server is configured.
    pub async fn start(backend: Backend, settings: WebSettings) -> Option<App> {
        // Internal errors are logged, not shown; let a failing test print them.
        let _ = tracing_subscriber::fmt().with_test_writer().try_init();
        let test_db = TestDb::new(backend).await?;
        let db = test_db.db.clone();
        quanke_web::demo::ensure(&db).await.expect("seed demo");
        let router = router(AppState::new(db.clone(), settings));
        Some(App {
            router,
            db,
            test_db,
        })
    }

    pub fn client(&self) -> Client<'_> {
        Client {
            app: self,
            cookies: HashMap::new(),
        }
    }

    pub async fn finish(self) {
        self.test_db.finish().await;
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

    fn cookie_header(&self) -> String {
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

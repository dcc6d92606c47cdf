//! Issue 11 item 16: a portal application with ten scans, the server killed with SIGKILL while
//! it writes, on a real `quanke` process. After the restart there is no case or the case with
//! all ten scans, never a case with some of them; the resident's resubmission with the same
//! key ends with one case and all ten scans. Runs on SQLite, and on PostgreSQL when
//! QUANKE_TEST_PG names a server.
//!
//! Two moments are tried: the instant the case row becomes visible to another connection (a
//! case committed before its scans is caught there), and right after the request was sent.

use quanke_store::testing::TestDb;
use quanke_store::{Backend, Db, orgs};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const ITEM: &str = "MZ-DB01";
const CHOICE: &str = "kind=new&a_who=self&a_special=none";
const SCANS: usize = 10;
/// Each scan: ten of them stay under the portal's 10 MB limit.
const SCAN_BYTES: usize = 900 * 1024;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `quanke demo` (first time: creates the demo street) or `quanke serve` on the database.
fn start(cmd: &str, dir: &Path, url: &str) -> (Child, u16) {
    let port = free_port();
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("server.log"))
        .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_quanke"))
        .args([
            cmd,
            "--database",
            url,
            "--addr",
            &format!("127.0.0.1:{port}"),
        ])
        .current_dir(dir)
        .env_remove("QUANKE_CONFIG")
        .env_remove("QUANKE_DATABASE_URL")
        .env("QUANKE_LOG_LEVEL", "warn")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start quanke");
    let deadline = Instant::now() + Duration::from_secs(120);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "server exited: {}",
            std::fs::read_to_string(dir.join("server.log")).unwrap_or_default()
        );
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (child, port)
}

struct Reply {
    status: u16,
    head: String,
    body: String,
}

/// One HTTP/1.0 exchange (the server closes the connection after it).
fn exchange(port: u16, request: &[u8]) -> std::io::Result<Reply> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.write_all(request)?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok(Reply {
        status,
        head: head.to_string(),
        body: body.to_string(),
    })
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(&text[from..to])
}

/// A resident's filled-in form: the CSRF cookie and the form's idempotency key.
struct Form {
    csrf: String,
    key: String,
}

fn open_form(port: u16) -> Form {
    let path = format!("/portal/items/{ITEM}/apply?{CHOICE}&step=2");
    let r = exchange(
        port,
        format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").as_bytes(),
    )
    .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    let csrf = between(&r.head, "qk_csrf=", ";").expect("csrf cookie");
    let key = between(&r.body, "name=\"key\" value=\"", "\"").expect("form key");
    Form {
        csrf: csrf.to_string(),
        key: key.to_string(),
    }
}

/// A small valid PDF padded with comment lines to `SCAN_BYTES`.
fn scan(n: usize) -> Vec<u8> {
    let mut pdf = format!("%PDF-1.4\n% scan {n}\n").into_bytes();
    let line = format!("% {}\n", "x".repeat(1020));
    while pdf.len() + line.len() + 16 < SCAN_BYTES {
        pdf.extend(line.as_bytes());
    }
    pdf.extend(b"%%EOF\n");
    pdf
}

/// The multipart application with the ten scans, as the browser posts it.
fn application(form: &Form, community: i64) -> Vec<u8> {
    let b = "QKCRASHBOUNDARY";
    let mut body = Vec::new();
    let community = community.to_string();
    let fields = [
        ("kind", "new"),
        ("a_who", "self"),
        ("a_special", "none"),
        ("key", form.key.as_str()),
        ("has", "id-card"),
        ("has", "hukou"),
        ("has", "apply"),
        ("name", "李秀英"),
        ("phone", "13805712345"),
        ("community", community.as_str()),
    ];
    for (k, v) in fields {
        body.extend(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").bytes(),
        );
    }
    for n in 0..SCANS {
        body.extend(
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"files\"; \
                 filename=\"scan-{n}.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
            )
            .bytes(),
        );
        body.extend(scan(n));
        body.extend(b"\r\n");
    }
    body.extend(format!("--{b}--\r\n").bytes());
    let mut req = format!(
        "POST /portal/items/{ITEM}/apply?_csrf={} HTTP/1.0\r\nHost: 127.0.0.1\r\n\
         Cookie: qk_csrf={}\r\nContent-Type: multipart/form-data; boundary={b}\r\n\
         Content-Length: {}\r\n\r\n",
        form.csrf,
        form.csrf,
        body.len()
    )
    .into_bytes();
    req.extend(body);
    req
}

async fn scalar(db: &Db, sql: &'static str, key: &str) -> i64 {
    match db {
        Db::Sqlite(quanke_store::SqliteDb { pool: p, .. }) => {
            sqlx::query_scalar(sql).bind(key).fetch_one(p).await
        }
        Db::Pg(p) => sqlx::query_scalar(sql).bind(key).fetch_one(p).await,
    }
    .unwrap()
}

/// (cases with the key, scans on them).
async fn stored(db: &Db, key: &str) -> (i64, i64) {
    let cases = scalar(
        db,
        "SELECT COUNT(*) FROM cases WHERE idempotency_key = $1",
        key,
    )
    .await;
    let files = scalar(
        db,
        "SELECT COUNT(*) FROM case_files f JOIN cases c ON c.id = f.case_id \
         WHERE c.idempotency_key = $1",
        key,
    )
    .await;
    (cases, files)
}

/// When to kill the server during the application.
#[derive(Debug, Clone, Copy)]
enum Moment {
    /// The instant another connection sees the case row.
    CaseVisible,
    /// As soon as the whole request has been sent.
    RequestSent,
}

/// Sends the application and kills the server (SIGKILL) at `moment`.
async fn killed_during(
    db: &Db,
    server: &mut Child,
    port: u16,
    req: Vec<u8>,
    key: &str,
    moment: Moment,
) {
    let (sent, sent_rx) = mpsc::channel();
    let sender = std::thread::spawn(move || {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        // The server may die while reading: a broken pipe is the point of the test.
        let _ = s.write_all(&req);
        let _ = sent.send(());
        let mut answer = Vec::new();
        let _ = s.read_to_end(&mut answer);
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    match moment {
        Moment::RequestSent => sent_rx.recv().unwrap(),
        Moment::CaseVisible => {
            while stored(db, key).await.0 == 0 && !sender.is_finished() {
                assert!(Instant::now() < deadline, "the case never appeared");
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
    }
    server.kill().unwrap();
    server.wait().unwrap();
    sender.join().unwrap();
}

async fn crash_during_a_portal_application(backend: Backend) {
    let Some(t) = TestDb::new(backend).await else {
        eprintln!("skipped: PostgreSQL not configured");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (mut server, mut port) = start("demo", dir.path(), &t.url);
    let community = orgs::by_code(&t.db, "MYQ").await.unwrap().id;
    for moment in [Moment::CaseVisible, Moment::RequestSent] {
        let form = open_form(port);
        let req = application(&form, community);
        killed_during(&t.db, &mut server, port, req.clone(), &form.key, moment).await;
        let (cases, files) = stored(&t.db, &form.key).await;
        eprintln!("{backend:?} {moment:?}: after the kill {cases} case(s), {files} scan(s)");
        assert!(
            (cases, files) == (0, 0) || (cases, files) == (1, SCANS as i64),
            "{moment:?}: the kill left {cases} case(s) with {files} of {SCANS} scans"
        );
        (server, port) = start("serve", dir.path(), &t.url);
        let again = exchange(port, &req).unwrap();
        assert_eq!(again.status, 200, "{}", again.body);
        assert!(again.body.contains("申请已提交"), "{}", again.body);
        assert_eq!(
            stored(&t.db, &form.key).await,
            (1, SCANS as i64),
            "{moment:?}: the resubmission ends with one case and every scan"
        );
    }
    server.kill().unwrap();
    server.wait().unwrap();
    t.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    crash_during_a_portal_application(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    crash_during_a_portal_application(Backend::Postgres).await;
}

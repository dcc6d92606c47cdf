//! Pages through HTTP as a browser asks for them, for the page benchmarks (`registry-pages`,
//! `grid-pages`): sign in through the real login form, then a few clients ask a set of pages
//! in turn for a while, each request timed. A request that does not answer 200 stops the run:
//! a failing page is not a fast one.

use crate::http::{connect, encode};
use crate::percentile::print_table;
use anyhow::{Context, Result, bail};
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, SaltString};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::{Request, StatusCode};
use quanke_domain::Role;
use quanke_store::users::{self, NewUser};
use quanke_store::{Db, orgs};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub type Sender = SendRequest<Full<Bytes>>;

/// What a request answered.
pub struct Answer {
    pub status: StatusCode,
    pub cookies: Vec<String>,
    pub body: String,
}

pub async fn send(
    sender: &mut Sender,
    addr: &str,
    cookie: &str,
    method: &str,
    path: &str,
    form: Option<String>,
) -> Result<Answer> {
    let mut req = request(addr, cookie, method, path);
    if form.is_some() {
        req = req.header("content-type", "application/x-www-form-urlencoded");
    }
    exchange(
        sender,
        req.body(Full::new(Bytes::from(form.unwrap_or_default())))?,
    )
    .await
}

/// POSTs a JSON body with the session's CSRF token, as the phone's script does.
pub async fn post_json(
    sender: &mut Sender,
    addr: &str,
    cookie: &str,
    path: &str,
    json: String,
) -> Result<Answer> {
    let csrf = cookie
        .split("; ")
        .find_map(|c| c.strip_prefix("qk_csrf="))
        .unwrap_or_default();
    let req = request(addr, cookie, "POST", path)
        .header("content-type", "application/json")
        .header("x-csrf-token", csrf);
    exchange(sender, req.body(Full::new(Bytes::from(json)))?).await
}

fn request(addr: &str, cookie: &str, method: &str, path: &str) -> hyper::http::request::Builder {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header("host", addr);
    if cookie.is_empty() {
        req
    } else {
        req.header("cookie", cookie)
    }
}

async fn exchange(sender: &mut Sender, req: Request<Full<Bytes>>) -> Result<Answer> {
    sender.ready().await?;
    let resp = sender.send_request(req).await?;
    let status = resp.status();
    let cookies = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .map(str::to_string)
        .collect();
    let body = resp.into_body().collect().await?.to_bytes();
    Ok(Answer {
        status,
        cookies,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// Signs in through the login form (the CSRF cookie first, then the form echoing it); returns
/// the cookie header the account's pages are asked with.
pub async fn sign_in(addr: &str, username: &str, password: &str) -> Result<String> {
    let mut sender = connect(addr).await?;
    let form = send(&mut sender, addr, "", "GET", "/login", None).await?;
    let csrf = form
        .cookies
        .iter()
        .find(|c| c.starts_with("qk_csrf="))
        .context("the login form set no qk_csrf cookie")?
        .clone();
    let token = csrf.trim_start_matches("qk_csrf=");
    let body = format!(
        "_csrf={}&username={}&password={}",
        encode(token),
        encode(username),
        encode(password)
    );
    let done = send(&mut sender, addr, &csrf, "POST", "/login", Some(body)).await?;
    let session = done
        .cookies
        .iter()
        .find(|c| c.starts_with("qk_session="))
        .with_context(|| format!("{username} not signed in: {} {}", done.status, done.body))?;
    Ok(format!("{csrf}; {session}"))
}

/// One kind of page: its label, whose cookie, and the paths asked in turn.
pub struct Probe {
    pub label: String,
    pub cookie: String,
    pub paths: Vec<String>,
}

pub async fn get(sender: &mut Sender, addr: &str, cookie: &str, path: &str) -> Result<String> {
    let a = send(sender, addr, cookie, "GET", path, None).await?;
    if a.status != StatusCode::OK {
        bail!("{path}: {} {}", a.status, a.body);
    }
    Ok(a.body)
}

async fn client(
    addr: String,
    probes: Arc<Vec<Probe>>,
    offset: usize,
    until: Instant,
) -> Result<Vec<(usize, Duration)>> {
    let mut sender = connect(&addr).await?;
    let mut out = Vec::new();
    let mut i = offset;
    while Instant::now() < until {
        let k = i % probes.len();
        let p = &probes[k];
        let path = &p.paths[(i / probes.len()) % p.paths.len()];
        let t = Instant::now();
        get(&mut sender, &addr, &p.cookie, path).await?;
        out.push((k, t.elapsed()));
        i += 1;
    }
    Ok(out)
}

/// `clients` clients ask the probes' pages in turn for `seconds`; prints p50/p99/max per probe.
pub async fn load(addr: &str, probes: Vec<Probe>, clients: usize, seconds: f64) -> Result<()> {
    let probes = Arc::new(probes);
    let until = Instant::now() + Duration::from_secs_f64(seconds);
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let offset = c * probes.len() / clients.max(1);
            tokio::spawn(client(addr.to_string(), probes.clone(), offset, until))
        })
        .collect();
    let mut by_kind: BTreeMap<usize, Vec<Duration>> = BTreeMap::new();
    for t in tasks {
        for (k, d) in t.await?? {
            by_kind.entry(k).or_default().push(d);
        }
    }
    print_table("page", by_kind, |k| probes[k].label.to_string());
    Ok(())
}

/// A benchmark account of `role` in the org with code `org_code`, signing in with `password`;
/// the existing one when a filled database already has it. Returns its id.
pub async fn account(
    db: &Db,
    username: &str,
    role: Role,
    org_code: &str,
    password: &str,
) -> Result<i64> {
    let salt = SaltString::from_b64("YmVuY2htYXJrcGFnZXM").map_err(|e| anyhow::anyhow!("{e}"))?;
    let hash = Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .to_string();
    let org = orgs::by_code(db, org_code)
        .await
        .with_context(|| format!("org {org_code}: fill the database with registry-search"))?;
    let u = NewUser {
        username,
        display_name: username,
        password_hash: &hash,
        role,
        org_id: org.id,
        community_id: org.community_id,
        must_change_password: false,
    };
    match users::create(db, &u, 1_795_824_000).await {
        Ok(id) => Ok(id),
        Err(quanke_store::StoreError::Conflict(_)) => {
            Ok(users::by_username(db, username).await?.id)
        }
        Err(e) => Err(e.into()),
    }
}

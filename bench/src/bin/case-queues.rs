//! Latency of the case queues and case search through the JSON API at district scale (issue
//! #13): every kind of list a worker opens, first and deep pages, by a few concurrent clients,
//! with p50/p99/max per kind. Starts nothing itself; run it against a server whose database
//! `case-base` grew, with the tokens `case-base` printed.
//!
//! ```text
//! case-queues URL --tokens FILE [--clients 4] [--seconds 20] [--deep 40]
//!     [--samples FILE]
//! ```
//!
//! `--samples FILE` also writes every request as "start_ms client latency_ms label", to tell
//! a slow plan (one label slow whenever asked) from a stall (every client slow at one moment).
//!
//! Kinds: the queues (mine, team, unassigned, due soon, overdue), a state, an item, a date
//! range, a number prefix, an applicant name, a phone, the whole list and its page `--deep`
//! pages in (reached by following `next` before the clock starts), for the back-office worker
//! and the head of the big community (200,000 cases) and of an ordinary one, and the street
//! admin. A request that does not answer 200 stops the run: a failing list is not a fast one.

use anyhow::{Context, Result, bail};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::{Request, StatusCode};
use quanke_bench::http::{connect, encode, host_port};
use quanke_bench::percentile::print_table;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Args {
    addr: String,
    tokens: String,
    clients: usize,
    seconds: f64,
    deep: usize,
    samples: Option<String>,
}

fn args() -> Result<Args> {
    let mut it = std::env::args().skip(1);
    let url = it.next().context(
        "usage: case-queues URL --tokens FILE [--clients N] [--seconds D] [--deep PAGES] [--samples FILE]",
    )?;
    let addr = host_port(&url)?;
    let mut a = Args {
        addr,
        tokens: String::new(),
        clients: 4,
        seconds: 20.0,
        deep: 40,
        samples: None,
    };
    while let Some(flag) = it.next() {
        let value = it.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--tokens" => a.tokens = value,
            "--clients" => a.clients = value.parse().context("--clients")?,
            "--seconds" => a.seconds = value.parse().context("--seconds")?,
            "--deep" => a.deep = value.parse().context("--deep")?,
            "--samples" => a.samples = Some(value),
            other => bail!("unknown option {other}"),
        }
    }
    if a.tokens.is_empty() {
        bail!("--tokens FILE is required (the lines case-base printed)");
    }
    Ok(a)
}

/// One kind of request: its label, whose token, and the path.
#[derive(Clone)]
struct Probe {
    label: String,
    token: String,
    path: String,
}

type Sender = SendRequest<Empty<Bytes>>;

async fn get(sender: &mut Sender, addr: &str, token: &str, path: &str) -> Result<Value> {
    let req = Request::get(path)
        .header("host", addr)
        .header("authorization", format!("Bearer {token}"))
        .body(Empty::new())?;
    sender.ready().await?;
    let resp = sender.send_request(req).await?;
    let status = resp.status();
    let body = resp.into_body().collect().await?.to_bytes();
    if status != StatusCode::OK {
        bail!("{path}: {status} {}", String::from_utf8_lossy(&body));
    }
    Ok(serde_json::from_slice(&body)?)
}

/// The probes of one caller (`who`), the deep page found by walking `next`.
async fn probes_of(a: &Args, who: &str, token: &str) -> Result<Vec<Probe>> {
    let mut sender = connect(&a.addr).await?;
    let first = get(&mut sender, &a.addr, token, "/api/v1/cases?limit=20").await?;
    let some = first["cases"]
        .as_array()
        .and_then(|c| c.first())
        .cloned()
        .context("the caller sees no case")?;
    let number = some["number"].as_str().unwrap_or_default();
    let prefix: String = number
        .chars()
        .take(number.len().saturating_sub(5))
        .collect();
    let item = some["item_code"].as_str().unwrap_or_default().to_string();
    let name: String = some["applicant_name"]
        .as_str()
        .unwrap_or_default()
        .chars()
        .take(1)
        .collect();
    let mut paths: Vec<(&str, String)> = vec![
        ("all, first page", "/api/v1/cases?limit=20".into()),
        ("mine", "/api/v1/cases?queue=mine&limit=20".into()),
        ("team", "/api/v1/cases?queue=team&limit=20".into()),
        (
            "unassigned",
            "/api/v1/cases?queue=unassigned&limit=20".into(),
        ),
        ("due soon", "/api/v1/cases?queue=due_soon&limit=20".into()),
        ("overdue", "/api/v1/cases?queue=overdue&limit=20".into()),
        (
            "state in_progress",
            "/api/v1/cases?state=in_progress&limit=20".into(),
        ),
        (
            "state delivered",
            "/api/v1/cases?state=delivered&limit=20".into(),
        ),
        ("item", format!("/api/v1/cases?item_code={item}&limit=20")),
        (
            "date range",
            "/api/v1/cases?received_from=2025-03-01&received_to=2025-03-31&limit=20".into(),
        ),
        (
            "number prefix",
            format!("/api/v1/cases?number={prefix}&limit=20"),
        ),
        (
            "applicant name",
            format!("/api/v1/cases?applicant_name={}&limit=20", encode(&name)),
        ),
        ("phone", "/api/v1/cases?phone=13800000000&limit=20".into()),
        (
            "sorted by received",
            "/api/v1/cases?sort=received&limit=20".into(),
        ),
    ];
    let mut path = "/api/v1/cases?limit=20".to_string();
    for _ in 0..a.deep {
        let page = get(&mut sender, &a.addr, token, &path).await?;
        let Some(next) = page["next"].as_str() else {
            break;
        };
        path = format!("/api/v1/cases?limit=20&after={}", encode(next));
    }
    paths.push(("all, deep page", path));
    Ok(paths
        .into_iter()
        .map(|(label, path)| Probe {
            label: format!("{who}: {label}"),
            token: token.to_string(),
            path,
        })
        .collect())
}

/// One request: which probe, when it started, how long it took.
struct Sample {
    probe: usize,
    start: Instant,
    took: Duration,
}

async fn client(
    addr: String,
    probes: Arc<Vec<Probe>>,
    offset: usize,
    until: Instant,
) -> Result<Vec<Sample>> {
    let mut sender = connect(&addr).await?;
    let mut out = Vec::new();
    let mut i = offset;
    while Instant::now() < until {
        let p = &probes[i % probes.len()];
        let start = Instant::now();
        get(&mut sender, &addr, &p.token, &p.path).await?;
        out.push(Sample {
            probe: i % probes.len(),
            start,
            took: start.elapsed(),
        });
        i += 1;
    }
    Ok(out)
}

/// Every request, in the order they started, for `--samples`.
fn write_samples(
    path: &str,
    began: Instant,
    per_client: &[Vec<Sample>],
    probes: &[Probe],
) -> Result<()> {
    let mut rows: Vec<(Duration, usize, &Sample)> = per_client
        .iter()
        .enumerate()
        .flat_map(|(c, samples)| samples.iter().map(move |s| (s.start - began, c, s)))
        .collect();
    rows.sort_by_key(|r| r.0);
    let mut text = String::new();
    for (at, c, s) in rows {
        text.push_str(&format!(
            "{:.1} {c} {:.2} {}\n",
            at.as_secs_f64() * 1e3,
            s.took.as_secs_f64() * 1e3,
            probes[s.probe].label
        ));
    }
    std::fs::write(path, text).with_context(|| path.to_string())
}

#[tokio::main]
async fn main() -> Result<()> {
    let a = args()?;
    let text = std::fs::read_to_string(&a.tokens).with_context(|| a.tokens.clone())?;
    let mut probes = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let (who, token) = line.split_once(' ').context("a line is ROLE TOKEN")?;
        probes.extend(probes_of(&a, who, token.trim()).await?);
    }
    let probes = Arc::new(probes);
    let began = Instant::now();
    let until = began + Duration::from_secs_f64(a.seconds);
    let tasks: Vec<_> = (0..a.clients)
        .map(|c| {
            let offset = c * probes.len() / a.clients.max(1);
            tokio::spawn(client(a.addr.clone(), probes.clone(), offset, until))
        })
        .collect();
    let mut per_client = Vec::new();
    for t in tasks {
        per_client.push(t.await??);
    }
    if let Some(path) = &a.samples {
        write_samples(path, began, &per_client, &probes)?;
    }
    let mut by_kind: BTreeMap<usize, Vec<Duration>> = BTreeMap::new();
    for s in per_client.iter().flatten() {
        by_kind.entry(s.probe).or_default().push(s.took);
    }
    print_table("list", by_kind, |k| probes[k].label.to_string());
    Ok(())
}

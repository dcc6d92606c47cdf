//! Load generator for case intake through the JSON API. Starts nothing itself: it hits a running
//! server with N concurrent keep-alive clients for D seconds, each creating cases with
//! `POST /api/v1/cases` (bearer token, a unique Idempotency-Key per case), and reports cases/s
//! and latency percentiles. Every acknowledged (2xx) case number is written to a file, for the
//! crash test to compare with what the database kept.
//!
//! ```text
//! case-create URL --token TOKEN [--clients 16] [--seconds 10] [--out FILE] [--item MZ-GL80]
//! ```
//!
//! The body: 高龄津贴申领 (MZ-GL80), outcome accept, every material brought. A request that fails
//! (connection refused or reset, 5xx, time-out) is retried with the same key until it is
//! answered or time is up, as a careful client would; the key guarantees no second case. Each
//! request is bounded by a 10 s time-out and the whole run by D seconds plus that.

use anyhow::{Context, Result, bail};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::{Request, StatusCode};
use quanke_bench::http::{connect, host_port};
use quanke_bench::percentile::percentile;
use serde_json::{Value, json};
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
const RETRY_PAUSE: Duration = Duration::from_millis(50);

struct Args {
    addr: String,
    token: String,
    clients: usize,
    seconds: f64,
    out: Option<String>,
    item: String,
}

fn args() -> Result<Args> {
    let mut it = std::env::args().skip(1);
    let url = it
        .next()
        .context("usage: case-create URL --token TOKEN [--clients N] [--seconds D] [--out FILE] [--item CODE]")?;
    let addr = host_port(&url)?;
    let mut a = Args {
        addr,
        token: std::env::var("QUANKE_TOKEN").unwrap_or_default(),
        clients: 16,
        seconds: 10.0,
        out: None,
        item: "MZ-GL80".into(),
    };
    while let Some(flag) = it.next() {
        let value = it.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--token" => a.token = value,
            "--clients" => a.clients = value.parse().context("--clients")?,
            "--seconds" => a.seconds = value.parse().context("--seconds")?,
            "--out" => a.out = Some(value),
            "--item" => a.item = value,
            other => bail!("unknown option {other}"),
        }
    }
    if a.token.is_empty() {
        bail!("give --token TOKEN (or QUANKE_TOKEN): quanke api token add USERNAME");
    }
    if a.clients == 0 || !(a.seconds > 0.0 && a.seconds <= 3600.0) {
        bail!("--clients must be ≥ 1 and --seconds in (0, 3600]");
    }
    Ok(a)
}

/// What one client did.
#[derive(Default)]
struct Tally {
    created: u64,
    /// 200: the key had been seen (a retry after a lost answer).
    replayed: u64,
    /// Connection failures, time-outs and 5xx, each retried.
    errors: u64,
    /// 4xx: the request itself was refused (a bug in the benchmark or the data).
    refused: u64,
    latencies: Vec<Duration>,
    numbers: Vec<String>,
    first_refusal: Option<String>,
}

struct Shared {
    addr: String,
    token: String,
    body: Bytes,
    run: String,
    deadline: Instant,
}

async fn send(
    sender: &mut SendRequest<Full<Bytes>>,
    s: &Shared,
    key: &str,
) -> Result<(StatusCode, Bytes)> {
    let req = Request::post("/api/v1/cases")
        .header("host", &s.addr)
        .header("authorization", format!("Bearer {}", s.token))
        .header("content-type", "application/json")
        .header("idempotency-key", key)
        .body(Full::new(s.body.clone()))?;
    sender.ready().await?;
    let resp = sender.send_request(req).await?;
    let status = resp.status();
    let body = resp.into_body().collect().await?.to_bytes();
    Ok((status, body))
}

async fn client(id: usize, s: Arc<Shared>) -> Tally {
    let mut t = Tally::default();
    let mut sender: Option<SendRequest<Full<Bytes>>> = None;
    let mut seq = 0u64;
    'cases: while Instant::now() < s.deadline {
        seq += 1;
        let key = format!("{}-{id}-{seq}", s.run);
        // Until this key is answered: a lost answer is retried with the same key.
        loop {
            if Instant::now() >= s.deadline {
                break 'cases;
            }
            let conn = match sender.as_mut() {
                Some(c) => c,
                None => match connect(&s.addr).await {
                    Ok(c) => sender.insert(c),
                    Err(_) => {
                        t.errors += 1;
                        tokio::time::sleep(RETRY_PAUSE).await;
                        continue;
                    }
                },
            };
            let started = Instant::now();
            let got = tokio::time::timeout(REQUEST_TIMEOUT, send(conn, &s, &key)).await;
            let elapsed = started.elapsed();
            match got {
                Ok(Ok((status, body))) if status.is_success() => {
                    t.latencies.push(elapsed);
                    if status == StatusCode::CREATED {
                        t.created += 1;
                    } else {
                        t.replayed += 1;
                    }
                    let v: Value = serde_json::from_slice(&body).unwrap_or_default();
                    if let Some(n) = v["case"]["number"].as_str() {
                        t.numbers.push(n.to_string());
                    }
                    continue 'cases;
                }
                Ok(Ok((status, body))) if status.is_client_error() => {
                    t.refused += 1;
                    if t.first_refusal.is_none() {
                        t.first_refusal =
                            Some(format!("{status}: {}", String::from_utf8_lossy(&body)));
                    }
                    continue 'cases;
                }
                Ok(Ok(_)) => {
                    t.errors += 1;
                }
                Ok(Err(_)) | Err(_) => {
                    t.errors += 1;
                    sender = None;
                    tokio::time::sleep(RETRY_PAUSE).await;
                }
            }
        }
    }
    t
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let a = args()?;
    let body = json!({
        "item_code": a.item,
        "answers": { "who": ["self"] },
        "materials": { "id-card": "brought", "hukou": "brought", "card": "brought" },
        // A case needs an identified applicant: a valid ID number (not registered, so unlinked).
        "applicant_id_number": "330105196001010026",
        "applicant_name": "压测居民",
        "applicant_phone": "13800000000",
        "outcome": "accept",
    });
    let run = format!(
        "bench-{}",
        SystemTime::now().duration_since(UNIX_EPOCH)?.as_micros()
    );
    let started = Instant::now();
    let shared = Arc::new(Shared {
        addr: a.addr.clone(),
        token: a.token.clone(),
        body: Bytes::from(body.to_string()),
        run,
        deadline: started + Duration::from_secs_f64(a.seconds),
    });
    let tasks: Vec<_> = (0..a.clients)
        .map(|i| tokio::spawn(client(i, shared.clone())))
        .collect();
    let mut all = Tally::default();
    for task in tasks {
        let t = task.await?;
        all.created += t.created;
        all.replayed += t.replayed;
        all.errors += t.errors;
        all.refused += t.refused;
        all.latencies.extend(t.latencies);
        all.numbers.extend(t.numbers);
        if all.first_refusal.is_none() {
            all.first_refusal = t.first_refusal;
        }
    }
    let wall = started.elapsed().as_secs_f64();
    all.latencies.sort();
    let ms = |p: f64| percentile(&all.latencies, p).as_secs_f64() * 1000.0;
    let acknowledged = all.created + all.replayed;
    println!(
        "clients {}, {:.1} s: {} created, {} replayed, {} errors (retried), {} refused",
        a.clients, wall, all.created, all.replayed, all.errors, all.refused
    );
    println!(
        "throughput {:.0} cases/s; latency p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        acknowledged as f64 / wall,
        ms(50.0),
        ms(90.0),
        ms(99.0),
        ms(100.0)
    );
    // One line for scripts (bench/cases/run.sh).
    println!(
        "summary created={} replayed={} errors={} refused={} rate={:.0} p50_ms={:.2} p99_ms={:.2}",
        all.created,
        all.replayed,
        all.errors,
        all.refused,
        acknowledged as f64 / wall,
        ms(50.0),
        ms(99.0)
    );
    if let Some(r) = &all.first_refusal {
        println!("first refusal: {r}");
    }
    if let Some(path) = &a.out {
        let mut f = std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("cannot write {path}"))?,
        );
        for n in &all.numbers {
            writeln!(f, "{n}")?;
        }
        f.flush()?;
        println!("acknowledged case numbers: {} → {path}", all.numbers.len());
    }
    Ok(())
}

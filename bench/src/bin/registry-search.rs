//! Registry search latency at scale: `registry-search DATABASE_URL RESIDENTS [QUERIES]`.
//!
//! Fills an empty database with RESIDENTS synthetic residents (ten communities of four grids,
//! written through the import path in one transaction), or reuses a database filled earlier
//! (the sample of people to look for is kept beside it), then times every kind of search the
//! desk uses, for a street-wide searcher and for a grid worker, and prints p50/p99/max per kind.
//!
//! `cargo run --release -p quanke-bench --bin registry-search -- sqlite:/tmp/reg.db 1000000`

use anyhow::{Context, Result, bail};
use quanke_bench::percentile::percentile;
use quanke_bench::registry::{Sample, sample_path};
use quanke_domain::OrgPath;
use quanke_domain::registry::{Query, classify};
use quanke_store::{Db, orgs, registry};
use std::time::{Duration, Instant};

/// As in the `quanke` binary, whose allocator these benchmarks stand in for.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (url, residents, queries) = match args.as_slice() {
        [url, n] => (url.clone(), n.parse()?, 2_000),
        [url, n, q] => (url.clone(), n.parse()?, q.parse()?),
        _ => bail!("usage: registry-search DATABASE_URL RESIDENTS [QUERIES]"),
    };
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    let sample = match Sample::load(&sample_path(&url))? {
        Some(s) if s.residents == residents => {
            println!("reusing the {residents} residents already in {url}");
            s
        }
        Some(_) => bail!("the database holds another number of residents; use a fresh one"),
        None => {
            let started = Instant::now();
            let s = quanke_bench::registry::populate(&db, residents).await?;
            s.save(&sample_path(&url))?;
            println!(
                "filled {residents} residents in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            s
        }
    };
    let street = orgs::by_code(&db, quanke_bench::registry::STREET_CODE)
        .await?
        .path;
    let grid = orgs::by_code(&db, &quanke_bench::registry::grid_code(0, 0))
        .await?
        .path;
    println!("kind\tscope\tqueries\tp50 ms\tp99 ms\tmax ms\tmean hits\tslowest (ms)");
    for (kind, make) in kinds() {
        let texts: Vec<String> = sample.people.iter().take(queries).map(make).collect();
        report(&db, kind, "street", &texts, &street).await?;
        if matches!(kind, "initials" | "address" | "name") {
            report(&db, kind, "grid", &texts, &grid).await?;
        }
    }
    db.close().await;
    Ok(())
}

type Make = fn(&quanke_bench::registry::Person) -> String;

fn kinds() -> Vec<(&'static str, Make)> {
    vec![
        ("id", |p| p.id_number.clone()),
        ("id_tail4", |p| p.id_number[14..].to_string()),
        ("id_tail6", |p| p.id_number[12..].to_string()),
        ("name", |p| p.name.clone()),
        ("surname", |p| p.name.chars().take(1).collect()),
        ("initials", |p| p.initials.clone()),
        ("phone", |p| p.phone.clone()),
        ("address", |p| p.address_fragment.clone()),
    ]
}

async fn report(
    db: &Db,
    kind: &str,
    scope: &str,
    texts: &[String],
    within: &OrgPath,
) -> Result<()> {
    let mut timed = Vec::with_capacity(texts.len());
    let mut hits = 0usize;
    for text in texts.iter().filter(|t| !t.is_empty()) {
        let query = query_for(kind, text).with_context(|| format!("{kind}: {text}"))?;
        let started = Instant::now();
        hits += registry::search(db, &query, within, 20).await?.len();
        timed.push((started.elapsed(), text.as_str()));
    }
    timed.sort();
    let slowest: Vec<String> = timed
        .iter()
        .rev()
        .take(3)
        .map(|(d, t)| format!("{t} {:.1}", ms(*d)))
        .collect();
    let times: Vec<Duration> = timed.iter().map(|(d, _)| *d).collect();
    let pct = |p: f64| ms(percentile(&times, p));
    println!(
        "{kind}\t{scope}\t{}\t{:.2}\t{:.2}\t{:.2}\t{:.1}\t{}",
        times.len(),
        pct(50.0),
        pct(99.0),
        ms(*times.last().unwrap_or(&Duration::ZERO)),
        hits as f64 / times.len().max(1) as f64,
        slowest.join(", ")
    );
    Ok(())
}

/// The query the search box would make; a surname alone is a name search.
fn query_for(kind: &str, text: &str) -> Option<Query> {
    match kind {
        "surname" | "name" => Some(Query::Name(text.to_string())),
        "address" => Some(Query::Address(text.to_string())),
        _ => classify(text),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

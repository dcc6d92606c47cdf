//! Search latency in process: `search-latency [N] [EVAL.tsv] [CATALOGUE_DIR]` builds a 2,000-item
//! catalogue from the demo items, then times N (default 20,000) queries one by one and prints
//! the build time and per-query p50/p95/p99/max.

use anyhow::{Context, Result};
use quanke_bench::catalogue::{self, Catalogue};
use quanke_bench::percentile::percentile;
use quanke_bench::{eval, synthetic, workload};
use quanke_search::SearchIndex;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const ITEMS: usize = 2_000;
const LIMIT: usize = 10;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .map(|a| a.parse())
        .transpose()
        .context("N must be a number")?
        .unwrap_or(20_000);
    let tsv = args
        .next()
        .map_or_else(workload::default_eval, PathBuf::from);
    let dir = args.next().map_or_else(catalogue::demo_dir, PathBuf::from);

    let demo = Catalogue::load_dir(&dir)?;
    let items = synthetic::grow(&demo.items, ITEMS);
    let queries = workload::queries(&eval::load(&tsv)?);

    let started = Instant::now();
    let index = SearchIndex::build(&items, &demo.policies)?;
    let build = started.elapsed();

    // Warm-up: first touches of the index and allocator are not what a server sees.
    for q in &queries {
        black_box(index.search(q, LIMIT));
    }
    let mut samples: Vec<Duration> = Vec::with_capacity(n);
    for q in queries.iter().cycle().take(n) {
        let t = Instant::now();
        black_box(index.search(black_box(q), LIMIT));
        samples.push(t.elapsed());
    }
    samples.sort_unstable();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "{} items ({} demo), {} policies; build {:.0} ms",
        items.len(),
        demo.items.len(),
        demo.policies.len(),
        build.as_secs_f64() * 1e3
    );
    println!(
        "{n} searches over {} distinct queries (limit {LIMIT}): p50 {:.0} µs, p95 {:.0} µs, p99 {:.0} µs, max {:.0} µs",
        queries.len(),
        us(percentile(&samples, 50.0)),
        us(percentile(&samples, 95.0)),
        us(percentile(&samples, 99.0)),
        us(percentile(&samples, 100.0))
    );
    Ok(())
}

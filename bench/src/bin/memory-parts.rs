//! Where the server's memory goes at idle: resident memory after each part the server holds
//! is made (the demo catalogue's search index, built as the server builds it), with the system
//! allocator so that `heaptrack` can attribute it.
//!
//!   memory-parts [CATALOGUE_DIR]          default: the demo catalogue
//!   heaptrack memory-parts && heaptrack_print heaptrack.memory-parts.*.zst | less

use anyhow::Result;
use quanke_bench::catalogue::{Catalogue, demo_dir};
use quanke_search::SearchIndex;
use std::path::PathBuf;

/// This process's resident set (kB), from /proc.
fn resident_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn report(step: &str, before: u64) -> u64 {
    let now = resident_kb();
    println!(
        "{step:<40} resident {:>7.1} MB  (+{:.1} MB)",
        now as f64 / 1024.0,
        now.saturating_sub(before) as f64 / 1024.0
    );
    now
}

fn main() -> Result<()> {
    let dir = std::env::args().nth(1).map_or_else(demo_dir, PathBuf::from);
    let start = report("start", 0);
    let catalogue = Catalogue::load_dir(&dir)?;
    let loaded = report("catalogue files parsed", start);
    let index = SearchIndex::build(&catalogue.items, &catalogue.policies)?;
    let built = report("search index built", loaded);
    let hits = index.search("低保怎么申请", 10).len();
    report(&format!("after one search ({hits} hits)"), built);
    let again = SearchIndex::build(&catalogue.items, &catalogue.policies)?;
    let rebuilt = report("a second index (a publication's rebuild)", built);
    drop(again);
    report("the second index dropped", rebuilt);
    Ok(())
}

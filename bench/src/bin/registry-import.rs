//! The registry import benchmark: `registry-import LEDGER.xlsx DATABASE_URL [--dry-run]`.
//!
//! Creates the street of the benchmark ledger (see `registry-ledger`) in a fresh database and
//! imports the whole file into its first community with `Commit::Valid`, exactly as
//! `quanke registry import --commit valid` does; prints rows, seconds, rows/s and the peak
//! resident memory of the process (VmHWM).
//!
//! `cargo run --release -p quanke-bench --bin registry-import -- /tmp/ledger.xlsx sqlite:/tmp/imp.db`

use anyhow::{Result, bail};
use quanke_bench::registry::{GRIDS, STREET_CODE, communities, community_code, grid_code};
use quanke_import::{Commit, Options, Target};
use quanke_store::{Db, orgs};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

const NOW: i64 = 1_795_824_000;

/// As in the `quanke` binary, whose allocator these benchmarks stand in for. Built with
/// `--features system-alloc`, the system's allocator instead, so that heaptrack (which hooks
/// malloc) sees every allocation.
#[cfg(not(feature = "system-alloc"))]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (ledger, url, commit) = match args.as_slice() {
        [l, u] => (PathBuf::from(l), u.clone(), Commit::Valid),
        [l, u, flag] if flag == "--dry-run" => (PathBuf::from(l), u.clone(), Commit::DryRun),
        _ => bail!("usage: registry-import LEDGER.xlsx DATABASE_URL [--dry-run]"),
    };
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    let street = orgs::create_street(&db, STREET_CODE, "湖墅街道", NOW).await?;
    let community = &communities()[0];
    let org = orgs::create_child(&db, &street, &community_code(0), &community.name, NOW).await?;
    for g in 0..GRIDS {
        orgs::create_child(&db, &org, &grid_code(0, g), &community.grids[g], NOW).await?;
    }
    let target = Target::resolve(&db, Some(&community_code(0)))
        .await
        .map_err(anyhow::Error::msg)?;
    let opts = Options {
        commit,
        report: std::env::temp_dir().join("registry-import-report.xlsx"),
        mapping: Default::default(),
        today: time::macros::date!(2026 - 11 - 28),
        now: NOW,
        actor: "bench".into(),
        actor_id: None,
        ip: String::new(),
        area: target.community.path.clone(),
        file_name: ledger.display().to_string(),
    };
    let started = Instant::now();
    let outcome = quanke_import::run(&db, &ledger, &target, &opts, Arc::new(|_| {})).await?;
    let seconds = started.elapsed().as_secs_f64();
    db.close().await;
    println!(
        "rows {} valid {} invalid {} warnings {} written {:?}",
        outcome.rows, outcome.valid, outcome.invalid, outcome.warnings, outcome.written
    );
    println!(
        "{:.1} s, {:.0} rows/s, peak RSS {} MB",
        seconds,
        outcome.rows as f64 / seconds,
        peak_rss_kb() / 1024
    );
    Ok(())
}

/// The process's peak resident set (VmHWM), in kB.
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

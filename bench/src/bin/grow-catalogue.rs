//! Writes a catalogue file of N items (the demo items plus deterministic variants) to stdout,
//! for loading a realistic large catalogue into a server:
//! `cargo run --release -p quanke-bench --bin grow-catalogue -- 2000 > catalogue.json`

use anyhow::{Context, Result};
use quanke_bench::catalogue::{Catalogue, demo_dir};
use quanke_bench::synthetic::grow;
use quanke_domain::catalogue::{CatalogueFile, Entry, FORMAT};

fn main() -> Result<()> {
    let total: usize = std::env::args()
        .nth(1)
        .context("usage: grow-catalogue N")?
        .parse()
        .context("N must be a number")?;
    let demo = Catalogue::load_dir(&demo_dir())?;
    let items = grow(&demo.items, total)
        .into_iter()
        .map(|item| Entry {
            effective_from: "2025-01-01".into(),
            change_note: "首次发布".into(),
            item,
        })
        .collect();
    let file = CatalogueFile {
        format: FORMAT.into(),
        policies: demo.policies,
        items,
    };
    print!("{}", file.to_canonical_json());
    Ok(())
}

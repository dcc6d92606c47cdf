//! Ad-hoc look-ups while maintaining the dictionary: `search-query QUERY…` searches the demo
//! catalogue (or the directory in `QUANKE_CATALOGUE`) and prints each hit with its reasons.

use anyhow::Result;
use quanke_bench::catalogue::{self, Catalogue};
use quanke_search::SearchIndex;
use std::path::PathBuf;

fn main() -> Result<()> {
    let dir = std::env::var_os("QUANKE_CATALOGUE").map_or_else(catalogue::demo_dir, PathBuf::from);
    let demo = Catalogue::load_dir(&dir)?;
    let index = SearchIndex::build(&demo.items, &demo.policies)?;
    for query in std::env::args().skip(1) {
        println!("{query}");
        for hit in index.search(&query, 5) {
            println!(
                "  {:7.2} {} {} | {}",
                hit.score,
                hit.code,
                hit.name,
                hit.why.join("；")
            );
        }
        for hit in index.search_policies(&query, 2) {
            println!(
                "  {:7.2} 政策 {} {} | {}",
                hit.score,
                hit.number,
                hit.title,
                hit.why.join("；")
            );
        }
    }
    Ok(())
}

//! Benchmarks and their data generators.
//!
//! - `search-eval`: search quality against a resident-style evaluation set (`search-eval.tsv`),
//!   and the same for a plain character-overlap ranking (`--baseline`).
//! - `search-latency`: per-query latency percentiles over a 2,000-item catalogue.
//! - `cargo bench --bench search`: the same workload under criterion.
//! - `registry-ledger`, `registry-read`, `registry-import`, `registry-search`: the residents
//!   registry's import and search at a million people.

pub mod baseline;
pub mod catalogue;
pub mod eval;
pub mod http;
pub mod pages;
pub mod percentile;
pub mod registry;
pub mod synthetic;
pub mod workload;

//! Benchmarks and their data generators.
//!
//! - `search-eval`: search quality against a resident-style evaluation set (`search-eval.tsv`).
//! - `search-latency`: per-query latency percentiles over a 2,000-item catalogue.
//! - `cargo bench --bench search`: the same workload under criterion.

pub mod catalogue;
pub mod eval;
pub mod percentile;
pub mod synthetic;
pub mod workload;

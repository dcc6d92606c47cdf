//! The query mix timed by the latency benchmarks: every evaluation query (colloquial, long
//! sentences, typos, pinyin) plus short official names and junk, as a search box receives them.

use crate::eval::Case;
use std::path::{Path, PathBuf};

/// Queries a search box also receives that the evaluation set does not score.
const EXTRA: [&str; 8] = [
    "低保",
    "居住证",
    "社保卡",
    "sbk",
    "shebaoka",
    "残疾人证",
    "？？",
    "asdfghjkl",
];

pub fn queries(cases: &[Case]) -> Vec<String> {
    cases
        .iter()
        .map(|c| c.query.clone())
        .chain(EXTRA.iter().map(|q| q.to_string()))
        .collect()
}

/// `bench/search-eval.tsv`.
pub fn default_eval() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("search-eval.tsv")
}

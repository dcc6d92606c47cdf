//! Search quality: `search-eval EVAL.tsv CATALOGUE.json…` prints the top-1 and top-3 hit rates
//! and every query whose right answer is not in the top three.

use anyhow::{Result, bail};
use quanke_bench::catalogue::Catalogue;
use quanke_bench::eval;
use quanke_search::SearchIndex;
use std::collections::HashSet;
use std::path::PathBuf;

fn main() -> Result<()> {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [tsv, files @ ..] = args.as_slice() else {
        bail!("usage: search-eval EVAL.tsv CATALOGUE.json…");
    };
    if files.is_empty() {
        bail!("usage: search-eval EVAL.tsv CATALOGUE.json…");
    }
    let cases = eval::load(tsv)?;
    let catalogue = Catalogue::load(files)?;
    let index = SearchIndex::build(&catalogue.items, &catalogue.policies)?;
    let known: HashSet<&str> = catalogue.items.iter().map(|i| i.code.as_str()).collect();
    let report = eval::evaluate(&index, &cases, &known);

    for miss in &report.misses {
        let rank = miss
            .rank
            .map_or("not in top 10".to_owned(), |r| format!("rank {r}"));
        println!(
            "MISS {} → {} ({rank})",
            miss.case.query,
            miss.case.accept.join(",")
        );
        for hit in &miss.top {
            println!(
                "     {:.2} {} {} | {}",
                hit.score,
                hit.code,
                hit.name,
                hit.why.join("；")
            );
        }
    }
    if !report.unknown_codes.is_empty() {
        println!(
            "codes not in the catalogue: {}",
            report.unknown_codes.join(", ")
        );
    }
    println!(
        "{} items, {} policies, {} queries: top-1 {}/{} = {:.1} %, top-3 {}/{} = {:.1} %",
        catalogue.items.len(),
        catalogue.policies.len(),
        report.cases,
        report.top1,
        report.cases,
        report.top1_rate(),
        report.top3,
        report.cases,
        report.top3_rate()
    );
    Ok(())
}

//! Search quality: `search-eval EVAL.tsv CATALOGUE.json…` prints the top-1 and top-3 hit rates,
//! the mean reciprocal rank and how often an out-of-scope question was answered "not found";
//! and every query whose right answer is not in the top three, and every out-of-scope question
//! answered with an item.

use anyhow::{Result, bail};
use quanke_bench::baseline::Overlap;
use quanke_bench::catalogue::Catalogue;
use quanke_bench::eval;
use quanke_search::SearchIndex;
use std::collections::HashSet;
use std::path::PathBuf;

const USAGE: &str = "usage: search-eval [--baseline] [--near] EVAL.tsv CATALOGUE.json…";

fn main() -> Result<()> {
    let mut args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let baseline = take_flag(&mut args, "--baseline");
    // Also the questions answered second or third.
    let near = take_flag(&mut args, "--near");
    let [tsv, files @ ..] = args.as_slice() else {
        bail!("{USAGE}");
    };
    if files.is_empty() {
        bail!("{USAGE}");
    }
    let cases = eval::load(tsv)?;
    let catalogue = Catalogue::load(files)?;
    let known: HashSet<&str> = catalogue.items.iter().map(|i| i.code.as_str()).collect();
    let report = if baseline {
        let overlap = Overlap::new(&catalogue.items);
        eval::evaluate(|q, n| overlap.search(q, n), &cases, &known)
    } else {
        let index = SearchIndex::build(&catalogue.items, &catalogue.policies)?;
        eval::evaluate(|q, n| index.search(q, n), &cases, &known)
    };

    let near_misses = report.near_misses.iter().filter(|_| near);
    for miss in report.misses.iter().chain(near_misses) {
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
    for (case, first) in &report.wrongly_found {
        println!(
            "FOUND {} (out of scope) → {:.2} ({:.2} sure) {} {}",
            case.query, first.score, first.confidence, first.code, first.name
        );
    }
    if !report.unknown_codes.is_empty() {
        println!(
            "codes not in the catalogue: {}",
            report.unknown_codes.join(", ")
        );
    }
    println!(
        "{} items, {} policies, {} queries: top-1 {}/{} = {:.1} %, top-3 {}/{} = {:.1} %, MRR {:.3}",
        catalogue.items.len(),
        catalogue.policies.len(),
        report.cases,
        report.top1,
        report.cases,
        report.top1_rate(),
        report.top3,
        report.cases,
        report.top3_rate(),
        report.mrr()
    );
    println!(
        "answered (right first and sure of it) {}/{} = {:.1} %",
        report.answered,
        report.cases,
        report.answered_rate()
    );
    println!(
        "sure of the first item (p10 / p25 / p50 / p75 / p90): right {}; out of scope {}",
        spread(&report.sure_when_right),
        spread(&report.sure_when_out_of_scope)
    );
    if report.out_of_scope > 0 {
        println!(
            "{} out-of-scope questions: answered \"not found\" {}/{} = {:.1} %",
            report.out_of_scope,
            report.said_not_found,
            report.out_of_scope,
            report.not_found_rate()
        );
    }
    Ok(())
}

fn spread(values: &[f32]) -> String {
    let mut v = values.to_vec();
    v.sort_by(f32::total_cmp);
    if v.is_empty() {
        return "-".into();
    }
    [0.1, 0.25, 0.5, 0.75, 0.9]
        .iter()
        .map(|q| format!("{:.2}", v[((v.len() - 1) as f64 * q).round() as usize]))
        .collect::<Vec<_>>()
        .join(" / ")
}

/// Removes `flag` from the arguments; whether it was there.
fn take_flag(args: &mut Vec<PathBuf>, flag: &str) -> bool {
    let before = args.len();
    args.retain(|a| a.as_os_str() != flag);
    args.len() < before
}

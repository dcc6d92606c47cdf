//! Percentiles of measured durations, and the table the load generators print.

use std::collections::BTreeMap;
use std::time::Duration;

/// Nearest-rank percentile (`p` in 0..=100) of sorted samples.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Prints a Markdown table of p50, p99 and max per kind of request (`label` names a kind),
/// then the same over every request.
pub fn print_table(
    heading: &str,
    by_kind: BTreeMap<usize, Vec<Duration>>,
    label: impl Fn(usize) -> String,
) {
    let row = |name: &str, sorted: &[Duration]| {
        println!(
            "| {name} | {} | {:.1} ms | {:.1} ms | {:.1} ms |",
            sorted.len(),
            ms(percentile(sorted, 50.0)),
            ms(percentile(sorted, 99.0)),
            ms(*sorted.last().unwrap_or(&Duration::ZERO)),
        );
    };
    println!("| {heading} | n | p50 | p99 | max |\n|---|---|---|---|---|");
    let mut all: Vec<Duration> = Vec::new();
    for (kind, mut ds) in by_kind {
        ds.sort();
        all.extend(&ds);
        row(&label(kind), &ds);
    }
    all.sort();
    row("**all**", &all);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&samples, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&samples, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&samples, 100.0), Duration::from_millis(100));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }
}

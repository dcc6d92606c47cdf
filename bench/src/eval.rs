//! The search-quality evaluation: resident-style queries, each with the item codes that would
//! be a right answer, scored as top-1 and top-3 hit rates and the mean reciprocal rank; and
//! questions no item answers (`-` for codes), scored by how often the search says it found
//! nothing: no item, or none it is sure enough of to give as the answer.

use anyhow::{Context, Result, bail};
use quanke_search::Hit;
use std::collections::HashSet;

/// One line of the evaluation set: `query<TAB>code[,code…]`, or `query<TAB>-` for a question
/// no item of the catalogue answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub query: String,
    /// Empty for a question out of the catalogue's scope.
    pub accept: Vec<String>,
}

impl Case {
    pub fn out_of_scope(&self) -> bool {
        self.accept.is_empty()
    }
}

/// Parses the TSV; `#` lines and blank lines are ignored.
pub fn parse(text: &str) -> Result<Vec<Case>> {
    let mut cases = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((query, codes)) = line.split_once('\t') else {
            bail!("line {}: expected `query<TAB>codes`", n + 1);
        };
        let accept: Vec<String> = codes
            .split(',')
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty() && c != OUT_OF_SCOPE)
            .collect();
        if query.trim().is_empty() || (accept.is_empty() && codes.trim() != OUT_OF_SCOPE) {
            bail!(
                "line {}: a query and at least one code (or `{OUT_OF_SCOPE}`) are needed",
                n + 1
            );
        }
        cases.push(Case {
            query: query.trim().to_owned(),
            accept,
        });
    }
    Ok(cases)
}

/// The codes of a question no item answers.
const OUT_OF_SCOPE: &str = "-";

pub fn load(path: &std::path::Path) -> Result<Vec<Case>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    parse(&text).with_context(|| format!("parsing {}", path.display()))
}

/// A case the search did not answer first.
#[derive(Debug)]
pub struct Miss {
    pub case: Case,
    /// Rank of the first acceptable code (1-based), if found within `DEPTH`.
    pub rank: Option<usize>,
    pub top: Vec<Hit>,
}

#[derive(Debug, Default)]
pub struct Report {
    /// Questions some item answers.
    pub cases: usize,
    pub top1: usize,
    pub top3: usize,
    /// How sure the search was of its first item, when it was right, and for out-of-scope
    /// questions (to set the line between an answer and a near miss).
    pub sure_when_right: Vec<f32>,
    pub sure_when_out_of_scope: Vec<f32>,
    /// Right first and sure enough to be given as the answer (not as a near miss).
    pub answered: usize,
    /// The sum of 1 / rank of the first right answer within `DEPTH` (0 when not found).
    pub reciprocal_ranks: f64,
    /// Not within the top three.
    pub misses: Vec<Miss>,
    /// Second or third.
    pub near_misses: Vec<Miss>,
    /// Questions no item answers, and how many of them the search answered with nothing.
    pub out_of_scope: usize,
    pub said_not_found: usize,
    /// The out-of-scope questions answered with items, with the first of them.
    pub wrongly_found: Vec<(Case, Hit)>,
    /// Codes named by the evaluation set that the catalogue does not have.
    pub unknown_codes: Vec<String>,
}

impl Report {
    pub fn top1_rate(&self) -> f64 {
        rate(self.top1, self.cases)
    }

    pub fn top3_rate(&self) -> f64 {
        rate(self.top3, self.cases)
    }

    pub fn answered_rate(&self) -> f64 {
        rate(self.answered, self.cases)
    }

    pub fn mrr(&self) -> f64 {
        if self.cases == 0 {
            0.0
        } else {
            self.reciprocal_ranks / self.cases as f64
        }
    }

    pub fn not_found_rate(&self) -> f64 {
        rate(self.said_not_found, self.out_of_scope)
    }
}

fn rate(n: usize, of: usize) -> f64 {
    if of == 0 {
        0.0
    } else {
        100.0 * n as f64 / of as f64
    }
}

/// How far down the list to look for a miss's right answer.
const DEPTH: usize = 10;

/// Scores `search` (a question and a limit → hits, best first) on `cases`.
pub fn evaluate(
    search: impl Fn(&str, usize) -> Vec<Hit>,
    cases: &[Case],
    known_codes: &HashSet<&str>,
) -> Report {
    let mut report = Report::default();
    for case in cases {
        for code in &case.accept {
            if !known_codes.contains(code.as_str()) && !report.unknown_codes.contains(code) {
                report.unknown_codes.push(code.clone());
            }
        }
        let hits = search(&case.query, DEPTH);
        if case.out_of_scope() {
            report.out_of_scope += 1;
            if let Some(first) = hits.first() {
                report.sure_when_out_of_scope.push(first.confidence);
            }
            match hits.into_iter().next().filter(Hit::answers) {
                None => report.said_not_found += 1,
                Some(first) => report.wrongly_found.push((case.clone(), first)),
            }
            continue;
        }
        report.cases += 1;
        let rank = hits.iter().position(|h| case.accept.contains(&h.code));
        if let Some(r) = rank {
            report.reciprocal_ranks += 1.0 / (r + 1) as f64;
        }
        if rank == Some(0) {
            report.sure_when_right.push(hits[0].confidence);
            report.answered += usize::from(hits[0].answers());
        }
        if rank == Some(0) {
            report.top1 += 1;
            report.top3 += 1;
            continue;
        }
        let miss = Miss {
            case: case.clone(),
            rank: rank.map(|r| r + 1),
            top: hits.into_iter().take(3).collect(),
        };
        if matches!(rank, Some(1 | 2)) {
            report.top3 += 1;
            report.near_misses.push(miss);
        } else {
            report.misses.push(miss);
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_queries_and_code_lists() {
        let cases = parse("# 注释\n社保卡丢了\tSB-01, SB-02\n\n低保\tMZ-DB\n天气\t-\n").unwrap();
        assert_eq!(cases.len(), 3);
        assert_eq!(cases[0].accept, vec!["SB-01", "SB-02"]);
        assert!(!cases[1].out_of_scope());
        assert!(cases[2].out_of_scope());
        assert!(parse("没有编码\n").is_err());
        assert!(parse("没有编码\t\n").is_err());
    }
}

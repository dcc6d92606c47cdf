//! From weighted terms to one tantivy query: per piece of evidence, the best of its matches;
//! across evidence, the sum (OR).

use crate::analyze::Term as QueryTerm;
use crate::fields::Part;
use crate::term_weights::TermWeights;
use tantivy::query::{BooleanQuery, DisjunctionMaxQuery, Occur, Query};

/// How much a piece of evidence's lesser matches add to its best one.
const TIE_BREAKER: f32 = 0.2;
/// A sub-word (“证明” of “婚育证明”) is weaker evidence than the whole word.
const SUB_WORD: f32 = 0.5;

/// The query for `terms` over `parts`, or `None` when no term occurs in the index.
/// `weights` knows every indexed (token, part) pair, so tantivy is asked only about pairs that
/// exist.
pub(crate) fn build(
    terms: &[QueryTerm],
    parts: &[Part],
    weights: &TermWeights,
) -> Option<BooleanQuery> {
    let mut groups: Vec<(&str, Vec<Box<dyn Query>>)> = Vec::new();
    for term in terms {
        let disjuncts = disjuncts(term, parts, weights);
        match groups
            .iter_mut()
            .find(|(evidence, _)| *evidence == term.evidence())
        {
            Some((_, group)) => group.extend(disjuncts),
            None => groups.push((term.evidence(), disjuncts)),
        }
    }
    // One clause per piece of evidence (a typed word with everything read into it: its meanings,
    // its corrections), so a saying with four meanings, or a phrase with many sub-words, counts
    // once, while matching in several parts (name and keywords) still counts for something.
    let clauses: Vec<(Occur, Box<dyn Query>)> = groups
        .into_iter()
        .filter(|(_, disjuncts)| !disjuncts.is_empty())
        .map(|(_, disjuncts)| {
            let best = DisjunctionMaxQuery::with_tie_breaker(disjuncts, TIE_BREAKER);
            (Occur::Should, Box::new(best) as Box<dyn Query>)
        })
        .collect();
    (!clauses.is_empty()).then(|| BooleanQuery::new(clauses))
}

/// A term query for each of the term's tokens in each part that holds it somewhere, boosted by
/// the part, the term's weight, and whether the token is the whole term or a part of it.
fn disjuncts(term: &QueryTerm, parts: &[Part], weights: &TermWeights) -> Vec<Box<dyn Query>> {
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    for token in &term.tokens {
        let whole = if *token == term.phrase { 1.0 } else { SUB_WORD };
        for &part in parts {
            let boost = part.boost() * term.weight * whole;
            if let Some(query) = weights.query(token, part, boost) {
                out.push(Box::new(query));
            }
        }
    }
    out
}

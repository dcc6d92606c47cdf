//! Term queries whose BM25 weights are worked out once, when the index is built.
//!
//! tantivy's `TermQuery` works its term's weight out again on every search: the document
//! frequency (a dictionary lookup), the field's average length, a 256-entry table of length
//! factors and an explanation in strings. A question here asks about a few hundred (token, part)
//! pairs of an index that never changes, and that work was a good share of a search. A weight
//! depends only on the part and the document frequency, so each such pair is worked out once and
//! shared; the scores are the numbers tantivy's own term queries give.

use crate::fields::Part;
use crate::writer::TokenParts;
use std::collections::HashMap;
use std::fmt;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TantivyError, Term};

/// The weight of every (token, part) pair the index holds.
pub(crate) struct TermWeights {
    /// Each part's tantivy field, by `Part as usize`.
    fields: Vec<Field>,
    /// Each token's document frequency in each part, by `Part as usize`; 0 where it is absent.
    frequencies: HashMap<String, [u32; Part::ALL.len()]>,
    /// One weight per part and document frequency, shared by the tokens that have it.
    weights: HashMap<(usize, u32), Bm25Weight>,
}

impl TermWeights {
    /// Looks every token of `vocabulary` up once in each part that holds it.
    pub(crate) fn build(
        searcher: &Searcher,
        fields: &[Field],
        vocabulary: &TokenParts,
    ) -> tantivy::Result<TermWeights> {
        // As tantivy counts them for BM25: every document slot of every segment.
        let docs: u64 = searcher
            .segment_readers()
            .iter()
            .map(|r| u64::from(r.max_doc()))
            .sum();
        let mut average = [0.0; Part::ALL.len()];
        for part in Part::ALL {
            let tokens: u64 = searcher
                .segment_readers()
                .iter()
                .map(|r| {
                    r.inverted_index(fields[part as usize])
                        .map(|i| i.total_num_tokens())
                })
                .sum::<tantivy::Result<u64>>()?;
            average[part as usize] = tokens as Score / docs as Score;
        }
        let mut out = TermWeights {
            fields: fields.to_vec(),
            frequencies: HashMap::with_capacity(vocabulary.len()),
            weights: HashMap::new(),
        };
        for (token, &mask) in vocabulary {
            let mut by_part = [0; Part::ALL.len()];
            for part in Part::ALL.into_iter().filter(|p| mask & p.bit() != 0) {
                let n = part as usize;
                let term = Term::from_field_text(fields[n], token);
                let frequency = u32::try_from(searcher.doc_freq(&term)?).unwrap_or(u32::MAX);
                by_part[n] = frequency;
                out.weights.entry((n, frequency)).or_insert_with(|| {
                    Bm25Weight::for_one_term_without_explain(frequency.into(), docs, average[n])
                });
            }
            out.frequencies.insert(token.clone(), by_part);
        }
        Ok(out)
    }

    /// The query for `token` in `part`, scaled by `boost`; `None` when the part never holds the
    /// token.
    pub(crate) fn query(&self, token: &str, part: Part, boost: Score) -> Option<WeightedTerm> {
        let frequency = self.frequencies.get(token)?[part as usize];
        let weight = self.weights.get(&(part as usize, frequency))?;
        (frequency > 0).then(|| WeightedTerm {
            term: Term::from_field_text(self.fields[part as usize], token),
            weight: weight.clone(),
            boost,
        })
    }
}

/// A term scored by BM25 with a weight worked out in advance, times a boost.
#[derive(Clone)]
pub(crate) struct WeightedTerm {
    term: Term,
    weight: Bm25Weight,
    boost: Score,
}

impl fmt::Debug for WeightedTerm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WeightedTerm({:?}^{})", self.term, self.boost)
    }
}

impl Query for WeightedTerm {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        visitor(&self.term, false);
    }
}

impl WeightedTerm {
    /// The term's scorer in one segment, or `None` where the segment lacks the term.
    fn term_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Option<TermScorer>> {
        let field = self.term.field();
        let index = reader.inverted_index(field)?;
        let Some(info) = index.get_term_info(&self.term)? else {
            return Ok(None);
        };
        let postings = index.read_postings_from_terminfo(&info, IndexRecordOption::WithFreqs)?;
        let norms = reader.get_fieldnorms_reader(field)?;
        // The same order of products as tantivy's boost query around a term query.
        let weight = self.weight.boost_by(boost * self.boost);
        Ok(Some(TermScorer {
            postings,
            norms,
            weight,
        }))
    }
}

/// BM25 over one term's postings, as tantivy's own term scorer computes it (which tantivy does
/// not let other crates build).
struct TermScorer {
    postings: SegmentPostings,
    norms: FieldNormReader,
    weight: Bm25Weight,
}

impl DocSet for TermScorer {
    fn advance(&mut self) -> DocId {
        self.postings.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.seek(target)
    }

    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    fn size_hint(&self) -> u32 {
        self.postings.size_hint()
    }
}

impl Scorer for TermScorer {
    fn score(&mut self) -> Score {
        let norm = self.norms.fieldnorm_id(self.doc());
        self.weight.score(norm, self.postings.term_freq())
    }
}

impl Weight for WeightedTerm {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.term_scorer(reader, boost)? {
            Some(scorer) => Box::new(scorer),
            None => Box::new(tantivy::query::EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let not_found = || TantivyError::InvalidArgument(format!("document {doc} does not match"));
        let mut scorer = self.term_scorer(reader, 1.0)?.ok_or_else(not_found)?;
        if scorer.doc() > doc || scorer.seek(doc) != doc {
            return Err(not_found());
        }
        let norm = scorer.norms.fieldnorm_id(doc);
        Ok(scorer.weight.explain(norm, scorer.postings.term_freq()))
    }
}

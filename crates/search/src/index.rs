//! The index itself: built in RAM from items and policies, searched with one OR-ed BM25 query of
//! weighted terms over boosted fields.

use crate::analyze::{Analyzer, Origin, Term as QueryTerm};
use crate::confidence;
use crate::error::SearchError;
use crate::explain;
use crate::fields::Part;
use crate::grams::{self, Grams};
use crate::lexicon::{self, Dictionary};
use crate::phonetic::Phonetic;
use crate::qualifiers::{Narrowing, Qualifiers};
use crate::query;
use crate::segment::Segmenter;
use crate::term_weights::TermWeights;
use crate::writer::{self, TokenParts, Written};
use quanke_domain::catalogue::{Policy, ServiceItem};
use std::collections::HashMap;
use tantivy::collector::TopDocs;

/// One item found, with the reasons it was found (in Chinese, strongest first).
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub code: String,
    pub name: String,
    pub line: String,
    pub score: f32,
    /// The share of the question this item accounts for (0 to 1); below
    /// [`ANSWERS_FROM`](crate::ANSWERS_FROM) it is a near miss, not an answer.
    pub confidence: f32,
    pub why: Vec<String>,
}

impl Hit {
    /// Whether the item answers the question rather than only coming near it.
    pub fn answers(&self) -> bool {
        self.confidence >= crate::confidence::ANSWERS_FROM
    }
}

/// One policy document found.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyHit {
    pub number: String,
    pub title: String,
    pub score: f32,
    pub why: Vec<String>,
}

struct ItemEntry {
    code: String,
    name: String,
    line: String,
}

struct PolicyEntry {
    number: String,
    title: String,
}

/// How many items each ranking proposes for fusion.
const POOL: usize = 30;
/// How much the character pairs of a phrase read into the question (a meaning, a correction)
/// count beside the pairs typed, on top of the phrase's own weight.
const READ_PAIRS: f32 = 0.3;
/// How much more an item weighs whose line the question names (`names_line`). Set on the
/// official catalogue's two tuning sets and the demo set (1.2 to 1.3 alike).
const LINE_NAMED: f32 = 1.25;
/// Terms at least this strong can name a line (lone characters cannot).
const STRONG: f32 = 0.5;

/// The catalogue search index. Immutable once built; share it behind an `Arc` and build a new one
/// after an edit.
pub struct SearchIndex {
    analyzer: Analyzer,
    written: Written,
    items: Vec<ItemEntry>,
    policies: Vec<PolicyEntry>,
    /// Every indexed token with the parts that hold it in some document.
    vocabulary: TokenParts,
    /// The BM25 weight of each (token, part) pair of `vocabulary`.
    weights: TermWeights,
    /// Lower-cased item code → item, for a query that is a code.
    codes: HashMap<String, usize>,
    /// The items' character pairs, the second ranking.
    grams: Grams,
    qualifiers: Qualifiers,
    /// Each item's narrowing words (`qualifiers`), by entry.
    narrowings: Vec<Vec<Narrowing>>,
}

impl SearchIndex {
    /// Indexes the current version of each item and every policy.
    pub fn build(items: &[ServiceItem], policies: &[Policy]) -> Result<SearchIndex, SearchError> {
        let dictionary = Dictionary::shipped()?;
        let segmenter = Segmenter::new(dictionary.words().chain(catalogue_words(items)));
        let written = writer::write(&segmenter, items, policies)?;
        let vocabulary = union(written.items.iter().chain(&written.policies));
        let phonetic = Phonetic::new(sound_vocabulary(&dictionary, items, &written.items));
        let held = vocabulary.keys().cloned().collect();
        let weights = TermWeights::build(&written.searcher, &written.fields, &vocabulary)?;
        let analyzer = Analyzer::new(segmenter, dictionary, phonetic, lexicon::stopwords(), held);
        let qualifiers = Qualifiers::shipped();
        Ok(SearchIndex {
            analyzer,
            written,
            items: items.iter().map(ItemEntry::of).collect(),
            policies: policies.iter().map(PolicyEntry::of).collect(),
            vocabulary,
            weights,
            grams: Grams::build(items),
            narrowings: items.iter().map(|i| qualifiers.in_name(&i.name)).collect(),
            qualifiers,
            codes: items
                .iter()
                .enumerate()
                .map(|(n, i)| (i.code.to_lowercase(), n))
                .collect(),
        })
    }

    /// Items in rank order; an empty or meaningless query finds nothing. The word ranking and
    /// the character ranking each propose `POOL` items; their fusion decides the order.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let terms = self.analyzer.analyze(query);
        let mut words = self.top(&terms, &Part::ITEM, POOL.max(limit));
        words.retain(|&(_, entry)| entry < self.items.len());
        let read: Vec<(&str, f32)> = terms
            .iter()
            .filter(|t| t.origin != Origin::Typed)
            .map(|t| (t.phrase.as_str(), t.weight * READ_PAIRS))
            .collect();
        let grams = self.grams.rank(query, &read, POOL.max(limit));
        let content = self.analyzer.content_words(query);
        let question = confidence::Question::new(&content, &terms);
        let mut hits: Vec<Hit> = self
            .narrowed(grams::fuse(&words, &grams), &terms)
            .into_iter()
            .take(limit)
            .map(|(entry, score)| {
                let doc = &self.written.items[entry];
                let mut why = explain::reasons(&terms, doc, &Part::ITEM);
                if why.is_empty() {
                    let run = self.grams.longest_run(query, entry);
                    why.extend(run.map(|run| format!("字面相近：“{run}”")));
                }
                let held = |word: &str| self.grams.share_held(word, entry);
                let confidence = question.confidence(doc, held);
                self.items[entry].hit(score, confidence, why)
            })
            .collect();
        if let Some(hit) = self.by_code(query, hits.first().map_or(1.0, |h| h.score)) {
            hits.retain(|h| h.code != hit.code);
            hits.insert(0, hit);
            hits.truncate(limit);
        }
        hits
    }

    /// The fused ranking with each item's narrowings the question did not ask for counted
    /// against it (`qualifiers`), and the line the question names counted for it.
    fn narrowed(&self, fused: Vec<(usize, f32)>, terms: &[QueryTerm]) -> Vec<(usize, f32)> {
        let asking = self.qualifiers.asking(terms);
        let line_words = line_words(terms, &self.vocabulary);
        let mut out: Vec<(usize, f32)> = fused
            .into_iter()
            .map(|(entry, score)| {
                let name = &self.items[entry].name;
                let kept = self.qualifiers.kept(name, &self.narrowings[entry], &asking);
                let line = names_line(&self.written.items[entry], &line_words);
                (entry, score * kept * if line { LINE_NAMED } else { 1.0 })
            })
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }

    /// Policy documents in rank order.
    pub fn search_policies(&self, query: &str, limit: usize) -> Vec<PolicyHit> {
        let terms = self.analyzer.analyze(query);
        self.top(&terms, &Part::POLICY, limit)
            .into_iter()
            .filter_map(|(score, entry)| {
                let n = entry.checked_sub(self.items.len())?;
                let policy = self.policies.get(n)?;
                let why = explain::reasons(&terms, &self.written.policies[n], &Part::POLICY);
                Some(PolicyHit {
                    number: policy.number.clone(),
                    title: policy.title.clone(),
                    score,
                    why,
                })
            })
            .collect()
    }

    /// The best `limit` entries for `terms` over `parts`.
    fn top(&self, terms: &[QueryTerm], parts: &[Part], limit: usize) -> Vec<(f32, usize)> {
        let Some(query) = query::build(terms, parts, &self.weights) else {
            return Vec::new();
        };
        if limit == 0 {
            return Vec::new();
        }
        // A RAM index of immutable segments has nothing left to fail on; an error finds nothing.
        let collector = TopDocs::with_limit(limit).order_by_score();
        let found = self
            .written
            .searcher
            .search(&query, &collector)
            .unwrap_or_default();
        found
            .into_iter()
            .filter_map(|(score, address)| Some((score, self.written.entry(address)?)))
            .collect()
    }

    /// The item whose code is the whole query, ranked first.
    fn by_code(&self, query: &str, top_score: f32) -> Option<Hit> {
        let item = &self.items[*self.codes.get(&query.trim().to_lowercase())?];
        let why = vec![format!("事项编码“{}”", item.code)];
        Some(item.hit(top_score, 1.0, why))
    }
}

impl ItemEntry {
    fn of(item: &ServiceItem) -> ItemEntry {
        ItemEntry {
            code: item.code.clone(),
            name: item.name.clone(),
            line: item.line.clone(),
        }
    }

    fn hit(&self, score: f32, confidence: f32, why: Vec<String>) -> Hit {
        Hit {
            code: self.code.clone(),
            name: self.name.clone(),
            line: self.line.clone(),
            score,
            confidence,
            why,
        }
    }
}

impl PolicyEntry {
    fn of(policy: &Policy) -> PolicyEntry {
        PolicyEntry {
            number: policy.number.clone(),
            title: policy.title.clone(),
        }
    }
}

/// The question's words (not lone characters) that are some item's line: 户口 means 户籍, 医保,
/// 残联.
fn line_words<'t>(terms: &'t [QueryTerm], vocabulary: &TokenParts) -> Vec<&'t str> {
    terms
        .iter()
        .filter(|t| t.weight >= STRONG)
        .flat_map(|t| &t.tokens)
        .filter(|token| {
            vocabulary
                .get(*token)
                .is_some_and(|m| m & Part::Line.bit() != 0)
        })
        .map(String::as_str)
        .collect()
}

/// Whether one of the question's line words is the item's line. Every item of a line holds it,
/// so BM25 counts it for little; but a question about an adopted child's 户口 is asked of the
/// police's 收养 item, not of 民政's.
fn names_line(doc: &TokenParts, line_words: &[&str]) -> bool {
    line_words
        .iter()
        .any(|word| doc.get(*word).is_some_and(|m| m & Part::Line.bit() != 0))
}

/// The items' own words for themselves, which the segmenter should keep whole.
fn catalogue_words(items: &[ServiceItem]) -> impl Iterator<Item = &str> {
    items
        .iter()
        .flat_map(|i| i.keywords.iter().chain(&i.synonyms))
        .map(String::as_str)
}

fn union<'a>(docs: impl Iterator<Item = &'a TokenParts>) -> TokenParts {
    let mut all = TokenParts::new();
    for doc in docs {
        for (token, parts) in doc {
            *all.entry(token.clone()).or_default() |= parts;
        }
    }
    all
}

/// The words a homophone or pinyin may stand for: the dictionary and domain words, and each
/// item's name, name words, keywords and synonyms.
fn sound_vocabulary<'a>(
    dictionary: &'a Dictionary,
    items: &'a [ServiceItem],
    tokens: &'a [TokenParts],
) -> Vec<&'a str> {
    let mut words: Vec<&str> = dictionary.words().collect();
    for word in lexicon::domain_words() {
        words.push(word);
    }
    for (item, tokens) in items.iter().zip(tokens) {
        words.push(&item.name);
        words.extend(catalogue_words(std::slice::from_ref(item)));
        let mut name_words: Vec<&str> = tokens
            .iter()
            .filter(|(_, parts)| *parts & Part::Name.bit() != 0)
            .map(|(t, _)| t.as_str())
            .collect();
        // Sorted so that the index is the same from one build to the next.
        name_words.sort_unstable();
        words.extend(name_words);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::Origin;

    #[test]
    fn a_strong_term_found_in_the_line_names_it() {
        let doc: TokenParts = [
            ("户籍".to_string(), Part::Line.bit()),
            ("收养".to_string(), Part::Name.bit()),
        ]
        .into();
        let term = |phrase: &str, weight| QueryTerm {
            phrase: phrase.into(),
            tokens: vec![phrase.into()],
            weight,
            origin: Origin::Typed,
        };
        let names = |terms: &[QueryTerm]| names_line(&doc, &line_words(terms, &doc));
        assert!(names(&[term("收养", 1.0), term("户籍", 0.9)]));
        assert!(!names(&[term("收养", 1.0)]));
        assert!(!names(&[term("户籍", 0.3)]), "a lone character");
        let other: TokenParts = [("民政".to_string(), Part::Line.bit())].into();
        assert!(!names_line(&other, &line_words(&[term("户籍", 1.0)], &doc)));
    }
}

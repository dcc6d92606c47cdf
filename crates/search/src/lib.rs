//! Catalogue search that understands how residents speak.
//!
//! A [`SearchIndex`] is a derived artefact: it is built in RAM from the catalogue's items and
//! policies (at start and after every edit) and is never the source of truth. A query is read the
//! way a resident writes it: segmented with jieba, widened with the colloquial dictionary
//! (`data/synonyms.txt`), corrected for homophone typos and pinyin, and the resulting terms are
//! OR-ed into one BM25 query with per-field boosts. Every hit says, in Chinese, why it matched.
//!
//! The shipped word lists, each documented at its top:
//! - `data/synonyms.txt`: how residents say things → the catalogue's words (one group a line);
//! - `data/words.txt`: domain words jieba must keep whole (高龄津贴, 居住证, 社保卡…);
//! - `data/stopwords.txt`: filler words a query drops (怎么办, 请问…);
//! - `data/qualifiers.txt`: name words that narrow an item to a case (补领, 注销, 证明…) and the
//!   cues that ask for it;
//! - `data/jieba-dict.txt`: the general vocabulary jieba segments with (see `data/jieba-dict.md`).

mod analyze;
mod confidence;
mod error;
mod explain;
mod fields;
mod grams;
mod index;
mod lexicon;
mod normalize;
mod phonetic;
mod qualifiers;
mod query;
mod segment;
mod term_weights;
mod writer;

pub use confidence::ANSWERS_FROM;
pub use error::SearchError;
pub use index::{Hit, PolicyHit, SearchIndex};

#[cfg(test)]
mod tests;

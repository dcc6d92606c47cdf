//! Writing the tantivy index: one pre-tokenised field per part, so every text is segmented once
//! and its tokens are kept to explain hits.

use crate::error::SearchError;
use crate::fields::Part;
use crate::segment::Segmenter;
use quanke_domain::catalogue::{Policy, ServiceItem};
use std::collections::HashMap;
use tantivy::schema::{FAST, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{PreTokenizedString, Token};
use tantivy::{DocAddress, Index, IndexWriter, ReloadPolicy, Searcher, TantivyDocument};

/// A document's tokens, each with the parts (bits of [`Part::bit`]) that hold it.
pub(crate) type TokenParts = HashMap<String, u16>;

/// The fast field that leads a tantivy document back to its item or policy.
const ENTRY: &str = "entry";
/// Large enough that a catalogue is written as one segment, which keeps search simple and fast.
const WRITER_MEMORY: usize = 64 * 1024 * 1024;

/// The written index and what was learnt writing it.
pub(crate) struct Written {
    pub searcher: Searcher,
    /// The tantivy field of each part, indexed by `Part as usize`.
    pub fields: Vec<Field>,
    /// Tokens of each item, in the order given.
    pub items: Vec<TokenParts>,
    /// Tokens of each policy, in the order given.
    pub policies: Vec<TokenParts>,
    /// Segment ordinal → document id → entry (items first, then policies).
    entries: Vec<Vec<u32>>,
}

impl Written {
    /// The entry (item number, or item count + policy number) of a tantivy document.
    pub(crate) fn entry(&self, address: DocAddress) -> Option<usize> {
        let segment = self.entries.get(address.segment_ord as usize)?;
        segment.get(address.doc_id as usize).map(|&e| e as usize)
    }
}

/// Indexes items then policies in RAM.
pub(crate) fn write(
    segmenter: &Segmenter,
    items: &[ServiceItem],
    policies: &[Policy],
) -> Result<Written, SearchError> {
    let (schema, fields, entry_field) = schema();
    let index = Index::create_in_ram(schema);
    let mut out = DocWriter {
        writer: index.writer_with_num_threads(1, WRITER_MEMORY)?,
        segmenter,
        fields: &fields,
        entry_field,
        next_entry: 0,
    };
    let items = items
        .iter()
        .map(|item| out.add(&Part::ITEM, |part| part.item_texts(item)))
        .collect::<Result<Vec<_>, _>>()?;
    let policies = policies
        .iter()
        .map(|policy| out.add(&Part::POLICY, |part| part.policy_texts(policy)))
        .collect::<Result<Vec<_>, _>>()?;
    let mut writer = out.writer;
    writer.commit()?;
    writer.wait_merging_threads()?;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    let entries = entry_table(&searcher)?;
    Ok(Written {
        searcher,
        fields,
        items,
        policies,
        entries,
    })
}

/// One pre-tokenised text field per part, plus the entry number.
fn schema() -> (Schema, Vec<Field>, Field) {
    let mut builder = Schema::builder();
    // No positions: queries are OR-ed terms, never phrases.
    let indexing = TextFieldIndexing::default().set_index_option(IndexRecordOption::WithFreqs);
    let options = TextOptions::default().set_indexing_options(indexing);
    let fields = Part::ALL
        .iter()
        .map(|p| builder.add_text_field(p.field_name(), options.clone()))
        .collect();
    let entry = builder.add_u64_field(ENTRY, FAST);
    (builder.build(), fields, entry)
}

struct DocWriter<'a> {
    writer: IndexWriter,
    segmenter: &'a Segmenter,
    fields: &'a [Field],
    entry_field: Field,
    next_entry: u64,
}

impl DocWriter<'_> {
    /// Segments each part's texts once, indexes the tokens and returns them with their parts.
    fn add<'t>(
        &mut self,
        parts: &[Part],
        texts: impl Fn(Part) -> Vec<&'t str>,
    ) -> Result<TokenParts, SearchError> {
        let mut doc = TantivyDocument::new();
        doc.add_u64(self.entry_field, self.next_entry);
        self.next_entry += 1;
        let mut token_parts = TokenParts::new();
        for &part in parts {
            for text in texts(part) {
                let words = self.segmenter.tokens(text);
                for word in &words {
                    *token_parts.entry(word.clone()).or_default() |= part.bit();
                }
                doc.add_pre_tokenized_text(self.fields[part as usize], pre_tokenized(text, words));
            }
        }
        self.writer.add_document(doc)?;
        Ok(token_parts)
    }
}

fn pre_tokenized(text: &str, words: Vec<String>) -> PreTokenizedString {
    let tokens = words
        .into_iter()
        .enumerate()
        .map(|(position, text)| Token {
            position,
            text,
            ..Token::default()
        })
        .collect();
    PreTokenizedString {
        text: text.to_owned(),
        tokens,
    }
}

/// Reads every document's entry number once, so a hit maps to its entry without a lookup.
fn entry_table(searcher: &Searcher) -> Result<Vec<Vec<u32>>, SearchError> {
    searcher
        .segment_readers()
        .iter()
        .map(|segment| {
            let column = segment.fast_fields().u64(ENTRY)?;
            Ok((0..segment.max_doc())
                .map(|doc| column.first(doc).unwrap_or(u64::MAX) as u32)
                .collect())
        })
        .collect()
}

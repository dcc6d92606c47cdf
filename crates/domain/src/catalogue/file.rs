//! The canonical catalogue file (docs/catalogue-format.md): policies and the current version of
//! every item. Export writes it in one deterministic form, so export → import → export gives the
//! same bytes.

use super::item::ServiceItem;
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "quanke-catalogue/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueFile {
    /// Always "quanke-catalogue/1".
    pub format: String,
    #[serde(default)]
    pub policies: Vec<Policy>,
    pub items: Vec<Entry>,
}

/// One item as of one version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The day this version takes effect, "YYYY-MM-DD".
    pub effective_from: String,
    /// What changed and why; shown to every worker of the item's line.
    pub change_note: String,
    pub item: ServiceItem,
}

/// A policy document (政策文件) that governs items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Document number (文号), unique, e.g. "浙民福〔2023〕1号".
    pub number: String,
    pub title: String,
    pub issuer: String,
    /// "YYYY-MM-DD"
    pub issued_on: String,
    /// "YYYY-MM-DD"
    pub effective_from: String,
    /// The full text.
    pub text: String,
}

impl CatalogueFile {
    /// The canonical text: sorted by code and number, two-space indentation, final newline.
    pub fn to_canonical_json(&self) -> String {
        let mut sorted = self.clone();
        sorted.items.sort_by(|a, b| a.item.code.cmp(&b.item.code));
        sorted.policies.sort_by(|a, b| a.number.cmp(&b.number));
        let mut out = serde_json::to_string_pretty(&sorted).unwrap_or_default();
        out.push('\n');
        out
    }
}

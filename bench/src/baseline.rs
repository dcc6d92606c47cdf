//! The yardstick the search is measured against: items ranked by how many of the question's
//! character pairs (bigrams) their text contains, with no dictionary, segmentation or
//! weighting. A search that understands residents must do clearly better than this.

use quanke_domain::catalogue::ServiceItem;
use quanke_search::Hit;
use std::collections::HashSet;

pub struct Overlap {
    items: Vec<(ServiceItem, HashSet<(char, char)>)>,
}

impl Overlap {
    pub fn new(items: &[ServiceItem]) -> Overlap {
        let items = items
            .iter()
            .map(|item| (item.clone(), bigrams(&text(item))))
            .collect();
        Overlap { items }
    }

    /// The `limit` items sharing most bigrams with `query` (at least one), ties by code.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let wanted = bigrams(query);
        let mut scored: Vec<(usize, &ServiceItem)> = self
            .items
            .iter()
            .map(|(item, has)| (wanted.intersection(has).count(), item))
            .filter(|(n, _)| *n > 0)
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.code.cmp(&b.1.code)));
        scored
            .into_iter()
            .take(limit)
            .map(|(n, item)| Hit {
                code: item.code.clone(),
                name: item.name.clone(),
                line: item.line.clone(),
                score: n as f32,
                // The yardstick has no notion of an answer: whatever shares a pair is one.
                confidence: 1.0,
                why: Vec::new(),
            })
            .collect()
    }
}

/// What a resident could read of an item: its name, who applies, conditions and materials.
fn text(item: &ServiceItem) -> String {
    let mut parts = vec![item.name.clone(), item.applicants.clone()];
    parts.extend(item.kinds.iter().flat_map(|k| k.conditions.iter().cloned()));
    parts.extend(item.materials.iter().map(|m| m.name.clone()));
    parts.join("。")
}

fn bigrams(text: &str) -> HashSet<(char, char)> {
    let chars: Vec<char> = text.chars().filter(|c| c.is_alphanumeric()).collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_skip_punctuation() {
        let pairs = bigrams("低保，申请");
        assert!(pairs.contains(&('低', '保')) && pairs.contains(&('保', '申')));
        assert_eq!(pairs.len(), 3);
    }
}

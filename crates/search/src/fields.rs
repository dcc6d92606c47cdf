//! What of an item or a policy is searched, how much each part weighs, and how a match in it is
//! explained to people.

use quanke_domain::catalogue::{Policy, ServiceItem};

/// A searched part of a document; each is its own tantivy field with its own boost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Name,
    Synonyms,
    Keywords,
    Line,
    Applicants,
    Conditions,
    FaqQuestion,
    FaqAnswer,
    Materials,
    PolicyTitle,
    PolicyText,
}

impl Part {
    pub(crate) const ITEM: [Part; 9] = [
        Part::Name,
        Part::Synonyms,
        Part::Keywords,
        Part::Line,
        Part::Applicants,
        Part::Conditions,
        Part::FaqQuestion,
        Part::FaqAnswer,
        Part::Materials,
    ];
    /// The least boost of a part that names the matter (name, other names, keywords).
    pub(crate) const NAMING_BOOST: f32 = 3.0;
    pub(crate) const POLICY: [Part; 2] = [Part::PolicyTitle, Part::PolicyText];
    pub(crate) const ALL: [Part; 11] = [
        Part::Name,
        Part::Synonyms,
        Part::Keywords,
        Part::Line,
        Part::Applicants,
        Part::Conditions,
        Part::FaqQuestion,
        Part::FaqAnswer,
        Part::Materials,
        Part::PolicyTitle,
        Part::PolicyText,
    ];

    /// Whether this part names the matter (name, other names, keywords) rather than mentions it.
    pub(crate) fn names_matter(self) -> bool {
        self.boost() >= Part::NAMING_BOOST
    }

    /// The name says what the matter is; other names and residents' words nearly as much; the
    /// guide's prose mentions many matters in passing; materials least (every item wants an ID).
    pub(crate) fn boost(self) -> f32 {
        match self {
            Part::Name => 6.0,
            Part::Synonyms => 4.0,
            Part::Keywords => 3.0,
            Part::Line => 1.5,
            Part::Applicants | Part::Conditions => 1.0,
            Part::FaqQuestion => 1.2,
            Part::FaqAnswer => 0.8,
            Part::Materials => 0.4,
            Part::PolicyTitle => 4.0,
            Part::PolicyText => 1.0,
        }
    }

    pub(crate) fn field_name(self) -> &'static str {
        match self {
            Part::Name => "name",
            Part::Synonyms => "synonyms",
            Part::Keywords => "keywords",
            Part::Line => "line",
            Part::Applicants => "applicants",
            Part::Conditions => "conditions",
            Part::FaqQuestion => "faq_q",
            Part::FaqAnswer => "faq_a",
            Part::Materials => "materials",
            Part::PolicyTitle => "policy_title",
            Part::PolicyText => "policy_text",
        }
    }

    /// One bit per part, to record which parts of a document hold a token.
    pub(crate) fn bit(self) -> u16 {
        1 << (self as u16)
    }

    /// “名称含“居住证””: why a token found in this part made the document match.
    pub(crate) fn explain(self, token: &str) -> String {
        match self {
            Part::Name => format!("名称含“{token}”"),
            Part::Synonyms => format!("别名含“{token}”"),
            Part::Keywords => format!("关键词含“{token}”"),
            Part::Line => format!("所属条线含“{token}”"),
            Part::Applicants => format!("申请对象提到“{token}”"),
            Part::Conditions => format!("办理条件提到“{token}”"),
            Part::FaqQuestion | Part::FaqAnswer => format!("常见问题提到“{token}”"),
            Part::Materials => format!("申请材料提到“{token}”"),
            Part::PolicyTitle => format!("标题含“{token}”"),
            Part::PolicyText => format!("正文提到“{token}”"),
        }
    }

    /// The texts of this part of an item (empty for policy parts).
    pub(crate) fn item_texts(self, item: &ServiceItem) -> Vec<&str> {
        match self {
            Part::Name => vec![item.name.as_str()],
            Part::Synonyms => item.synonyms.iter().map(String::as_str).collect(),
            Part::Keywords => item.keywords.iter().map(String::as_str).collect(),
            Part::Line => vec![item.line.as_str()],
            Part::Applicants => vec![item.applicants.as_str()],
            Part::Conditions => item
                .kinds
                .iter()
                .flat_map(|k| &k.conditions)
                .map(String::as_str)
                .collect(),
            Part::FaqQuestion => item.faqs.iter().map(|f| f.q.as_str()).collect(),
            Part::FaqAnswer => item.faqs.iter().map(|f| f.a.as_str()).collect(),
            Part::Materials => item.materials.iter().map(|m| m.name.as_str()).collect(),
            Part::PolicyTitle | Part::PolicyText => Vec::new(),
        }
    }

    /// The texts of this part of a policy (empty for item parts).
    pub(crate) fn policy_texts(self, policy: &Policy) -> Vec<&str> {
        match self {
            Part::PolicyTitle => vec![policy.title.as_str()],
            Part::PolicyText => vec![policy.text.as_str()],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_has_its_own_bit_and_field() {
        let bits: u16 = Part::ALL.iter().fold(0, |acc, p| {
            assert_eq!(acc & p.bit(), 0, "{p:?} shares a bit");
            acc | p.bit()
        });
        assert_eq!(bits.count_ones(), 11);
        let names: std::collections::HashSet<_> =
            Part::ALL.iter().map(|p| p.field_name()).collect();
        assert_eq!(names.len(), 11);
    }

    #[test]
    fn the_naming_parts_are_the_boosted_ones() {
        let naming: Vec<Part> = Part::ITEM
            .into_iter()
            .filter(|p| p.names_matter())
            .collect();
        assert_eq!(naming, [Part::Name, Part::Synonyms, Part::Keywords]);
    }

    #[test]
    fn the_name_weighs_most() {
        assert!(Part::ITEM.iter().all(|p| p.boost() <= Part::Name.boost()));
    }
}

//! Which materials a particular applicant must bring, from the business kind and their answers.

use super::item::{BusinessKind, Material, ServiceItem};
use std::collections::HashMap;

/// Answers to an item's intake questions: question id → chosen option keys (one for a single
/// choice, several for a multiple choice, the typed value for other datatypes).
pub type Answers = HashMap<String, Vec<String>>;

/// The materials that apply, in the guide's order. A material whose condition refers to an
/// unanswered question is listed: better one sheet too many than a second trip.
pub fn materials_for<'a>(
    item: &'a ServiceItem,
    kind: BusinessKind,
    answers: &Answers,
) -> Vec<&'a Material> {
    item.materials
        .iter()
        .filter(|m| m.kinds.is_empty() || m.kinds.contains(&kind))
        .filter(|m| match &m.applies_when {
            None => true,
            Some(cond) => match answers.get(&cond.question) {
                None => true,
                Some(given) => given.iter().any(|g| cond.any_of.contains(g)),
            },
        })
        .collect()
}

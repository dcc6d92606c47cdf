//! The materials checklist of a case: every material the guide asks of this applicant, and
//! whether it was brought, is missing, or is already held by the system.

use quanke_domain::catalogue::{Answers, BusinessKind, ServiceItem, materials_for};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaterialStatus {
    Brought,
    Missing,
    /// The system holds it (ID card data, household record): the resident need not bring it.
    Held,
}

impl MaterialStatus {
    pub fn parse(s: &str) -> Option<MaterialStatus> {
        match s {
            "brought" => Some(MaterialStatus::Brought),
            "missing" => Some(MaterialStatus::Missing),
            "held" => Some(MaterialStatus::Held),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MaterialStatus::Brought => "已收",
            MaterialStatus::Missing => "缺",
            MaterialStatus::Held => "系统已有",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    pub name: String,
    pub how_to_obtain: String,
    /// "原件", "复印件 2 份"...
    pub form: String,
    pub status: MaterialStatus,
}

/// What the system knows of the applicant, for "already held".
#[derive(Debug, Clone, Copy, Default)]
pub struct Known {
    pub resident: bool,
    pub household: bool,
}

/// The default status of a material: held when the system has what it stands for, brought
/// otherwise (the desk unticks what the resident lacks).
pub fn default_status(system_may_hold: Option<&str>, known: Known) -> MaterialStatus {
    match system_may_hold {
        Some("resident_id") if known.resident => MaterialStatus::Held,
        Some("household") if known.household => MaterialStatus::Held,
        _ => MaterialStatus::Brought,
    }
}

/// The checklist for this applicant; `given` overrides the default status per material id.
pub fn build(
    item: &ServiceItem,
    kind: BusinessKind,
    answers: &Answers,
    known: Known,
    given: &HashMap<String, MaterialStatus>,
) -> Vec<Entry> {
    materials_for(item, kind, answers)
        .into_iter()
        .map(|m| Entry {
            id: m.id.clone(),
            name: m.name.clone(),
            how_to_obtain: m.how_to_obtain.clone(),
            form: form_label(m.form.label(), m.copies),
            status: given
                .get(&m.id)
                .copied()
                .unwrap_or_else(|| default_status(m.system_may_hold.as_deref(), known)),
        })
        .collect()
}

fn form_label(form: &str, copies: u8) -> String {
    if copies > 1 {
        format!("{form} {copies} 份")
    } else {
        form.to_string()
    }
}

/// The first material marked 系统已有 that the system does not hold for this applicant
/// (`defaults` is the list built without overrides): a client may not claim it, or an
/// applicant outside the worker's registry would appear known.
pub fn claimed_held<'a>(list: &'a [Entry], defaults: &[Entry]) -> Option<&'a Entry> {
    list.iter()
        .zip(defaults)
        .find(|(e, d)| e.status == MaterialStatus::Held && d.status != MaterialStatus::Held)
        .map(|(e, _)| e)
}

pub fn missing(list: &[Entry]) -> Vec<&Entry> {
    list.iter()
        .filter(|e| e.status == MaterialStatus::Missing)
        .collect()
}

pub fn to_json(list: &[Entry]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".into())
}

/// Reads a stored checklist; an unreadable one is shown empty rather than failing the page.
pub fn from_json(text: &str) -> Vec<Entry> {
    serde_json::from_str(text).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_only_when_the_system_knows() {
        let known = Known {
            resident: true,
            household: false,
        };
        assert_eq!(
            default_status(Some("resident_id"), known),
            MaterialStatus::Held
        );
        assert_eq!(
            default_status(Some("household"), known),
            MaterialStatus::Brought
        );
        assert_eq!(
            default_status(Some("resident_id"), Known::default()),
            MaterialStatus::Brought
        );
        assert_eq!(default_status(None, known), MaterialStatus::Brought);
        assert_eq!(
            MaterialStatus::parse("missing"),
            Some(MaterialStatus::Missing)
        );
        assert_eq!(MaterialStatus::parse("x"), None);
    }

    #[test]
    fn a_stored_checklist_reads_back() {
        let list = vec![Entry {
            id: "a".into(),
            name: "户口簿".into(),
            how_to_obtain: "自备".into(),
            form: form_label("原件", 2),
            status: MaterialStatus::Missing,
        }];
        let back = from_json(&to_json(&list));
        assert_eq!(back, list);
        assert_eq!(back[0].form, "原件 2 份");
        assert_eq!(missing(&back).len(), 1);
        assert!(from_json("not json").is_empty());
    }
}

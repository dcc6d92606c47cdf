//! What a transition requires of the case besides the worker's role: the guards declared per
//! line of the lifecycle table (`requires` column), and the one evaluation every channel uses.
//!
//! The desk's intake and every later action weigh the same guards with the same function, so
//! what is refused when a case is opened cannot be done one click later on the case page, the
//! API or a head's approval.

use std::fmt;

use crate::catalogue::{Level, Mode, ServiceItem};
use crate::lifecycle::FlowGuard;

/// One requirement of a transition, as written in the lifecycle file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// `materials_complete`: no material of the checklist is missing.
    MaterialsComplete,
    /// `materials_missing`: at least one material is marked missing (补正 needs something to
    /// ask for, or the one-time notice would be empty).
    MaterialsMissing,
    /// `on_the_spot_item`: the item is a 即办件; a 承诺件 is accepted and handled in the back
    /// office within its promised days.
    OnTheSpotItem,
    /// `assigned`: a back-office worker is responsible for the case.
    Assigned,
    /// `approval:LEVEL`: an item decided at LEVEL or above (the catalogue's 办理层级) needs that
    /// office's decision on record, i.e. the case was referred (转部门) and the reply recorded
    /// (部门已反馈). A community cannot complete the street's 低保 by itself.
    Approval(Level),
}

impl Guard {
    /// Reads one guard as the lifecycle file writes it.
    pub fn parse(text: &str) -> Option<Guard> {
        match text {
            "materials_complete" => Some(Guard::MaterialsComplete),
            "materials_missing" => Some(Guard::MaterialsMissing),
            "on_the_spot_item" => Some(Guard::OnTheSpotItem),
            "assigned" => Some(Guard::Assigned),
            _ => {
                let level = text.strip_prefix("approval:")?;
                [Level::Street, Level::District]
                    .into_iter()
                    .find(|l| level_code(*l) == level)
                    .map(Guard::Approval)
            }
        }
    }

    /// Whether the checklist the worker submits with the action decides this guard (the case
    /// page then cannot know the answer before the form is sent).
    pub fn about_materials(self) -> bool {
        matches!(self, Guard::MaterialsComplete | Guard::MaterialsMissing)
    }
}

impl FlowGuard for Guard {
    const CHOICES: &'static str = "可选：materials_complete、materials_missing、on_the_spot_item、assigned、approval:street、approval:district，无条件时写“-”";

    fn parse(text: &str) -> Option<Guard> {
        Guard::parse(text)
    }

    /// No case could ever pass both: it either lacks a material or it does not.
    fn contradiction(guards: &[Guard]) -> Option<(&'static str, &'static str)> {
        let both =
            guards.contains(&Guard::MaterialsComplete) && guards.contains(&Guard::MaterialsMissing);
        both.then_some(("materials_complete", "materials_missing"))
    }
}

impl fmt::Display for Guard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Guard::MaterialsComplete => f.write_str("materials_complete"),
            Guard::MaterialsMissing => f.write_str("materials_missing"),
            Guard::OnTheSpotItem => f.write_str("on_the_spot_item"),
            Guard::Assigned => f.write_str("assigned"),
            Guard::Approval(level) => write!(f, "approval:{}", level_code(*level)),
        }
    }
}

fn level_code(level: Level) -> &'static str {
    match level {
        Level::Community => "community",
        Level::Street => "street",
        Level::District => "district",
    }
}

/// Community below street below district: who decides higher up the chain.
fn rank(level: Level) -> u8 {
    match level {
        Level::Community => 0,
        Level::Street => 1,
        Level::District => 2,
    }
}

/// Everything the guards are weighed against: the case's item (the version it was opened
/// under), its checklist as it will be after the action, and what its timeline holds.
#[derive(Debug, Clone, Copy)]
pub struct Facts<'a> {
    pub item: &'a ServiceItem,
    /// Names of the materials missing after the action.
    pub missing: &'a [&'a str],
    pub assigned: bool,
    /// The deciding office's reply is on the timeline (部门已反馈).
    pub decision_recorded: bool,
    /// The worker wrote a note with the action.
    pub note_given: bool,
}

/// A requirement that does not hold, worded for the worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unmet {
    NoteMissing { action: String },
    MaterialsMissing { names: Vec<String> },
    NothingMissing,
    NotOnTheSpot { item: String, promised_days: u32 },
    Unassigned,
    NotDecided { item: String, level: Level },
}

impl Unmet {
    /// Stable code for machines (the JSON API's error code).
    pub fn code(&self) -> &'static str {
        match self {
            Unmet::NoteMissing { .. } => "missing_note",
            Unmet::MaterialsMissing { .. } => "materials_missing",
            Unmet::NothingMissing => "nothing_missing",
            Unmet::NotOnTheSpot { .. } => "not_on_the_spot",
            Unmet::Unassigned => "unassigned",
            Unmet::NotDecided { .. } => "not_decided",
        }
    }
}

impl fmt::Display for Unmet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unmet::NoteMissing { action } => write!(f, "{action}须写明理由"),
            Unmet::MaterialsMissing { names } => write!(
                f,
                "材料不齐（缺：{}），请选择“补正”出具一次性告知书",
                names.join("、")
            ),
            Unmet::NothingMissing => f.write_str("没有标记为“缺”的材料；材料齐全请直接受理"),
            Unmet::NotOnTheSpot {
                item,
                promised_days,
            } => write!(
                f,
                "“{item}”是承诺件（{promised_days} 个工作日），不能即办，请受理后由后台办理"
            ),
            Unmet::Unassigned => f.write_str("尚未分派经办人，请社区负责人先分派"),
            Unmet::NotDecided { item, level } => write!(
                f,
                "“{item}”须经{}审批：请先“转部门”，记录“部门已反馈”后再办结",
                level.label()
            ),
        }
    }
}

/// The guards of one transition that `facts` fail, in the order declared; the note comes
/// first when the transition needs one. Empty: the transition may be taken.
pub fn unmet(
    action_label: &str,
    needs_note: bool,
    guards: &[Guard],
    facts: &Facts<'_>,
) -> Vec<Unmet> {
    let mut out = Vec::new();
    if needs_note && !facts.note_given {
        out.push(Unmet::NoteMissing {
            action: action_label.to_string(),
        });
    }
    out.extend(guards.iter().filter_map(|g| failing(*g, facts)));
    out
}

fn failing(guard: Guard, facts: &Facts<'_>) -> Option<Unmet> {
    let item = facts.item;
    let holds = match guard {
        Guard::MaterialsComplete => facts.missing.is_empty(),
        Guard::MaterialsMissing => !facts.missing.is_empty(),
        Guard::OnTheSpotItem => item.mode == Mode::OnTheSpot,
        Guard::Assigned => facts.assigned,
        Guard::Approval(level) => rank(item.level) < rank(level) || facts.decision_recorded,
    };
    if holds {
        return None;
    }
    Some(match guard {
        Guard::MaterialsComplete => Unmet::MaterialsMissing {
            names: facts.missing.iter().map(|n| n.to_string()).collect(),
        },
        Guard::MaterialsMissing => Unmet::NothingMissing,
        Guard::OnTheSpotItem => Unmet::NotOnTheSpot {
            item: item.name.clone(),
            promised_days: item.promised_days,
        },
        Guard::Assigned => Unmet::Unassigned,
        Guard::Approval(_) => Unmet::NotDecided {
            item: item.name.clone(),
            level: item.level,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(mode: Mode, level: Level) -> ServiceItem {
        let mut item: ServiceItem =
            serde_json::from_str(include_str!("../catalogue/sample.json")).unwrap();
        item.name = "最低生活保障申请".into();
        item.mode = mode;
        item.level = level;
        item.promised_days = if mode == Mode::OnTheSpot { 0 } else { 20 };
        item
    }

    fn facts<'a>(item: &'a ServiceItem, missing: &'a [&'a str]) -> Facts<'a> {
        Facts {
            item,
            missing,
            assigned: true,
            decision_recorded: false,
            note_given: false,
        }
    }

    #[test]
    fn guards_read_and_write_as_in_the_file() {
        for text in [
            "materials_complete",
            "materials_missing",
            "on_the_spot_item",
            "assigned",
            "approval:street",
            "approval:district",
        ] {
            assert_eq!(Guard::parse(text).unwrap().to_string(), text);
        }
        // The community is where the case is; it is never an approval above it.
        for bad in ["approval:community", "approval:", "approval", "urgent", ""] {
            assert_eq!(Guard::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn on_the_spot_with_a_promised_item_and_a_missing_material_fails_twice() {
        let promised = item(Mode::Promised, Level::Street);
        let guards = [Guard::MaterialsComplete, Guard::OnTheSpotItem];
        let got = unmet(
            "即办",
            false,
            &guards,
            &facts(&promised, &["户口簿", "收入证明"]),
        );
        assert_eq!(
            got.iter().map(Unmet::code).collect::<Vec<_>>(),
            ["materials_missing", "not_on_the_spot"]
        );
        assert_eq!(
            got[0].to_string(),
            "材料不齐（缺：户口簿、收入证明），请选择“补正”出具一次性告知书"
        );
        assert_eq!(
            got[1].to_string(),
            "“最低生活保障申请”是承诺件（20 个工作日），不能即办，请受理后由后台办理"
        );
        let spot = item(Mode::OnTheSpot, Level::Community);
        assert!(unmet("即办", false, &guards, &facts(&spot, &[])).is_empty());
    }

    #[test]
    fn asking_for_materials_needs_one_missing() {
        let it = item(Mode::Promised, Level::Community);
        let guards = [Guard::MaterialsMissing];
        assert_eq!(
            unmet("补正", false, &guards, &facts(&it, &[])),
            [Unmet::NothingMissing]
        );
        assert!(unmet("补正", false, &guards, &facts(&it, &["户口簿"])).is_empty());
    }

    #[test]
    fn the_note_comes_first_and_is_named_by_the_action() {
        let it = item(Mode::Promised, Level::Community);
        let mut f = facts(&it, &[]);
        f.assigned = false;
        let got = unmet("提前终止", true, &[Guard::Assigned], &f);
        assert_eq!(
            got,
            [
                Unmet::NoteMissing {
                    action: "提前终止".into()
                },
                Unmet::Unassigned
            ]
        );
        assert_eq!(got[0].to_string(), "提前终止须写明理由");
        f.note_given = true;
        f.assigned = true;
        assert!(unmet("提前终止", true, &[Guard::Assigned], &f).is_empty());
    }

    #[test]
    fn approval_applies_to_items_decided_at_or_above_its_level() {
        let street = [Guard::Approval(Level::Street)];
        let district = [Guard::Approval(Level::District)];
        let community_item = item(Mode::Promised, Level::Community);
        let street_item = item(Mode::Promised, Level::Street);
        let district_item = item(Mode::Promised, Level::District);
        assert!(unmet("办结", false, &street, &facts(&community_item, &[])).is_empty());
        assert!(unmet("办结", false, &district, &facts(&street_item, &[])).is_empty());
        for it in [&street_item, &district_item] {
            let got = unmet("办结", false, &street, &facts(it, &[]));
            assert_eq!(got.len(), 1);
            assert_eq!(got[0].code(), "not_decided");
        }
        assert_eq!(
            unmet("办结", false, &street, &facts(&street_item, &[]))[0].to_string(),
            "“最低生活保障申请”须经街道审批：请先“转部门”，记录“部门已反馈”后再办结"
        );
        let mut decided = facts(&district_item, &[]);
        decided.decision_recorded = true;
        assert!(unmet("办结", false, &street, &decided).is_empty());
    }

    #[test]
    fn only_material_guards_depend_on_the_submitted_checklist() {
        let about: Vec<bool> = [
            Guard::MaterialsComplete,
            Guard::MaterialsMissing,
            Guard::OnTheSpotItem,
            Guard::Assigned,
            Guard::Approval(Level::Street),
        ]
        .iter()
        .map(|g| g.about_materials())
        .collect();
        assert_eq!(about, [true, true, false, false, false]);
    }
}

//! The coverage rules (片组户考核) as text the street edits (see the header of
//! `data/coverage_rules.txt`):
//!
//! ```text
//! 独居老人每周探访 | 人员:独居老人 | 每7天 | 独居老人探访 日常走访
//! ```
//!
//! Every problem is reported with its line number, in Chinese, so an admin can fix the text;
//! a text with a problem is refused whole.

use super::period::Period;
use super::purpose::Purposes;
use super::subject::SubjectKind;
use crate::registry::CareTag;
use thiserror::Error;

const SHIPPED: &str = include_str!("../../data/coverage_rules.txt");

/// What a rule covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Every household.
    Households,
    /// Every resident with a tag of care.
    Tagged(CareTag),
    /// Every business, or those whose type or fire-safety category holds a word.
    Businesses(Option<String>),
    /// Every dwelling.
    Dwellings,
}

impl Target {
    /// The kind of subject the rule counts.
    pub fn kind(&self) -> SubjectKind {
        match self {
            Target::Households => SubjectKind::Household,
            Target::Tagged(_) => SubjectKind::Resident,
            Target::Businesses(_) => SubjectKind::Business,
            Target::Dwellings => SubjectKind::Dwelling,
        }
    }

    /// In a sentence, as a page explains the rule.
    pub fn describe(&self) -> String {
        match self {
            Target::Households => "辖区每一户".into(),
            Target::Tagged(tag) => format!("有“{}”标签的在册居民", tag.label()),
            Target::Businesses(None) => "辖区每一家企业、商户".into(),
            Target::Businesses(Some(word)) => format!("类型或消防类别含“{word}”的企业、商户"),
            Target::Dwellings => "辖区每一处房屋".into(),
        }
    }

    /// As people write it, and as the parser reads it back.
    pub fn label(&self) -> String {
        match self {
            Target::Households => "户".into(),
            Target::Tagged(tag) => format!("人员:{}", tag.label()),
            Target::Businesses(None) => "企业".into(),
            Target::Businesses(Some(word)) => format!("企业:{word}"),
            Target::Dwellings => "房屋".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageRule {
    pub name: String,
    pub target: Target,
    pub period: Period,
    /// The purposes (codes) whose visits count; `None`: every visit counts.
    pub purposes: Option<Vec<String>>,
}

impl CoverageRule {
    /// Whether a visit made for `codes` counts for this rule.
    pub fn counts<'a>(&self, mut codes: impl Iterator<Item = &'a str>) -> bool {
        match &self.purposes {
            None => true,
            Some(wanted) => codes.any(|c| wanted.iter().any(|w| w == c)),
        }
    }

    /// The key of the last-visit rows this rule reads, one per subject: any visit
    /// (`ANY_PURPOSE`), one purpose's code, or the key of its purpose set.
    pub fn visit_key(&self) -> String {
        match self.purpose_set() {
            Some(set) => set.key,
            None => match self.purposes.as_deref() {
                Some([code, ..]) => code.clone(),
                _ => ANY_PURPOSE.to_string(),
            },
        }
    }

    /// The set of purposes this rule counts, when it counts more than one.
    pub fn purpose_set(&self) -> Option<PurposeSet> {
        let mut members = self.purposes.clone()?;
        members.sort();
        members.dedup();
        (members.len() > 1).then(|| PurposeSet {
            key: members.join("+"),
            members,
        })
    }
}

/// The key under which each subject's last visit of any purpose is kept.
pub const ANY_PURPOSE: &str = "*";

/// Several purposes a rule counts together: each subject's last visit for any of them is kept
/// under `key` (the sorted codes joined by '+'), like a single purpose's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurposeSet {
    pub key: String,
    pub members: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("走访覆盖规则第 {line} 行：{problem}")]
pub struct RulesFileError {
    pub line: usize,
    pub problem: RuleProblem,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RuleProblem {
    #[error("应有 4 栏（用“|”分隔：名称、对象、频次、计入的走访目的），实有 {0} 栏")]
    FieldCount(usize),
    #[error("缺少规则名称")]
    MissingName,
    #[error("规则名称“{name}”已在第 {first_line} 行用过")]
    DuplicateName { name: String, first_line: usize },
    #[error("对象“{0}”无法识别，可写：户、人员:标签（如 人员:独居老人）、企业、企业:类别、房屋")]
    UnknownTarget(String),
    #[error("关爱标签“{0}”不存在，可选：独居老人、空巢老人、高龄、残疾、低保、优抚对象、重点人群")]
    UnknownTag(String),
    #[error("频次“{0}”无法识别，可写：每N天（N 为 1 到 366）、每月、每季度、每半年、每年")]
    UnknownPeriod(String),
    #[error("走访目的“{0}”不存在（见走访目的表），或写“任意”")]
    UnknownPurpose(String),
    #[error("没有写计入的走访目的；任何走访都算时写“任意”")]
    NoPurposes,
}

/// The rules in force, in the text's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageRules(Vec<CoverageRule>);

impl CoverageRules {
    /// The rules shipped with Quanke, until the street saves its own.
    pub fn shipped_text() -> &'static str {
        SHIPPED
    }

    pub fn parse(text: &str, purposes: &Purposes) -> Result<CoverageRules, RulesFileError> {
        let mut rules: Vec<(usize, CoverageRule)> = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let line = index + 1;
            let content = raw.trim();
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            let fail = |problem| RulesFileError { line, problem };
            let rule = parse_line(content, purposes).map_err(fail)?;
            if let Some((first_line, _)) = rules.iter().find(|(_, r)| r.name == rule.name) {
                let first_line = *first_line;
                return Err(fail(RuleProblem::DuplicateName {
                    name: rule.name,
                    first_line,
                }));
            }
            rules.push((line, rule));
        }
        Ok(CoverageRules(rules.into_iter().map(|(_, r)| r).collect()))
    }

    /// The purpose sets these rules count (each rule counting several purposes has one).
    pub fn purpose_sets(&self) -> Vec<PurposeSet> {
        self.0
            .iter()
            .filter_map(CoverageRule::purpose_set)
            .collect()
    }

    pub fn all(&self) -> &[CoverageRule] {
        &self.0
    }

    pub fn by_name(&self, name: &str) -> Option<&CoverageRule> {
        self.0.iter().find(|r| r.name == name)
    }
}

fn parse_line(content: &str, purposes: &Purposes) -> Result<CoverageRule, RuleProblem> {
    let cells: Vec<&str> = content.split('|').map(str::trim).collect();
    let [name, target, period, wanted] = cells[..] else {
        return Err(RuleProblem::FieldCount(cells.len()));
    };
    if name.is_empty() {
        return Err(RuleProblem::MissingName);
    }
    Ok(CoverageRule {
        name: name.to_string(),
        target: parse_target(target)?,
        period: Period::parse(period).ok_or_else(|| RuleProblem::UnknownPeriod(period.into()))?,
        purposes: parse_purposes(wanted, purposes)?,
    })
}

fn parse_target(text: &str) -> Result<Target, RuleProblem> {
    let (head, word) = match text.split_once([':', '：']) {
        Some((head, word)) => (head.trim(), Some(word.trim()).filter(|w| !w.is_empty())),
        None => (text, None),
    };
    match (head, word) {
        ("户", None) => Ok(Target::Households),
        ("房屋", None) => Ok(Target::Dwellings),
        ("企业", word) => Ok(Target::Businesses(word.map(str::to_string))),
        ("人员", Some(tag)) => CareTag::ALL
            .into_iter()
            .find(|t| t.label() == tag || t.code() == tag)
            .map(Target::Tagged)
            .ok_or_else(|| RuleProblem::UnknownTag(tag.into())),
        _ => Err(RuleProblem::UnknownTarget(text.into())),
    }
}

fn parse_purposes(text: &str, purposes: &Purposes) -> Result<Option<Vec<String>>, RuleProblem> {
    if text == "任意" {
        return Ok(None);
    }
    let codes = text
        .split_whitespace()
        .map(|label| {
            purposes
                .by_label(label)
                .or_else(|| purposes.by_code(label))
                .map(|p| p.code.clone())
                .ok_or_else(|| RuleProblem::UnknownPurpose(label.into()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if codes.is_empty() {
        return Err(RuleProblem::NoPurposes);
    }
    Ok(Some(codes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::period::Calendar;

    fn parse(text: &str) -> Result<CoverageRules, RulesFileError> {
        CoverageRules::parse(text, &Purposes::shipped())
    }

    #[test]
    fn the_shipped_rules_parse() {
        let rules = parse(CoverageRules::shipped_text()).unwrap();
        let alone = rules.by_name("独居老人每周探访").unwrap();
        assert_eq!(alone.target, Target::Tagged(CareTag::LivingAlone));
        assert_eq!(alone.period, Period::EveryDays(7));
        assert!(alone.counts(["daily"].into_iter()));
        assert!(!alone.counts(["fire_safety"].into_iter()));
        let every = rules.by_name("每户每季度走访").unwrap();
        assert_eq!(every.period, Period::Calendar(Calendar::Quarter));
        assert!(every.counts(["census"].into_iter()));
        let food = rules.by_name("九小场所每月消防检查").unwrap();
        assert_eq!(food.target, Target::Businesses(Some("九小场所".into())));
        assert_eq!(food.target.kind(), SubjectKind::Business);
    }

    #[test]
    fn each_rule_reads_one_key_whatever_the_order_of_its_purposes() {
        let rules = parse(
            "甲 | 户 | 每季度 | 任意\n乙 | 户 | 每季度 | 日常走访 日常走访\n\
             丙 | 人员:独居老人 | 每7天 | 独居老人探访 日常走访\n\
             丁 | 人员:独居老人 | 每7天 | 日常走访 独居老人探访",
        )
        .unwrap();
        let keys: Vec<String> = rules.all().iter().map(CoverageRule::visit_key).collect();
        assert_eq!(
            keys,
            ["*", "daily", "daily+living_alone", "daily+living_alone"]
        );
        assert_eq!(rules.all()[1].purpose_set(), None);
        let set = rules.all()[3].purpose_set().unwrap();
        assert_eq!(set.members, ["daily", "living_alone"]);
        let keys: Vec<String> = rules.purpose_sets().into_iter().map(|s| s.key).collect();
        assert_eq!(keys, ["daily+living_alone", "daily+living_alone"]);
    }

    #[test]
    fn targets_read_back_as_labelled() {
        for t in ["户", "房屋", "企业", "企业:餐饮", "人员:低保"] {
            assert_eq!(parse_target(t).unwrap().label(), t);
        }
        assert_eq!(
            parse_target("人员：残疾").unwrap(),
            Target::Tagged(CareTag::Disabled)
        );
    }

    #[test]
    fn each_problem_names_its_line_in_chinese() {
        let cases = [
            ("甲 | 户 | 每月", "应有 4 栏"),
            (" | 户 | 每月 | 任意", "缺少规则名称"),
            ("甲 | 楼栋 | 每月 | 任意", "对象“楼栋”无法识别"),
            ("甲 | 人员:富豪 | 每月 | 任意", "关爱标签“富豪”不存在"),
            ("甲 | 人员 | 每月 | 任意", "对象“人员”无法识别"),
            ("甲 | 户 | 每周 | 任意", "频次“每周”无法识别"),
            ("甲 | 户 | 每月 | 喝茶", "走访目的“喝茶”不存在"),
            ("甲 | 户 | 每月 | ", "没有写计入的走访目的"),
        ];
        for (line, expected) in cases {
            let err = parse(&format!("# 注释\n\n{line}")).unwrap_err();
            assert_eq!(err.line, 3, "{line}");
            let message = err.to_string();
            assert!(message.starts_with("走访覆盖规则第 3 行"), "{message}");
            assert!(message.contains(expected), "{line}: {message}");
        }
        let err = parse("甲 | 户 | 每月 | 任意\n甲 | 房屋 | 每年 | 任意").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.to_string().contains("已在第 1 行用过"), "{err}");
    }
}

//! The text forms of fields that hold several values in one cell, both ways, kept side by side so
//! that what is written is exactly what is read back. Full-width and ASCII separators are both
//! accepted because people type either; the written form uses the ones in the docs.

use super::words;
use quanke_domain::catalogue::{BusinessKind, Condition, KindConditions, QuestionOption};

/// One value per line; blank lines and surrounding spaces are dropped (Excel users leave both).
pub(super) fn join_lines(values: &[String]) -> String {
    values.join("\n")
}

pub(super) fn split_lines(cell: &str) -> Vec<String> {
    cell.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(String::from)
        .collect()
}

/// One condition per line, each led by its kind: "新办：本市户籍". A line per condition rather than
/// "新办：条件1；条件2", because conditions themselves often contain "；".
pub(super) fn kinds_to_cell(kinds: &[KindConditions]) -> String {
    let lines: Vec<String> = kinds
        .iter()
        .flat_map(|k| {
            k.conditions
                .iter()
                .map(move |c| format!("{}：{c}", k.kind.label()))
        })
        .collect();
    lines.join("\n")
}

/// Lines of the same kind gather under its first appearance, in the order kinds first appear.
pub(super) fn kinds_from_cell(cell: &str) -> Result<Vec<KindConditions>, String> {
    let mut kinds: Vec<KindConditions> = Vec::new();
    let mut errors = Vec::new();
    for line in split_lines(cell) {
        let Some((label, condition)) = split_once_any(&line, &['：', ':']) else {
            errors.push(format!("“{line}”应写成“新办：受理条件”的形式"));
            continue;
        };
        let Some(kind) = words::parse::<BusinessKind>(label) else {
            errors.push(not_a_kind(label));
            continue;
        };
        match kinds.iter_mut().find(|k| k.kind == kind) {
            Some(k) => k.conditions.push(condition.into()),
            None => kinds.push(KindConditions {
                kind,
                conditions: vec![condition.into()],
            }),
        }
    }
    all_or_errors(kinds, errors)
}

/// The kinds a material is needed for: "新办、变更"; blank means all kinds.
pub(super) fn kind_list_to_cell(kinds: &[BusinessKind]) -> String {
    let labels: Vec<&str> = kinds.iter().map(|k| k.label()).collect();
    labels.join("、")
}

pub(super) fn kind_list_from_cell(cell: &str) -> Result<Vec<BusinessKind>, String> {
    let mut kinds = Vec::new();
    let mut errors = Vec::new();
    for label in split_list(cell) {
        match words::parse::<BusinessKind>(label) {
            Some(kind) => kinds.push(kind),
            None => errors.push(not_a_kind(label)),
        }
    }
    all_or_errors(kinds, errors)
}

/// "who=proxy,other": the question's id, then the option keys that make the material needed.
pub(super) fn condition_to_cell(condition: &Condition) -> String {
    format!("{}={}", condition.question, condition.any_of.join(","))
}

pub(super) fn condition_from_cell(cell: &str) -> Result<Condition, String> {
    let Some((question, keys)) = split_once_any(cell, &['=', '＝']) else {
        return Err(format!(
            "“{cell}”应写成“问题编号=选项编号1,选项编号2”的形式"
        ));
    };
    Ok(Condition {
        question: question.into(),
        any_of: split_list(keys).map(String::from).collect(),
    })
}

/// One option per line: "self:老人本人".
pub(super) fn options_to_cell(options: &[QuestionOption]) -> String {
    let lines: Vec<String> = options
        .iter()
        .map(|o| format!("{}:{}", o.key, o.label))
        .collect();
    lines.join("\n")
}

pub(super) fn options_from_cell(cell: &str) -> Result<Vec<QuestionOption>, String> {
    let mut options = Vec::new();
    let mut errors = Vec::new();
    for line in split_lines(cell) {
        match split_once_any(&line, &[':', '：']) {
            Some((key, label)) => options.push(QuestionOption {
                key: key.into(),
                label: label.into(),
            }),
            None => errors.push(format!("“{line}”应写成“选项编号:选项内容”的形式")),
        }
    }
    all_or_errors(options, errors)
}

pub(super) fn flag_to_cell(flag: bool) -> &'static str {
    if flag { "是" } else { "否" }
}

/// Excel's own TRUE/FALSE reach us as text too, so those are accepted beside 是/否.
pub(super) fn flag_from_cell(cell: &str) -> Result<bool, String> {
    match cell {
        "是" => Ok(true),
        "否" => Ok(false),
        other if other.eq_ignore_ascii_case("true") => Ok(true),
        other if other.eq_ignore_ascii_case("false") => Ok(false),
        other => Err(format!("应为“是”或“否”，实际为“{other}”")),
    }
}

/// Splits at the first of `separators`, trimming both halves.
fn split_once_any<'a>(text: &'a str, separators: &[char]) -> Option<(&'a str, &'a str)> {
    let at = text.find(separators)?;
    let separator_len = text[at..].chars().next()?.len_utf8();
    Some((text[..at].trim(), text[at + separator_len..].trim()))
}

/// Short values listed in one line, separated by any of the commas people use.
fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| matches!(c, ',' | '，' | '、' | ';' | '；') || c.is_whitespace())
        .filter(|part| !part.is_empty())
}

fn not_a_kind(label: &str) -> String {
    format!(
        "“{label}”不是业务情形，应为{}之一",
        words::choices::<BusinessKind>()
    )
}

fn all_or_errors<T>(values: Vec<T>, errors: Vec<String>) -> Result<Vec<T>, String> {
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(errors.join("；"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_gather_by_kind_and_keep_inner_separators() {
        let kinds =
            kinds_from_cell("新办：本市户籍；含集体户\n\n注销: 死亡\n新办：年满 80 周岁").unwrap();
        assert_eq!(kinds.len(), 2);
        assert_eq!(kinds[0].kind, BusinessKind::New);
        assert_eq!(kinds[0].conditions, ["本市户籍；含集体户", "年满 80 周岁"]);
        assert_eq!(kinds[1].conditions, ["死亡"]);
        assert_eq!(
            kinds_to_cell(&kinds),
            "新办：本市户籍；含集体户\n新办：年满 80 周岁\n注销：死亡"
        );
    }

    #[test]
    fn every_bad_kind_line_is_named() {
        let err = kinds_from_cell("新申请：x\n没有冒号").unwrap_err();
        assert!(err.contains("“新申请”不是业务情形"), "{err}");
        assert!(err.contains("“没有冒号”应写成"), "{err}");
    }

    #[test]
    fn conditions_and_options_read_both_widths() {
        let c = condition_from_cell("who＝proxy，other").unwrap();
        assert_eq!(c.question, "who");
        assert_eq!(c.any_of, ["proxy", "other"]);
        assert!(condition_from_cell("who proxy").is_err());
        let o = options_from_cell("self:老人本人\nproxy：家属代办").unwrap();
        assert_eq!(o[1].key, "proxy");
        assert_eq!(o[1].label, "家属代办");
        assert!(options_from_cell("self").is_err());
    }

    #[test]
    fn kind_lists_and_flags() {
        assert_eq!(
            kind_list_from_cell("新办、change").unwrap(),
            [BusinessKind::New, BusinessKind::Change]
        );
        assert!(kind_list_from_cell("新办、补办").is_err());
        assert_eq!(flag_from_cell("TRUE"), Ok(true));
        assert!(flag_from_cell("对").is_err());
    }
}

//! The rules that span rows: unique item codes and policy numbers, policy references, and the
//! domain's own item rules, each problem pointed back at the cell it comes from.

use super::headers::{ITEMS, MATERIALS, POLICIES, QUESTIONS, item, material, policy, question};
use super::read::{Contents, ItemRows};
use crate::SheetProblem;
use quanke_domain::catalogue::validate;
use std::collections::{HashMap, HashSet};

pub(super) fn check(contents: &Contents, problems: &mut Vec<SheetProblem>) {
    let codes = contents.items.iter().map(|i| (i.code.as_str(), i.row));
    unique(codes, (ITEMS.name, item::CODE, "事项编码"), problems);
    let numbers = contents.policies.iter().map(|p| (p.number.as_str(), p.row));
    unique(numbers, (POLICIES.name, policy::NUMBER, "文号"), problems);
    if contents.policies_read {
        policy_references(contents, problems);
    }
    for item in &contents.items {
        domain_rules(item, problems);
    }
}

/// Reports every repeat of a non-blank key (blanks were already reported by the row reader).
fn unique<'a>(
    keys: impl Iterator<Item = (&'a str, u32)>,
    (sheet, column, what): (&str, &str, &str),
    problems: &mut Vec<SheetProblem>,
) {
    let mut first_rows = HashMap::new();
    for (key, row) in keys.filter(|(key, _)| !key.is_empty()) {
        let first = *first_rows.entry(key).or_insert(row);
        if first != row {
            let message = format!("{what}“{key}”与第 {first} 行重复");
            problems.push(SheetProblem::new(sheet, row, column, message));
        }
    }
}

fn policy_references(contents: &Contents, problems: &mut Vec<SheetProblem>) {
    let known: HashSet<&str> = contents
        .policies
        .iter()
        .map(|p| p.number.as_str())
        .collect();
    for rows in &contents.items {
        let Some(entry) = &rows.entry else { continue };
        for number in entry
            .item
            .policies
            .iter()
            .filter(|n| !known.contains(n.as_str()))
        {
            let message = format!("引用的政策文件“{number}”不在“{}”表中", POLICIES.name);
            let problem = SheetProblem::new(ITEMS.name, rows.row, item::POLICIES, message);
            problems.push(problem);
        }
    }
}

/// The domain's rules for one item. An item missing a material or question row that could not be
/// read is skipped: its rules would complain about what is only missing from our reading.
fn domain_rules(rows: &ItemRows, problems: &mut Vec<SheetProblem>) {
    let Some(entry) = rows.entry.as_ref().filter(|_| !rows.incomplete) else {
        return;
    };
    for p in validate(&entry.item) {
        let (sheet, row, column) = locate(rows, &p.field);
        problems.push(SheetProblem::new(sheet, row, column, p.message));
    }
}

/// The cell a domain field path ("materials[2].name", "questions[0].options[1].key", "fee") came
/// from; the item's row as a whole when no column matches.
fn locate(rows: &ItemRows, field: &str) -> (&'static str, u32, &'static str) {
    let (head, rest) = field.split_once('.').unwrap_or((field, ""));
    let (name, index) = match head.split_once('[') {
        Some((name, index)) => (name, index.trim_end_matches(']').parse::<usize>().ok()),
        None => (head, None),
    };
    let child = match name {
        "materials" => Some((&MATERIALS, &rows.material_rows, material_column(rest))),
        "questions" => Some((&QUESTIONS, &rows.question_rows, question_column(rest))),
        _ => None,
    };
    if let Some((spec, child_rows, column)) = child
        && let Some(&row) = index.and_then(|i| child_rows.get(i))
    {
        return (spec.name, row, column);
    }
    (ITEMS.name, rows.row, item_column(name))
}

fn item_column(field: &str) -> &'static str {
    match field {
        "code" => item::CODE,
        "name" => item::NAME,
        "line" => item::LINE,
        "department" => item::DEPARTMENT,
        "item_type" => item::ITEM_TYPE,
        "level" => item::LEVEL,
        "applicants" => item::APPLICANTS,
        "kinds" => item::KINDS,
        "steps" => item::STEPS,
        "legal_basis" => item::LEGAL_BASIS,
        "statutory_days" => item::STATUTORY_DAYS,
        "promised_days" => item::PROMISED_DAYS,
        "mode" => item::MODE,
        "visits" => item::VISITS,
        "fee" => item::FEE,
        "location" => item::LOCATION,
        "hours" => item::HOURS,
        "window" => item::WINDOW,
        "consult_phone" => item::CONSULT_PHONE,
        "complaint_phone" => item::COMPLAINT_PHONE,
        "tips" => item::TIPS,
        "keywords" => item::KEYWORDS,
        "synonyms" => item::SYNONYMS,
        "policies" => item::POLICIES,
        "result_kind" => item::RESULT_KIND,
        _ => "",
    }
}

fn material_column(field: &str) -> &'static str {
    match field {
        "id" => material::ID,
        "name" => material::NAME,
        "copies" => material::COPIES,
        "form" => material::FORM,
        "how_to_obtain" => material::HOW_TO_OBTAIN,
        "blank_form" => material::BLANK_FORM,
        "system_may_hold" => material::SYSTEM_MAY_HOLD,
        "kinds" => material::KINDS,
        "applies_when" => material::APPLIES_WHEN,
        _ => "",
    }
}

fn question_column(field: &str) -> &'static str {
    match field {
        "id" => question::ID,
        "text" => question::TEXT,
        "hint" => question::HINT,
        "datatype" => question::DATATYPE,
        "required" => question::REQUIRED,
        "order" => question::ORDER,
        options if options.starts_with("options") => question::OPTIONS,
        _ => "",
    }
}

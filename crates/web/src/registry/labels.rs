//! Chinese words for the registry's stored codes: statuses, fields in the change history,
//! tags and the audit actions that concern one person.

use quanke_domain::mask::Show;
use quanke_domain::registry::{CareTag, Field};

pub fn status(code: &str) -> &str {
    match code {
        "active" => "在册",
        "moved_out" => "已迁出",
        "anonymised" => "已匿名",
        other => other,
    }
}

pub fn sex(code: &str) -> &str {
    match code {
        "M" => "男",
        "F" => "女",
        other => other,
    }
}

/// A field named in a person's change history; the store uses the ledger's field codes.
pub fn field(code: &str) -> &str {
    match Field::from_code(code) {
        Some(f) => f.label(),
        None if code == "status" => "状态",
        None => code,
    }
}

/// What people did with a person's record, as the "谁查看过" list names it.
pub fn reader_action(code: &str) -> &str {
    match code {
        "registry_viewed" => "查看",
        "registry_revealed" => "查看完整信息",
        "grid_visit_revealed" => "查看敏感走访记录",
        "registry_moved_out" => "迁出登记",
        other => other,
    }
}

/// The placeholder for sensitive tags that this page does not show.
pub const HIDDEN: &str = "（敏感信息，已隐藏）";

/// Stored tags as "高龄、低保（2023-05-01）": codes with an optional date in brackets, comma
/// separated, as exports and change history keep them. Hidden tags collapse into one note.
pub fn tag_list(stored: &str, show: Show) -> String {
    let mut shown = Vec::new();
    let mut hidden = false;
    for item in stored.split(',').filter(|s| !s.is_empty()) {
        let (code, since) = match item.split_once('(') {
            Some((code, rest)) => (code, rest.trim_end_matches(')')),
            None => (item, ""),
        };
        match CareTag::from_code(code) {
            Some(tag) if !show.tag(tag) => hidden = true,
            Some(tag) if since.is_empty() => shown.push(tag.label().to_string()),
            Some(tag) => shown.push(format!("{}（{since}）", tag.label())),
            None => shown.push(item.to_string()),
        }
    }
    if hidden {
        shown.push(HIDDEN.to_string());
    }
    shown.join("、")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_lists_hide_sensitive_tags_unless_shown() {
        let stored = "disabled,low_income(2023-05-01),oldest";
        assert_eq!(
            tag_list(stored, Show::Masked),
            "低保（2023-05-01）、高龄、（敏感信息，已隐藏）"
        );
        assert_eq!(
            tag_list(stored, Show::Full),
            "残疾、低保（2023-05-01）、高龄"
        );
        assert_eq!(tag_list("", Show::Masked), "");
    }

    #[test]
    fn change_fields_are_named_in_chinese() {
        assert_eq!(field("phone"), "联系电话");
        assert_eq!(field("household"), "户号");
        assert_eq!(field("grid"), "网格");
        assert_eq!(field("status"), "状态");
    }
}

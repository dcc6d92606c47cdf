//! Chinese names of item fields, for the version comparison page ("materials[1].name" →
//! "申请材料第 2 项 · 名称").

const NAMES: &[(&str, &str)] = &[
    ("code", "事项编码"),
    ("name", "名称"),
    ("line", "所属条线"),
    ("department", "责任部门"),
    ("item_type", "事项类型"),
    ("level", "办理层级"),
    ("applicants", "申请对象"),
    ("kinds", "业务情形"),
    ("kind", "情形"),
    ("conditions", "受理条件"),
    ("materials", "申请材料"),
    ("steps", "办理流程"),
    ("legal_basis", "设定依据"),
    ("statutory_days", "法定时限"),
    ("promised_days", "承诺时限"),
    ("mode", "办件类型"),
    ("visits", "跑动次数"),
    ("fee", "收费标准"),
    ("location", "办理地点"),
    ("hours", "办理时间"),
    ("window", "窗口"),
    ("consult_phone", "咨询电话"),
    ("complaint_phone", "投诉电话"),
    ("faqs", "常见问题"),
    ("q", "问"),
    ("a", "答"),
    ("tips", "办事经验"),
    ("keywords", "关键词"),
    ("synonyms", "别称"),
    ("questions", "受理问题"),
    ("policies", "政策文件"),
    ("id", "编号"),
    ("copies", "份数"),
    ("form", "形式"),
    ("how_to_obtain", "来源"),
    ("blank_form", "空白表格"),
    ("system_may_hold", "系统已有"),
    ("applies_when", "适用条件"),
    ("text", "内容"),
    ("hint", "说明"),
    ("datatype", "类型"),
    ("required", "必填"),
    ("order", "顺序"),
    ("options", "选项"),
    ("key", "选项编号"),
    ("label", "选项内容"),
    ("question", "问题"),
    ("any_of", "选项"),
];

/// A readable Chinese name for a canonical field path.
pub fn label(path: &str) -> String {
    path.split('.')
        .map(|part| match part.split_once('[') {
            Some((name, rest)) => {
                let index: usize = rest.trim_end_matches(']').parse().unwrap_or(0);
                format!("{}第 {} 项", name_of(name), index + 1)
            }
            None => name_of(part).to_string(),
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

fn name_of(key: &str) -> &str {
    NAMES
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(key, |(_, n)| n)
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths_read_as_chinese() {
        assert_eq!(super::label("materials[1].name"), "申请材料第 2 项 · 名称");
        assert_eq!(super::label("promised_days"), "承诺时限");
        assert_eq!(super::label("unknown_field"), "unknown_field");
    }
}

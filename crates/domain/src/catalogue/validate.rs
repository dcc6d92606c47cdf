//! Everything an item must satisfy before it is stored. Problems name the field in the canonical
//! JSON path form ("materials[2].name") and say what is wrong in Chinese.

use super::item::{Mode, ServiceItem};
use std::collections::HashSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub message: String,
}

struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn fail(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            field: field.into(),
            message: message.into(),
        });
    }

    fn required(&mut self, field: &str, value: &str, label: &str) {
        if value.trim().is_empty() {
            self.fail(field, format!("{label}不能为空"));
        }
    }
}

/// All the problems of an item; empty when it is valid.
pub fn validate(item: &ServiceItem) -> Vec<Problem> {
    let mut c = Checker {
        problems: Vec::new(),
    };
    basics(&mut c, item);
    limits(&mut c, item);
    kinds(&mut c, item);
    materials(&mut c, item);
    questions(&mut c, item);
    faqs(&mut c, item);
    c.problems
}

fn basics(c: &mut Checker, item: &ServiceItem) {
    let code_ok = (1..=32).contains(&item.code.len())
        && item
            .code
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_');
    if !code_ok {
        c.fail(
            "code",
            "事项编码只能由 1 到 32 位字母、数字、连字符或下划线组成",
        );
    }
    c.required("name", &item.name, "事项名称");
    c.required("line", &item.line, "所属条线");
    c.required("department", &item.department, "责任部门");
    c.required("applicants", &item.applicants, "申请对象");
    c.required("fee", &item.fee, "收费标准（不收费请填写“不收费”）");
    c.required("location", &item.location, "办理地点");
    c.required("hours", &item.hours, "办理时间");
    c.required("consult_phone", &item.consult_phone, "咨询电话");
    c.required("complaint_phone", &item.complaint_phone, "投诉电话");
    if item.steps.is_empty() {
        c.fail("steps", "办理流程至少需要一个步骤");
    }
}

fn limits(c: &mut Checker, item: &ServiceItem) {
    if item.promised_days > item.statutory_days {
        c.fail("promised_days", "承诺时限不能超过法定时限");
    }
    match item.mode {
        Mode::OnTheSpot if item.promised_days != 0 => {
            c.fail("promised_days", "即办件的承诺时限应为 0 个工作日")
        }
        Mode::Promised if item.promised_days == 0 => {
            c.fail("promised_days", "承诺件须填写承诺时限（工作日）")
        }
        _ => {}
    }
    if item.visits > 5 {
        c.fail("visits", "跑动次数应在 0 到 5 之间");
    }
}

fn kinds(c: &mut Checker, item: &ServiceItem) {
    if item.kinds.is_empty() {
        c.fail(
            "kinds",
            "至少需要一种业务情形（新办、变更、延续或注销）及其受理条件",
        );
    }
    let mut seen = HashSet::new();
    for (i, k) in item.kinds.iter().enumerate() {
        if !seen.insert(k.kind) {
            c.fail(
                format!("kinds[{i}].kind"),
                format!("业务情形“{}”重复", k.kind.label()),
            );
        }
        if k.conditions.iter().all(|s| s.trim().is_empty()) {
            c.fail(format!("kinds[{i}].conditions"), "受理条件不能为空");
        }
    }
}

fn materials(c: &mut Checker, item: &ServiceItem) {
    let mut ids = HashSet::new();
    for (i, m) in item.materials.iter().enumerate() {
        let at = |f: &str| format!("materials[{i}].{f}");
        if m.id.trim().is_empty() || !ids.insert(m.id.as_str()) {
            c.fail(at("id"), format!("材料编号“{}”为空或重复", m.id));
        }
        c.required(&at("name"), &m.name, "材料名称");
        c.required(&at("how_to_obtain"), &m.how_to_obtain, "材料来源");
        if m.copies == 0 {
            c.fail(at("copies"), "份数至少为 1");
        }
        for kind in &m.kinds {
            if !item.kinds.iter().any(|k| k.kind == *kind) {
                c.fail(at("kinds"), format!("事项没有“{}”情形", kind.label()));
            }
        }
        if let Some(cond) = &m.applies_when {
            condition(c, item, &at("applies_when"), &cond.question, &cond.any_of);
        }
    }
}

/// A material's condition must name a choice question and some of its options.
fn condition(c: &mut Checker, item: &ServiceItem, field: &str, question: &str, any_of: &[String]) {
    let Some(q) = item.questions.iter().find(|q| q.id == question) else {
        c.fail(field, format!("引用的问题“{question}”不存在"));
        return;
    };
    if !q.datatype.has_options() {
        c.fail(
            field,
            format!("问题“{question}”不是选择题，不能作为材料条件"),
        );
        return;
    }
    for key in any_of {
        if !q.options.iter().any(|o| &o.key == key) {
            c.fail(field, format!("问题“{question}”没有选项“{key}”"));
        }
    }
    if any_of.is_empty() {
        c.fail(field, "材料条件至少需要一个选项");
    }
}

fn questions(c: &mut Checker, item: &ServiceItem) {
    let mut ids = HashSet::new();
    for (i, q) in item.questions.iter().enumerate() {
        let at = |f: &str| format!("questions[{i}].{f}");
        if q.id.trim().is_empty() || !ids.insert(q.id.as_str()) {
            c.fail(at("id"), format!("问题编号“{}”为空或重复", q.id));
        }
        c.required(&at("text"), &q.text, "问题内容");
        if q.datatype.has_options() {
            if q.options.len() < 2 {
                c.fail(at("options"), "选择题至少需要两个选项");
            }
            let mut keys = HashSet::new();
            for (j, o) in q.options.iter().enumerate() {
                if o.key.trim().is_empty() || !keys.insert(o.key.as_str()) {
                    c.fail(
                        format!("questions[{i}].options[{j}].key"),
                        "选项编号为空或重复",
                    );
                }
                c.required(
                    &format!("questions[{i}].options[{j}].label"),
                    &o.label,
                    "选项内容",
                );
            }
        } else if !q.options.is_empty() {
            c.fail(at("options"), "只有选择题才能设置选项");
        }
    }
}

/// A question without its answer (or the reverse) tells the resident nothing.
fn faqs(c: &mut Checker, item: &ServiceItem) {
    for (i, f) in item.faqs.iter().enumerate() {
        c.required(&format!("faqs[{i}].q"), &f.q, "问题");
        c.required(&format!("faqs[{i}].a"), &f.a, "答案");
    }
}

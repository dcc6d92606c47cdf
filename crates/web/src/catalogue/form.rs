//! The editor's form: an item as form fields and back. Short lists are one entry per line;
//! business kinds are "新办：条件一；条件二" lines; FAQs are "问题｜答案" lines; materials and
//! questions, which carry many attributes, are edited as their canonical JSON.

use quanke_domain::catalogue::{
    BusinessKind, Faq, ItemType, KindConditions, Level, Mode, ResultKind, ServiceItem,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct ItemForm {
    pub code: String,
    pub name: String,
    pub line: String,
    pub department: String,
    pub item_type: String,
    pub level: String,
    pub applicants: String,
    pub kinds: String,
    pub materials: String,
    pub steps: String,
    pub legal_basis: String,
    pub statutory_days: String,
    pub promised_days: String,
    pub mode: String,
    pub visits: String,
    pub fee: String,
    pub location: String,
    pub hours: String,
    pub window: String,
    pub consult_phone: String,
    pub complaint_phone: String,
    pub faqs: String,
    pub tips: String,
    pub keywords: String,
    pub synonyms: String,
    pub questions: String,
    pub policies: String,
    /// general, benefit or certificate; a form without it (older pages) means general.
    #[serde(default)]
    pub result_kind: String,
    pub effective_from: String,
    pub change_note: String,
}

/// A field the form could not read, named as the form names it.
pub struct FormProblem {
    pub field: &'static str,
    pub message: String,
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// Keywords may be separated by commas, 、 or new lines.
fn words(text: &str) -> Vec<String> {
    text.split([',', '，', '、', '\n'])
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

fn code_of<T: Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

fn from_code<T: for<'de> Deserialize<'de>>(
    field: &'static str,
    code: &str,
    out: &mut Vec<FormProblem>,
) -> Option<T> {
    let parsed = serde_json::from_value(serde_json::Value::String(code.to_string())).ok();
    if parsed.is_none() {
        out.push(FormProblem {
            field,
            message: format!("请选择有效的选项（收到“{code}”）"),
        });
    }
    parsed
}

fn number<T: std::str::FromStr>(
    field: &'static str,
    text: &str,
    out: &mut Vec<FormProblem>,
) -> Option<T> {
    let parsed = text.trim().parse().ok();
    if parsed.is_none() {
        out.push(FormProblem {
            field,
            message: format!("应为整数，实际为“{text}”"),
        });
    }
    parsed
}

fn json<T: for<'de> Deserialize<'de>>(
    field: &'static str,
    text: &str,
    out: &mut Vec<FormProblem>,
) -> Option<T> {
    let text = if text.trim().is_empty() { "[]" } else { text };
    match serde_json::from_str(text) {
        Ok(v) => Some(v),
        Err(e) => {
            out.push(FormProblem {
                field,
                message: format!("格式错误（第 {} 行第 {} 列）：{e}", e.line(), e.column()),
            });
            None
        }
    }
}

fn kinds(text: &str, out: &mut Vec<FormProblem>) -> Vec<KindConditions> {
    let mut kinds = Vec::new();
    for line in lines(text) {
        let Some((label, rest)) = line.split_once(['：', ':']) else {
            out.push(FormProblem {
                field: "kinds",
                message: format!("“{line}”应写成“新办：条件一；条件二”"),
            });
            continue;
        };
        let kind = [
            BusinessKind::New,
            BusinessKind::Change,
            BusinessKind::Renewal,
            BusinessKind::Cancel,
        ]
        .into_iter()
        .find(|k| k.label() == label.trim());
        match kind {
            Some(kind) => kinds.push(KindConditions {
                kind,
                conditions: rest
                    .split(['；', ';'])
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(String::from)
                    .collect(),
            }),
            None => out.push(FormProblem {
                field: "kinds",
                message: format!("情形“{label}”应为新办、变更、延续或注销"),
            }),
        }
    }
    kinds
}

fn faqs(text: &str, out: &mut Vec<FormProblem>) -> Vec<Faq> {
    let mut faqs = Vec::new();
    for line in lines(text) {
        match line.split_once(['｜', '|']) {
            Some((q, a)) => faqs.push(Faq {
                q: q.trim().into(),
                a: a.trim().into(),
            }),
            None => out.push(FormProblem {
                field: "faqs",
                message: format!("“{line}”应写成“问题｜答案”"),
            }),
        }
    }
    faqs
}

impl ItemForm {
    /// The item the form describes, or every field it could not read.
    pub fn to_item(&self) -> Result<ServiceItem, Vec<FormProblem>> {
        let mut p = Vec::new();
        let item_type: Option<ItemType> = from_code("item_type", &self.item_type, &mut p);
        let level: Option<Level> = from_code("level", &self.level, &mut p);
        let mode: Option<Mode> = from_code("mode", &self.mode, &mut p);
        let result_kind = match self.result_kind.trim() {
            "" => ResultKind::General,
            code => ResultKind::parse(code).unwrap_or_else(|| {
                p.push(FormProblem {
                    field: "result_kind",
                    message: format!("办结结果类型“{code}”应为一般、待遇或证照"),
                });
                ResultKind::General
            }),
        };
        let statutory_days = number("statutory_days", &self.statutory_days, &mut p);
        let promised_days = number("promised_days", &self.promised_days, &mut p);
        let visits = number("visits", &self.visits, &mut p);
        let materials = json("materials", &self.materials, &mut p);
        let questions = json("questions", &self.questions, &mut p);
        let kinds = kinds(&self.kinds, &mut p);
        let faqs = faqs(&self.faqs, &mut p);
        let (
            Some(item_type),
            Some(level),
            Some(mode),
            Some(statutory_days),
            Some(promised_days),
            Some(visits),
            Some(materials),
            Some(questions),
        ) = (
            item_type,
            level,
            mode,
            statutory_days,
            promised_days,
            visits,
            materials,
            questions,
        )
        else {
            return Err(p);
        };
        if !p.is_empty() {
            return Err(p);
        }
        Ok(ServiceItem {
            code: self.code.trim().into(),
            name: self.name.trim().into(),
            line: self.line.trim().into(),
            department: self.department.trim().into(),
            item_type,
            level,
            applicants: self.applicants.trim().into(),
            kinds,
            materials,
            steps: lines(&self.steps),
            legal_basis: lines(&self.legal_basis),
            statutory_days,
            promised_days,
            mode,
            visits,
            fee: self.fee.trim().into(),
            location: self.location.trim().into(),
            hours: self.hours.trim().into(),
            window: self.window.trim().into(),
            consult_phone: self.consult_phone.trim().into(),
            complaint_phone: self.complaint_phone.trim().into(),
            faqs,
            tips: lines(&self.tips),
            keywords: words(&self.keywords),
            synonyms: words(&self.synonyms),
            questions,
            policies: lines(&self.policies),
            result_kind,
        })
    }

    pub fn from_item(item: &ServiceItem, effective_from: &str, change_note: &str) -> ItemForm {
        ItemForm {
            code: item.code.clone(),
            name: item.name.clone(),
            line: item.line.clone(),
            department: item.department.clone(),
            item_type: code_of(item.item_type),
            level: code_of(item.level),
            applicants: item.applicants.clone(),
            kinds: item
                .kinds
                .iter()
                .map(|k| format!("{}：{}", k.kind.label(), k.conditions.join("；")))
                .collect::<Vec<_>>()
                .join("\n"),
            materials: pretty(&item.materials),
            steps: item.steps.join("\n"),
            legal_basis: item.legal_basis.join("\n"),
            statutory_days: item.statutory_days.to_string(),
            promised_days: item.promised_days.to_string(),
            mode: code_of(item.mode),
            visits: item.visits.to_string(),
            fee: item.fee.clone(),
            location: item.location.clone(),
            hours: item.hours.clone(),
            window: item.window.clone(),
            consult_phone: item.consult_phone.clone(),
            complaint_phone: item.complaint_phone.clone(),
            faqs: item
                .faqs
                .iter()
                .map(|f| format!("{}｜{}", f.q, f.a))
                .collect::<Vec<_>>()
                .join("\n"),
            tips: item.tips.join("\n"),
            keywords: item.keywords.join("，"),
            synonyms: item.synonyms.join("，"),
            questions: pretty(&item.questions),
            policies: item.policies.join("\n"),
            result_kind: item.result_kind.code().into(),
            effective_from: effective_from.into(),
            change_note: change_note.into(),
        }
    }
}

/// Pretty JSON of the list fields edited as JSON.
fn pretty<T: Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ServiceItem {
        serde_json::from_str(include_str!("../../../domain/src/catalogue/sample.json")).unwrap()
    }

    #[test]
    fn an_item_survives_the_form() {
        let item = sample();
        let form = ItemForm::from_item(&item, "2026-01-01", "首次发布");
        assert!(form.kinds.contains("新办：本市户籍；年满 80 周岁"));
        assert_eq!(form.to_item().ok(), Some(item));
    }

    /// The editor keeps what completing a case records (办结结果类型), and names a bad one.
    #[test]
    fn the_result_kind_survives_the_form() {
        let mut item = sample();
        item.result_kind = ResultKind::Benefit;
        let mut form = ItemForm::from_item(&item, "2026-01-01", "x");
        assert_eq!(form.result_kind, "benefit");
        assert_eq!(form.to_item().ok(), Some(item));
        form.result_kind = "money".into();
        let problems = form.to_item().unwrap_err();
        assert_eq!(problems[0].field, "result_kind");
    }

    #[test]
    fn unreadable_fields_are_all_named() {
        let mut form = ItemForm::from_item(&sample(), "2026-01-01", "x");
        form.promised_days = "五天".into();
        form.kinds = "补办：x".into();
        form.materials = "[{".into();
        form.faqs = "没有分隔符".into();
        let fields: Vec<&str> = form
            .to_item()
            .unwrap_err()
            .iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(fields, vec!["promised_days", "materials", "kinds", "faqs"]);
    }
}

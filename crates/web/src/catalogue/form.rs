//! The editor's form: an item as form fields and back. Short lists are one entry per line;
//! business kinds are "新办：条件一；条件二" lines; materials, intake questions and FAQs, which
//! carry several attributes each, are rows of inputs (`rows.rs`).

use super::rows::{FaqRow, MaterialRow, QuestionRow, Rows, code_of};
use quanke_domain::catalogue::{
    BusinessKind, ItemType, KindConditions, Level, Mode, ResultKind, ServiceItem,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct ItemForm {
    pub code: String,
    pub name: String,
    pub line: String,
    pub department: String,
    pub item_type: String,
    pub level: String,
    pub applicants: String,
    pub kinds: String,
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
    pub tips: String,
    pub keywords: String,
    pub synonyms: String,
    pub policies: String,
    /// general, benefit or certificate; a form without it (older pages) means general.
    #[serde(default)]
    pub result_kind: String,
    pub effective_from: String,
    pub change_note: String,
    /// Materials, questions and FAQs, posted as indexed fields (`Rows::posted`).
    #[serde(skip_deserializing)]
    pub rows: Rows,
}

/// A field the form could not read, named by its path in the item ("materials[2].copies").
pub struct FormProblem {
    pub path: String,
    pub message: String,
}

impl FormProblem {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        FormProblem {
            path: path.into(),
            message: message.into(),
        }
    }
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

pub(super) fn from_code<T: for<'de> Deserialize<'de>>(
    path: &str,
    code: &str,
    out: &mut Vec<FormProblem>,
) -> Option<T> {
    let parsed = serde_json::from_value(serde_json::Value::String(code.to_string())).ok();
    if parsed.is_none() {
        out.push(FormProblem::new(
            path,
            format!("请选择有效的选项（收到“{code}”）"),
        ));
    }
    parsed
}

pub(super) fn number<T: std::str::FromStr>(
    path: &str,
    text: &str,
    out: &mut Vec<FormProblem>,
) -> Option<T> {
    let parsed = text.trim().parse().ok();
    if parsed.is_none() {
        out.push(FormProblem::new(path, format!("应为整数，实际为“{text}”")));
    }
    parsed
}

fn kinds(text: &str, out: &mut Vec<FormProblem>) -> Vec<KindConditions> {
    let mut kinds = Vec::new();
    for line in lines(text) {
        let Some((label, rest)) = line.split_once(['：', ':']) else {
            out.push(FormProblem::new(
                "kinds",
                format!("“{line}”应写成“新办：条件一；条件二”"),
            ));
            continue;
        };
        let kind = BusinessKind::ALL
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
            None => out.push(FormProblem::new(
                "kinds",
                format!("情形“{label}”应为新办、变更、延续或注销"),
            )),
        }
    }
    kinds
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
                    path: "result_kind".into(),
                    message: format!("办结结果类型“{code}”应为一般、待遇或证照"),
                });
                ResultKind::General
            }),
        };
        let statutory_days = number("statutory_days", &self.statutory_days, &mut p);
        let promised_days = number("promised_days", &self.promised_days, &mut p);
        let visits = number("visits", &self.visits, &mut p);
        let materials = self.rows.materials(&mut p);
        let questions = self.rows.questions(&mut p);
        let kinds = kinds(&self.kinds, &mut p);
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
            faqs: self.rows.faqs(),
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
            tips: item.tips.join("\n"),
            keywords: item.keywords.join("，"),
            synonyms: item.synonyms.join("，"),
            policies: item.policies.join("\n"),
            result_kind: item.result_kind.code().into(),
            effective_from: effective_from.into(),
            change_note: change_note.into(),
            rows: Rows {
                materials: item
                    .materials
                    .iter()
                    .map(MaterialRow::from_material)
                    .collect(),
                questions: questions_in_order(item),
                faqs: item
                    .faqs
                    .iter()
                    .map(|f| FaqRow {
                        q: f.q.clone(),
                        a: f.a.clone(),
                    })
                    .collect(),
            },
        }
    }

    /// The form as posted: its single fields (the last value of each) and its rows.
    pub fn posted(pairs: &[(String, String)]) -> ItemForm {
        let fields: serde_json::Map<String, serde_json::Value> = pairs
            .iter()
            .filter(|(k, _)| !k.contains('['))
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        // Every field is a string and missing ones default, so this cannot fail.
        let mut form: ItemForm =
            serde_json::from_value(serde_json::Value::Object(fields)).unwrap_or_default();
        form.rows = Rows::posted(pairs);
        form
    }

    /// The fields a browser posts for this form (its rows numbered in order).
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(map)) => map
                .into_iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k, v.to_string())))
                .collect(),
            _ => Vec::new(),
        };
        pairs.extend(self.rows.to_pairs());
        pairs
    }
}

fn questions_in_order(item: &ServiceItem) -> Vec<QuestionRow> {
    let mut questions: Vec<_> = item.questions.iter().collect();
    questions.sort_by_key(|q| q.order);
    questions
        .into_iter()
        .map(QuestionRow::from_question)
        .collect()
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
        assert_eq!(problems[0].path, "result_kind");
    }

    #[test]
    fn unreadable_fields_are_all_named() {
        let mut form = ItemForm::from_item(&sample(), "2026-01-01", "x");
        form.promised_days = "五天".into();
        form.kinds = "补办：x".into();
        form.rows.materials[1].copies = "两份".into();
        form.rows.questions[0].datatype = "essay".into();
        let paths: Vec<String> = form
            .to_item()
            .unwrap_err()
            .into_iter()
            .map(|p| p.path)
            .collect();
        assert_eq!(
            paths,
            vec![
                "promised_days",
                "materials[1].copies",
                "questions[0].datatype",
                "kinds"
            ]
        );
    }

    #[test]
    fn the_posted_form_reads_back_as_the_item() {
        let item = sample();
        let form = ItemForm::from_item(&item, "2026-01-01", "首次发布");
        let again = ItemForm::posted(&form.to_pairs());
        assert_eq!(again.change_note, "首次发布");
        assert_eq!(again.to_item().ok(), Some(item));
    }
}

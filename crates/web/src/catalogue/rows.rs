//! The editor's rows: each material, intake question (with its options) and FAQ is a row of
//! inputs named by the item's canonical path ("materials[2].name", "questions[0].options[1]
//! .label"), so a validation problem points at its row. A row with nothing typed in it is
//! ignored: the form always ends with one blank row, which is how a row is added without
//! JavaScript, and clearing a row's text removes it. Identifiers (material ids, question ids,
//! option keys) are kept in hidden inputs and made up for new rows: heads never type codes.

use super::form::FormProblem;
use quanke_domain::catalogue::{
    BusinessKind, Condition, Datatype, Faq, Material, MaterialForm, Question, QuestionOption,
};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

#[derive(Debug, Default, Clone, Serialize)]
pub struct MaterialRow {
    pub id: String,
    pub name: String,
    pub copies: String,
    pub form: String,
    pub how_to_obtain: String,
    pub blank_form: String,
    pub system_may_hold: String,
    /// Business kind codes it is needed for; none means all.
    pub kinds: Vec<String>,
    /// The answers that make it apply, each an `answer_value`.
    pub when: Vec<String>,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct QuestionRow {
    pub id: String,
    pub text: String,
    pub hint: String,
    pub datatype: String,
    pub required: bool,
    pub options: Vec<OptionRow>,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct OptionRow {
    pub key: String,
    pub label: String,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct FaqRow {
    pub q: String,
    pub a: String,
}

/// What the system may already hold instead of paper (`Material::system_may_hold`), as the
/// desk's checklist understands it.
pub const HOLDS: [(&str, &str); 3] = [
    ("resident_id", "居民身份信息（可免交身份证）"),
    ("household", "户籍信息（可免交户口簿）"),
    ("disability_certificate", "残疾人证信息"),
];

/// The value of one answer in a material's applicability list: question id and option key.
pub fn answer_value(question: &str, key: &str) -> String {
    serde_json::json!([question, key]).to_string()
}

fn parse_answer(value: &str) -> Option<(String, String)> {
    serde_json::from_str(value).ok()
}

/// "materials[2].name" → ("materials", 2, "name").
fn split_path(name: &str) -> Option<(&str, usize, &str)> {
    let (list, rest) = name.split_once('[')?;
    let (index, field) = rest.split_once("].")?;
    Some((list, index.parse().ok()?, field))
}

/// The posted fields of each row of one list, rows in index order.
pub type Posted<'a> = BTreeMap<usize, Vec<(&'a str, &'a str)>>;

/// Splits the posted pairs into the rows of every list, keyed by the list's name.
pub fn group<'a>(pairs: &'a [(String, String)]) -> BTreeMap<&'a str, Posted<'a>> {
    let mut lists: BTreeMap<&str, Posted> = BTreeMap::new();
    for (name, value) in pairs {
        if let Some((list, index, field)) = split_path(name) {
            lists
                .entry(list)
                .or_default()
                .entry(index)
                .or_default()
                .push((field, value.as_str()));
        }
    }
    lists
}

fn one(fields: &[(&str, &str)], name: &str) -> String {
    fields
        .iter()
        .rev()
        .find(|(f, _)| *f == name)
        .map_or(String::new(), |(_, v)| v.trim().to_string())
}

fn all(fields: &[(&str, &str)], name: &str) -> Vec<String> {
    fields
        .iter()
        .filter(|(f, v)| *f == name && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_string())
        .collect()
}

impl MaterialRow {
    pub fn posted(fields: &[(&str, &str)]) -> Self {
        MaterialRow {
            id: one(fields, "id"),
            name: one(fields, "name"),
            copies: one(fields, "copies"),
            form: one(fields, "form"),
            how_to_obtain: one(fields, "how_to_obtain"),
            blank_form: one(fields, "blank_form"),
            system_may_hold: one(fields, "system_may_hold"),
            kinds: all(fields, "kinds"),
            when: all(fields, "when"),
        }
    }

    /// A new row's defaults: one original, brought by the applicant.
    pub fn blank() -> Self {
        MaterialRow {
            copies: "1".into(),
            form: code_of(MaterialForm::Original),
            ..MaterialRow::default()
        }
    }

    fn is_blank(&self) -> bool {
        [&self.name, &self.how_to_obtain, &self.blank_form]
            .iter()
            .all(|s| s.is_empty())
    }

    pub fn from_material(m: &Material) -> Self {
        MaterialRow {
            id: m.id.clone(),
            name: m.name.clone(),
            copies: m.copies.to_string(),
            form: code_of(m.form),
            how_to_obtain: m.how_to_obtain.clone(),
            blank_form: m.blank_form.clone().unwrap_or_default(),
            system_may_hold: m.system_may_hold.clone().unwrap_or_default(),
            kinds: m.kinds.iter().map(|k| code_of(*k)).collect(),
            when: m.applies_when.as_ref().map_or(Vec::new(), |c| {
                c.any_of
                    .iter()
                    .map(|k| answer_value(&c.question, k))
                    .collect()
            }),
        }
    }

    fn to_material(&self, at: &str, id: String, p: &mut Vec<FormProblem>) -> Option<Material> {
        let copies = super::form::number(&format!("{at}.copies"), &self.copies, p);
        let form = super::form::from_code(&format!("{at}.form"), &self.form, p);
        let kinds: Vec<Option<BusinessKind>> = self
            .kinds
            .iter()
            .map(|k| super::form::from_code(&format!("{at}.kinds"), k, p))
            .collect();
        let applies_when = self.condition(at, p);
        Some(Material {
            id,
            name: self.name.clone(),
            copies: copies?,
            form: form?,
            how_to_obtain: self.how_to_obtain.clone(),
            blank_form: optional(&self.blank_form),
            system_may_hold: optional(&self.system_may_hold),
            kinds: kinds.into_iter().collect::<Option<_>>()?,
            applies_when: applies_when?,
        })
    }

    /// The chosen answers as one condition: they must all answer the same question.
    fn condition(&self, at: &str, p: &mut Vec<FormProblem>) -> Option<Option<Condition>> {
        let mut answers = Vec::new();
        for value in &self.when {
            match parse_answer(value) {
                Some(a) => answers.push(a),
                None => {
                    p.push(FormProblem::new(
                        format!("{at}.applies_when"),
                        "请从列表中选择适用的答案",
                    ));
                    return None;
                }
            }
        }
        let Some((question, _)) = answers.first().cloned() else {
            return Some(None);
        };
        if answers.iter().any(|(q, _)| *q != question) {
            p.push(FormProblem::new(
                format!("{at}.applies_when"),
                "适用条件只能选择同一个问题的答案",
            ));
            return None;
        }
        let any_of = answers.into_iter().map(|(_, k)| k).collect();
        Some(Some(Condition { question, any_of }))
    }
}

impl QuestionRow {
    pub fn posted(fields: &[(&str, &str)]) -> Self {
        let owned: Vec<(String, String)> = fields
            .iter()
            .map(|(f, v)| (f.to_string(), v.to_string()))
            .collect();
        let options = group(&owned)
            .remove("options")
            .unwrap_or_default()
            .into_values()
            .map(|o| OptionRow {
                key: one(&o, "key"),
                label: one(&o, "label"),
            })
            .filter(|o| !o.label.is_empty())
            .collect();
        QuestionRow {
            id: one(fields, "id"),
            text: one(fields, "text"),
            hint: one(fields, "hint"),
            datatype: one(fields, "datatype"),
            required: !one(fields, "required").is_empty(),
            options,
        }
    }

    /// A new row's defaults: a required single choice.
    pub fn blank() -> Self {
        QuestionRow {
            datatype: code_of(Datatype::Singlevaluelist),
            required: true,
            ..QuestionRow::default()
        }
    }

    fn is_blank(&self) -> bool {
        self.text.is_empty() && self.hint.is_empty() && self.options.is_empty()
    }

    pub fn from_question(q: &Question) -> Self {
        QuestionRow {
            id: q.id.clone(),
            text: q.text.clone(),
            hint: q.hint.clone(),
            datatype: code_of(q.datatype),
            required: q.required,
            options: q
                .options
                .iter()
                .map(|o| OptionRow {
                    key: o.key.clone(),
                    label: o.label.clone(),
                })
                .collect(),
        }
    }

    fn to_question(
        &self,
        at: &str,
        id: String,
        order: u32,
        p: &mut Vec<FormProblem>,
    ) -> Option<Question> {
        let datatype = super::form::from_code(&format!("{at}.datatype"), &self.datatype, p)?;
        let keys: Vec<&str> = self.options.iter().map(|o| o.key.as_str()).collect();
        let new_keys = made_up_ids("o", &keys);
        Some(Question {
            id,
            text: self.text.clone(),
            hint: self.hint.clone(),
            datatype,
            required: self.required,
            order,
            options: self
                .options
                .iter()
                .zip(new_keys)
                .map(|(o, key)| QuestionOption {
                    key,
                    label: o.label.clone(),
                })
                .collect(),
        })
    }
}

impl FaqRow {
    pub fn posted(fields: &[(&str, &str)]) -> Self {
        FaqRow {
            q: one(fields, "q"),
            a: one(fields, "a"),
        }
    }

    fn is_blank(&self) -> bool {
        self.q.is_empty() && self.a.is_empty()
    }
}

/// The rows of the three lists as posted, blank rows dropped.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Rows {
    pub materials: Vec<MaterialRow>,
    pub questions: Vec<QuestionRow>,
    pub faqs: Vec<FaqRow>,
}

impl Rows {
    pub fn posted(pairs: &[(String, String)]) -> Rows {
        let mut lists = group(pairs);
        let mut take = |name: &str| lists.remove(name).unwrap_or_default().into_values();
        Rows {
            materials: take("materials")
                .map(|f| MaterialRow::posted(&f))
                .filter(|r| !r.is_blank())
                .collect(),
            questions: take("questions")
                .map(|f| QuestionRow::posted(&f))
                .filter(|r| !r.is_blank())
                .collect(),
            faqs: take("faqs")
                .map(|f| FaqRow::posted(&f))
                .filter(|r| !r.is_blank())
                .collect(),
        }
    }

    pub fn materials(&self, p: &mut Vec<FormProblem>) -> Option<Vec<Material>> {
        let ids: Vec<&str> = self.materials.iter().map(|m| m.id.as_str()).collect();
        let converted: Vec<Option<Material>> = self
            .materials
            .iter()
            .zip(made_up_ids("m", &ids))
            .enumerate()
            .map(|(i, (row, id))| row.to_material(&format!("materials[{i}]"), id, p))
            .collect();
        converted.into_iter().collect()
    }

    /// The questions in row order, which is their order at intake.
    pub fn questions(&self, p: &mut Vec<FormProblem>) -> Option<Vec<Question>> {
        let ids: Vec<&str> = self.questions.iter().map(|q| q.id.as_str()).collect();
        let converted: Vec<Option<Question>> = self
            .questions
            .iter()
            .zip(made_up_ids("q", &ids))
            .zip(1..)
            .enumerate()
            .map(|(i, ((row, id), order))| {
                row.to_question(&format!("questions[{i}]"), id, order, p)
            })
            .collect();
        converted.into_iter().collect()
    }

    /// The fields a browser posts for these rows.
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut put = |path: String, value: &str| out.push((path, value.to_string()));
        for (i, m) in self.materials.iter().enumerate() {
            let at = |f: &str| format!("materials[{i}].{f}");
            put(at("id"), &m.id);
            put(at("name"), &m.name);
            put(at("copies"), &m.copies);
            put(at("form"), &m.form);
            put(at("how_to_obtain"), &m.how_to_obtain);
            put(at("blank_form"), &m.blank_form);
            put(at("system_may_hold"), &m.system_may_hold);
            m.kinds.iter().for_each(|k| put(at("kinds"), k));
            m.when.iter().for_each(|w| put(at("when"), w));
        }
        for (i, q) in self.questions.iter().enumerate() {
            let at = |f: &str| format!("questions[{i}].{f}");
            put(at("id"), &q.id);
            put(at("text"), &q.text);
            put(at("hint"), &q.hint);
            put(at("datatype"), &q.datatype);
            if q.required {
                put(at("required"), "on");
            }
            for (j, o) in q.options.iter().enumerate() {
                put(at(&format!("options[{j}].key")), &o.key);
                put(at(&format!("options[{j}].label")), &o.label);
            }
        }
        for (i, f) in self.faqs.iter().enumerate() {
            put(format!("faqs[{i}].q"), &f.q);
            put(format!("faqs[{i}].a"), &f.a);
        }
        out
    }

    pub fn faqs(&self) -> Vec<Faq> {
        self.faqs
            .iter()
            .map(|f| Faq {
                q: f.q.clone(),
                a: f.a.clone(),
            })
            .collect()
    }
}

/// The ids of rows in order: kept where a row has one, made up (`m1`, `m2`...) where it is new,
/// never clashing with an id another row keeps.
fn made_up_ids(prefix: &str, ids: &[&str]) -> Vec<String> {
    let mut taken: HashSet<String> = ids.iter().map(|s| s.to_string()).collect();
    let mut next = 1;
    ids.iter()
        .map(|id| {
            if !id.is_empty() {
                return id.to_string();
            }
            while taken.contains(&format!("{prefix}{next}")) {
                next += 1;
            }
            let made = format!("{prefix}{next}");
            taken.insert(made.clone());
            made
        })
        .collect()
}

fn optional(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

pub fn code_of<T: Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// Where a problem's path points in the form and how to say so: "materials[2].name" is
/// ("f-materials-2", "材料第 3 行"); other paths are not rows.
pub fn row_of(path: &str) -> Option<(String, String)> {
    let (list, index, rest) = split_path(path)?;
    let noun = match list {
        "materials" => "材料",
        "questions" => "受理问题",
        "faqs" => "常见问题",
        _ => return None,
    };
    let mut label = format!("{noun}第 {} 行", index + 1);
    if let Some((_, option, _)) = split_path(rest) {
        label.push_str(&format!("第 {} 个选项", option + 1));
    }
    Some((format!("f-{list}-{index}"), label))
}

/// The domain's message without the noun the row label already says ("材料名称不能为空" under
/// "材料第 3 行" reads "名称不能为空").
pub fn row_message<'a>(path: &str, message: &'a str) -> &'a str {
    let noun = if path.contains(".options[") {
        "选项"
    } else if path.starts_with("materials[") {
        "材料"
    } else if path.starts_with("questions[") {
        "问题"
    } else {
        ""
    };
    message.strip_prefix(noun).unwrap_or(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_point_at_their_line() {
        assert_eq!(
            row_of("materials[2].name"),
            Some(("f-materials-2".into(), "材料第 3 行".into()))
        );
        assert_eq!(
            row_of("questions[0].options[1].label").map(|r| r.1),
            Some("受理问题第 1 行第 2 个选项".into())
        );
        assert_eq!(row_of("promised_days"), None);
        assert_eq!(
            row_message("materials[2].name", "材料名称不能为空"),
            "名称不能为空"
        );
        assert_eq!(
            row_message("questions[0].options[1].label", "选项内容不能为空"),
            "内容不能为空"
        );
    }

    #[test]
    fn new_rows_get_ids_that_clash_with_none() {
        assert_eq!(
            made_up_ids("m", &["m1", "", "x", ""]),
            vec!["m1", "m2", "x", "m3"]
        );
    }

    #[test]
    fn posted_rows_follow_their_index_and_blank_ones_go() {
        let pairs: Vec<(String, String)> = [
            ("materials[1].name", "户口簿"),
            ("materials[1].how_to_obtain", "自备"),
            ("materials[0].name", "身份证"),
            ("materials[5].name", " "),
            ("questions[0].text", "谁来办？"),
            ("questions[0].options[1].label", "家属"),
            ("questions[0].options[0].label", "本人"),
            ("questions[0].options[2].label", ""),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let rows = Rows::posted(&pairs);
        let names: Vec<&str> = rows.materials.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, vec!["身份证", "户口簿"]);
        let labels: Vec<&str> = rows.questions[0]
            .options
            .iter()
            .map(|o| o.label.as_str())
            .collect();
        assert_eq!(labels, vec!["本人", "家属"]);
    }
}

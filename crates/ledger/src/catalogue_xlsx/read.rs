//! Reading the workbook back into a catalogue file. Every sheet is read in full and every bad cell
//! reported; the file is returned only when nothing at all is wrong.

use super::cell_forms::{
    condition_from_cell, kind_list_from_cell, kinds_from_cell, options_from_cell,
};
use super::headers::{
    FAQS, ITEM_CODE, ITEMS, MATERIALS, POLICIES, QUESTIONS, SHEETS, faq, item, material, policy,
    question,
};
use super::rules;
use super::sheet::{self, RowReader, Table, Workbook};
use crate::SheetProblem;
use calamine::open_workbook_from_rs;
use quanke_domain::catalogue::{
    CatalogueFile, Entry, FORMAT, Faq, Material, Policy, Question, ServiceItem,
};
use std::collections::HashMap;
use std::io::Cursor;

/// What was read of one item: its entry when its own row could be read, and the rows its parts
/// came from, so later rules can point at the right cell.
pub(super) struct ItemRows {
    pub row: u32,
    pub code: String,
    pub entry: Option<Entry>,
    pub material_rows: Vec<u32>,
    pub question_rows: Vec<u32>,
    /// A material or question row of this item could not be read, so the entry lacks it and the
    /// domain rules would report problems that are not there.
    pub incomplete: bool,
}

/// What was read of one policy row; the number is kept even when the row is bad, so items that
/// cite it are not told the policy is missing.
pub(super) struct PolicyRow {
    pub row: u32,
    pub number: String,
    pub policy: Option<Policy>,
}

/// Everything read, before the rules across rows run. A sheet that could not be read at all
/// leaves its `*_read` false, so references into it are not reported as dangling.
#[derive(Default)]
pub(super) struct Contents {
    pub items: Vec<ItemRows>,
    pub items_read: bool,
    pub policies: Vec<PolicyRow>,
    pub policies_read: bool,
}

/// Reads a workbook written by `catalogue_to_xlsx` (or edited by hand from one): the catalogue
/// when every cell and every rule is satisfied, otherwise every problem found.
pub fn catalogue_from_xlsx(bytes: &[u8]) -> Result<CatalogueFile, Vec<SheetProblem>> {
    let mut workbook: Workbook = open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| {
        let message = format!("无法读取 Excel 文件（应为 .xlsx 格式）：{e}");
        vec![SheetProblem::new("", 0, "", message)]
    })?;
    let mut problems = Vec::new();
    let contents = read_contents(&mut workbook, &mut problems);
    rules::check(&contents, &mut problems);
    if problems.is_empty() {
        Ok(into_file(contents))
    } else {
        Err(in_sheet_order(problems))
    }
}

/// Items and policies first, so the rows of the child sheets can find the item they belong to.
fn read_contents(workbook: &mut Workbook, problems: &mut Vec<SheetProblem>) -> Contents {
    let mut load = |spec| sheet::load(workbook, spec, problems);
    let tables = [&ITEMS, &MATERIALS, &QUESTIONS, &FAQS, &POLICIES].map(&mut load);
    let [items, materials, questions, faqs, policies] = tables;
    let mut contents = Contents::default();
    if let Some(table) = items {
        contents.items = read_items(&table, problems);
        contents.items_read = true;
    }
    if let Some(table) = policies {
        contents.policies = read_policies(&table, problems);
        contents.policies_read = true;
    }
    let mut children = Children::new(&mut contents, problems);
    if let Some(table) = materials {
        children.read(&table, read_material, add_material);
    }
    if let Some(table) = questions {
        children.read(&table, read_question, add_question);
    }
    if let Some(table) = faqs {
        children.read(&table, read_faq, add_faq);
    }
    contents
}

fn into_file(contents: Contents) -> CatalogueFile {
    CatalogueFile {
        format: FORMAT.into(),
        policies: contents
            .policies
            .into_iter()
            .filter_map(|p| p.policy)
            .collect(),
        items: contents.items.into_iter().filter_map(|i| i.entry).collect(),
    }
}

/// Problems sorted as a person walks the workbook: sheet by sheet, top to bottom, left to right.
fn in_sheet_order(mut problems: Vec<SheetProblem>) -> Vec<SheetProblem> {
    problems.sort_by_cached_key(|p| {
        let sheet = SHEETS.iter().position(|s| s.name == p.sheet);
        let column = sheet.and_then(|i| SHEETS[i].headers().position(|h| h == p.column));
        (sheet, p.row, column)
    });
    problems
}

fn read_items(table: &Table, problems: &mut Vec<SheetProblem>) -> Vec<ItemRows> {
    let mut items = Vec::new();
    for mut r in table.rows() {
        let code = r.required(item::CODE);
        let entry = read_entry(&mut r, code.clone());
        items.push(ItemRows {
            row: r.number(),
            code: code.unwrap_or_default(),
            entry,
            material_rows: Vec::new(),
            question_rows: Vec::new(),
            incomplete: false,
        });
        problems.extend(r.finish());
    }
    items
}

/// The entry of an item row, with no materials, questions or FAQs yet (those have their sheets).
fn read_entry(r: &mut RowReader, code: Option<String>) -> Option<Entry> {
    let effective_from = r.date(item::EFFECTIVE_FROM);
    let change_note = r.text(item::CHANGE_NOTE);
    if change_note.is_empty() {
        r.fail(item::CHANGE_NOTE, "不能为空（首次发布可写“首次发布”）");
    }
    let item = read_item(r, code)?;
    Some(Entry {
        effective_from: effective_from?,
        change_note,
        item,
    })
}

/// Every cell is read before any `?`, so one bad cell does not hide the next.
fn read_item(r: &mut RowReader, code: Option<String>) -> Option<ServiceItem> {
    let name = r.text(item::NAME);
    let line = r.text(item::LINE);
    let department = r.text(item::DEPARTMENT);
    let item_type = r.word(item::ITEM_TYPE);
    let level = r.word(item::LEVEL);
    let applicants = r.text(item::APPLICANTS);
    let kinds = r.parse(item::KINDS, kinds_from_cell);
    let steps = r.lines(item::STEPS);
    let legal_basis = r.lines(item::LEGAL_BASIS);
    let statutory_days = r.int(item::STATUTORY_DAYS);
    let promised_days = r.int(item::PROMISED_DAYS);
    let mode = r.word(item::MODE);
    let visits = r.int(item::VISITS);
    let fee = r.text(item::FEE);
    let location = r.text(item::LOCATION);
    let hours = r.text(item::HOURS);
    let window = r.text(item::WINDOW);
    let consult_phone = r.text(item::CONSULT_PHONE);
    let complaint_phone = r.text(item::COMPLAINT_PHONE);
    let tips = r.lines(item::TIPS);
    let keywords = r.lines(item::KEYWORDS);
    let synonyms = r.lines(item::SYNONYMS);
    let policies = r.lines(item::POLICIES);
    let result_kind = r.optional_word(item::RESULT_KIND).unwrap_or_default();
    Some(ServiceItem {
        code: code?,
        name,
        line,
        department,
        item_type: item_type?,
        level: level?,
        applicants,
        kinds: kinds?,
        materials: Vec::new(),
        steps,
        legal_basis,
        statutory_days: statutory_days?,
        promised_days: promised_days?,
        mode: mode?,
        visits: visits?,
        fee,
        location,
        hours,
        window,
        consult_phone,
        complaint_phone,
        faqs: Vec::new(),
        tips,
        keywords,
        synonyms,
        questions: Vec::new(),
        policies,
        result_kind,
    })
}

fn read_policies(table: &Table, problems: &mut Vec<SheetProblem>) -> Vec<PolicyRow> {
    let mut policies = Vec::new();
    for mut r in table.rows() {
        let number = r.filled(policy::NUMBER);
        let title = r.filled(policy::TITLE);
        let issuer = r.filled(policy::ISSUER);
        let issued_on = r.date(policy::ISSUED_ON);
        let effective_from = r.date(policy::EFFECTIVE_FROM);
        let text = r.filled(policy::TEXT);
        let policy = issued_on
            .zip(effective_from)
            .map(|(issued_on, effective_from)| Policy {
                number: number.clone(),
                title,
                issuer,
                issued_on,
                effective_from,
                text,
            });
        policies.push(PolicyRow {
            row: r.number(),
            number,
            policy,
        });
        problems.extend(r.finish());
    }
    policies
}

/// Rows of the child sheets (materials, questions, FAQs), each attached to the item its code names.
struct Children<'a> {
    contents: &'a mut Contents,
    problems: &'a mut Vec<SheetProblem>,
    /// The first row of each code; a repeated code is reported by the rules, and children attach
    /// to the first.
    by_code: HashMap<String, usize>,
}

impl<'a> Children<'a> {
    fn new(contents: &'a mut Contents, problems: &'a mut Vec<SheetProblem>) -> Self {
        let mut by_code = HashMap::new();
        for (index, item) in contents.items.iter().enumerate() {
            by_code.entry(item.code.clone()).or_insert(index);
        }
        Children {
            contents,
            problems,
            by_code,
        }
    }

    fn read<T>(
        &mut self,
        table: &Table,
        read: fn(&mut RowReader) -> Option<T>,
        add: fn(&mut ItemRows, T, u32),
    ) {
        for mut r in table.rows() {
            let code = r.required(ITEM_CODE);
            let value = read(&mut r);
            let row = r.number();
            self.problems.extend(r.finish());
            let Some(code) = code else { continue };
            match self.by_code.get(&code) {
                Some(&index) => {
                    let owner = &mut self.contents.items[index];
                    match value {
                        Some(value) => add(owner, value, row),
                        None => owner.incomplete = true,
                    }
                }
                None if self.contents.items_read => {
                    let message = format!("事项编码“{code}”在“{}”表中不存在", ITEMS.name);
                    let problem = SheetProblem::new(table.name(), row, ITEM_CODE, message);
                    self.problems.push(problem);
                }
                None => {}
            }
        }
    }
}

fn read_material(r: &mut RowReader) -> Option<Material> {
    let id = r.text(material::ID);
    let name = r.text(material::NAME);
    let copies = r.int(material::COPIES);
    let form = r.word(material::FORM);
    let how_to_obtain = r.text(material::HOW_TO_OBTAIN);
    let blank_form = r.optional(material::BLANK_FORM);
    let system_may_hold = r.optional(material::SYSTEM_MAY_HOLD);
    let kinds = r.parse(material::KINDS, kind_list_from_cell);
    let applies_when = r.parse(material::APPLIES_WHEN, |text| {
        let blank = text.is_empty();
        (!blank).then(|| condition_from_cell(text)).transpose()
    });
    Some(Material {
        id,
        name,
        copies: copies?,
        form: form?,
        how_to_obtain,
        blank_form,
        system_may_hold,
        kinds: kinds?,
        applies_when: applies_when?,
    })
}

fn add_material(owner: &mut ItemRows, value: Material, row: u32) {
    if let Some(entry) = &mut owner.entry {
        entry.item.materials.push(value);
        owner.material_rows.push(row);
    }
}

fn read_question(r: &mut RowReader) -> Option<Question> {
    let id = r.text(question::ID);
    let text = r.text(question::TEXT);
    let hint = r.text(question::HINT);
    let datatype = r.word(question::DATATYPE);
    let required = r.flag(question::REQUIRED);
    let order = r.int(question::ORDER);
    let options = r.parse(question::OPTIONS, options_from_cell);
    Some(Question {
        id,
        text,
        hint,
        datatype: datatype?,
        required: required?,
        order: order?,
        options: options?,
    })
}

fn add_question(owner: &mut ItemRows, value: Question, row: u32) {
    if let Some(entry) = &mut owner.entry {
        entry.item.questions.push(value);
        owner.question_rows.push(row);
    }
}

fn read_faq(r: &mut RowReader) -> Option<Faq> {
    Some(Faq {
        q: r.filled(faq::Q),
        a: r.filled(faq::A),
    })
}

fn add_faq(owner: &mut ItemRows, value: Faq, _row: u32) {
    if let Some(entry) = &mut owner.entry {
        entry.item.faqs.push(value);
    }
}

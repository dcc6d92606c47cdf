//! Writing the catalogue as a workbook. Text cells are written as text under Excel's text format
//! ("@"), so codes, phone numbers and dates stay exactly as written, also when someone retypes
//! them in Excel.

use super::cell_forms::{
    condition_to_cell, flag_to_cell, join_lines, kind_list_to_cell, kinds_to_cell, options_to_cell,
};
use super::headers::{
    FAQS, ITEM_CODE, ITEMS, MATERIALS, POLICIES, QUESTIONS, SheetSpec, faq, item, material, policy,
    question,
};
use crate::LedgerError;
use quanke_domain::catalogue::{CatalogueFile, Entry, Faq, Material, Policy, Question};
use rust_xlsxwriter::{Color, Format, FormatAlign, Workbook, Worksheet};

/// Excel's limit for one cell.
const MAX_CELL_CHARS: usize = 32_767;

enum Cell {
    Text(String),
    Number(f64),
}

/// One written row: each cell beside the header of its column.
type Row = Vec<(&'static str, Cell)>;

fn text(value: impl Into<String>) -> Cell {
    Cell::Text(value.into())
}

fn number(value: impl Into<f64>) -> Cell {
    Cell::Number(value.into())
}

fn lines(values: &[String]) -> Cell {
    text(join_lines(values))
}

struct Styles {
    header: Format,
    text: Format,
    number: Format,
}

impl Styles {
    fn new() -> Self {
        let cell = Format::new().set_align(FormatAlign::Top);
        Styles {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDDEBF7)),
            text: cell.clone().set_num_format("@").set_text_wrap(),
            number: cell,
        }
    }
}

/// The workbook form of a catalogue file; `catalogue_from_xlsx` reads it back to an equal file.
pub fn catalogue_to_xlsx(file: &CatalogueFile) -> Result<Vec<u8>, LedgerError> {
    let mut workbook = Workbook::new();
    let styles = Styles::new();
    let items = || file.items.iter();
    write_sheet(&mut workbook, &styles, &ITEMS, items().map(item_row))?;
    let materials = items().flat_map(|e| e.item.materials.iter().map(|m| material_row(e, m)));
    write_sheet(&mut workbook, &styles, &MATERIALS, materials)?;
    let questions = items().flat_map(|e| e.item.questions.iter().map(|q| question_row(e, q)));
    write_sheet(&mut workbook, &styles, &QUESTIONS, questions)?;
    let faqs = items().flat_map(|e| e.item.faqs.iter().map(|f| faq_row(e, f)));
    write_sheet(&mut workbook, &styles, &FAQS, faqs)?;
    let policies = file.policies.iter().map(policy_row);
    write_sheet(&mut workbook, &styles, &POLICIES, policies)?;
    Ok(workbook.save_to_buffer()?)
}

fn write_sheet(
    workbook: &mut Workbook,
    styles: &Styles,
    spec: &SheetSpec,
    rows: impl Iterator<Item = Row>,
) -> Result<(), LedgerError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name(spec.name)?;
    sheet.set_freeze_panes(1, 0)?;
    for (col, (header, width)) in (0u16..).zip(spec.columns) {
        sheet.set_column_width(col, *width)?;
        sheet.set_column_format(col, &styles.text)?;
        sheet.write_string_with_format(0, col, *header, &styles.header)?;
    }
    for (row, cells) in (1u32..).zip(rows) {
        for (col, header) in (0u16..).zip(spec.headers()) {
            if let Some((_, cell)) = cells.iter().find(|(h, _)| *h == header) {
                fits_in_a_cell(cell, spec, row, header)?;
                write_cell(sheet, styles, (row, col), cell)?;
            }
        }
    }
    Ok(())
}

/// Checked here so the error can name the cell; the writer's own error would not.
fn fits_in_a_cell(
    cell: &Cell,
    spec: &SheetSpec,
    row: u32,
    header: &str,
) -> Result<(), LedgerError> {
    match cell {
        Cell::Text(value) if value.chars().count() > MAX_CELL_CHARS => {
            Err(LedgerError::CellTooLong {
                sheet: spec.name.into(),
                row: row + 1,
                column: header.into(),
            })
        }
        _ => Ok(()),
    }
}

/// Blank text is left as an empty cell, which reads back as blank.
fn write_cell(
    sheet: &mut Worksheet,
    styles: &Styles,
    (row, col): (u32, u16),
    cell: &Cell,
) -> Result<(), LedgerError> {
    match cell {
        Cell::Text(value) if value.is_empty() => {}
        Cell::Text(value) => {
            sheet.write_string_with_format(row, col, value, &styles.text)?;
        }
        Cell::Number(value) => {
            sheet.write_number_with_format(row, col, *value, &styles.number)?;
        }
    }
    Ok(())
}

fn item_row(entry: &Entry) -> Row {
    let i = &entry.item;
    vec![
        (item::CODE, text(&i.code)),
        (item::NAME, text(&i.name)),
        (item::LINE, text(&i.line)),
        (item::DEPARTMENT, text(&i.department)),
        (item::ITEM_TYPE, text(i.item_type.label())),
        (item::LEVEL, text(i.level.label())),
        (item::APPLICANTS, text(&i.applicants)),
        (item::EFFECTIVE_FROM, text(&entry.effective_from)),
        (item::CHANGE_NOTE, text(&entry.change_note)),
        (item::STATUTORY_DAYS, number(i.statutory_days)),
        (item::PROMISED_DAYS, number(i.promised_days)),
        (item::MODE, text(i.mode.label())),
        (item::VISITS, number(i.visits)),
        (item::FEE, text(&i.fee)),
        (item::LOCATION, text(&i.location)),
        (item::HOURS, text(&i.hours)),
        (item::WINDOW, text(&i.window)),
        (item::CONSULT_PHONE, text(&i.consult_phone)),
        (item::COMPLAINT_PHONE, text(&i.complaint_phone)),
        (item::KINDS, text(kinds_to_cell(&i.kinds))),
        (item::STEPS, lines(&i.steps)),
        (item::LEGAL_BASIS, lines(&i.legal_basis)),
        (item::TIPS, lines(&i.tips)),
        (item::KEYWORDS, lines(&i.keywords)),
        (item::SYNONYMS, lines(&i.synonyms)),
        (item::POLICIES, lines(&i.policies)),
        (item::RESULT_KIND, text(i.result_kind.label())),
    ]
}

fn material_row(entry: &Entry, m: &Material) -> Row {
    vec![
        (ITEM_CODE, text(&entry.item.code)),
        (material::ID, text(&m.id)),
        (material::NAME, text(&m.name)),
        (material::COPIES, number(m.copies)),
        (material::FORM, text(m.form.label())),
        (material::HOW_TO_OBTAIN, text(&m.how_to_obtain)),
        (
            material::BLANK_FORM,
            text(m.blank_form.clone().unwrap_or_default()),
        ),
        (
            material::SYSTEM_MAY_HOLD,
            text(m.system_may_hold.clone().unwrap_or_default()),
        ),
        (material::KINDS, text(kind_list_to_cell(&m.kinds))),
        (
            material::APPLIES_WHEN,
            text(
                m.applies_when
                    .as_ref()
                    .map(condition_to_cell)
                    .unwrap_or_default(),
            ),
        ),
    ]
}

fn question_row(entry: &Entry, q: &Question) -> Row {
    vec![
        (ITEM_CODE, text(&entry.item.code)),
        (question::ID, text(&q.id)),
        (question::TEXT, text(&q.text)),
        (question::HINT, text(&q.hint)),
        (question::DATATYPE, text(q.datatype.label())),
        (question::REQUIRED, text(flag_to_cell(q.required))),
        (question::ORDER, number(q.order)),
        (question::OPTIONS, text(options_to_cell(&q.options))),
    ]
}

fn faq_row(entry: &Entry, f: &Faq) -> Row {
    vec![
        (ITEM_CODE, text(&entry.item.code)),
        (faq::Q, text(&f.q)),
        (faq::A, text(&f.a)),
    ]
}

fn policy_row(p: &Policy) -> Row {
    vec![
        (policy::NUMBER, text(&p.number)),
        (policy::TITLE, text(&p.title)),
        (policy::ISSUER, text(&p.issuer)),
        (policy::ISSUED_ON, text(&p.issued_on)),
        (policy::EFFECTIVE_FROM, text(&p.effective_from)),
        (policy::TEXT, text(&p.text)),
    ]
}

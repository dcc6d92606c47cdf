//! Finding the header row of a ledger and what its columns hold. Ledgers often carry a title
//! ("卖鱼桥社区居民台账", merged across the sheet) and a line of notes above the header, so the
//! header is the first row that names at least two known columns.

use super::mapping::ColumnMapping;
use super::packed::PackedRow;
use quanke_domain::registry::{Field, recognise};

/// Rows with content looked at for the header before giving up.
pub(super) const HEADER_SEARCH_ROWS: usize = 10;
/// Known columns a row must name to be taken for the header; one is not enough, since a title
/// such as "住址" alone may well be a note.
const HEADER_MIN_KNOWN: usize = 2;

/// One column of the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// 0-based: column A is 0.
    pub index: usize,
    /// The title as written, trimmed; empty for a column without one.
    pub title: String,
    /// What the column holds, by the saved mapping first and the usual titles second.
    pub field: Option<Field>,
}

/// The columns `row` names, when it is a header.
pub(super) fn columns_of(row: &PackedRow, mapping: &ColumnMapping) -> Option<Vec<Column>> {
    let width = row
        .spans()
        .iter()
        .filter(|s| s.start < s.end)
        .map(|s| s.column as usize + 1)
        .max()?;
    let mut columns: Vec<Column> = (0..width)
        .map(|index| Column {
            index,
            title: String::new(),
            field: None,
        })
        .collect();
    for span in row.spans() {
        if let Some(column) = columns.get_mut(span.column as usize) {
            column.title = row.cell(*span).to_string();
            column.field = mapping
                .field(&column.title)
                .or_else(|| recognise(&column.title));
        }
    }
    let known = columns.iter().filter(|c| c.field.is_some()).count();
    (known >= HEADER_MIN_KNOWN).then_some(columns)
}

/// Why these columns cannot be imported: two columns for one field, or a required one missing.
/// Every reason at once, so the file is fixed in one go.
pub(super) fn problems(columns: &[Column]) -> Option<String> {
    let mut reasons = Vec::new();
    for (i, later) in columns.iter().enumerate() {
        let Some(field) = later.field else { continue };
        if let Some(first) = columns[..i].iter().find(|c| c.field == Some(field)) {
            reasons.push(format!(
                "第 {} 列“{}”和第 {} 列“{}”都是“{}”，请删除或改名其中一列",
                letters(first.index),
                first.title,
                letters(later.index),
                later.title,
                field.label()
            ));
        }
    }
    for field in Field::ALL.into_iter().filter(|f| f.required()) {
        if !columns.iter().any(|c| c.field == Some(field)) {
            reasons.push(format!(
                "缺少必填列“{}”；若该列用了别的标题，请在导入时指定它对应“{}”",
                field.label(),
                field.label()
            ));
        }
    }
    (!reasons.is_empty()).then(|| reasons.join("；"))
}

/// Excel's name of a 0-based column: 0 is "A", 26 is "AA".
pub(super) fn letters(index: usize) -> String {
    let mut n = index + 1;
    let mut name = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        name.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).expect("ASCII letters")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[(u32, &str)]) -> PackedRow {
        let mut row = PackedRow::default();
        row.start(1);
        for (column, text) in cells {
            row.push(*column, |t| t.push_str(text));
        }
        row
    }

    #[test]
    fn a_title_row_is_not_a_header_and_gaps_become_untitled_columns() {
        let none = ColumnMapping::default();
        assert!(columns_of(&row(&[(0, "卖鱼桥社区居民台账")]), &none).is_none());
        assert!(columns_of(&row(&[(0, "姓名"), (1, "备注")]), &none).is_none());
        let columns = columns_of(&row(&[(0, " 姓名 "), (2, "*身份证号（必填）")]), &none).unwrap();
        assert_eq!(columns.len(), 3);
        assert_eq!(columns[0].title, "姓名");
        assert_eq!(columns[1].title, "");
        assert_eq!(columns[2].field, Some(Field::IdNumber));
    }

    #[test]
    fn a_mapping_wins_over_synonyms() {
        let mapping =
            ColumnMapping::new([("住址", Field::RegisteredAddress), ("居民名", Field::Name)]);
        let columns = columns_of(&row(&[(0, "居民名"), (1, "住址")]), &mapping).unwrap();
        assert_eq!(columns[0].field, Some(Field::Name));
        assert_eq!(columns[1].field, Some(Field::RegisteredAddress));
    }

    #[test]
    fn duplicates_and_missing_required_columns_are_all_named() {
        let columns = columns_of(
            &row(&[(0, "姓名"), (1, "手机"), (27, "电话")]),
            &ColumnMapping::default(),
        )
        .unwrap();
        let message = problems(&columns).unwrap();
        assert!(
            message.contains("第 B 列“手机”和第 AB 列“电话”都是“联系电话”"),
            "{message}"
        );
        assert!(message.contains("缺少必填列“身份证号”"), "{message}");
        assert!(!message.contains("缺少必填列“姓名”"), "{message}");
    }

    #[test]
    fn column_letters() {
        assert_eq!(letters(0), "A");
        assert_eq!(letters(25), "Z");
        assert_eq!(letters(26), "AA");
        assert_eq!(letters(701), "ZZ");
        assert_eq!(letters(702), "AAA");
    }
}

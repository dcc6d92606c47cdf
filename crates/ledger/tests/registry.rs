//! Residents ledgers through the streaming reader and writers: round trips, the title rows,
//! synonyms, encodings and cell types real files come with, and every header mistake named.

use calamine::{Data, Reader, Xlsx, open_workbook};
use quanke_domain::ident::resident_id::check_digit;
use quanke_domain::registry::{Field, check_row};
use quanke_ledger::registry::{
    ColumnMapping, LedgerReader, ReportLine, Severity, write_ledger, write_problem_report,
};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use std::path::{Path, PathBuf};
use tempfile::TempDir;
use time::macros::date;

const HEADERS: [&str; 6] = ["姓名", "身份证号", "性别", "联系电话", "实住地址", "备注"];

fn id(first17: &str) -> String {
    format!("{first17}{}", check_digit(first17).unwrap())
}

fn rows() -> Vec<Vec<String>> {
    let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect();
    vec![
        row(&[
            "张三丰",
            &id("33010519800229003"),
            "男",
            "13805712345",
            "小河路12幢2单元302室",
            "",
        ]),
        row(&["李四", &id("33010519900101002"), "女", "0571-88888888"]),
    ]
}

fn path(dir: &TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

/// Every data row as (row number, cells aligned with the header).
fn read_all(reader: &mut LedgerReader) -> Vec<(u32, Vec<String>)> {
    let mut all = Vec::new();
    while let Some(row) = reader.next_row() {
        let row = row.unwrap();
        all.push((row.number(), row.cells().map(String::from).collect()));
    }
    all
}

fn padded(row: &[String], width: usize) -> Vec<String> {
    let mut row = row.to_vec();
    row.resize(width, String::new());
    row
}

fn open_err(path: &Path, mapping: &ColumnMapping) -> String {
    match LedgerReader::open(path, mapping) {
        Ok(_) => panic!("{} opened", path.display()),
        Err(problem) => problem.to_string(),
    }
}

#[test]
fn a_written_ledger_reads_back_cell_for_cell_and_checks() {
    let dir = TempDir::new().unwrap();
    let file = path(&dir, "台账.xlsx");
    assert_eq!(write_ledger(&file, None, &HEADERS, rows()).unwrap(), 2);
    // ID and phone numbers are text cells under Excel's text format, so retyping keeps them text.
    let mut book: Xlsx<_> = open_workbook(&file).unwrap();
    let range = book.worksheet_range("居民台账").unwrap();
    let styles = book.worksheet_style("居民台账").unwrap();
    for (row, col) in [(1u32, 1u32), (1, 3), (2, 3)] {
        assert!(matches!(range.get_value((row, col)), Some(Data::String(_))));
        let format = styles.get((row, col)).unwrap().number_format.as_ref();
        assert_eq!(format.unwrap().format_code, "@", "{row},{col}");
    }
    let mut reader = LedgerReader::open(&file, &ColumnMapping::default()).unwrap();
    assert_eq!(reader.header_row(), 1);
    assert_eq!(reader.sheet(), "居民台账");
    let titles: Vec<&str> = reader.columns().iter().map(|c| c.title.as_str()).collect();
    assert_eq!(titles, HEADERS);
    assert_eq!(reader.columns()[3].field, Some(Field::Phone));
    assert_eq!(reader.unrecognised().collect::<Vec<_>>(), ["备注"]);
    assert_eq!(reader.column_of(Field::IdNumber).unwrap().index, 1);
    let row = reader.next_row().unwrap().unwrap();
    assert_eq!(row.number(), 2);
    assert_eq!(row.get(Field::IdNumber), id("33010519800229003"));
    let checked = check_row(&row.ledger_row(), date!(2026 - 11 - 28)).unwrap();
    assert_eq!(checked.record.name, "张三丰");
    assert_eq!(checked.record.phone.unwrap().as_str(), "13805712345");
    assert_eq!(checked.record.dwelling.unwrap().room, "302室");
    let (number, cells) = read_all(&mut reader).remove(0);
    assert_eq!(number, 3);
    // Missing trailing cells read as empty; the landline keeps its leading zero.
    assert_eq!(cells, padded(&rows()[1], HEADERS.len()));
    assert!(reader.next_row().is_none());
    let progress = reader.progress();
    assert_eq!(progress.total, Some(3));
    assert_eq!(progress.fraction(), Some(1.0));
}

#[test]
fn a_title_row_above_the_header_is_passed_over() {
    let dir = TempDir::new().unwrap();
    let file = path(&dir, "titled.xlsx");
    write_ledger(&file, Some("卖鱼桥社区居民台账"), &HEADERS, rows()).unwrap();
    let mut book: Xlsx<_> = open_workbook(&file).unwrap();
    let range = book.worksheet_range("居民台账").unwrap();
    assert_eq!(
        range.get_value((0, 0)),
        Some(&Data::String("卖鱼桥社区居民台账".into()))
    );
    assert_eq!(book.merge_cells_by_sheet_name("居民台账").unwrap().len(), 1);
    let mut reader = LedgerReader::open(&file, &ColumnMapping::default()).unwrap();
    assert_eq!(reader.header_row(), 2);
    let all = read_all(&mut reader);
    assert_eq!(all.iter().map(|(n, _)| *n).collect::<Vec<_>>(), [3, 4]);
    assert_eq!(all[0].1, padded(&rows()[0], HEADERS.len()));
}

#[test]
fn blank_rows_are_skipped_and_rows_keep_their_excel_numbers() {
    let dir = TempDir::new().unwrap();
    let file = path(&dir, "gaps.xlsx");
    let mut data = rows();
    data.insert(1, vec![String::new(); 3]);
    data.insert(0, vec![" ".into(), "\u{3000}".into()]);
    write_ledger(&file, None, &HEADERS, data).unwrap();
    let mut reader = LedgerReader::open(&file, &ColumnMapping::default()).unwrap();
    let numbers: Vec<u32> = read_all(&mut reader).iter().map(|(n, _)| *n).collect();
    assert_eq!(numbers, [3, 5]);
}

#[test]
fn synonyms_decorations_and_a_saved_mapping_name_the_columns() {
    let dir = TempDir::new().unwrap();
    let file = path(&dir, "odd.xlsx");
    let headers = ["居民名", "*公民身份号码（必填）", "手 机", "住址"];
    let number = id("33010519800229003");
    write_ledger(
        &file,
        None,
        &headers,
        [["王五", &number, "13805712345", "x"]],
    )
    .unwrap();
    let message = open_err(&file, &ColumnMapping::default());
    assert!(message.contains("缺少必填列“姓名”"), "{message}");
    let mapping: ColumnMapping =
        serde_json::from_str(r#"{"columns": {" 居民名 ": "name", "住址": "registered_address"}}"#)
            .unwrap();
    let mut reader = LedgerReader::open(&file, &mapping).unwrap();
    let fields: Vec<Option<Field>> = reader.columns().iter().map(|c| c.field).collect();
    assert_eq!(
        fields,
        [
            Some(Field::Name),
            Some(Field::IdNumber),
            Some(Field::Phone),
            Some(Field::RegisteredAddress)
        ]
    );
    assert_eq!(reader.unrecognised().count(), 0);
    let row = reader.next_row().unwrap().unwrap();
    assert_eq!(row.get(Field::Name), "王五");
    assert_eq!(row.ledger_row().get(Field::IdNumber), number);
    assert_eq!(row.get(Field::ActualAddress), "");
    assert_eq!(row.column_of(Field::Phone).unwrap().title, "手 机");
    assert!(row.column_of(Field::ActualAddress).is_none());
}

#[test]
fn mappings_round_trip_through_json_by_field_code() {
    let mapping = ColumnMapping::new([("证件号(18位)", Field::IdNumber), ("居民名", Field::Name)]);
    assert!(!mapping.is_empty());
    assert!(ColumnMapping::default().is_empty());
    let json = serde_json::to_string(&mapping).unwrap();
    assert_eq!(
        json,
        r#"{"columns":{"居民名":"name","证件号(18位)":"id_number"}}"#
    );
    assert_eq!(
        serde_json::from_str::<ColumnMapping>(&json).unwrap(),
        mapping
    );
    let err = serde_json::from_str::<ColumnMapping>(r#"{"columns":{"x":"nom"}}"#).unwrap_err();
    assert!(err.to_string().contains("字段代码“nom”不存在"), "{err}");
}

#[test]
fn header_mistakes_are_named_in_one_message() {
    let dir = TempDir::new().unwrap();
    let file = path(&dir, "dup.xlsx");
    let headers = ["姓名", "身份证号", "手机", "公民身份号码"];
    write_ledger(&file, Some("台账"), &headers, [["a"]]).unwrap();
    let message = open_err(&file, &ColumnMapping::default());
    assert_eq!(
        message,
        "居民台账 第 2 行：第 B 列“身份证号”和第 D 列“公民身份号码”都是“身份证号”，请删除或改名其中一列"
    );
    let file = path(&dir, "no-id.xlsx");
    write_ledger(&file, None, &["名字", "联系电话", "性别"], [["a"]]).unwrap();
    let message = open_err(&file, &ColumnMapping::default());
    assert!(
        message.starts_with("居民台账 第 1 行：缺少必填列“身份证号”"),
        "{message}"
    );
}

#[test]
fn files_without_a_header_or_of_other_kinds_are_refused_in_words() {
    let dir = TempDir::new().unwrap();
    let notes: Vec<Vec<String>> = (0..12).map(|i| vec![format!("说明{i}")]).collect();
    let file = path(&dir, "notes.xlsx");
    write_ledger(&file, None, &["姓名"], notes).unwrap();
    let message = open_err(&file, &ColumnMapping::default());
    assert!(message.contains("前 10 行中没有找到表头"), "{message}");
    let empty = path(&dir, "empty.csv");
    std::fs::write(&empty, "\n\n").unwrap();
    assert_eq!(
        open_err(&empty, &ColumnMapping::default()),
        "empty：文件中没有内容"
    );
    let xls = path(&dir, "old.XLS");
    std::fs::write(&xls, b"whatever").unwrap();
    assert!(open_err(&xls, &ColumnMapping::default()).contains("另存为” .xlsx"));
    let txt = path(&dir, "list.txt");
    std::fs::write(&txt, b"a").unwrap();
    assert!(open_err(&txt, &ColumnMapping::default()).contains("不支持 .txt 文件"));
    let broken = path(&dir, "broken.xlsx");
    std::fs::write(&broken, b"not a zip").unwrap();
    assert!(open_err(&broken, &ColumnMapping::default()).contains("无法读取 Excel 文件"));
    let missing = path(&dir, "missing.csv");
    assert!(open_err(&missing, &ColumnMapping::default()).starts_with("无法读取文件"));
}

const CSV: &str = "居民信息登记表\r\n\r\n姓名,身份证号,实住地址\r\n 张三 ,=\"330105198002290031\",\"小河路\n12幢\"\r\n\r\n李四,330105199001010028\r\n";

fn csv_rows(file: &Path) -> (LedgerReader, Vec<(u32, Vec<String>)>) {
    let mut reader = LedgerReader::open(file, &ColumnMapping::default()).unwrap();
    let rows = read_all(&mut reader);
    (reader, rows)
}

fn expected_csv_rows() -> Vec<(u32, Vec<String>)> {
    let cells = |c: [&str; 3]| c.map(String::from).to_vec();
    vec![
        (4, cells(["张三", "330105198002290031", "小河路\n12幢"])),
        // The quoted line break is one row in Excel: 李四 is on row 6, not 7.
        (6, cells(["李四", "330105199001010028", ""])),
    ]
}

#[test]
fn csv_in_utf8_with_and_without_bom() {
    let dir = TempDir::new().unwrap();
    for (name, bom) in [("bom.csv", "\u{feff}"), ("plain.csv", "")] {
        let file = path(&dir, name);
        std::fs::write(&file, format!("{bom}{CSV}")).unwrap();
        let (reader, rows) = csv_rows(&file);
        assert_eq!(reader.header_row(), 3, "{name}");
        assert_eq!(reader.columns()[0].title, "姓名", "{name}");
        assert_eq!(rows, expected_csv_rows(), "{name}");
        let size = std::fs::metadata(&file).unwrap().len();
        assert_eq!(reader.progress().total, Some(size));
        assert_eq!(reader.progress().done, size);
    }
}

#[test]
fn csv_in_gb18030_as_excel_saves_it_on_chinese_windows() {
    let dir = TempDir::new().unwrap();
    let file = path(&dir, "gbk.csv");
    let (bytes, _, lossy) = encoding_rs::GB18030.encode(CSV);
    assert!(!lossy);
    assert!(std::str::from_utf8(&bytes).is_err());
    std::fs::write(&file, &bytes).unwrap();
    let (reader, rows) = csv_rows(&file);
    assert_eq!(reader.sheet(), "gbk");
    assert_eq!(rows, expected_csv_rows());
}

#[test]
fn a_gbk_row_past_the_sample_of_a_utf8_csv_is_reported_at_its_row_and_reading_goes_on() {
    let dir = TempDir::new().unwrap();
    let file = path(&dir, "mixed.csv");
    // More UTF-8 than the encoding is told from, so the file is taken for UTF-8.
    let mut text = String::from("姓名,身份证号\n");
    for i in 0..6000 {
        text.push_str(&format!("居民{i},{i}\n"));
    }
    let mut bytes = text.into_bytes();
    assert!(bytes.len() > 64 * 1024);
    bytes.extend_from_slice(&encoding_rs::GB18030.encode("乙,2\n").0);
    bytes.extend_from_slice("丙,3\n".as_bytes());
    std::fs::write(&file, bytes).unwrap();
    let mut reader = LedgerReader::open(&file, &ColumnMapping::default()).unwrap();
    for _ in 0..6000 {
        reader.next_row().unwrap().unwrap();
    }
    let problem = reader.next_row().unwrap().err().unwrap();
    assert_eq!(problem.row, 6002);
    assert!(problem.message.contains("UTF-8"), "{problem}");
    let row = reader.next_row().unwrap().unwrap();
    assert_eq!((row.number(), row.cell(0)), (6003, "丙"));
    assert!(reader.next_row().is_none());
}

/// A ledger as Excel users leave it: numbers, dates and flags where text was meant.
#[test]
fn number_date_flag_and_error_cells_read_as_the_text_excel_shows() {
    let dir = TempDir::new().unwrap();
    let file = path(&dir, "typed.xlsx");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let headers = [
        "姓名",
        "身份证号",
        "联系电话",
        "出生日期",
        "房号",
        "是否党员",
        "网格",
    ];
    for (col, h) in (0u16..).zip(headers) {
        sheet.write_string(0, col, h).unwrap();
    }
    let day = Format::new().set_num_format("yyyy/m/d");
    sheet.write_string(1, 0, "赵六").unwrap();
    sheet.write_number(1, 1, 330105198002290031.0).unwrap();
    sheet.write_number(1, 2, 13805712345.0).unwrap();
    let birth = ExcelDateTime::from_ymd(1980, 2, 29).unwrap();
    sheet
        .write_datetime_with_format(1, 3, &birth, &day)
        .unwrap();
    sheet.write_number(1, 4, 302.0).unwrap();
    sheet.write_boolean(1, 5, true).unwrap();
    sheet
        .write_formula(1, 6, Formula::new("=NA()").set_result("#N/A"))
        .unwrap();
    sheet.write_number(2, 0, 1.5).unwrap();
    sheet.write_number(2, 1, 330105500101123.0).unwrap();
    workbook.save(&file).unwrap();

    let mut reader = LedgerReader::open(&file, &ColumnMapping::default()).unwrap();
    let rows = read_all(&mut reader);
    let first: Vec<&str> = rows[0].1.iter().map(String::as_str).collect();
    assert_eq!(
        first,
        [
            "赵六",
            "3.3010519800229005E+17",
            "13805712345",
            "1980-02-29",
            "302",
            "是",
            "#N/A"
        ]
    );
    assert_eq!(rows[1].1[..2], ["1.5", "330105500101123"]);
    let mut reader = LedgerReader::open(&file, &ColumnMapping::default()).unwrap();
    let row = reader.next_row().unwrap().unwrap();
    let problems = check_row(&row.ledger_row(), date!(2026 - 11 - 28)).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.field == Field::IdNumber && p.message.contains("科学计数法")),
        "{problems:?}"
    );
}

#[test]
fn the_problem_report_lists_every_line_and_counts_them() {
    let dir = TempDir::new().unwrap();
    let file = path(&dir, "问题.xlsx");
    let line = |row, column: &str, value: &str, message: &str, severity| ReportLine {
        row,
        column: column.into(),
        value: value.into(),
        message: message.into(),
        severity,
    };
    let lines = vec![
        line(
            3,
            "身份证号",
            "330105198002290031",
            "校验位错误",
            Severity::Error,
        ),
        line(3, "联系电话", "12345", "号码位数不对", Severity::Error),
        line(
            7,
            "身份证号",
            "330103195001011234",
            "行政区划已撤销",
            Severity::Warning,
        ),
    ];
    assert_eq!(write_problem_report(&file, lines).unwrap(), 3);
    let mut book: Xlsx<_> = open_workbook(&file).unwrap();
    assert_eq!(book.sheet_names(), ["问题清单", "汇总"]);
    let list = book.worksheet_range("问题清单").unwrap();
    let text = |r: &calamine::Range<Data>, row: usize| -> Vec<String> {
        r.rows()
            .nth(row)
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect()
    };
    assert_eq!(text(&list, 0), ["行号", "列", "原值", "问题", "类别"]);
    assert_eq!(
        text(&list, 1),
        ["3", "身份证号", "330105198002290031", "校验位错误", "错误"]
    );
    assert_eq!(text(&list, 3)[4], "提醒");
    assert_eq!(list.height(), 4);
    let summary = book.worksheet_range("汇总").unwrap();
    assert_eq!(text(&summary, 1), ["身份证号", "1", "1"]);
    assert_eq!(text(&summary, 2), ["联系电话", "1", "0"]);
    assert_eq!(text(&summary, 3), ["合计", "2", "1"]);
}

#[test]
fn overlong_cells_are_refused_with_their_place() {
    let dir = TempDir::new().unwrap();
    let file = path(&dir, "long.xlsx");
    let long = "长".repeat(32_768);
    let err =
        write_ledger(&file, Some("t"), &["姓名", "备注"], [["a", long.as_str()]]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "居民台账 第 3 行“备注”超过 Excel 单元格上限（32767 个字符），无法导出"
    );
}

#[test]
fn the_first_visible_sheet_is_read_past_hidden_lists() {
    let dir = TempDir::new().unwrap();
    let file = path(&dir, "hidden.xlsx");
    let mut workbook = Workbook::new();
    let lists = workbook.add_worksheet().set_name("下拉选项").unwrap();
    lists.write_string(0, 0, "姓名").unwrap();
    lists.write_string(0, 1, "性别").unwrap();
    lists.set_hidden(true);
    let ledger = workbook.add_worksheet().set_name("台账").unwrap();
    ledger.write_string(0, 0, "姓名").unwrap();
    ledger.write_string(0, 1, "身份证号").unwrap();
    ledger.write_string(1, 0, "钱七").unwrap();
    ledger.set_active(true);
    workbook.save(&file).unwrap();
    let mut reader = LedgerReader::open(&file, &ColumnMapping::default()).unwrap();
    assert_eq!(reader.sheet(), "台账");
    assert_eq!(
        read_all(&mut reader),
        [(2, vec!["钱七".to_string(), String::new()])]
    );
}

//! The catalogue workbook both ways: round trips, and every kind of mistake a person makes when
//! editing it by hand, each reported at its sheet, row and column.

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use quanke_domain::catalogue::{CatalogueFile, Entry, FORMAT, Policy, ServiceItem};
use quanke_ledger::{LedgerError, SheetProblem, catalogue_from_xlsx, catalogue_to_xlsx};
use std::io::Cursor;
use std::path::Path;

fn sample_file() -> CatalogueFile {
    let item: ServiceItem =
        serde_json::from_str(include_str!("../../domain/src/catalogue/sample.json")).unwrap();
    CatalogueFile {
        format: FORMAT.into(),
        policies: vec![Policy {
            number: "浙民福〔2023〕1号".into(),
            title: "关于高龄津贴发放的通知".into(),
            issuer: "浙江省民政厅".into(),
            issued_on: "2023-01-05".into(),
            effective_from: "2023-02-01".into(),
            text: "一、年满 80 周岁的本省户籍老年人按月领取高龄津贴。".into(),
        }],
        items: vec![Entry {
            effective_from: "2026-01-01".into(),
            change_note: "首次发布".into(),
            item,
        }],
    }
}

/// A workbook as plain cells, to edit the way a person would and write back.
struct Grid {
    sheets: Vec<(String, Vec<Vec<Data>>)>,
}

impl Grid {
    fn of(bytes: &[u8]) -> Grid {
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        let sheets = book
            .sheet_names()
            .into_iter()
            .map(|name| {
                let range = book.worksheet_range(&name).unwrap();
                (name, range.rows().map(|r| r.to_vec()).collect())
            })
            .collect();
        Grid { sheets }
    }

    fn sample() -> Grid {
        Grid::of(&catalogue_to_xlsx(&sample_file()).unwrap())
    }

    fn rows(&mut self, sheet: &str) -> &mut Vec<Vec<Data>> {
        let found = self.sheets.iter_mut().find(|(name, _)| name == sheet);
        &mut found.unwrap().1
    }

    fn column(&mut self, sheet: &str, header: &str) -> usize {
        let headers = &self.rows(sheet)[0];
        let found = headers.iter().position(|h| h.to_string().trim() == header);
        found.unwrap_or_else(|| panic!("no column {header} in {sheet}"))
    }

    /// Sets the cell at Excel's row number under `header`.
    fn set(&mut self, sheet: &str, row: usize, header: &str, value: impl Into<Data>) -> &mut Self {
        let col = self.column(sheet, header);
        let cells = &mut self.rows(sheet)[row - 1];
        cells.resize(cells.len().max(col + 1), Data::Empty);
        cells[col] = value.into();
        self
    }

    /// Appends a copy of Excel row `row`, to be edited with `set`; returns the new row's number.
    fn copy_row(&mut self, sheet: &str, row: usize) -> usize {
        let rows = self.rows(sheet);
        let copy = rows[row - 1].clone();
        rows.push(copy);
        rows.len()
    }

    fn to_xlsx(&self) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        for (name, rows) in &self.sheets {
            let sheet = book.add_worksheet();
            sheet.set_name(name).unwrap();
            for (r, cells) in (0u32..).zip(rows) {
                for (c, cell) in (0u16..).zip(cells) {
                    match cell {
                        Data::String(s) => sheet.write_string(r, c, s).map(drop),
                        Data::Float(f) => sheet.write_number(r, c, *f).map(drop),
                        Data::Int(i) => sheet.write_number(r, c, *i as f64).map(drop),
                        Data::DateTime(d) => sheet
                            .write_number_with_format(r, c, d.as_f64(), &date)
                            .map(drop),
                        Data::Empty => Ok(()),
                        other => panic!("the grid does not write {other:?}"),
                    }
                    .unwrap();
                }
            }
        }
        book.save_to_buffer().unwrap()
    }
}

fn problems_of(grid: &Grid) -> Vec<SheetProblem> {
    catalogue_from_xlsx(&grid.to_xlsx()).expect_err("the workbook should have problems")
}

/// (sheet, row, column) of each problem, in the order reported.
fn places(problems: &[SheetProblem]) -> Vec<(&str, u32, &str)> {
    problems
        .iter()
        .map(|p| (p.sheet.as_str(), p.row, p.column.as_str()))
        .collect()
}

#[test]
fn the_sample_round_trips() {
    let file = sample_file();
    let bytes = catalogue_to_xlsx(&file).unwrap();
    assert_eq!(catalogue_from_xlsx(&bytes), Ok(file));
}

#[test]
fn the_demo_catalogues_round_trip() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/demo/catalogue");
    // The demo catalogue ships in the repository; its absence is a failure, not a pass.
    let listing = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("no demo catalogue at {}: {e}", dir.display()));
    let mut seen = 0;
    for path in listing.map(|e| e.unwrap().path()) {
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let file: CatalogueFile =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let back = catalogue_from_xlsx(&catalogue_to_xlsx(&file).unwrap());
        match back {
            Ok(back) => assert!(back == file, "{} changed in the round trip", path.display()),
            Err(problems) => panic!("{}: {}", path.display(), problems[0]),
        }
        seen += 1;
    }
    assert!(seen >= 3, "only {seen} demo catalogue files found");
}

#[test]
fn codes_phones_and_dates_are_stored_as_text() {
    let mut file = sample_file();
    let item = &mut file.items[0].item;
    item.code = "110".into();
    item.consult_phone = "057188000001".into();
    item.complaint_phone = "12345".into();
    item.keywords.push("12315".into());
    let bytes = catalogue_to_xlsx(&file).unwrap();
    let mut grid = Grid::of(&bytes);
    for header in ["事项编码", "咨询电话", "投诉电话", "生效日期", "关键词"] {
        let col = grid.column("事项", header);
        let cell = &grid.rows("事项")[1][col];
        assert!(matches!(cell, Data::String(_)), "{header} is {cell:?}");
    }
    let col = grid.column("事项", "法定时限");
    assert_eq!(
        grid.rows("事项")[1][col],
        Data::Float(20.0),
        "days are numbers"
    );
    assert_eq!(catalogue_from_xlsx(&bytes), Ok(file));
}

#[test]
fn values_excel_retyped_as_numbers_and_dates_still_read() {
    let mut grid = Grid::sample();
    grid.set("事项", 2, "投诉电话", 12345.0)
        .set("事项", 2, "法定时限", "20")
        .set(
            "事项",
            2,
            "生效日期",
            Data::DateTime(calamine::ExcelDateTime::new(
                46023.0,
                calamine::ExcelDateTimeType::DateTime,
                false,
            )),
        );
    assert_eq!(catalogue_from_xlsx(&grid.to_xlsx()), Ok(sample_file()));
}

#[test]
fn every_broken_cell_is_reported_at_its_place() {
    let mut grid = Grid::sample();
    grid.set("事项", 2, "承诺时限", "五天")
        .set("事项", 2, "事项类型", "许可证")
        .set("材料", 3, "份数", "两份")
        .set("材料", 4, "材料形式", "")
        .set("问题", 2, "必答", "也许")
        .set("政策文件", 2, "发文日期", "2023年1月5日");
    let problems = problems_of(&grid);
    assert_eq!(
        places(&problems),
        [
            ("事项", 2, "事项类型"),
            ("事项", 2, "承诺时限"),
            ("材料", 3, "份数"),
            ("材料", 4, "材料形式"),
            ("问题", 2, "必答"),
            ("政策文件", 2, "发文日期"),
        ],
        "{problems:#?}"
    );
    assert_eq!(
        problems[1].to_string(),
        "事项 第 2 行 “承诺时限”：应为整数，实际为“五天”"
    );
    assert_eq!(problems[3].message, "不能为空");
    assert_eq!(problems[4].message, "应为“是”或“否”，实际为“也许”");
    assert!(
        problems[5].message.contains("YYYY-MM-DD"),
        "{}",
        problems[5]
    );
}

#[test]
fn an_unknown_label_names_the_allowed_ones() {
    let mut grid = Grid::sample();
    grid.set("事项", 2, "办件类型", "即时办");
    let problems = problems_of(&grid);
    assert_eq!(
        problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["事项 第 2 行 “办件类型”：应为即办件、承诺件之一，实际为“即时办”"]
    );
}

#[test]
fn english_codes_are_accepted_for_labels() {
    let mut grid = Grid::sample();
    grid.set("事项", 2, "事项类型", "benefit")
        .set("事项", 2, "办理层级", "COMMUNITY")
        .set("材料", 2, "材料形式", "original")
        .set("问题", 2, "题型", "singlevaluelist");
    assert_eq!(catalogue_from_xlsx(&grid.to_xlsx()), Ok(sample_file()));
}

#[test]
fn a_material_of_an_unknown_item_is_reported() {
    let mut grid = Grid::sample();
    let row = grid.copy_row("材料", 2);
    grid.set("材料", row, "事项编码", "MZ-NONE");
    let problems = problems_of(&grid);
    assert_eq!(places(&problems), [("材料", 6, "事项编码")]);
    assert_eq!(problems[0].message, "事项编码“MZ-NONE”在“事项”表中不存在");
}

#[test]
fn blank_required_cells_are_reported() {
    let mut grid = Grid::sample();
    grid.set("事项", 2, "办理层级", "")
        .set("事项", 2, "跑动次数", "  ")
        .set("事项", 2, "变更说明", "")
        .set("常见问题", 2, "解答", "");
    let problems = problems_of(&grid);
    assert_eq!(
        places(&problems),
        [
            ("事项", 2, "办理层级"),
            ("事项", 2, "变更说明"),
            ("事项", 2, "跑动次数"),
            ("常见问题", 2, "解答"),
        ],
        "{problems:#?}"
    );
    assert!(problems.iter().all(|p| p.message.starts_with("不能为空")));
}

#[test]
fn reordered_columns_and_spaced_headers_still_parse() {
    let mut grid = Grid::sample();
    for (_, rows) in &mut grid.sheets {
        for row in rows.iter_mut() {
            row.reverse();
        }
        for header in rows[0].iter_mut() {
            *header = Data::String(format!(
                " {} ",
                header.to_string().replace("名称", "名　称")
            ));
        }
    }
    assert_eq!(catalogue_from_xlsx(&grid.to_xlsx()), Ok(sample_file()));
}

#[test]
fn blank_rows_are_skipped_and_rows_keep_excel_numbers() {
    let mut grid = Grid::sample();
    grid.rows("材料").insert(1, Vec::new());
    grid.set("材料", 4, "份数", -1.0);
    let problems = problems_of(&grid);
    assert_eq!(places(&problems), [("材料", 4, "份数")]);
    assert_eq!(problems[0].message, "应为 0 到 255 之间的整数，实际为“-1”");
}

#[test]
fn domain_rules_point_at_the_cell_they_concern() {
    let mut grid = Grid::sample();
    grid.set("事项", 2, "承诺时限", 30.0)
        .set("事项", 2, "事项名称", "")
        .set("材料", 4, "适用条件", "who=nobody")
        .set("问题", 2, "选项", "self:老人本人");
    let problems = problems_of(&grid);
    assert_eq!(
        places(&problems),
        [
            ("事项", 2, "事项名称"),
            ("事项", 2, "承诺时限"),
            ("材料", 4, "适用条件"),
            ("问题", 2, "选项"),
        ],
        "{problems:#?}"
    );
    assert_eq!(problems[1].message, "承诺时限不能超过法定时限");
    assert_eq!(problems[2].message, "问题“who”没有选项“nobody”");
}

#[test]
fn an_item_with_an_unreadable_material_skips_the_domain_rules() {
    // The proxy's ID card depends on question "who"; an unreadable question row must not make the
    // material look like it points at nothing.
    let mut grid = Grid::sample();
    grid.set("问题", 2, "顺序", "第一");
    let problems = problems_of(&grid);
    assert_eq!(places(&problems), [("问题", 2, "顺序")], "{problems:#?}");
}

#[test]
fn repeated_codes_and_missing_policies_are_reported() {
    let mut grid = Grid::sample();
    grid.copy_row("事项", 2);
    grid.set("事项", 3, "政策文件文号", "浙民福〔2099〕9号");
    let row = grid.copy_row("政策文件", 2);
    let problems = problems_of(&grid);
    assert_eq!(
        places(&problems),
        [
            ("事项", 3, "事项编码"),
            ("事项", 3, "政策文件文号"),
            ("政策文件", row as u32, "文号"),
        ],
        "{problems:#?}"
    );
    assert_eq!(problems[0].message, "事项编码“MZ-GLJT”与第 2 行重复");
    assert_eq!(
        problems[1].message,
        "引用的政策文件“浙民福〔2099〕9号”不在“政策文件”表中"
    );
}

#[test]
fn kinds_and_options_in_cells_are_checked() {
    let mut grid = Grid::sample();
    grid.set(
        "事项",
        2,
        "业务情形及受理条件",
        "新办：本市户籍\n补办：遗失",
    )
    .set("问题", 2, "选项", "self 老人本人\nproxy:家属代办");
    let problems = problems_of(&grid);
    assert_eq!(
        places(&problems),
        [("事项", 2, "业务情形及受理条件"), ("问题", 2, "选项")]
    );
    assert!(
        problems[0].message.contains("“补办”不是业务情形"),
        "{}",
        problems[0]
    );
    assert!(
        problems[1].message.contains("“self 老人本人”"),
        "{}",
        problems[1]
    );
}

#[test]
fn missing_unknown_and_repeated_headers_and_sheets_are_reported() {
    let mut grid = Grid::sample();
    let col = grid.column("材料", "份数");
    grid.rows("材料")[0][col] = Data::String("数量".into());
    let col = grid.column("问题", "提示");
    grid.rows("问题")[0][col] = Data::String("题型".into());
    grid.sheets.retain(|(name, _)| name != "常见问题");
    let problems = problems_of(&grid);
    assert_eq!(
        places(&problems),
        [
            ("材料", 1, "数量"),
            ("材料", 1, "份数"),
            ("问题", 1, "提示"),
            ("问题", 1, "题型"),
            ("常见问题", 0, ""),
        ],
        "{problems:#?}"
    );
    assert_eq!(problems[0].message, "无法识别的列，请删除或改为规定的表头");
    assert_eq!(problems[1].message, "缺少此列");
    assert_eq!(problems[3].message, "此列重复出现");
    assert_eq!(problems[4].to_string(), "常见问题：缺少此工作表");
}

#[test]
fn a_file_that_is_not_a_workbook_is_one_problem() {
    let problems = catalogue_from_xlsx(b"not a workbook").unwrap_err();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].sheet, "");
    assert!(
        problems[0].message.starts_with("无法读取 Excel 文件"),
        "{}",
        problems[0]
    );
}

#[test]
fn a_text_too_long_for_excel_names_its_cell() {
    let mut file = sample_file();
    file.policies[0].text = "字".repeat(32_768);
    let err = catalogue_to_xlsx(&file).unwrap_err();
    assert!(
        matches!(err, LedgerError::CellTooLong { row: 2, .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "政策文件 第 2 行“全文”超过 Excel 单元格上限（32767 个字符），无法导出"
    );
}

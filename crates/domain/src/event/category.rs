//! Event categories (事件类别) as data: `data/event_categories.txt`. Each carries the working
//! days the community has to deal with it and the window in which a second report of the same
//! category at the same place is flagged as a possible duplicate.

use crate::datafile;
use thiserror::Error;

const SHIPPED: &str = include_str!("../../data/event_categories.txt");
/// Working days an event may be given, at most.
pub const MAX_DAYS: u32 = 60;
/// The longest duplicate window, in days.
pub const MAX_WINDOW: u32 = 365;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    /// Stable code stored with each event.
    pub code: String,
    pub label: String,
    /// Working days from 立案 to 处置反馈.
    pub days: u32,
    /// Days within which the same place and category is flagged; 0: never.
    pub duplicate_window: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("事件类别表第 {line} 行：{problem}")]
pub struct CategoriesFileError {
    pub line: usize,
    pub problem: String,
}

/// Every category, in the file's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Categories(Vec<Category>);

impl Categories {
    /// The categories shipped with Quanke.
    pub fn shipped() -> &'static Categories {
        static SHIPPED_CATEGORIES: std::sync::LazyLock<Categories> =
            std::sync::LazyLock::new(|| {
                Categories::parse(SHIPPED).expect("the shipped categories parse (tested)")
            });
        &SHIPPED_CATEGORIES
    }

    /// Reads `code | 名称 | 时限 | 重复提醒` lines; `#` starts a comment. A text with a bad
    /// line is refused whole.
    pub fn parse(text: &str) -> Result<Categories, CategoriesFileError> {
        let mut out: Vec<Category> = Vec::new();
        for (line, content) in datafile::lines(text) {
            let fail = |problem: String| CategoriesFileError { line, problem };
            let category = parse_line(content).map_err(fail)?;
            if out
                .iter()
                .any(|c| c.code == category.code || c.label == category.label)
            {
                return Err(fail(format!("类别“{}”重复", category.label)));
            }
            out.push(category);
        }
        if out.is_empty() {
            return Err(CategoriesFileError {
                line: text.lines().count().max(1),
                problem: "至少要有一个类别".into(),
            });
        }
        Ok(Categories(out))
    }

    pub fn all(&self) -> &[Category] {
        &self.0
    }

    pub fn by_code(&self, code: &str) -> Option<&Category> {
        self.0.iter().find(|c| c.code == code)
    }
}

fn parse_line(content: &str) -> Result<Category, String> {
    let cells = datafile::cells(content, 4, "代码 | 名称 | 处置时限 | 重复提醒")?;
    let (code, label, days, window) = (cells[0], cells[1], cells[2], cells[3]);
    datafile::check_code(code)?;
    if label.is_empty() {
        return Err("缺少类别名称".into());
    }
    Ok(Category {
        code: code.into(),
        label: label.into(),
        days: number(days, "处置时限", 1, MAX_DAYS)?,
        duplicate_window: number(window, "重复提醒", 0, MAX_WINDOW)?,
    })
}

fn number(text: &str, name: &str, min: u32, max: u32) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("{name}“{text}”应为 {min} 到 {max} 的整数")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_categories_parse() {
        let c = Categories::shipped();
        assert!(c.all().len() >= 7);
        let fire = c.by_code("fire_hazard").unwrap();
        assert_eq!((fire.label.as_str(), fire.days), ("消防隐患", 2));
        assert!(c.by_code("nothing").is_none());
    }

    #[test]
    fn bad_lines_are_named_with_their_number() {
        let cases = [
            ("a | 甲 | 3", 1, "应有 4 栏"),
            ("# c\nA | 甲 | 3 | 0", 2, "代码“A”无效"),
            ("a |  | 3 | 0", 1, "缺少类别名称"),
            ("a | 甲 | 0 | 0", 1, "处置时限“0”应为 1 到 60 的整数"),
            ("a | 甲 | 61 | 0", 1, "处置时限“61”"),
            ("a | 甲 | 3 | -1", 1, "重复提醒“-1”应为 0 到 365 的整数"),
            ("a | 甲 | 3 | 0\nb | 甲 | 3 | 0", 2, "类别“甲”重复"),
            ("a | 甲 | 3 | 0\na | 乙 | 3 | 0", 2, "重复"),
        ];
        for (text, line, words) in cases {
            let err = Categories::parse(text).unwrap_err();
            assert_eq!(err.line, line, "{text}");
            assert!(err.to_string().contains(words), "{text}: {err}");
        }
        let err = Categories::parse("# nothing\n").unwrap_err();
        assert_eq!(err.to_string(), "事件类别表第 1 行：至少要有一个类别");
    }
}

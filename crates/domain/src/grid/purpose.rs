//! Why a visit was made (走访目的), as data: `data/visit_purposes.txt`.

use crate::datafile;
use thiserror::Error;

const SHIPPED: &str = include_str!("../../data/visit_purposes.txt");

/// One purpose a visit may have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purpose {
    /// Stable code stored with each visit.
    pub code: String,
    /// The name workers see.
    pub label: String,
    /// Visits for it mostly record health or disability: their findings are masked in lists.
    pub sensitive: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("走访目的表第 {line} 行：{problem}")]
pub struct PurposesFileError {
    pub line: usize,
    pub problem: String,
}

/// Every purpose, in the file's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purposes(Vec<Purpose>);

impl Purposes {
    /// The purposes shipped with Quanke.
    pub fn shipped() -> Purposes {
        Purposes::parse(SHIPPED).expect("the shipped purposes parse (tested)")
    }

    /// Reads `code | 名称 | sensitive-or--` lines; `#` starts a comment.
    pub fn parse(text: &str) -> Result<Purposes, PurposesFileError> {
        let mut out: Vec<Purpose> = Vec::new();
        for (line, content) in datafile::lines(text) {
            let fail = |problem: String| PurposesFileError { line, problem };
            let purpose = parse_line(content).map_err(fail)?;
            if out
                .iter()
                .any(|p| p.code == purpose.code || p.label == purpose.label)
            {
                return Err(fail(format!("目的“{}”重复", purpose.label)));
            }
            out.push(purpose);
        }
        Ok(Purposes(out))
    }

    pub fn all(&self) -> &[Purpose] {
        &self.0
    }

    pub fn by_code(&self, code: &str) -> Option<&Purpose> {
        self.0.iter().find(|p| p.code == code)
    }

    pub fn by_label(&self, label: &str) -> Option<&Purpose> {
        self.0.iter().find(|p| p.label == label)
    }

    /// Whether a visit for any of `codes` is sensitive.
    pub fn any_sensitive<'a>(&self, mut codes: impl Iterator<Item = &'a str>) -> bool {
        codes.any(|c| self.by_code(c).is_some_and(|p| p.sensitive))
    }
}

fn parse_line(content: &str) -> Result<Purpose, String> {
    let cells = datafile::cells(content, 3, "代码 | 名称 | 敏感")?;
    let (code, label, flag) = (cells[0], cells[1], cells[2]);
    datafile::check_code(code)?;
    if label.is_empty() {
        return Err("缺少目的名称".into());
    }
    let sensitive = match flag {
        "sensitive" => true,
        "-" => false,
        other => return Err(format!("第三栏“{other}”应为 sensitive 或 -")),
    };
    Ok(Purpose {
        code: code.into(),
        label: label.into(),
        sensitive,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_purposes_parse_and_mark_health_visits_sensitive() {
        let p = Purposes::shipped();
        assert!(p.all().len() >= 8);
        assert!(p.by_label("残疾人走访").unwrap().sensitive);
        assert!(!p.by_label("日常走访").unwrap().sensitive);
        assert!(p.any_sensitive(["daily", "disability"].into_iter()));
        assert!(!p.any_sensitive(["daily", "no_such"].into_iter()));
    }

    #[test]
    fn a_bad_line_is_named_with_its_number() {
        let err = Purposes::parse("# x\ndaily | 日常走访 | -\nDaily | 走访 | -\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.to_string().contains("代码“Daily”无效"), "{err}");
        let err = Purposes::parse("a | 甲 | -\nb | 甲 | -").unwrap_err();
        assert!(err.to_string().contains("重复"), "{err}");
        let err = Purposes::parse("a | 甲 | maybe").unwrap_err();
        assert!(err.to_string().contains("sensitive"), "{err}");
    }
}

//! What the editable data files (visit purposes, event categories, checklists...) share: lines
//! numbered from 1 with blanks and `#` comments skipped, `|`-separated cells, and stable codes
//! of lower-case ASCII letters, digits and `_`. Messages are Chinese, for the admin who edits.

/// The lines that carry content, trimmed, with their numbers (from 1).
pub fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, raw)| (i + 1, raw.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

/// The `|`-separated cells of `line`, trimmed; exactly `n` of them, named by `names` when not.
pub fn cells<'a>(line: &'a str, n: usize, names: &str) -> Result<Vec<&'a str>, String> {
    let cells: Vec<&str> = line.split('|').map(str::trim).collect();
    if cells.len() != n {
        return Err(format!("应有 {n} 栏（{names}），实有 {} 栏", cells.len()));
    }
    Ok(cells)
}

/// A stable code: lower-case ASCII letters, digits and `_`, not empty.
pub fn check_code(code: &str) -> Result<(), String> {
    let ok = !code.is_empty()
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    match ok {
        true => Ok(()),
        false => Err(format!(
            "代码“{code}”无效，应由小写英文字母、数字和下划线组成"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_skip_blanks_and_comments_and_keep_numbers() {
        let got: Vec<(usize, &str)> = lines("# c\n\n a | b \n#x\nc").collect();
        assert_eq!(got, [(3, "a | b"), (5, "c")]);
    }

    #[test]
    fn cells_and_codes() {
        assert_eq!(cells(" a | b ", 2, "x | y").unwrap(), ["a", "b"]);
        assert_eq!(
            cells("a", 2, "代码 | 名称").unwrap_err(),
            "应有 2 栏（代码 | 名称），实有 1 栏"
        );
        assert!(check_code("fire_2").is_ok());
        for bad in ["", "Fire", "火", "a-b"] {
            assert!(check_code(bad).is_err(), "{bad}");
        }
    }
}

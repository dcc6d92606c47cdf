//! Where a ledger's people go: the community being imported, and its grids as the ledger names
//! them ("第1网格", "第一网格", "卖鱼桥第一网格" or the code "MYQ-01" all mean the same grid).

use quanke_domain::OrgKind;
use quanke_store::orgs::{self, Org};
use quanke_store::{Db, StoreError};

/// The community a ledger belongs to, with its grids.
#[derive(Debug, Clone)]
pub struct Target {
    pub community: Org,
    grids: Vec<Org>,
}

impl Target {
    /// The community with `code`, or the only community when `code` is `None`.
    pub async fn resolve(db: &Db, code: Option<&str>) -> Result<Target, String> {
        let community = match code {
            Some(code) => match orgs::by_code(db, code).await {
                Ok(org) if org.kind == OrgKind::Community => org,
                Ok(_) => return Err(format!("“{code}”不是社区的编码")),
                Err(StoreError::NotFound) => return Err(format!("没有编码为“{code}”的社区")),
                Err(e) => return Err(e.to_string()),
            },
            None => only_community(db).await?,
        };
        let grids = orgs::subtree(db, &community.path)
            .await
            .map_err(|e| e.to_string())?
            .into_iter()
            .filter(|o| o.kind == OrgKind::Grid)
            .collect();
        Ok(Target { community, grids })
    }

    /// The org path a row's grid cell places the person in: the grid when recognised, the
    /// community when the cell is empty; `Err` names an unknown grid.
    pub fn place(&self, grid: &str) -> Result<&str, String> {
        if grid.is_empty() {
            return Ok(self.community.path.as_str());
        }
        self.find(grid).map(|g| g.path.as_str()).ok_or_else(|| {
            let known: Vec<&str> = self.grids.iter().map(|g| g.name.as_str()).collect();
            format!(
                "网格“{grid}”不在{}，已先归入社区；本社区的网格：{}",
                self.community.name,
                known.join("、")
            )
        })
    }

    fn find(&self, grid: &str) -> Option<&Org> {
        let exact = self.grids.iter().find(|g| g.code == grid || g.name == grid);
        exact.or_else(|| {
            let n = grid_number(grid)?;
            self.grids.iter().find(|g| grid_number(&g.name) == Some(n))
        })
    }
}

async fn only_community(db: &Db) -> Result<Org, String> {
    let mut all = Vec::new();
    for street in orgs::streets(db).await.map_err(|e| e.to_string())? {
        let tree = orgs::subtree(db, &street.path)
            .await
            .map_err(|e| e.to_string())?;
        all.extend(tree.into_iter().filter(|o| o.kind == OrgKind::Community));
    }
    match all.len() {
        1 => Ok(all.remove(0)),
        0 => Err("系统中还没有社区，请先建立社区".into()),
        _ => {
            let codes: Vec<String> = all
                .iter()
                .map(|c| format!("{}（{}）", c.code, c.name))
                .collect();
            Err(format!(
                "有多个社区，请指定导入到哪个社区：{}",
                codes.join("、")
            ))
        }
    }
}

/// The grid's number in "第1网格", "第一网格", "卖鱼桥第十二网格" or "3号网格".
fn grid_number(name: &str) -> Option<u32> {
    let body = name.strip_suffix("网格")?;
    let body = body.strip_suffix('号').unwrap_or(body);
    let digits: String = body
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect();
    if !digits.is_empty() {
        return digits.chars().rev().collect::<String>().parse().ok();
    }
    let numeral: String = body
        .chars()
        .rev()
        .take_while(|c| "零一二三四五六七八九十".contains(*c))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    chinese_number(&numeral)
}

/// 1–99 in Chinese numerals: 三, 十, 十二, 二十, 二十三.
fn chinese_number(s: &str) -> Option<u32> {
    let digit = |c: char| {
        "零一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|p| p as u32)
    };
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [] => None,
        [d] if *d != '十' => digit(*d),
        ['十'] => Some(10),
        ['十', d] => Some(10 + digit(*d)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', d] => Some(digit(*t)? * 10 + digit(*d)?),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::grid_number;

    #[test]
    fn grid_numbers_in_the_ways_ledgers_write_them() {
        assert_eq!(grid_number("第1网格"), Some(1));
        assert_eq!(grid_number("第一网格"), Some(1));
        assert_eq!(grid_number("卖鱼桥第十二网格"), Some(12));
        assert_eq!(grid_number("二十网格"), Some(20));
        assert_eq!(grid_number("3号网格"), Some(3));
        assert_eq!(grid_number("网格"), None);
        assert_eq!(grid_number("第一片区"), None);
    }
}

//! The org tree: street (街道) → community (社区) → grid (网格).
//!
//! Every node stores its materialised path ("/1/4/9/"), so "is X inside Y's subtree" is a prefix
//! test in Rust and a range query in SQL, with no recursion.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Street,
    Community,
    Grid,
}

impl OrgKind {
    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Street => "street",
            OrgKind::Community => "community",
            OrgKind::Grid => "grid",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OrgKind::Street => "街道",
            OrgKind::Community => "社区",
            OrgKind::Grid => "网格",
        }
    }

    /// The kind a child of this node must have; grids are leaves (buildings come with the registry).
    pub fn child(self) -> Option<OrgKind> {
        match self {
            OrgKind::Street => Some(OrgKind::Community),
            OrgKind::Community => Some(OrgKind::Grid),
            OrgKind::Grid => None,
        }
    }
}

impl FromStr for OrgKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "street" => Ok(OrgKind::Street),
            "community" => Ok(OrgKind::Community),
            "grid" => Ok(OrgKind::Grid),
            other => Err(format!("未知的组织类型 \"{other}\"")),
        }
    }
}

/// Materialised path of an org node: ids from the root down, e.g. "/1/4/9/".
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OrgPath(String);

impl OrgPath {
    pub fn root(id: i64) -> Self {
        OrgPath(format!("/{id}/"))
    }

    /// The whole tree: where an event with no place of its own belongs (a sign-in attempt
    /// under an unknown name), read only by those who read everything.
    pub fn whole() -> Self {
        OrgPath("/".into())
    }

    pub fn child(&self, id: i64) -> Self {
        OrgPath(format!("{}{id}/", self.0))
    }

    /// Trusts a path read back from the store; the store only writes paths built here.
    pub fn from_stored(s: String) -> Self {
        OrgPath(s)
    }

    /// Whether `s` has the shape of a path: "/", or ids between slashes ("/1/4/").
    fn well_formed(s: &str) -> bool {
        s == "/"
            || s.strip_prefix('/')
                .and_then(|rest| rest.strip_suffix('/'))
                .is_some_and(|ids| {
                    ids.split('/')
                        .all(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
                })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when `other` is this node or lies below it.
    pub fn contains(&self, other: &OrgPath) -> bool {
        other.0.starts_with(&self.0)
    }

    /// Ids from the root down to this node.
    pub fn ids(&self) -> Vec<i64> {
        self.0
            .split('/')
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.parse().ok())
            .collect()
    }

    /// The community this node is or lies in (the tree is street → community → grid); None
    /// for a street or the root. Cases belong to communities: a grid worker's cases are those
    /// of their grid's community.
    pub fn community(&self) -> Option<OrgPath> {
        let ids = self.ids();
        (ids.len() >= 2).then(|| OrgPath::root(ids[0]).child(ids[1]))
    }

    /// Upper bound for a range query selecting the subtree: every descendant path p satisfies
    /// `self <= p < self.subtree_end()` because '/' + 1 == '0'.
    pub fn subtree_end(&self) -> String {
        let mut s = self.0.clone();
        s.pop();
        s.push('0');
        s
    }
}

/// Codes are short identifiers used in URLs, files and on the command line.
pub fn validate_code(code: &str) -> Result<(), String> {
    let ok_len = (1..=crate::limits::ORG_CODE.max_chars).contains(&code.len());
    let ok_chars = code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok_len && ok_chars {
        Ok(())
    } else {
        Err("编码只能由 1 到 32 位字母、数字、连字符或下划线组成".into())
    }
}

pub fn validate_name(name: &str) -> Result<(), String> {
    let max = crate::limits::ORG_UNIT_NAME.max_chars;
    let n = name.trim().chars().take(max + 1).count();
    if (1..=max).contains(&n) {
        Ok(())
    } else {
        Err(format!("名称不能为空，且不超过 {max} 个字"))
    }
}

/// A stored value that is not an org path (a mistake in the data, refused when decoded).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("不是组织路径：“{0}”")]
pub struct BadOrgPath(pub String);

/// Decoding a stored path (`#[sqlx(try_from = "String")]`): checked for its shape.
impl TryFrom<String> for OrgPath {
    type Error = BadOrgPath;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        if OrgPath::well_formed(&s) {
            Ok(OrgPath(s))
        } else {
            Err(BadOrgPath(s))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtree_contains_descendants_only() {
        let street = OrgPath::root(1);
        let comm = street.child(4);
        let grid = comm.child(9);
        let other = OrgPath::root(1).child(40);
        assert!(street.contains(&grid));
        assert!(comm.contains(&grid));
        assert!(comm.contains(&comm));
        assert!(!grid.contains(&comm));
        // "/1/4/" must not swallow "/1/40/"
        assert!(!comm.contains(&other));
        assert_eq!(grid.ids(), vec![1, 4, 9]);
    }

    #[test]
    fn stored_paths_decode_when_well_formed() {
        for good in ["/", "/1/", "/1/4/", "/12/40/977/"] {
            assert_eq!(OrgPath::try_from(good.to_string()).unwrap().as_str(), good);
        }
        for bad in ["", "1/", "/1", "//", "/1//4/", "/a/", "/1/ 4/", "/-1/"] {
            assert_eq!(
                OrgPath::try_from(bad.to_string()),
                Err(BadOrgPath(bad.to_string())),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn community_of_a_grid_or_community() {
        let community = OrgPath::root(1).child(4);
        assert_eq!(community.child(9).community(), Some(community.clone()));
        assert_eq!(community.community(), Some(community));
        assert_eq!(OrgPath::root(1).community(), None);
    }

    #[test]
    fn subtree_end_bounds_descendants() {
        let comm = OrgPath::root(1).child(4);
        let end = comm.subtree_end();
        let grid = comm.child(99);
        assert!(comm.as_str() <= grid.as_str() && grid.as_str() < end.as_str());
        let sibling = OrgPath::root(1).child(5);
        assert!(sibling.as_str() >= end.as_str());
    }

    #[test]
    fn codes_are_checked() {
        assert!(validate_code("GS-01").is_ok());
        assert!(validate_code("").is_err());
        assert!(validate_code("卖鱼桥").is_err());
        assert!(validate_name("  ").is_err());
        assert!(validate_name("卖鱼桥社区").is_ok());
    }

    #[test]
    fn grids_are_leaves() {
        assert_eq!(OrgKind::Street.child(), Some(OrgKind::Community));
        assert_eq!(OrgKind::Grid.child(), None);
    }
}

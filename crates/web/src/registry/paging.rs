//! Where a page of a registry list starts: after which record (its id; the store places the page
//! only by a record inside the reader's area) and the page's number, as a form or link sent them.

use crate::error::{AppError, AppResult};
use serde::Deserialize;

/// The paging fields of a list's form or link, as sent.
#[derive(Default, Deserialize)]
pub struct Paging {
    /// The id of the last record of the page before.
    after: Option<String>,
    /// The number of the page asked for, shown as "第 N 页".
    page: Option<String>,
}

/// A page's start, read.
#[derive(Clone, Copy)]
pub(crate) struct PageAt {
    pub(crate) after: Option<i64>,
    pub(crate) number: u32,
}

impl PageAt {
    pub(crate) const FIRST: PageAt = PageAt {
        after: None,
        number: 1,
    };
}

impl Paging {
    pub(crate) fn read(&self) -> AppResult<PageAt> {
        let bad = || AppError::BadRequest("翻页参数无效，请回到第一页重新查看".into());
        let after = match self.after.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(a) => Some(a.parse::<i64>().map_err(|_| bad())?),
        };
        let number = match self.page.as_deref().map(str::trim) {
            None | Some("") => 1,
            Some(n) => n.parse::<u32>().ok().filter(|n| *n >= 1).ok_or_else(bad)?,
        };
        Ok(PageAt { after, number })
    }
}

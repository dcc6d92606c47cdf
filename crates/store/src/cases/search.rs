//! Finding cases (办件查询) and paging the work queues. The SQL is built from the filters
//! given, and only those: every filter is an index lookup or range (number and name prefixes,
//! the phone's lookup key, the resident behind an ID number), and a page is read by keyset
//! (after or before the sort key and id of a row the caller saw), so page 1,000 costs what
//! page 1 does and no row is repeated or skipped when cases arrive between two pages.

use super::Case;
use super::queue::{OPEN, RUNNING, subtree_end};
use crate::db::with_pool;
use crate::limits::push_limit;
use crate::{Backend, Db, Result};
use quanke_domain::OrgPath;
use quanke_domain::calendar::Day;
use quanke_domain::case::State;
use sqlx::QueryBuilder;
use std::collections::HashMap;

/// The `due_sort` of a case without a due day: after every real day.
const NO_DUE_DAY: &str = "9999-12-31";

/// Which cases to list; every list stays inside `within` (an org path): its subtree, or for a
/// grid the cases of its community (cases belong to communities).
#[derive(Debug, Clone, Default)]
pub struct Filter<'a> {
    pub within: &'a str,
    pub state: Option<&'a str>,
    pub open_only: bool,
    pub assignee: Option<i64>,
    pub unassigned: bool,
    pub item_code: Option<&'a str>,
    pub resident_id: Option<i64>,
    /// Cases with a running clock due on or before this day.
    pub due_by: Option<&'a str>,
    /// Cases with a running clock due on or after this day (with `due_by`: due soon).
    pub due_from: Option<&'a str>,
    /// Numbers starting with this (a whole number finds its case).
    pub number_prefix: Option<&'a str>,
    /// Applicants whose name starts with this.
    pub applicant_prefix: Option<&'a str>,
    /// The applicant's phone as `phone::lookup_key` gives it.
    pub phone_key: Option<&'a str>,
    pub channel: Option<&'a str>,
    /// Received at or after this Unix time.
    pub received_from: Option<i64>,
    /// Received before this Unix time.
    pub received_before: Option<i64>,
    pub limit: i64,
    /// Only for `list`; pages use a cursor.
    pub offset: i64,
}

/// The orders a page of cases can be read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// The newest first.
    #[default]
    Received,
    /// The soonest due first; cases without a running clock last.
    Due,
    /// By case number (community, day, sequence).
    Number,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Received, Sort::Due, Sort::Number];

    pub fn code(self) -> &'static str {
        match self {
            Sort::Received => "received",
            Sort::Due => "due",
            Sort::Number => "number",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Received => "受理时间（新的在前）",
            Sort::Due => "应办结日期（早的在前）",
            Sort::Number => "办件编号",
        }
    }

    pub fn parse(code: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The column a page in this order is sorted by, before the id.
    fn key_column(self) -> &'static str {
        match self {
            Sort::Received => "created_at",
            Sort::Due => "due_sort",
            Sort::Number => "number",
        }
    }

    fn order(self, backward: bool) -> &'static str {
        match (self, backward) {
            (Sort::Received, false) => " ORDER BY created_at DESC, id DESC",
            (Sort::Received, true) => " ORDER BY created_at ASC, id ASC",
            // `due_sort` is the due day with "none" last (migration 0012).
            (Sort::Due, false) => " ORDER BY due_sort ASC, id ASC",
            (Sort::Due, true) => " ORDER BY due_sort DESC, id DESC",
            (Sort::Number, false) => " ORDER BY number ASC",
            (Sort::Number, true) => " ORDER BY number DESC",
        }
    }
}

/// A row's place in one sort: its sort key and id. Travels in links as `id.key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    key: Key,
    id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    Received(i64),
    Due(Option<Day>),
    Number(String),
}

impl Cursor {
    fn of(sort: Sort, c: &Case) -> Cursor {
        let key = match sort {
            Sort::Received => Key::Received(c.created_at),
            Sort::Due => Key::Due(c.due_on),
            Sort::Number => Key::Number(c.number.clone()),
        };
        Cursor { key, id: c.id }
    }

    pub fn encode(&self) -> String {
        let key = match &self.key {
            Key::Received(at) => at.to_string(),
            Key::Due(day) => day.map(|d| d.to_string()).unwrap_or_default(),
            Key::Number(n) => n.clone(),
        };
        format!("{}.{key}", self.id)
    }

    /// A cursor of `sort` as `encode` wrote it; None for anything else.
    pub fn decode(sort: Sort, text: &str) -> Option<Cursor> {
        let (id, key) = text.split_once('.')?;
        let id = id.parse().ok()?;
        let key = match sort {
            Sort::Received => Key::Received(key.parse().ok()?),
            Sort::Due if key.is_empty() => Key::Due(None),
            Sort::Due => Key::Due(Some(key.parse().ok()?)),
            Sort::Number => {
                let fine = (1..=64).contains(&key.len())
                    && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
                Key::Number(fine.then(|| key.to_string())?)
            }
        };
        Some(Cursor { key, id })
    }
}

/// Where a page starts.
#[derive(Debug, Clone, Default)]
pub enum At {
    #[default]
    First,
    /// The rows after this one (the next page).
    After(Cursor),
    /// The rows before this one (the previous page).
    Before(Cursor),
}

/// One page, in the sort's order, with the cursors of the pages around it (None: no such page).
#[derive(Debug, Clone)]
pub struct Page {
    pub cases: Vec<Case>,
    pub next: Option<Cursor>,
    pub prev: Option<Cursor>,
}

/// Above every character: `x >= p AND x < p || TOP` is "starts with p" in byte order.
const TOP: char = '\u{10FFFF}';

/// Appends " WHERE ..." with the scope and each filter that is set.
macro_rules! push_filters {
    ($q:ident, $f:expr) => {{
        let f: &Filter<'_> = $f;
        match OrgPath::from_stored(f.within.to_string()).community() {
            // One community: an equality, so each ordered index is read in order.
            Some(c) => $q
                .push(" WHERE community_path = ")
                .push_bind(c.as_str().to_string()),
            None => $q
                .push(" WHERE community_path >= ")
                .push_bind(f.within.to_string())
                .push(" AND community_path < ")
                .push_bind(subtree_end(f.within)),
        };
        push_conditions!($q, f);
    }};
}

/// Appends " AND ..." for each filter that is set, the scope aside.
macro_rules! push_conditions {
    ($q:ident, $f:expr) => {{
        let f: &Filter<'_> = $f;
        if let Some(s) = f.state {
            // A known state is written out: a partial index over one state (the unassigned
            // queue's, migration 0019) serves a query only when its state is this literal.
            match State::ALL.into_iter().find(|known| known.code() == s) {
                Some(known) => $q.push(format!(" AND state = '{}'", known.code())),
                None => $q.push(" AND state = ").push_bind(s.to_string()),
            };
        }
        if f.open_only {
            $q.push(format!(" AND state IN {OPEN}"));
        }
        if let Some(a) = f.assignee {
            $q.push(" AND assignee_id = ").push_bind(a);
        }
        if f.unassigned {
            $q.push(" AND assignee_id IS NULL");
        }
        if let Some(i) = f.item_code {
            $q.push(" AND item_code = ").push_bind(i.to_string());
        }
        if let Some(r) = f.resident_id {
            $q.push(" AND resident_id = ").push_bind(r);
        }
        // On `due_sort`, which the running cases' index holds; a case without a due day sorts
        // after every real day, so "due from" bounds it out explicitly.
        if let Some(d) = f.due_by {
            $q.push(" AND due_sort <= ").push_bind(d.to_string());
        }
        if let Some(d) = f.due_from {
            $q.push(" AND due_sort >= ").push_bind(d.to_string());
            $q.push(" AND due_sort < ")
                .push_bind(NO_DUE_DAY.to_string());
        }
        if f.due_by.is_some() || f.due_from.is_some() {
            $q.push(format!(" AND state IN {RUNNING}"));
        }
        for (column, prefix) in [
            ("number", f.number_prefix),
            ("applicant_name", f.applicant_prefix),
        ] {
            if let Some(p) = prefix {
                $q.push(format!(" AND {column} >= "))
                    .push_bind(p.to_string());
                $q.push(format!(" AND {column} < "))
                    .push_bind(format!("{p}{TOP}"));
            }
        }
        if let Some(k) = f.phone_key {
            $q.push(" AND applicant_phone_key = ")
                .push_bind(k.to_string());
        }
        if let Some(c) = f.channel {
            $q.push(" AND channel = ").push_bind(c.to_string());
        }
        if let Some(t) = f.received_from {
            $q.push(" AND created_at >= ").push_bind(t);
        }
        if let Some(t) = f.received_before {
            $q.push(" AND created_at < ").push_bind(t);
        }
    }};
}

/// Appends the keyset condition: the rows after (or before) the cursor's row in its sort.
macro_rules! push_keyset {
    ($q:ident, $cursor:expr, $backward:expr) => {{
        let c: &Cursor = $cursor;
        let back: bool = $backward;
        let cmp = if back { "<" } else { ">" };
        match &c.key {
            Key::Received(at) => {
                // Newest first: "after" is older.
                let cmp = if back { ">" } else { "<" };
                $q.push(format!(" AND (created_at, id) {cmp} ("))
                    .push_bind(*at)
                    .push(", ")
                    .push_bind(c.id)
                    .push(")");
            }
            Key::Number(n) => {
                $q.push(format!(" AND number {cmp} ")).push_bind(n.clone());
            }
            Key::Due(day) => {
                $q.push(format!(" AND (due_sort, id) {cmp} ("))
                    .push_bind(day.map_or_else(|| NO_DUE_DAY.to_string(), |d| d.to_string()))
                    .push(", ")
                    .push_bind(c.id)
                    .push(")");
            }
        }
    }};
}

/// Which community one read is of: a value, or the row of the communities joined laterally.
#[derive(Debug, Clone, Copy)]
enum Community<'c> {
    Bound(&'c str),
    Joined,
}

/// Appends the read of one community's page: `columns` of its matches in the sort's order,
/// after or before the cursor, one more than the page holds (which tells whether a page lies
/// beyond).
macro_rules! push_one_read {
    ($q:ident, $f:expr, $shape:expr, $community:expr, $columns:expr, $sort:expr, $cursor:expr, $backward:expr) => {{
        let f: &Filter<'_> = $f;
        let shape: Shape = $shape;
        let community: Community<'_> = $community;
        match shape.fenced {
            // OFFSET 0 keeps PostgreSQL from folding the range read into the sorted one.
            true => $q.push(format!(
                "SELECT {} FROM (SELECT id, due_sort FROM cases WHERE community_path = ",
                $columns
            )),
            false => $q.push(format!(
                "SELECT {} FROM cases{} WHERE community_path = ",
                $columns, shape.index
            )),
        };
        match community {
            Community::Bound(c) => $q.push_bind(c.to_string()),
            Community::Joined => $q.push("joined.path"),
        };
        push_conditions!($q, f);
        if let Some(c) = $cursor {
            push_keyset!($q, c, $backward);
        }
        if shape.fenced {
            $q.push(" OFFSET 0) AS ranged");
        }
        $q.push($sort.order($backward));
        push_limit!($q, shape.bound_limit, f.limit + 1);
    }};
}

/// Appends the ids of one page (at most `limit` + 1) of the cases of `communities` matching
/// `f`: for one community a read of its ordered index; for several (a street, a district) the
/// first rows of each community's own read, merged. Every community-led index is then read
/// from its start in order and stops after a page, where one range over a street's
/// communities would read and sort all of the street's matches (a street admin's "delivered":
/// hundreds of thousands of cases for twenty). On PostgreSQL the communities are joined
/// laterally to one read (see `Shape::lateral`); on SQLite, which has no lateral join, each is
/// a branch of a union.
macro_rules! push_page_ids {
    ($q:ident, $f:expr, $shape:expr, $communities:expr, $sort:expr, $cursor:expr, $backward:expr) => {{
        let f: &Filter<'_> = $f;
        let shape: Shape = $shape;
        let sort: Sort = $sort;
        let backward: bool = $backward;
        match $communities {
            [one] => push_one_read!(
                $q,
                f,
                shape,
                Community::Bound(one),
                "id",
                sort,
                $cursor,
                backward
            ),
            several if shape.lateral => {
                let columns = format!("id, {}", sort.key_column());
                $q.push("SELECT id FROM unnest(ARRAY[");
                for (i, community) in several.iter().enumerate() {
                    if i > 0 {
                        $q.push(", ");
                    }
                    $q.push_bind(community.to_string());
                }
                $q.push("]::text[]) AS joined(path) CROSS JOIN LATERAL (");
                push_one_read!(
                    $q,
                    f,
                    shape,
                    Community::Joined,
                    &columns,
                    sort,
                    $cursor,
                    backward
                );
                $q.push(") AS merged");
                $q.push(sort.order(backward));
                push_limit!($q, shape.bound_limit, f.limit + 1);
            }
            several => {
                let columns = format!("id, {}", sort.key_column());
                $q.push("SELECT id FROM (");
                for (i, community) in several.iter().enumerate() {
                    if i > 0 {
                        $q.push(" UNION ALL ");
                    }
                    $q.push("SELECT * FROM (");
                    push_one_read!(
                        $q,
                        f,
                        shape,
                        Community::Bound(community),
                        &columns,
                        sort,
                        $cursor,
                        backward
                    );
                    $q.push(format!(") AS read{i}"));
                }
                $q.push(") AS merged");
                $q.push(sort.order(backward));
                push_limit!($q, shape.bound_limit, f.limit + 1);
            }
        }
    }};
}

/// The communities whose cases `within` covers: itself for a community or a grid (cases
/// belong to communities), else every community of the subtree.
async fn communities(db: &Db, within: &str) -> Result<Vec<String>> {
    match OrgPath::from_stored(within.to_string()).community() {
        Some(c) => Ok(vec![c.as_str().to_string()]),
        None => crate::orgs::community_paths(db, within).await,
    }
}

/// How a community's read is written where a planner needs telling (see `read_shape`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shape {
    /// The index the read names on SQLite (`INDEXED BY`), or "".
    index: &'static str,
    /// Whether the matches are read first as a range and then sorted (a fenced subquery).
    fenced: bool,
    /// Whether several communities are joined laterally to one read rather than each written
    /// as a branch of a union: a street's union is ten subqueries and some fifty values for
    /// PostgreSQL to plan, and its pages took 10–15 ms at p99 where the lateral read's take
    /// 6–8 ms (docs/performance.md).
    lateral: bool,
    /// Whether the page's limit is bound rather than written (`crate::limits::bound`).
    bound_limit: bool,
}

/// The shape of a community's read of `f` in `sort` order on `backend`:
/// - SQLite names the unassigned queue's index (accepted and nobody's, migration 0019): its
///   planner reads that queue from `cases_by_state` otherwise, checking the assignee of every
///   accepted case of the community (616 in one of 200,000 cases: 1 ms a page against 0.01).
/// - PostgreSQL reads a date range sorted by due day as its range first: planned on the values,
///   it walked `cases_by_due` in due order filtering the month (81,260 rows for 21, 102 ms),
///   because a month's cases fall due in that month and the walk meets every earlier case
///   first; the month read from `cases_by_received` and sorted takes 1.5–3.8 ms.
fn read_shape(backend: Backend, f: &Filter<'_>, sort: Sort) -> Shape {
    let unassigned = f.unassigned && f.state == Some(State::Accepted.code());
    let range = f.received_from.is_some() || f.received_before.is_some();
    Shape {
        index: match backend {
            Backend::Sqlite if unassigned => " INDEXED BY cases_unassigned",
            _ => "",
        },
        fenced: backend == Backend::Postgres && range && sort == Sort::Due,
        lateral: backend == Backend::Postgres,
        bound_limit: crate::limits::bound(backend),
    }
}

/// One page of the cases matching `f` in `sort` order, at most `f.limit`.
pub async fn page(db: &Db, f: &Filter<'_>, sort: Sort, at: &At) -> Result<Page> {
    let (cursor, backward) = match at {
        At::First => (None, false),
        At::After(c) => (Some(c), false),
        At::Before(c) => (Some(c), true),
    };
    let communities = communities(db, f.within).await?;
    let shape = read_shape(db.backend(), f, sort);
    if communities.is_empty() {
        return Ok(Page {
            cases: Vec::new(),
            next: None,
            prev: None,
        });
    }
    let mut rows: Vec<Case> = with_pool!(db, |p| {
        // The page's ids first, then their rows: finding and ordering the ids reads only an
        // index when one covers the filter and the order (SQLite fetches every matching row
        // before sorting otherwise), and only the page's rows are read whole.
        let mut q = QueryBuilder::new(super::select_cases!());
        q.push(" WHERE id IN (");
        push_page_ids!(q, f, shape, communities.as_slice(), sort, cursor, backward);
        q.push(")");
        q.push(sort.order(backward));
        q.build_query_as().fetch_all(p).await?
    });
    let more = rows.len() as i64 > f.limit;
    rows.truncate(usize::try_from(f.limit).unwrap_or(0));
    if backward {
        rows.reverse();
    }
    let (has_prev, has_next) = match at {
        At::First => (false, more),
        At::After(_) => (true, more),
        At::Before(_) => (more, true),
    };
    Ok(Page {
        next: rows
            .last()
            .filter(|_| has_next)
            .map(|c| Cursor::of(sort, c)),
        prev: rows
            .first()
            .filter(|_| has_prev)
            .map(|c| Cursor::of(sort, c)),
        cases: rows,
    })
}

/// The cases matching `f`, the soonest due first, from `f.offset` (for small lists and the
/// API's older offset paging; pages of a search use `page`).
pub async fn list(db: &Db, f: &Filter<'_>) -> Result<Vec<Case>> {
    Ok(with_pool!(db, |p| {
        let mut q = QueryBuilder::new(super::select_cases!());
        push_filters!(q, f);
        q.push(" ORDER BY due_sort, id");
        let bound = crate::limits::bound(db.backend());
        push_limit!(q, bound, f.limit);
        push_limit!(q, bound, " OFFSET ", f.offset);
        q.build_query_as().fetch_all(p).await?
    }))
}

/// How many cases match `f` (its limit aside), for "全部 N 件" beside a short list.
pub async fn count(db: &Db, f: &Filter<'_>) -> Result<i64> {
    let (n,): (i64,) = with_pool!(db, |p| {
        let mut q = QueryBuilder::new("SELECT COUNT(*) FROM cases");
        push_filters!(q, f);
        q.build_query_as().fetch_one(p).await?
    });
    Ok(n)
}

/// How many cases match `f` per community (its limit aside), in one query.
pub async fn count_by_community(db: &Db, f: &Filter<'_>) -> Result<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = with_pool!(db, |p| {
        let mut q = QueryBuilder::new("SELECT community_path, COUNT(*) FROM cases");
        push_filters!(q, f);
        q.push(" GROUP BY community_path");
        q.build_query_as().fetch_all(p).await?
    });
    Ok(rows.into_iter().collect())
}

/// The ID numbers of the registry people behind these cases (shown masked, or exported).
pub async fn id_numbers(db: &Db, resident_ids: &[i64]) -> Result<HashMap<i64, String>> {
    if resident_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = with_pool!(db, |p| {
        let mut q = QueryBuilder::new("SELECT id, id_number FROM registry_residents WHERE id IN (");
        let mut list = q.separated(", ");
        for id in resident_ids {
            list.push_bind(*id);
        }
        q.push(")");
        q.build_query_as().fetch_all(p).await?
    });
    Ok(rows.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_per_sort() {
        let cases = [
            Cursor {
                key: Key::Received(1_795_824_000),
                id: 7,
            },
            Cursor {
                key: Key::Due(Some("2026-12-01".parse().unwrap())),
                id: 8,
            },
            Cursor {
                key: Key::Due(None),
                id: 9,
            },
            Cursor {
                key: Key::Number("MYQ-20261128-0007".into()),
                id: 10,
            },
        ];
        let sorts = [Sort::Received, Sort::Due, Sort::Due, Sort::Number];
        for (c, s) in cases.iter().zip(sorts) {
            assert_eq!(Cursor::decode(s, &c.encode()).as_ref(), Some(c));
        }
        assert_eq!(Cursor::decode(Sort::Received, "7.x"), None);
        assert_eq!(Cursor::decode(Sort::Due, "7.2026-1-1"), None);
        assert_eq!(Cursor::decode(Sort::Number, "7.a'b"), None);
        assert_eq!(Cursor::decode(Sort::Number, "seven.MYQ"), None);
    }

    /// The unassigned queue's page reads the index of accepted cases nobody was given
    /// (migration 0019); the index named there exists and matches the query's conditions,
    /// or SQLite refuses the statement.
    #[tokio::test]
    async fn the_unassigned_queue_reads_its_own_index() {
        let t = crate::testing::TestDb::new(Backend::Sqlite).await.unwrap();
        let f = Filter {
            within: "/1/2/",
            open_only: true,
            unassigned: true,
            state: Some("accepted"),
            limit: 20,
            ..Filter::default()
        };
        let shape = read_shape(Backend::Sqlite, &f, Sort::Due);
        let community = ["/1/2/".to_string()];
        let mut q = QueryBuilder::new("EXPLAIN QUERY PLAN ");
        push_page_ids!(
            q,
            &f,
            shape,
            &community[..],
            Sort::Due,
            None::<&Cursor>,
            false
        );
        let Db::Sqlite(sqlite) = &t.db else {
            unreachable!("a SQLite test database")
        };
        let plan: Vec<(i64, i64, i64, String)> =
            q.build_query_as().fetch_all(&sqlite.pool).await.unwrap();
        assert!(
            plan.iter().any(|p| p.3.contains("INDEX cases_unassigned")),
            "{plan:?}"
        );
        assert_eq!(read_shape(Backend::Postgres, &f, Sort::Due).index, "");
        let team = Filter {
            unassigned: false,
            ..f
        };
        assert_eq!(read_shape(Backend::Sqlite, &team, Sort::Due).index, "");
        // A date range sorted by due day is read as its range first on PostgreSQL only.
        let month = Filter {
            received_from: Some(1_740_787_200),
            ..team
        };
        assert!(read_shape(Backend::Postgres, &month, Sort::Due).fenced);
        assert!(!read_shape(Backend::Postgres, &month, Sort::Received).fenced);
        assert!(!read_shape(Backend::Sqlite, &month, Sort::Due).fenced);
        // Only PostgreSQL has lateral joins; SQLite merges its communities in a union.
        assert!(read_shape(Backend::Postgres, &team, Sort::Due).lateral);
        assert!(!read_shape(Backend::Sqlite, &team, Sort::Due).lateral);
        t.finish().await;
    }
}

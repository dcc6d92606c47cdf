//! A statement with its values, run alike on a sqlx connection of either database or on the
//! writers' SQLite connection outside sqlx (`turns::Direct`).
//!
//! sqlx runs each SQLite connection on a thread of its own, and every statement is a hand-off
//! to that thread and back. The case writer's batch is a chain of statements, each needing the
//! one before (the keys seen, the staff for routing, the day's numbers, the new ids), so it
//! paid some eight hand-offs per batch; on a connection of the caller's own it pays none. The
//! writes are written once against `Run` and either runs them.

use crate::{Result, StoreError};
use quanke_domain::calendar::Day;
use sqlx::{AssertSqlSafe, Row};

/// A value bound to a statement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Param<'a> {
    Int(Option<i64>),
    Text(Option<&'a str>),
    Bool(bool),
    Blob(&'a [u8]),
    Day(Option<Day>),
}

impl From<i64> for Param<'_> {
    fn from(v: i64) -> Self {
        Param::Int(Some(v))
    }
}

impl From<Option<i64>> for Param<'_> {
    fn from(v: Option<i64>) -> Self {
        Param::Int(v)
    }
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(v: &'a str) -> Self {
        Param::Text(Some(v))
    }
}

impl<'a> From<&'a String> for Param<'a> {
    fn from(v: &'a String) -> Self {
        Param::Text(Some(v))
    }
}

impl<'a> From<&'a Option<String>> for Param<'a> {
    fn from(v: &'a Option<String>) -> Self {
        Param::Text(v.as_deref())
    }
}

impl From<Day> for Param<'_> {
    fn from(v: Day) -> Self {
        Param::Day(Some(v))
    }
}

impl From<Option<Day>> for Param<'_> {
    fn from(v: Option<Day>) -> Self {
        Param::Day(v)
    }
}

impl From<bool> for Param<'_> {
    fn from(v: bool) -> Self {
        Param::Bool(v)
    }
}

impl<'a> From<&'a [u8]> for Param<'a> {
    fn from(v: &'a [u8]) -> Self {
        Param::Blob(v)
    }
}

/// The SQL of one statement and its values in binding order.
#[derive(Debug, Clone)]
pub(crate) struct Stmt<'a> {
    pub sql: String,
    pub params: Vec<Param<'a>>,
}

impl<'a> Stmt<'a> {
    pub fn new(sql: impl Into<String>) -> Stmt<'a> {
        Stmt {
            sql: sql.into(),
            params: Vec::new(),
        }
    }

    pub fn bind(mut self, value: impl Into<Param<'a>>) -> Stmt<'a> {
        self.params.push(value.into());
        self
    }

    pub fn push(&mut self, value: impl Into<Param<'a>>) {
        self.params.push(value.into());
    }
}

/// What a returned column holds.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Col {
    Int,
    Text,
    /// A boolean (PostgreSQL's BOOLEAN, SQLite's 0 or 1), given as an `Int` of 0 or 1.
    Bool,
}

/// One returned value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Int(Option<i64>),
    Text(Option<String>),
}

impl Cell {
    pub fn int(&self) -> Result<i64> {
        self.opt_int()?.ok_or_else(|| unexpected("NULL"))
    }

    pub fn opt_int(&self) -> Result<Option<i64>> {
        match self {
            Cell::Int(v) => Ok(*v),
            Cell::Text(_) => Err(unexpected("text")),
        }
    }

    pub fn flag(&self) -> Result<bool> {
        Ok(self.int()? != 0)
    }

    pub fn text(&mut self) -> Result<String> {
        self.opt_text()?.ok_or_else(|| unexpected("NULL"))
    }

    pub fn opt_text(&mut self) -> Result<Option<String>> {
        match self {
            Cell::Text(v) => Ok(v.take()),
            Cell::Int(_) => Err(unexpected("a number")),
        }
    }
}

/// The cells of one row as `N` columns; `what` names the row in the error when there are not
/// `N` (a mistake in this crate's SQL or column list).
pub(crate) fn row_of<'c, const N: usize>(
    cells: &'c mut [Cell],
    what: &str,
) -> Result<&'c mut [Cell; N]> {
    let n = cells.len();
    <&mut [Cell; N]>::try_from(cells)
        .map_err(|_| StoreError::Conflict(format!("{what} read as {n} values, not {N}")))
}

/// A returned value of another kind than its statement says: a mistake in this crate's SQL.
fn unexpected(what: &str) -> StoreError {
    StoreError::Db(sqlx::Error::Decode(
        format!("a statement returned {what} where its columns say otherwise").into(),
    ))
}

/// Runs statements: a sqlx connection (one hand-off each on SQLite) or a SQLite connection on
/// the caller's thread.
pub(crate) trait Run {
    async fn execute(&mut self, s: &Stmt<'_>) -> Result<()>;
    /// The rows, each with one cell per `cols`.
    async fn fetch(&mut self, s: &Stmt<'_>, cols: &[Col]) -> Result<Vec<Vec<Cell>>>;
    /// Runs `s`, an INSERT of `rows` rows into a table keyed by its rowid, and gives their ids
    /// in the order of its VALUES, where the connection can tell them without a RETURNING
    /// clause; None (and nothing run) where it cannot.
    async fn insert_rowids(&mut self, s: &Stmt<'_>, rows: usize) -> Result<Option<Vec<i64>>>;
}

/// The sqlx query of `$s` with its values bound.
macro_rules! sqlx_query {
    ($s:expr) => {{
        let mut q = sqlx::query(AssertSqlSafe($s.sql.as_str()));
        for p in &$s.params {
            q = match *p {
                Param::Int(v) => q.bind(v),
                Param::Text(v) => q.bind(v),
                Param::Bool(v) => q.bind(v),
                Param::Blob(v) => q.bind(v),
                Param::Day(v) => q.bind(v),
            };
        }
        q
    }};
}

macro_rules! run_on_sqlx {
    ($conn:ty) => {
        impl Run for $conn {
            async fn execute(&mut self, s: &Stmt<'_>) -> Result<()> {
                sqlx_query!(s).execute(&mut *self).await?;
                Ok(())
            }

            async fn fetch(&mut self, s: &Stmt<'_>, cols: &[Col]) -> Result<Vec<Vec<Cell>>> {
                let rows = sqlx_query!(s).fetch_all(&mut *self).await?;
                let mut out = Vec::with_capacity(rows.len());
                for row in rows {
                    let mut cells = Vec::with_capacity(cols.len());
                    for (i, col) in cols.iter().enumerate() {
                        cells.push(match col {
                            Col::Int => Cell::Int(row.try_get(i)?),
                            Col::Text => Cell::Text(row.try_get(i)?),
                            Col::Bool => {
                                Cell::Int(row.try_get::<Option<bool>, _>(i)?.map(i64::from))
                            }
                        });
                    }
                    out.push(cells);
                }
                Ok(out)
            }

            async fn insert_rowids(&mut self, _: &Stmt<'_>, _: usize) -> Result<Option<Vec<i64>>> {
                Ok(None)
            }
        }
    };
}

run_on_sqlx!(sqlx::PgConnection);
run_on_sqlx!(sqlx::SqliteConnection);

impl Run for rusqlite::Connection {
    async fn execute(&mut self, s: &Stmt<'_>) -> Result<()> {
        let mut stmt = prepared(self, s)?;
        stmt.raw_execute()?;
        Ok(())
    }

    async fn fetch(&mut self, s: &Stmt<'_>, cols: &[Col]) -> Result<Vec<Vec<Cell>>> {
        let mut stmt = prepared(self, s)?;
        let mut rows = stmt.raw_query();
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut cells = Vec::with_capacity(cols.len());
            for (i, col) in cols.iter().enumerate() {
                cells.push(match col {
                    Col::Int | Col::Bool => Cell::Int(row.get(i)?),
                    Col::Text => Cell::Text(row.get(i)?),
                });
            }
            out.push(cells);
        }
        Ok(out)
    }

    /// SQLite gives a row without an id the largest id so far plus one, so the rows of one
    /// INSERT take consecutive ids in order, ending at the last one inserted. RETURNING would
    /// have SQLite collect the rows in a temporary table first.
    async fn insert_rowids(&mut self, s: &Stmt<'_>, rows: usize) -> Result<Option<Vec<i64>>> {
        let mut stmt = prepared(self, s)?;
        let inserted = stmt.raw_execute()?;
        drop(stmt);
        if inserted != rows {
            return Err(StoreError::Conflict(format!(
                "{inserted} rows inserted of {rows}"
            )));
        }
        let last = self.last_insert_rowid();
        let first = last - rows as i64 + 1;
        Ok(Some((first..=last).collect()))
    }
}

/// The statement from the connection's cache with its values bound: `$n` by name (SQLite
/// numbers named parameters in order of first use, not by their digits), `?` in order.
fn prepared<'c>(
    conn: &'c rusqlite::Connection,
    s: &Stmt<'_>,
) -> Result<rusqlite::CachedStatement<'c>> {
    let mut stmt = conn.prepare_cached(&s.sql)?;
    let named = stmt.parameter_name(1).is_some();
    for (i, p) in s.params.iter().enumerate() {
        let index = match named {
            true => {
                let name = format!("${}", i + 1);
                stmt.parameter_index(&name)?
                    .ok_or(rusqlite::Error::InvalidParameterName(name))?
            }
            false => i + 1,
        };
        match *p {
            Param::Int(v) => stmt.raw_bind_parameter(index, v)?,
            Param::Text(v) => stmt.raw_bind_parameter(index, v)?,
            Param::Bool(v) => stmt.raw_bind_parameter(index, v)?,
            Param::Blob(v) => stmt.raw_bind_parameter(index, v)?,
            Param::Day(v) => stmt.raw_bind_parameter(index, v.map(|d| d.to_string()))?,
        }
    }
    Ok(stmt)
}

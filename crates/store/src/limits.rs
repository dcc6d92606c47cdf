//! LIMIT and OFFSET, one rule for every statement: bound on PostgreSQL, written into the
//! statement on SQLite.
//!
//! SQLite prepares a statement with a bound LIMIT afresh every time it runs (11 % of the
//! server's CPU at intake, and a street's union of ten reads with their limits planned again
//! for every page: bench/cases/compare.sh and queues.sh); PostgreSQL's generic plans, the ones
//! measured, have them bound, and its plans per written limit were worse.

use crate::Backend;
use std::borrow::Cow;

/// Whether statements on `backend` bind their LIMIT and OFFSET.
pub(crate) fn bound(backend: Backend) -> bool {
    backend == Backend::Postgres
}

/// The count of a LIMIT (or OFFSET) in a statement with numbered parameters: the parameter
/// `param` where limits are bound, `n` written in otherwise. The caller binds `n` as `param`
/// either way: SQLite's statement then names no such parameter and the value is not used.
pub(crate) fn count(backend: Backend, param: &'static str, n: i64) -> Cow<'static, str> {
    if bound(backend) {
        Cow::Borrowed(param)
    } else {
        Cow::Owned(n.to_string())
    }
}

/// Appends ` LIMIT n` (or another clause taking a count, `$word`) to a `QueryBuilder`: bound
/// where `bound`, written into the statement otherwise.
macro_rules! push_limit {
    ($q:ident, $bound:expr, $n:expr) => {
        $crate::limits::push_limit!($q, $bound, " LIMIT ", $n)
    };
    ($q:ident, $bound:expr, $word:literal, $n:expr) => {{
        let n: i64 = $n;
        if $bound {
            $q.push($word).push_bind(n);
        } else {
            $q.push(format!("{}{n}", $word));
        }
    }};
}
pub(crate) use push_limit;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_gets_the_count_postgres_the_parameter() {
        assert_eq!(count(Backend::Sqlite, "$4", 21), "21");
        assert_eq!(count(Backend::Postgres, "$4", 21), "$4");
    }
}

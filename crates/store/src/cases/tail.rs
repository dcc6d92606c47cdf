//! The rows a batch of new cases writes after the cases themselves (their opening events,
//! documents, results, visits and the assignees' notifications), sent as one statement; also
//! the document and result a later change of state issues.
//! Each statement is a round trip to the connection (for SQLite, a hand-off to the thread
//! sqlx runs it on), and the case writer holds the database's one write turn through all of
//! them: fewer statements is more cases per second. SQLite runs several statements sent
//! together; PostgreSQL takes one statement, so there the inserts are chained as
//! data-modifying `WITH` clauses. Parameters are numbered through the whole text (`$n`), which
//! both databases bind by number.

use super::{Actor, NewDocument, NewResult};
use crate::Backend;

/// The head of one multi-row INSERT and the number of values in each of its rows.
#[derive(Clone, Copy)]
pub(super) struct Insert {
    head: &'static str,
    cols: usize,
}

pub(super) const EVENTS: Insert = Insert {
    head: "INSERT INTO case_events (case_id, at, on_day, actor_id, actor_name, from_state, \
           to_state, action, note) VALUES ",
    cols: 9,
};

const DOCUMENTS: Insert = Insert {
    head: "INSERT INTO case_documents (case_id, kind, content, issued_by, issuer_name, \
           issued_at, issued_on) VALUES ",
    cols: 7,
};

const RESULTS: Insert = Insert {
    head: "INSERT INTO case_results (case_id, verdict, reason, amount_fen, start_month, \
           certificate_no, note, decided_by, decider_name, decided_at, decided_on) VALUES ",
    cols: 11,
};

const VISITS: Insert = Insert {
    head: "INSERT INTO case_visits (case_id, at, on_day, purpose, recorded_by) VALUES ",
    cols: 5,
};

const ASSIGNED: Insert = Insert {
    head: "INSERT INTO notifications (recipient_id, kind, case_id, text, created_at) VALUES ",
    cols: 5,
};

/// A row of `case_events` written with a new case.
pub(super) struct FirstEvent<'b> {
    pub case_id: i64,
    pub by: &'b Actor<'b>,
    pub from: &'b str,
    pub to: &'b str,
    pub action: &'b str,
    pub note: &'b str,
}

/// What follows the cases of a batch; `events` is empty when they were written on their own
/// (a batch with files needs the opening events' ids first).
#[derive(Default)]
pub(super) struct Tail<'b> {
    pub events: Vec<FirstEvent<'b>>,
    pub documents: Vec<(i64, &'b NewDocument, &'b Actor<'b>)>,
    pub results: Vec<(i64, &'b NewResult, &'b Actor<'b>)>,
    pub visits: Vec<(i64, &'b str, &'b Actor<'b>)>,
    /// (recipient, case id, text, at).
    pub assigned: Vec<(i64, i64, &'b str, i64)>,
}

impl Tail<'_> {
    /// The inserts with their row counts, in the order `bind_tail!` binds them.
    fn inserts(&self) -> Vec<(Insert, usize)> {
        [
            (EVENTS, self.events.len()),
            (DOCUMENTS, self.documents.len()),
            (RESULTS, self.results.len()),
            (VISITS, self.visits.len()),
            (ASSIGNED, self.assigned.len()),
        ]
        .into_iter()
        .filter(|(_, rows)| *rows > 0)
        .collect()
    }

    /// The whole tail as one statement for `backend`; None when there is nothing to write.
    pub fn sql(&self, backend: Backend) -> Option<String> {
        let mut first = 0;
        let each: Vec<String> = self
            .inserts()
            .into_iter()
            .map(|(insert, rows)| {
                let text = format!(
                    "{}{}",
                    insert.head,
                    backend.placeholders(first, rows, insert.cols)
                );
                first += rows * insert.cols;
                text
            })
            .collect();
        let (last, before) = each.split_last()?;
        Some(match backend {
            Backend::Sqlite => each.join("; "),
            Backend::Postgres if before.is_empty() => last.clone(),
            Backend::Postgres => {
                let with: Vec<String> = before
                    .iter()
                    .enumerate()
                    .map(|(i, text)| format!("w{i} AS ({text})"))
                    .collect();
                format!("WITH {} {last}", with.join(", "))
            }
        })
    }
}

/// The events' SQL alone, returning each row's (id, case id, from state).
pub(super) fn events_returning(backend: Backend, rows: usize) -> String {
    format!(
        "{}{} RETURNING id, case_id, from_state",
        EVENTS.head,
        backend.placeholders(0, rows, EVENTS.cols)
    )
}

/// Binds the events' values onto `$q`, in `EVENTS`' column order.
macro_rules! bind_events {
    ($q:ident, $events:expr) => {
        for e in $events {
            $q = $q
                .bind(e.case_id)
                .bind(e.by.now)
                .bind(e.by.today)
                .bind(e.by.id)
                .bind(e.by.name)
                .bind(e.from)
                .bind(e.to)
                .bind(e.action)
                .bind(e.note);
        }
    };
}
pub(super) use bind_events;

/// Binds every value of the tail onto `$q`, in the order of `Tail::sql`.
macro_rules! bind_tail {
    ($q:ident, $tail:expr) => {{
        let tail = $tail;
        $crate::cases::tail::bind_events!($q, &tail.events);
        for (case_id, doc, by) in &tail.documents {
            $q = $q
                .bind(*case_id)
                .bind(&doc.kind)
                .bind(&doc.content)
                .bind(by.id)
                .bind(by.name)
                .bind(by.now)
                .bind(by.today);
        }
        for (case_id, r, by) in &tail.results {
            $q = $q
                .bind(*case_id)
                .bind(&r.verdict)
                .bind(&r.reason)
                .bind(r.amount_fen)
                .bind(&r.start_month)
                .bind(&r.certificate_no)
                .bind(&r.note)
                .bind(by.id)
                .bind(by.name)
                .bind(by.now)
                .bind(by.today);
        }
        for (case_id, purpose, by) in &tail.visits {
            $q = $q
                .bind(*case_id)
                .bind(by.now)
                .bind(by.today)
                .bind(*purpose)
                .bind(by.id);
        }
        for (recipient, case_id, text, at) in &tail.assigned {
            $q = $q
                .bind(*recipient)
                .bind(quanke_domain::notice::Kind::Assigned.code())
                .bind(*case_id)
                .bind(*text)
                .bind(*at);
        }
    }};
}
pub(super) use bind_tail;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_is_one_statement_on_either_database() {
        let by = Actor {
            id: Some(1),
            name: "前台",
            now: 0,
            today: "2026-12-05",
        };
        let tail = Tail {
            visits: vec![(7, "intake", &by)],
            assigned: vec![(3, 7, "自动分派", 0)],
            ..Tail::default()
        };
        let sqlite = tail.sql(Backend::Sqlite).unwrap();
        assert_eq!(sqlite.matches("INSERT").count(), 2);
        assert!(sqlite.contains("; INSERT INTO notifications"));
        assert!(sqlite.ends_with("VALUES (?, ?, ?, ?, ?)"), "{sqlite}");
        assert!(!sqlite.contains('$'), "{sqlite}");
        let pg = tail.sql(Backend::Postgres).unwrap();
        assert!(
            pg.starts_with("WITH w0 AS (INSERT INTO case_visits"),
            "{pg}"
        );
        assert!(pg.ends_with(") INSERT INTO notifications (recipient_id, kind, case_id, text, created_at) VALUES ($6, $7, $8, $9, $10)"), "{pg}");
        assert_eq!(Tail::default().sql(Backend::Sqlite), None);
    }
}

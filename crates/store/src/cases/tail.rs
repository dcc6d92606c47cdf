//! The rows a batch of new cases writes after the cases themselves (their opening events,
//! documents, results, visits and the assignees' notifications), sent as one statement; also
//! the document and result a later change of state issues.
//! On PostgreSQL each statement is a round trip to the server, and the case writer holds its
//! transaction through all of them, so the inserts are chained as data-modifying `WITH`
//! clauses in one statement, their parameters numbered through the whole text. On SQLite the
//! case writer runs its statements on the connection's handle without a round trip
//! (`statement`), and one insert per table is simplest.

use super::{Actor, NewDocument, NewResult};
use crate::Backend;
use crate::statement::{Param, Stmt};
use quanke_domain::notice::Kind;

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

impl<'b> Tail<'b> {
    /// Each insert with its rows' values, in order; empty ones left out.
    fn inserts(&self) -> Vec<(Insert, usize, Vec<Param<'b>>)> {
        let mut events = Vec::new();
        for e in &self.events {
            push_event(&mut events, e);
        }
        let mut documents: Vec<Param> = Vec::new();
        for &(case_id, doc, by) in &self.documents {
            documents.extend([
                Param::from(case_id),
                Param::from(&doc.kind),
                Param::from(&doc.content),
                Param::from(by.id),
                Param::from(by.name),
                Param::from(by.now),
                Param::from(by.today),
            ]);
        }
        let mut results: Vec<Param> = Vec::new();
        for &(case_id, r, by) in &self.results {
            results.extend([
                Param::from(case_id),
                Param::from(&r.verdict),
                Param::from(&r.reason),
                Param::from(r.amount_fen),
                Param::from(&r.start_month),
                Param::from(&r.certificate_no),
                Param::from(&r.note),
                Param::from(by.id),
                Param::from(by.name),
                Param::from(by.now),
                Param::from(by.today),
            ]);
        }
        let mut visits: Vec<Param> = Vec::new();
        for &(case_id, purpose, by) in &self.visits {
            visits.extend([
                Param::from(case_id),
                Param::from(by.now),
                Param::from(by.today),
                Param::from(purpose),
                Param::from(by.id),
            ]);
        }
        let mut assigned: Vec<Param> = Vec::new();
        for &(recipient, case_id, text, at) in &self.assigned {
            assigned.extend([
                Param::from(recipient),
                Param::from(Kind::Assigned.code()),
                Param::from(case_id),
                Param::from(text),
                Param::from(at),
            ]);
        }
        [
            (EVENTS, self.events.len(), events),
            (DOCUMENTS, self.documents.len(), documents),
            (RESULTS, self.results.len(), results),
            (VISITS, self.visits.len(), visits),
            (ASSIGNED, self.assigned.len(), assigned),
        ]
        .into_iter()
        .filter(|(_, rows, _)| *rows > 0)
        .collect()
    }

    /// The tail's statements for `backend`: one per table on SQLite (each runs without a
    /// hand-off in the case writer), one on PostgreSQL (the inserts chained in `WITH`).
    pub fn statements(&self, backend: Backend) -> Vec<Stmt<'b>> {
        let inserts = self.inserts();
        if backend == Backend::Sqlite {
            return inserts
                .into_iter()
                .map(|(insert, rows, params)| Stmt {
                    sql: format!(
                        "{}{}",
                        insert.head,
                        backend.placeholders(0, rows, insert.cols)
                    ),
                    params,
                })
                .collect();
        }
        let mut first = 0;
        let mut texts = Vec::new();
        let mut all = Vec::new();
        for (insert, rows, params) in inserts {
            texts.push(format!(
                "{}{}",
                insert.head,
                backend.placeholders(first, rows, insert.cols)
            ));
            first += rows * insert.cols;
            all.extend(params);
        }
        let Some((last, before)) = texts.split_last() else {
            return Vec::new();
        };
        let with: Vec<String> = before
            .iter()
            .enumerate()
            .map(|(i, text)| format!("w{i} AS ({text})"))
            .collect();
        let sql = match with.is_empty() {
            true => last.clone(),
            false => format!("WITH {} {last}", with.join(", ")),
        };
        vec![Stmt { sql, params: all }]
    }
}

/// The events alone, returning each row's (id, case id, from state).
pub(super) fn events_returning<'b>(backend: Backend, events: &[FirstEvent<'b>]) -> Stmt<'b> {
    let mut s = Stmt::new(format!(
        "{}{} RETURNING id, case_id, from_state",
        EVENTS.head,
        backend.placeholders(0, events.len(), EVENTS.cols)
    ));
    for e in events {
        push_event(&mut s.params, e);
    }
    s
}

/// An event's values, in `EVENTS`' column order.
fn push_event<'b>(params: &mut Vec<Param<'b>>, e: &FirstEvent<'b>) {
    params.extend([
        Param::from(e.case_id),
        Param::from(e.by.now),
        Param::from(e.by.today),
        Param::from(e.by.id),
        Param::from(e.by.name),
        Param::from(e.from),
        Param::from(e.to),
        Param::from(e.action),
        Param::from(e.note),
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tail_is_one_statement_per_table_on_sqlite_and_one_on_postgres() {
        let by = Actor {
            id: Some(1),
            name: "前台",
            now: 0,
            today: "2026-12-05".parse().unwrap(),
        };
        let tail = Tail {
            visits: vec![(7, "intake", &by)],
            assigned: vec![(3, 7, "自动分派", 0)],
            ..Tail::default()
        };
        let sqlite = tail.statements(Backend::Sqlite);
        assert_eq!(sqlite.len(), 2);
        assert!(sqlite[1].sql.starts_with("INSERT INTO notifications"));
        assert!(
            sqlite[1].sql.ends_with("VALUES (?, ?, ?, ?, ?)"),
            "{}",
            sqlite[1].sql
        );
        assert_eq!(sqlite[1].params.len(), 5);
        assert!(!sqlite[0].sql.contains('$'), "{}", sqlite[0].sql);
        let pg = tail.statements(Backend::Postgres);
        assert_eq!(pg.len(), 1);
        assert_eq!(pg[0].params.len(), 10);
        let pg = &pg[0].sql;
        assert!(
            pg.starts_with("WITH w0 AS (INSERT INTO case_visits"),
            "{pg}"
        );
        assert!(pg.ends_with(") INSERT INTO notifications (recipient_id, kind, case_id, text, created_at) VALUES ($6, $7, $8, $9, $10)"), "{pg}");
        assert!(Tail::default().statements(Backend::Postgres).is_empty());
    }
}

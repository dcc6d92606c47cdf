//! Case search (办件查询): the filters a worker or a program gives, read and checked once for
//! every channel (the search page, its export, the work queues and `GET /api/v1/cases`), and
//! turned into the store's filter inside the caller's scope: their subtree, or for a grid
//! worker their grid's community (cases belong to communities).

use super::Cases;
use super::bounds::{Assignee, Days};
use super::deadline;
use super::intake::{CHANNELS, channel_label};
use super::worker::Worker;
use crate::clock;
use quanke_domain::case::State as CaseState;
use quanke_domain::ident::phone;
use quanke_domain::limits::{self, Limit};
use quanke_domain::mask::Show;
use quanke_domain::{OrgPath, Permission};
use quanke_store::cases::{self, At, Case, Cursor, Filter, Page, Queue, Sort};
use quanke_store::{registry, users};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The filters as given (a query string or form); empty means not given.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Asked {
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub applicant_name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub item_code: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub received_from: String,
    #[serde(default)]
    pub received_to: String,
    #[serde(default)]
    pub assignee: String,
    #[serde(default)]
    pub queue: String,
    #[serde(default)]
    pub sort: String,
}

/// The maximum length of each search parameter (the OpenAPI document states the same).
pub fn limit_of(name: &str) -> Option<Limit> {
    Some(match name {
        "number" | "id_number" | "item_code" | "state" | "channel" | "received_from"
        | "received_to" | "assignee" | "queue" | "sort" => limits::CODE,
        "applicant_name" => limits::PERSON_NAME,
        "phone" => limits::PHONE,
        "after" | "before" => limits::SEARCH,
        _ => return None,
    })
}

/// Why a search was refused: a stable code, a message for people, and whether it names
/// something outside the caller's scope (answered as "not found").
#[derive(Debug)]
pub struct Refused {
    pub code: &'static str,
    pub message: String,
    pub not_found: bool,
}

fn refuse(code: &'static str, message: impl Into<String>) -> Refused {
    Refused {
        code,
        message: message.into(),
        not_found: false,
    }
}

/// A checked search, ready to run.
#[derive(Debug, Clone)]
pub struct Criteria {
    within: String,
    number: Option<String>,
    name: Option<String>,
    phone_key: Option<String>,
    resident: Option<i64>,
    /// An ID number that no registry person has: nothing can match.
    nobody: bool,
    item: Option<String>,
    state: Option<&'static str>,
    channel: Option<&'static str>,
    from: Option<i64>,
    before: Option<i64>,
    assignee: Assignee,
    open_only: bool,
    due_from: Option<String>,
    due_by: Option<String>,
    pub sort: Sort,
    /// What was asked, as people read it (the page's summary and the export's audit entry);
    /// ID and phone numbers masked.
    pub described: Vec<String>,
}

/// Who may search cases.
pub fn may_search(by: &Worker) -> bool {
    by.can(Permission::SearchCases)
}

/// Reads and checks `asked` for the worker `by`; `default_sort` when none is asked.
pub async fn read(
    st: &Cases<'_>,
    by: &Worker,
    asked: &Asked,
    default_sort: Sort,
) -> Result<Criteria, Refused> {
    check_lengths(asked)?;
    let mut c = Criteria::everything(by.org.as_str(), default_sort);
    read_applicant(st, &mut c, asked).await?;
    read_case_fields(&mut c, asked)?;
    read_dates(&mut c, asked)?;
    read_assignee(st, by, &mut c, asked.assignee.trim()).await?;
    if let Some(code) = given(&asked.queue) {
        let queue = Queue::parse(code).ok_or_else(|| {
            refuse(
                "bad_queue",
                format!("未知的队列“{code}”（应为 mine、team、unassigned、due_soon 或 overdue）"),
            )
        })?;
        narrow_to_queue(st, by, &mut c, queue)
            .await
            .map_err(|e| refuse("internal", e.to_string()))?;
    }
    if let Some(code) = given(&asked.sort) {
        c.sort = Sort::parse(code).ok_or_else(|| {
            refuse(
                "bad_sort",
                format!("未知的排序“{code}”（应为 received、due 或 number）"),
            )
        })?;
    }
    Ok(c)
}

fn given(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

fn check_lengths(asked: &Asked) -> Result<(), Refused> {
    let fields = [
        ("number", &asked.number),
        ("applicant_name", &asked.applicant_name),
        ("phone", &asked.phone),
        ("id_number", &asked.id_number),
        ("item_code", &asked.item_code),
        ("state", &asked.state),
        ("channel", &asked.channel),
        ("received_from", &asked.received_from),
        ("received_to", &asked.received_to),
        ("assignee", &asked.assignee),
        ("queue", &asked.queue),
        ("sort", &asked.sort),
    ];
    for (name, value) in fields {
        if let Some(limit) = limit_of(name) {
            limit
                .check(value)
                .map_err(|e| refuse("too_long", e.to_string()))?;
        }
    }
    Ok(())
}

async fn read_applicant(st: &Cases<'_>, c: &mut Criteria, asked: &Asked) -> Result<(), Refused> {
    if let Some(n) = given(&asked.number) {
        let n = n.to_ascii_uppercase();
        if !n.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-') {
            return Err(refuse(
                "bad_number",
                "办件编号只含字母、数字和“-”，如 MYQ-20261128-0007，可只输入开头部分",
            ));
        }
        c.described.push(format!("编号以 {n} 开头"));
        c.number = Some(n);
    }
    if let Some(name) = given(&asked.applicant_name) {
        c.described.push(format!("申请人姓名以“{name}”开头"));
        c.name = Some(name.to_string());
    }
    if let Some(p) = given(&asked.phone) {
        let parsed = phone::parse(p)
            .map_err(|e| refuse("bad_phone", format!("请输入完整的电话号码：{e}")))?;
        c.described.push(format!("电话 {}", parsed.mask()));
        c.phone_key = Some(phone::lookup_key(p));
    }
    if let Some(typed) = given(&asked.id_number) {
        let number = super::applicant::parse_id_number(typed, clock::day(clock::now()))
            .map_err(|_| refuse("bad_id_number", "身份证号无效：请输入完整的 18 位身份证号"))?;
        c.described
            .push(format!("身份证号 {}", Show::Masked.id_number(&number)));
        // Cases link the registry person; one who is not registered has no cases to find.
        match registry::id_by_number(st.db, &number)
            .await
            .map_err(|e| refuse("internal", e.to_string()))?
        {
            Some(id) => c.resident = Some(id),
            None => c.nobody = true,
        }
    }
    Ok(())
}

fn read_case_fields(c: &mut Criteria, asked: &Asked) -> Result<(), Refused> {
    if let Some(code) = given(&asked.item_code) {
        c.described.push(format!("事项 {code}"));
        c.item = Some(code.to_string());
    }
    if let Some(code) = given(&asked.state) {
        let state: CaseState = code
            .parse()
            .map_err(|_| refuse("bad_state", format!("未知的办件状态“{code}”")))?;
        c.described.push(format!("状态 {}", state.label()));
        c.state = Some(state.code());
    }
    if let Some(code) = given(&asked.channel) {
        let (known, label) = CHANNELS.iter().find(|(k, _)| *k == code).ok_or_else(|| {
            refuse(
                "bad_channel",
                format!("未知的渠道“{code}”（应为 desk、portal、grid、phone 或 open311）"),
            )
        })?;
        c.described.push(format!("渠道 {label}"));
        c.channel = Some(known);
    }
    Ok(())
}

fn read_dates(c: &mut Criteria, asked: &Asked) -> Result<(), Refused> {
    let day = |s: &str, name: &str| {
        deadline::parse_day(s)
            .ok_or_else(|| refuse("bad_date", format!("{name}应为日期，如 2026-11-28")))
    };
    let from = given(&asked.received_from)
        .map(|s| day(s, "受理日期（起）"))
        .transpose()?;
    let to = given(&asked.received_to)
        .map(|s| day(s, "受理日期（止）"))
        .transpose()?;
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(refuse("bad_date", "受理日期的起始日不能晚于截止日"));
    }
    if let Some(f) = from {
        c.from = Some(clock::day_start(f));
        c.described
            .push(format!("{} 起受理", deadline::format_day(f)));
    }
    if let Some(t) = to {
        c.before = t.next_day().map(clock::day_start);
        c.described
            .push(format!("{} 止受理", deadline::format_day(t)));
    }
    Ok(())
}

/// The subtree whose workers a caller may name as assignee: the same as their cases'.
fn staff_scope(by: &Worker) -> OrgPath {
    by.org.community().unwrap_or_else(|| by.org.clone())
}

async fn read_assignee(
    st: &Cases<'_>,
    by: &Worker,
    c: &mut Criteria,
    asked: &str,
) -> Result<(), Refused> {
    let (assignee, said) = match asked {
        "" => return Ok(()),
        "me" => match by.id {
            Some(id) => (Assignee::User(id), "经办人 本人".to_string()),
            None => return Err(refuse("bad_assignee", "没有本人可查：请给出经办人编号")),
        },
        "none" => (Assignee::Nobody, "待分派".to_string()),
        id => {
            let id: i64 = id
                .parse()
                .map_err(|_| refuse("bad_assignee", "assignee 应为用户编号、me 或 none"))?;
            let staff = users::in_subtree(st.db, &staff_scope(by))
                .await
                .map_err(|e| refuse("internal", e.to_string()))?;
            let u = staff.iter().find(|u| u.id == id).ok_or_else(|| Refused {
                code: "unknown_assignee",
                message: "没有这个经办人，或不在您的管辖范围内".into(),
                not_found: true,
            })?;
            (Assignee::User(id), format!("经办人 {}", u.display_name))
        }
    };
    c.assignee = assignee;
    c.described.push(said);
    Ok(())
}

/// A work queue as filters: open cases, with the queue's own condition (`Days::bounds`, the
/// one the home pages count with).
async fn narrow_to_queue(
    st: &Cases<'_>,
    by: &Worker,
    c: &mut Criteria,
    queue: Queue,
) -> anyhow::Result<()> {
    let days = Days::of(st.calendar, st.db, clock::day(clock::now())).await?;
    narrow(c, &days, by.id, queue);
    Ok(())
}

fn narrow(c: &mut Criteria, days: &Days, me: Option<i64>, queue: Queue) {
    c.open_only = true;
    c.described.push(format!("队列 {}", queue.label()));
    let b = days.bounds(queue, me);
    if b.assignee != Assignee::Anyone {
        c.assignee = b.assignee;
    }
    if let Some(state) = b.state {
        c.state = Some(state.code());
    }
    if let Some(day) = b.due_from {
        c.due_from = Some(day.to_string());
    }
    if let Some(day) = b.due_by {
        c.due_by = Some(day.to_string());
    }
}

impl Criteria {
    /// Every case inside `within`, before any filter is read.
    fn everything(within: &str, sort: Sort) -> Criteria {
        Criteria {
            within: within.to_string(),
            number: None,
            name: None,
            phone_key: None,
            resident: None,
            nobody: false,
            item: None,
            state: None,
            channel: None,
            from: None,
            before: None,
            assignee: Assignee::Anyone,
            open_only: false,
            due_from: None,
            due_by: None,
            sort,
            described: Vec::new(),
        }
    }

    /// The store's filter for pages of `limit` rows.
    pub fn filter(&self, limit: i64) -> Filter<'_> {
        Filter {
            within: &self.within,
            state: self.state,
            open_only: self.open_only,
            assignee: match self.assignee {
                Assignee::User(id) => Some(id),
                _ => None,
            },
            unassigned: self.assignee == Assignee::Nobody,
            item_code: self.item.as_deref(),
            resident_id: self.resident,
            due_by: self.due_by.as_deref(),
            due_from: self.due_from.as_deref(),
            number_prefix: self.number.as_deref(),
            applicant_prefix: self.name.as_deref(),
            phone_key: self.phone_key.as_deref(),
            channel: self.channel,
            received_from: self.from,
            received_before: self.before,
            limit,
            offset: 0,
        }
    }

    /// Reads a cursor of this search's sort (None: not one of ours).
    pub fn cursor(&self, text: &str) -> Option<Cursor> {
        Cursor::decode(self.sort, text)
    }

    /// True when no filter narrows the search (the page then waits for one).
    pub fn is_empty(&self) -> bool {
        self.described.is_empty()
    }
}

/// Where a page starts, from `after` / `before` as given.
pub fn at(c: &Criteria, after: &str, before: &str) -> Result<At, Refused> {
    let bad = || refuse("bad_cursor", "翻页位置无效，请从第一页重新查询");
    Ok(match (given(after), given(before)) {
        (None, None) => At::First,
        (Some(a), None) => At::After(c.cursor(a).ok_or_else(bad)?),
        (None, Some(b)) => At::Before(c.cursor(b).ok_or_else(bad)?),
        (Some(_), Some(_)) => return Err(refuse("bad_cursor", "after 和 before 只能给一个")),
    })
}

/// One page of the search.
pub async fn run(st: &Cases<'_>, c: &Criteria, at: &At, limit: i64) -> anyhow::Result<Page> {
    if c.nobody {
        return Ok(Page {
            cases: Vec::new(),
            next: None,
            prev: None,
        });
    }
    Ok(cases::page(st.db, &c.filter(limit), c.sort, at).await?)
}

/// A case as the search lists and exports it.
#[derive(Debug, Serialize)]
pub struct Line {
    pub id: i64,
    pub number: String,
    pub item: String,
    pub applicant: String,
    pub id_number: String,
    pub phone: String,
    pub channel: String,
    pub state: String,
    pub received: String,
    pub due_on: String,
    pub assignee: String,
}

/// The column titles of an export, in the order of `Line::cells`.
pub const COLUMNS: [&str; 10] = [
    "办件编号",
    "事项",
    "申请人",
    "身份证号",
    "联系电话",
    "渠道",
    "状态",
    "受理时间",
    "应办结",
    "经办人",
];

impl Line {
    pub fn cells(self) -> Vec<String> {
        vec![
            self.number,
            self.item,
            self.applicant,
            self.id_number,
            self.phone,
            self.channel,
            self.state,
            self.received,
            self.due_on,
            self.assignee,
        ]
    }
}

/// The cases as lines, identifiers shown as `show` says.
pub async fn lines(
    st: &Cases<'_>,
    by: &Worker,
    list: &[Case],
    show: Show,
) -> anyhow::Result<Vec<Line>> {
    let snap = st.catalogue.in_force(st.db).await?;
    let names: HashMap<i64, String> = users::in_subtree(st.db, &staff_scope(by))
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let residents: Vec<i64> = list.iter().filter_map(|c| c.resident_id).collect();
    let numbers = cases::id_numbers(st.db, &residents).await?;
    Ok(list
        .iter()
        .map(|c| Line {
            id: c.id,
            number: c.number.clone(),
            item: snap
                .get(&c.item_code)
                .map_or(c.item_code.clone(), |x| x.item.name.clone()),
            applicant: c.applicant_name.clone(),
            id_number: c
                .resident_id
                .and_then(|r| numbers.get(&r))
                .map(|n| show.id_number(n))
                .unwrap_or_default(),
            phone: show.phone(&c.applicant_phone),
            channel: channel_label(&c.channel).to_string(),
            state: c.state.label().to_string(),
            received: clock::format(c.created_at).chars().take(16).collect(),
            due_on: c.due_on.map(|d| d.to_string()).unwrap_or_default(),
            assignee: assignee_label(c, &names),
        })
        .collect())
}

/// The assignee's name; "待分派" only for a case the back office should be working on (a case
/// at the desk or finished on the spot has nobody to assign).
fn assignee_label(c: &Case, names: &HashMap<i64, String>) -> String {
    match c.assignee_id.and_then(|i| names.get(&i)) {
        Some(name) => name.clone(),
        None if matches!(
            c.state,
            CaseState::Accepted | CaseState::InProgress | CaseState::AwaitingDepartment
        ) =>
        {
            "待分派".into()
        }
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quanke_domain::calendar::WorkCalendar;

    /// The queue page and the API (a case search with `queue=`) ask the store exactly what the
    /// home pages count for the same queue (they once disagreed on "unassigned").
    #[test]
    fn a_queue_searched_is_the_queue_counted() {
        let days = Days::on(
            &WorkCalendar::default_china(),
            "2026-12-04".parse().unwrap(),
        );
        for queue in Queue::ALL {
            let mut c = Criteria::everything("/1/2/", Sort::Due);
            narrow(&mut c, &days, Some(7), queue);
            assert_eq!(
                format!("{:?}", c.filter(25)),
                format!("{:?}", days.filter("/1/2/", Some(7), queue, 25)),
                "{queue:?}"
            );
        }
    }
}

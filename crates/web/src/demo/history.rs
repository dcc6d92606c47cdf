//! A demo that looks lived in: about three months of the demo street's work, played through the
//! functions the desk, the portal, Open311, the grid worker and the back office call, each step
//! at its own time in the past. Every case is therefore one the product could have produced:
//! cases in every state and channel, some overdue, refused, transferred, withdrawn or rated,
//! each with the documents it issued. A story stops at the present, so the last days' cases are
//! still waiting where a real office's would be.
//!
//! The grid workers' visits, inspections and events of the same days follow (`grid`).
//!
//! Only `quanke demo` plays it, once, into a street without cases: the web tests start from the
//! bare demo street and count their own cases.

use super::{STREET_CODE, staff};
use crate::server::Shared;
use anyhow::Context;
use quanke_app::cases::act::{self, Request};
use quanke_app::cases::channel::{MandateIn, Via};
use quanke_app::cases::checklist::MaterialStatus;
use quanke_app::cases::deadline;
use quanke_app::cases::intake::{self, Intake, Outcome};
use quanke_app::cases::rating;
use quanke_app::cases::transfer::{self, Target};
use quanke_app::cases::worker::Worker;
use quanke_app::clock;
use quanke_domain::OrgPath;
use quanke_domain::calendar::WorkCalendar;
use quanke_domain::case::{DecisionInput, State};
use quanke_domain::catalogue::{Answers, BusinessKind, Level, Mode, ResultKind, ServiceItem};
use quanke_store::cases::{self, Filter};
use quanke_store::orgs::{self, Org};
use quanke_store::registry::export::{self, ExportRow};
use quanke_store::users::{self, User};
use quanke_store::{Db, notifications, open311_keys};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use time::Date;

const SEED: u64 = 20_261_204;
/// Working days of history: about three months.
const DAYS: usize = 65;
/// Cases a working day, per community code, on average.
const PER_DAY: [(&str, u32); 3] = [("MYQ", 5), ("SDN", 3), ("CJXC", 2)];
/// Notifications older than this many days were read long ago.
const UNREAD_DAYS: i64 = 3;
const PARTNER: &str = "12345市民服务热线";

/// Plays the history into the demo street unless it already has cases; how many were opened.
pub async fn ensure(st: &Shared) -> anyhow::Result<usize> {
    let street = orgs::by_code(&st.db, STREET_CODE).await?;
    let filter = Filter {
        within: street.path.as_str(),
        ..Filter::default()
    };
    if cases::count(&st.db, &filter).await? > 0 {
        return Ok(0);
    }
    staff::ensure(&st.db).await?;
    let mut office = Office::open(st, &street).await?;
    let calendar = st.calendar.get(&st.db).await?;
    let mut opened = 0;
    let days = working_days(&calendar, office.now, DAYS);
    for &day in &days {
        for (code, per_day) in PER_DAY {
            let n = office.rng.gen_range(per_day / 2..=per_day + per_day / 2);
            for _ in 0..n {
                opened += usize::from(office.story(code, day).await?);
            }
        }
    }
    office.settle_notifications().await?;
    tracing::info!(opened, cut_short = office.cut_short, "demo history played");
    let grid = super::grid::play(&st.db, &calendar, &days).await?;
    tracing::info!(
        visits = grid.visits,
        events = grid.events,
        inspections = grid.inspections,
        "demo grid work played"
    );
    Ok(opened)
}

/// The last `n` working days up to today, oldest first.
fn working_days(calendar: &WorkCalendar, now: i64, n: usize) -> Vec<Date> {
    let mut day = deadline::parse_day(&clock::date(now)).expect("today is a date");
    let mut days = Vec::with_capacity(n);
    while days.len() < n {
        if calendar.is_working_day(day) {
            days.push(day);
        }
        day = day.previous_day().expect("a date after year 1");
    }
    days.reverse();
    days
}

/// One community's people and staff.
struct Community {
    org: Org,
    desk: User,
    head: User,
    grid: User,
    residents: Vec<ExportRow>,
}

struct Office<'a> {
    st: &'a Shared,
    rng: StdRng,
    now: i64,
    calendar: std::sync::Arc<WorkCalendar>,
    items: Vec<ServiceItem>,
    communities: HashMap<String, Community>,
    staff: HashMap<i64, User>,
    partner: i64,
    /// Stories a step refused ended early (logged; the history is still usable).
    cut_short: usize,
}

/// How a case came in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Door {
    Desk,
    Phone,
    Portal,
    Grid,
    Open311,
}

impl<'a> Office<'a> {
    async fn open(st: &'a Shared, street: &Org) -> anyhow::Result<Office<'a>> {
        let db = &st.db;
        let mut communities = HashMap::new();
        for (code, _) in PER_DAY {
            let org = orgs::by_code(db, code).await?;
            let people = users::in_subtree(db, &org.path).await?;
            let find = |role| {
                people
                    .iter()
                    .find(|u| u.role == role)
                    .cloned()
                    .with_context(|| format!("{code} has no {role:?}"))
            };
            let community = Community {
                desk: find(quanke_domain::Role::FrontDesk)?,
                head: find(quanke_domain::Role::CommunityHead)?,
                grid: find(quanke_domain::Role::GridWorker)?,
                residents: export::page(db, &org.path, None, 0, 1_000).await?,
                org,
            };
            communities.insert(code.to_string(), community);
        }
        let staff = users::in_subtree(db, &street.path)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        let snap = st.catalogue.get(db).await?;
        Ok(Office {
            st,
            rng: StdRng::seed_from_u64(SEED),
            now: clock::now(),
            calendar: st.calendar.get(db).await?,
            items: snap.items.iter().map(|c| c.item.clone()).collect(),
            communities,
            staff,
            partner: partner(db).await?,
            cut_short: 0,
        })
    }

    /// One case from its intake on `day` as far as the present allows; false when no intake
    /// went through (an item whose questions the demo does not answer is tried again).
    async fn story(&mut self, code: &str, day: Date) -> anyhow::Result<bool> {
        let door = self.door();
        let start = at(day, self.rng.gen_range(0..420));
        for _ in 0..6 {
            let item = self.items[self.rng.gen_range(0..self.items.len())].clone();
            let person = self.person(code, door);
            let (by, intake) = self.intake(code, door, &item, &person, start);
            match intake::open(&self.st.cases(), &by, &intake).await {
                Ok(opened) => {
                    self.follow(code, &item, opened.case.id, door, start).await;
                    return Ok(true);
                }
                Err(e) => tracing::debug!(item = %item.code, "demo intake refused: {e:?}"),
            }
        }
        Ok(false)
    }

    fn door(&mut self) -> Door {
        match self.rng.gen_range(0..100) {
            0..55 => Door::Desk,
            55..63 => Door::Phone,
            63..80 => Door::Portal,
            80..92 => Door::Grid,
            _ => Door::Open311,
        }
    }

    /// A resident of the community; for 代办, one of the grid worker's own grid.
    fn person(&mut self, code: &str, door: Door) -> ExportRow {
        let c = &self.communities[code];
        let pool: Vec<&ExportRow> = match door {
            Door::Grid => c
                .residents
                .iter()
                .filter(|r| r.org_path == c.grid.org_path)
                .collect(),
            _ => c.residents.iter().collect(),
        };
        pool[self.rng.gen_range(0..pool.len())].clone()
    }

    fn intake(
        &mut self,
        code: &str,
        door: Door,
        item: &ServiceItem,
        person: &ExportRow,
        t: i64,
    ) -> (Worker, Intake) {
        let c = &self.communities[code];
        let roll = self.rng.gen_range(0..100);
        let (by, via, outcome) = match door {
            Door::Desk | Door::Phone => {
                let outcome = match roll {
                    _ if item.mode == Mode::OnTheSpot && roll < 90 => Outcome::OnTheSpot,
                    0..12 => Outcome::RequestMaterials,
                    12..15 => Outcome::Reject,
                    _ => Outcome::Accept,
                };
                let via = Via::Desk {
                    phone: door == Door::Phone,
                };
                (worker(&c.desk, t), via, outcome)
            }
            Door::Grid => (
                worker(&c.grid, t),
                Via::Desk { phone: false },
                Outcome::Receive,
            ),
            Door::Portal => (
                system("居民网上申请", &c.org.path, t),
                Via::Portal,
                Outcome::Receive,
            ),
            Door::Open311 => (
                system(&format!("Open311：{PARTNER}"), &c.org.path, t),
                Via::Open311 {
                    key_id: self.partner,
                },
                Outcome::Receive,
            ),
        };
        let registry_person = matches!(door, Door::Desk | Door::Phone | Door::Grid);
        let intake = Intake {
            item_code: item.code.clone(),
            business_kind: item.kinds.first().map_or(BusinessKind::New, |k| k.kind),
            answers: answers(item, &mut self.rng),
            statuses: statuses(item, outcome == Outcome::RequestMaterials),
            resident_id: registry_person.then_some(person.id),
            applicant_id_number: match door {
                Door::Portal => person.id_number.clone(),
                _ => String::new(),
            },
            applicant_name: person.name.clone(),
            applicant_phone: person.phone.clone(),
            via,
            mandate: (door == Door::Grid).then(|| MandateIn {
                grantor: person.name.clone(),
                scope: format!("代为申请“{}”并递交材料", item.name),
                until: clock::date(t + 30 * 86_400),
            }),
            outcome,
            note: match outcome {
                Outcome::Reject => "申请人不属于该事项的申请对象".into(),
                _ => String::new(),
            },
            result: (outcome == Outcome::OnTheSpot).then(|| granted(item, t, &mut self.rng)),
            idempotency_key: None,
            community_id: Some(c.org.id),
        };
        (by, intake)
    }

    /// The rest of the case's story; a step the product refuses ends it there.
    async fn follow(&mut self, code: &str, item: &ServiceItem, id: i64, door: Door, t: i64) {
        if let Err(e) = self.steps(code, item, id, door, t).await {
            self.cut_short += 1;
            tracing::debug!(case = id, "demo story cut short: {e:?}");
        }
    }

    async fn steps(
        &mut self,
        code: &str,
        item: &ServiceItem,
        id: i64,
        door: Door,
        t: i64,
    ) -> anyhow::Result<()> {
        let mut t = t;
        let mut state = cases::get(&self.st.db, id).await?.state;
        if state == State::Rejected
            || (state == State::Received && pending(&self.st.db, id).await?)
        {
            let t = self.next_day(t, 1);
            return self.head_decides(code, id, t).await;
        }
        if state == State::Received {
            t = self.next_day(t, 1);
            let Some(next) = self.desk_checks(code, item, id, t).await? else {
                return Ok(());
            };
            state = next;
        }
        if state == State::AwaitingMaterials {
            let wait = self.rng.gen_range(1..5);
            t = self.next_day(t, wait);
            match self.rng.gen_range(0..100) {
                0..75 => {
                    self.desk_acts(code, item, id, "accept_after_materials", "", t)
                        .await?
                }
                75..85 => {
                    let note = "居民表示暂不办理，申请撤回";
                    return self.desk_acts(code, item, id, "withdraw", note, t).await;
                }
                _ => return Ok(()),
            }
            state = State::Accepted;
        }
        if state != State::Accepted {
            return self.delivered(code, id, door, t).await;
        }
        self.back_office(code, item, id, door, t).await
    }

    /// The desk checks a received application: accepted, or missing materials noted.
    async fn desk_checks(
        &mut self,
        code: &str,
        item: &ServiceItem,
        id: i64,
        t: i64,
    ) -> anyhow::Result<Option<State>> {
        if t > self.now {
            return Ok(None);
        }
        if self.rng.gen_range(0..100) < 15 {
            let req = Request {
                action: "request_materials".into(),
                statuses: statuses(item, true),
                ..Request::default()
            };
            self.as_desk(code, id, &req, t).await?;
            return Ok(Some(State::AwaitingMaterials));
        }
        self.desk_acts(code, item, id, "accept", "", t).await?;
        Ok(Some(State::Accepted))
    }

    async fn desk_acts(
        &mut self,
        code: &str,
        item: &ServiceItem,
        id: i64,
        action: &str,
        note: &str,
        t: i64,
    ) -> anyhow::Result<()> {
        if t > self.now {
            return Ok(());
        }
        let req = Request {
            action: action.into(),
            note: note.into(),
            statuses: statuses(item, false),
            ..Request::default()
        };
        self.as_desk(code, id, &req, t).await
    }

    async fn as_desk(&self, code: &str, id: i64, req: &Request, t: i64) -> anyhow::Result<()> {
        let by = worker(&self.communities[code].desk, t);
        act::act(&self.st.cases(), &by, id, req)
            .await
            .map_err(refused)?;
        Ok(())
    }

    async fn head_decides(&mut self, code: &str, id: i64, t: i64) -> anyhow::Result<()> {
        let Some(approval) = cases::pending_approval(&self.st.db, id).await? else {
            return Ok(());
        };
        if t > self.now {
            return Ok(());
        }
        let head = worker(&self.communities[code].head, t);
        act::decide(&self.st.cases(), &head, approval.id, true, "同意")
            .await
            .map_err(refused)
    }

    /// From accepted to done: a few cases are transferred or withdrawn, the rest worked by
    /// their assignee, referred up when the street decides, completed early or late.
    async fn back_office(
        &mut self,
        code: &str,
        item: &ServiceItem,
        id: i64,
        door: Door,
        t: i64,
    ) -> anyhow::Result<()> {
        let mut code = code.to_string();
        let mut t = t;
        match self.rng.gen_range(0..100) {
            0..4 => {
                code = self.transferred(&code, id, t).await?;
                t = self.next_day(t, 1);
                if !self.head_assigns(&code, id, t).await? {
                    return Ok(());
                }
            }
            4..6 => {
                let note = "居民已在其他渠道办理，申请撤回";
                return self
                    .desk_acts(&code, item, id, "withdraw", note, t + 1_800)
                    .await;
            }
            _ => {}
        }
        t += self.rng.gen_range(1_800..7_200);
        let Some(assignee) = self.assignee(id).await? else {
            return Ok(());
        };
        if !self
            .assignee_acts(&assignee, id, "start", "", None, t)
            .await?
        {
            return Ok(());
        }
        if item.level != Level::Community {
            let note = "按规定报街道审核";
            self.assignee_acts(&assignee, id, "refer_to_department", note, None, t)
                .await?;
            let wait = self.rng.gen_range(1..4);
            t = self.next_day(t, wait);
            if !self
                .assignee_acts(&assignee, id, "department_replied", "", None, t)
                .await?
            {
                return Ok(());
            }
        }
        let days = self.rng.gen_range(1..=item.promised_days.max(1) + 3);
        t = self.next_day(t, days);
        let result = self.decision(item, t);
        if !self
            .assignee_acts(&assignee, id, "complete", "", Some(result), t)
            .await?
        {
            return Ok(());
        }
        self.delivered(&code, id, door, t).await
    }

    /// Sent on to another community (the resident lives there), whose desk takes it; the case
    /// arrives unassigned. Returns the community it now belongs to.
    async fn transferred(&mut self, code: &str, id: i64, t: i64) -> anyhow::Result<String> {
        let to = if code == "MYQ" { "SDN" } else { "MYQ" };
        if t + 3_600 > self.now {
            return Ok(code.to_string());
        }
        let from = worker(&self.communities[code].desk, t);
        let target = Target::Community(self.communities[to].org.id);
        let reason = "申请人实际居住在对方社区，转居住地社区办理";
        let transfer = transfer::request(&self.st.cases(), &from, id, target, reason)
            .await
            .map_err(refused)?;
        let by = worker(&self.communities[to].desk, t + 3_600);
        transfer::answer(&self.st.cases(), &by, id, transfer, true, "同意接收")
            .await
            .map_err(refused)?;
        Ok(to.to_string())
    }

    /// The head gives an unassigned case to a back-office worker; false while it waits.
    async fn head_assigns(&mut self, code: &str, id: i64, t: i64) -> anyhow::Result<bool> {
        if t > self.now {
            return Ok(false);
        }
        let c = &self.communities[code];
        let Some(to) = self
            .staff
            .values()
            .filter(|u| u.role == quanke_domain::Role::BackOffice)
            .filter(|u| c.org.path.contains(&u.org_path))
            .min_by_key(|u| u.id)
        else {
            return Ok(false);
        };
        let note = format!("社区负责人改派给{}", to.display_name);
        let head = worker(&c.head, t);
        cases::assign(&self.st.db, id, Some(to.id), &note, &head.actor()).await?;
        Ok(true)
    }

    async fn assignee(&self, id: i64) -> anyhow::Result<Option<User>> {
        let case = cases::get(&self.st.db, id).await?;
        Ok(case.assignee_id.and_then(|a| self.staff.get(&a).cloned()))
    }

    /// The assignee takes `action` at `t`; false when `t` is still to come.
    async fn assignee_acts(
        &self,
        assignee: &User,
        id: i64,
        action: &str,
        note: &str,
        result: Option<DecisionInput>,
        t: i64,
    ) -> anyhow::Result<bool> {
        if t > self.now {
            return Ok(false);
        }
        let req = Request {
            action: action.into(),
            note: note.into(),
            result,
            ..Request::default()
        };
        let by = worker(assignee, t);
        act::act(&self.st.cases(), &by, id, &req)
            .await
            .map_err(refused)?;
        Ok(true)
    }

    /// Mostly granted; a few refused with the reason the resident is given.
    fn decision(&mut self, item: &ServiceItem, t: i64) -> DecisionInput {
        const REASONS: [&str; 3] = [
            "经核查，申请人家庭人均收入高于本市最低生活保障标准",
            "经核实，申请人已在户籍地享受同类待遇，不能重复享受",
            "申请人年龄不符合该事项规定的申请条件",
        ];
        if self.rng.gen_range(0..100) < 8 {
            return DecisionInput {
                verdict: "refused".into(),
                reason: REASONS[self.rng.gen_range(0..REASONS.len())].into(),
                ..DecisionInput::default()
            };
        }
        granted(item, t, &mut self.rng)
    }

    /// A completed case is handed over (at the desk or at home by the grid worker) and often
    /// rated.
    async fn delivered(&mut self, code: &str, id: i64, door: Door, t: i64) -> anyhow::Result<()> {
        let case = cases::get(&self.st.db, id).await?;
        if case.state != State::Completed {
            return Ok(());
        }
        let wait = self.rng.gen_range(0..3);
        let t = self.next_day(t, wait) + 1_800;
        if t > self.now {
            return Ok(());
        }
        if self.rng.gen_range(0..100) < 80 {
            let c = &self.communities[code];
            let hand = if door == Door::Grid { &c.grid } else { &c.desk };
            let req = Request {
                action: "deliver".into(),
                ..Request::default()
            };
            act::act(&self.st.cases(), &worker(hand, t), id, &req)
                .await
                .map_err(refused)?;
        }
        if self.rng.gen_range(0..100) < 55 {
            self.rated(id, door, t + 600).await?;
        }
        Ok(())
    }

    async fn rated(&mut self, id: i64, door: Door, t: i64) -> anyhow::Result<()> {
        const COMMENTS: [&str; 4] = ["", "办得很快，谢谢", "工作人员很耐心", "材料一次讲清楚了"];
        let score = match self.rng.gen_range(0..100) {
            0..3 => 2,
            3..10 => 3,
            10..35 => 4,
            _ => 5,
        };
        let comment = if score >= 4 {
            COMMENTS[self.rng.gen_range(0..COMMENTS.len())]
        } else {
            "等的时间有点长"
        };
        let case = cases::get(&self.st.db, id).await?;
        let org = case.community_path.clone();
        let (by, channel) = match door {
            Door::Portal => (system("居民网上评价", &org, t), "portal"),
            _ => (system("居民窗口评价", &org, t), "desk"),
        };
        rating::rate(&self.st.db, &by, &case, score, comment, channel)
            .await
            .map_err(refused)
    }

    /// `n` working days after `t`, at a time of that day's office hours.
    fn next_day(&mut self, t: i64, n: u32) -> i64 {
        let day = deadline::parse_day(&clock::date(t)).expect("a date");
        at(
            self.calendar.add_working_days(day, n),
            self.rng.gen_range(0..420),
        )
    }

    /// Notifications of the last few days stay unread; older ones were read when they came.
    async fn settle_notifications(&self) -> anyhow::Result<()> {
        let before = self.now - UNREAD_DAYS * 86_400;
        for id in self.staff.keys() {
            notifications::mark_read_before(&self.st.db, *id, before, self.now).await?;
        }
        Ok(())
    }
}

/// `minute` minutes after the office opens (08:30) on `day`.
fn at(day: Date, minute: i64) -> i64 {
    clock::day_start(day) + 8 * 3_600 + 1_800 + minute * 60
}

fn worker(u: &User, t: i64) -> Worker {
    Worker {
        id: Some(u.id),
        name: u.display_name.clone(),
        role: Some(u.role),
        org: u.org_path.clone(),
        now: t,
        today: clock::day(t),
    }
}

fn system(name: &str, org: &OrgPath, t: i64) -> Worker {
    Worker::system(name, org.clone()).at(t)
}

/// An answer to every required question: one of its options, or a plain word for a question
/// without options.
fn answers(item: &ServiceItem, rng: &mut StdRng) -> Answers {
    item.questions
        .iter()
        .filter(|q| q.required)
        .map(|q| {
            let answer = match q.options.len() {
                0 => "1".to_string(),
                n => q.options[rng.gen_range(0..n)].key.clone(),
            };
            (q.id.clone(), vec![answer])
        })
        .collect()
}

/// Every material brought, or the first one missing.
fn statuses(item: &ServiceItem, one_missing: bool) -> HashMap<String, MaterialStatus> {
    item.materials
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let status = if one_missing && i == 0 {
                MaterialStatus::Missing
            } else {
                MaterialStatus::Brought
            };
            (m.id.clone(), status)
        })
        .collect()
}

/// 准予, with what the item's kind of result records.
fn granted(item: &ServiceItem, t: i64, rng: &mut StdRng) -> DecisionInput {
    const AMOUNTS: [&str; 5] = ["320", "600", "985", "1200", "1500"];
    let mut d = DecisionInput {
        verdict: "granted".into(),
        ..DecisionInput::default()
    };
    match item.result_kind {
        ResultKind::General => {}
        ResultKind::Benefit => {
            d.amount = AMOUNTS[rng.gen_range(0..AMOUNTS.len())].into();
            d.start_month = clock::date(t + 20 * 86_400)[..7].to_string();
        }
        ResultKind::Certificate => {
            d.certificate_no = format!("HS{}{:05}", &clock::date(t)[..4], rng.gen_range(1..99_999));
        }
    }
    d
}

/// The demo's Open311 partner, issued once (its key is never shown: an administrator issues
/// a fresh one to try the interface).
async fn partner(db: &Db) -> anyhow::Result<i64> {
    if let Some(k) = open311_keys::list(db)
        .await?
        .into_iter()
        .find(|k| k.name == PARTNER)
    {
        return Ok(k.id);
    }
    Ok(open311_keys::issue(db, PARTNER, None, clock::now())
        .await?
        .id)
}

async fn pending(db: &Db, id: i64) -> anyhow::Result<bool> {
    Ok(cases::pending_approval(db, id).await?.is_some())
}

fn refused(e: quanke_app::cases::refusal::CaseError) -> anyhow::Error {
    anyhow::anyhow!("{e:?}")
}

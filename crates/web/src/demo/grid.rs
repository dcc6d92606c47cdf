//! Three months of grid work for the demo street, played through the functions the phone and
//! the pages call, each at its own time in the past: every community's grid worker visits the
//! people living alone about weekly and a household or two and a business most days, inspects a
//! business a week (a failed point opens a 整改 event, re-inspected days later), and reports
//! events that the community head files and dispatches back, which are handled, checked and
//! closed. The last days' events are still under way, as a real community's would be.

use anyhow::Context;
use quanke_app::cases::worker::Worker;
use quanke_app::clock;
use quanke_app::grid::events::{self, EventInput, Reporting, StepInput};
use quanke_app::grid::inspections::{self, InspectionInput};
use quanke_app::grid::visits::{self, VisitInput};
use quanke_app::grid::{GridError, purposes};
use quanke_domain::Role;
use quanke_domain::calendar::WorkCalendar;
use quanke_domain::grid::{Checklists, CoverageRules, Subject, SubjectKind};
use quanke_store::Db;
use quanke_store::grid::coverage;
use quanke_store::grid::visits as stored_visits;
use quanke_store::orgs;
use quanke_store::registry;
use quanke_store::users::{self, User};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use time::Date;

const SEED: u64 = 20_261_208;
/// The demo communities whose first grid has a grid worker.
const COMMUNITIES: [&str; 3] = ["MYQ", "SDN", "CJXC"];

/// What one grid worker's day may draw on.
struct Grid {
    worker: User,
    head: User,
    households: Vec<Subject>,
    alone: Vec<Subject>,
    businesses: Vec<Subject>,
}

/// What was played: visits, events, inspections.
#[derive(Debug, Default)]
pub struct Played {
    pub visits: usize,
    pub events: usize,
    pub inspections: usize,
}

/// Plays the grid work of `days` (working days, oldest first) for each community.
pub async fn play(db: &Db, calendar: &WorkCalendar, days: &[Date]) -> anyhow::Result<Played> {
    let mut rng = StdRng::seed_from_u64(SEED);
    let mut played = Played::default();
    for code in COMMUNITIES {
        let grid = grid(db, code).await?;
        for (n, day) in days.iter().enumerate() {
            let later = &days[n + 1..];
            visit_day(db, &grid, *day, n, &mut rng, &mut played).await?;
            if n % 5 == 2 {
                inspect(db, calendar, &grid, *day, later, &mut rng, &mut played).await?;
            }
            if rng.gen_range(0..3) == 0 {
                event(db, calendar, &grid, *day, later, &mut rng, &mut played).await?;
            }
        }
    }
    Ok(played)
}

async fn grid(db: &Db, code: &str) -> anyhow::Result<Grid> {
    let community = orgs::by_code(db, code).await?;
    let people = users::in_subtree(db, &community.path).await?;
    let find = |role| {
        people
            .iter()
            .find(|u| u.role == role)
            .cloned()
            .with_context(|| format!("{code} has no {role:?}"))
    };
    let worker = find(Role::GridWorker)?;
    let place = &worker.org_path;
    let rules = CoverageRules::parse(CoverageRules::shipped_text(), purposes())?;
    let rule = rules.by_name("独居老人每周探访").context("shipped rule")?;
    let alone = coverage::candidates(db, rule, place).await?;
    let households = stored_visits::households_within(db, place).await?;
    let businesses = registry::businesses(db, place, None, 100).await?;
    Ok(Grid {
        head: find(Role::CommunityHead)?,
        households: households
            .iter()
            .map(|h| Subject {
                kind: SubjectKind::Household,
                id: h.id,
            })
            .collect(),
        alone: alone.into_iter().map(|c| c.subject).collect(),
        businesses: businesses
            .iter()
            .map(|b| Subject {
                kind: SubjectKind::Business,
                id: b.id,
            })
            .collect(),
        worker,
    })
}

/// `minute` minutes after 09:00 on `day`.
fn at(day: Date, minute: i64) -> i64 {
    clock::day_start(day) + 9 * 3_600 + minute * 60
}

fn as_user(u: &User, t: i64) -> Worker {
    Worker::staff(u.id, &u.display_name, u.role, u.org_path.clone()).at(t)
}

fn key(rng: &mut StdRng) -> String {
    format!("demo-{:032x}", rng.r#gen::<u128>())
}

/// The day's visits: the people living alone whose turn it is, a household or two, sometimes a
/// business.
async fn visit_day(
    db: &Db,
    g: &Grid,
    day: Date,
    n: usize,
    rng: &mut StdRng,
    played: &mut Played,
) -> anyhow::Result<()> {
    let mut plan: Vec<(Subject, &str, &str)> = Vec::new();
    // Every six working days a person: a little less often than the weekly rule asks, so the
    // due list always has someone due or overdue, as a real grid's has.
    for (i, person) in g.alone.iter().enumerate() {
        if (n + i).is_multiple_of(6) {
            plan.push((*person, "living_alone", "老人身体尚好，药按时在吃"));
        }
    }
    // Two households in three are reached in a quarter; the rest are still due.
    let reached = &g.households[..g.households.len() * 2 / 3];
    for _ in 0..rng.gen_range(1..=2) {
        if let Some(h) = pick(reached, rng) {
            plan.push((h, "daily", "家中情况正常，无特殊诉求"));
        }
    }
    if rng.gen_range(0..2) == 0
        && let Some(b) = pick(&g.businesses, rng)
    {
        plan.push((b, "business", "经营正常，提醒做好门前三包"));
    }
    for (i, (subject, purpose, findings)) in plan.into_iter().enumerate() {
        let by = as_user(&g.worker, at(day, 30 * i as i64));
        let input = VisitInput {
            key: key(rng),
            minutes: rng.gen_range(10..40).to_string(),
            purposes: vec![purpose.into()],
            findings: findings.into(),
            subjects: vec![subject.to_string()],
            ..VisitInput::default()
        };
        visits::record(db, &by, purposes(), &input).await?;
        played.visits += 1;
    }
    Ok(())
}

fn pick(from: &[Subject], rng: &mut StdRng) -> Option<Subject> {
    (!from.is_empty()).then(|| from[rng.gen_range(0..from.len())])
}

/// A fire inspection of a business; one in three fails a point and is re-inspected a few
/// working days later, and passed.
async fn inspect(
    db: &Db,
    calendar: &WorkCalendar,
    g: &Grid,
    day: Date,
    later: &[Date],
    rng: &mut StdRng,
    played: &mut Played,
) -> anyhow::Result<()> {
    let Some(shop) = pick(&g.businesses, rng) else {
        return Ok(());
    };
    // Only an inspection whose re-check day has come fails: no 整改 event is left open, so a
    // worker's first inspection of a business on a fresh demo opens one.
    let recheck = later.get(rng.gen_range(1..4));
    let fails = recheck.is_some() && rng.gen_range(0..3) == 0;
    let first = checklist_input(key(rng), shop, fails);
    let by = as_user(&g.worker, at(day, 200));
    inspections::record(db, calendar, &by, &first).await?;
    played.inspections += 1;
    if let (true, Some(again)) = (fails, recheck) {
        let by = as_user(&g.worker, at(*again, 240));
        let recheck = checklist_input(key(rng), shop, false);
        inspections::record(db, calendar, &by, &recheck).await?;
        played.inspections += 1;
    }
    Ok(())
}

fn checklist_input(key: String, shop: Subject, fails: bool) -> InspectionInput {
    let list = Checklists::shipped()
        .by_code("fire_small_venue")
        .expect("shipped checklist");
    let answers = list
        .points
        .iter()
        .map(|p| {
            let failed = fails && p.code == "exits";
            let (answer, note) = match failed {
                true => ("fail", "后门通道堆放纸箱"),
                false => ("pass", ""),
            };
            (p.code.clone(), answer.to_string(), note.to_string())
        })
        .collect();
    InspectionInput {
        key,
        checklist: list.code.clone(),
        subject: shop.to_string(),
        answers,
        note: String::new(),
    }
}

/// What a grid worker reports, by category.
const EVENTS: [(&str, &str); 6] = [
    ("environment", "楼道堆放废旧家具，影响通行"),
    ("facility", "单元门禁损坏，门关不上"),
    ("noise", "夜间有商户装卸货，居民反映噪音大"),
    ("illegal_building", "顶楼平台新搭建彩钢棚"),
    ("dispute", "楼上漏水，上下邻居协商不成"),
    ("fire_hazard", "电动自行车在楼道内充电"),
];

/// An event reported at a household, then as far round the loop as the days since allow:
/// filed the next working day and dispatched to the worker, signed for, handled within a few
/// days, checked and closed by the head; one in eight not filed.
async fn event(
    db: &Db,
    calendar: &WorkCalendar,
    g: &Grid,
    day: Date,
    later: &[Date],
    rng: &mut StdRng,
    played: &mut Played,
) -> anyhow::Result<()> {
    let Some(place) = pick(&g.households, rng) else {
        return Ok(());
    };
    let (category, summary) = EVENTS[rng.gen_range(0..EVENTS.len())];
    let input = EventInput {
        key: key(rng),
        category: category.into(),
        summary: summary.into(),
        subjects: vec![place.to_string()],
        despite_alike: true,
        ..EventInput::default()
    };
    let by = as_user(&g.worker, at(day, 300));
    let Reporting::Stored(reported) = events::report(db, &by, "grid", &input).await? else {
        return Ok(());
    };
    played.events += 1;
    let id = reported.id;
    let dismissed = rng.gen_range(0..8) == 0;
    let handled = rng.gen_range(1..4);
    let handler = format!("worker:{}", g.worker.id);
    let steps: [(usize, &User, &str, &str, &str); 6] = [
        (1, &g.head, "file", "", ""),
        (1, &g.head, "dispatch", "", &handler),
        (1, &g.worker, "take", "", ""),
        (
            1 + handled,
            &g.worker,
            "report_back",
            "已协调物业和当事人处理完毕",
            "",
        ),
        (2 + handled, &g.head, "verify", "", ""),
        (2 + handled, &g.head, "close", "", ""),
    ];
    if dismissed {
        if let Some(next) = later.first() {
            let by = as_user(&g.head, at(*next, 60));
            let step = StepInput {
                action: "dismiss".into(),
                note: "经核实属物业管理范围，已转告物业".into(),
                ..StepInput::default()
            };
            events::act(db, calendar, &by, id, &step).await?;
        }
        return Ok(());
    }
    for (i, (after, who, action, note, handler)) in steps.into_iter().enumerate() {
        let Some(when) = later.get(after - 1) else {
            break;
        };
        let by = as_user(who, at(*when, 60 + 20 * i as i64));
        let step = StepInput {
            action: action.into(),
            note: note.into(),
            handler: handler.into(),
            ..StepInput::default()
        };
        match events::act(db, calendar, &by, id, &step).await {
            Ok(_) => {}
            Err(GridError::Refused(why)) => anyhow::bail!("demo event {id} {action}: {why}"),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

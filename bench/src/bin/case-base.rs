//! Grows a Quanke database to district scale for the case-queue benchmarks (issue #13): ten
//! streets of ten communities each, ten workers per community (1,000 in all), and `--cases`
//! cases spread over three years, `--big` of them in one community (S01C01). Most cases are
//! long finished, as in a real case base; about 3 % are open, in every open state, some overdue
//! and some unassigned. Run it on a database `quanke demo` created (for the catalogue); it then
//! prints an API token per benchmark role, one `ROLE TOKEN` line each, for `case-queues`.
//!
//! ```text
//! case-base DATABASE_URL [--cases 1000000] [--big 200000] [--seed 13]
//! ```
//!
//! Cases are written with the store's batch writer (64 to a transaction) as the server writes
//! them, numbers and all; the generator is deterministic for a seed. Cases already past their
//! due day are marked escalated, as a running server would have done when each fell due.

use anyhow::{Context, Result};
use quanke_domain::Role;
use quanke_domain::calendar::Day;
use quanke_domain::case::State;
use quanke_domain::catalogue::{BusinessKind, ServiceItem};
use quanke_store::cases::{self, Actor, MAX_BATCH, NewCase};
use quanke_store::orgs::{self, Org};
use quanke_store::users::{self, NewUser};
use quanke_store::{Db, api_tokens, catalogue};
use std::time::Instant;
use time::{Date, Duration as Days, OffsetDateTime, UtcOffset};

const STREETS: usize = 10;
const COMMUNITIES: usize = 10;
/// Per community: (role, how many).
const STAFF: [(Role, usize); 4] = [
    (Role::CommunityHead, 1),
    (Role::FrontDesk, 2),
    (Role::BackOffice, 6),
    (Role::GridWorker, 1),
];
const HISTORY_DAYS: i64 = 3 * 365;
/// Open states and their share of the open cases, in percent.
const OPEN: [(State, u32); 6] = [
    (State::Received, 10),
    (State::AwaitingMaterials, 10),
    (State::Accepted, 10),
    (State::InProgress, 50),
    (State::AwaitingDepartment, 10),
    (State::Completed, 10),
];
/// A finished case was handed over long ago (a completed one waits days, not years, for it).
const CLOSED: [(State, u32); 3] = [
    (State::Delivered, 85),
    (State::Withdrawn, 8),
    (State::Rejected, 7),
];
const CHANNELS: [&str; 5] = ["desk", "desk", "portal", "phone", "grid"];
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN: &str =
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志强海燕春梅";

struct Args {
    url: String,
    cases: usize,
    big: usize,
    seed: u64,
}

fn args() -> Result<Args> {
    let mut it = std::env::args().skip(1);
    let url = it
        .next()
        .context("usage: case-base DATABASE_URL [--cases N] [--big N] [--seed N]")?;
    let mut a = Args {
        url,
        cases: 1_000_000,
        big: 200_000,
        seed: 13,
    };
    while let Some(flag) = it.next() {
        let value = it.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--cases" => a.cases = value.parse()?,
            "--big" => a.big = value.parse()?,
            "--seed" => a.seed = value.parse()?,
            other => anyhow::bail!("unknown flag {other}"),
        }
    }
    Ok(a)
}

/// A small deterministic generator (splitmix64): the same seed, the same case base.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n.max(1) as u64).unwrap_or(0)
    }

    fn pick<T: Copy>(&mut self, weighted: &[(T, u32)]) -> T {
        let total: u32 = weighted.iter().map(|(_, w)| w).sum();
        let mut roll = u32::try_from(self.next() % u64::from(total)).unwrap_or(0);
        for (v, w) in weighted {
            if roll < *w {
                return *v;
            }
            roll -= w;
        }
        weighted[0].0
    }
}

struct Community {
    org: Org,
    back_office: Vec<i64>,
}

struct Item {
    code: String,
    version: i64,
    line: String,
    promised: i64,
}

#[tokio::main]
async fn main() -> Result<()> {
    let a = args()?;
    let db = Db::connect(&a.url).await?;
    db.migrate().await?;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let items = items(&db).await?;
    let started = Instant::now();
    let (communities, tokens) = organisation(&db, now).await?;
    eprintln!(
        "case-base: {} communities, {} back-office workers in {:.1?}",
        communities.len(),
        communities
            .iter()
            .map(|c| c.back_office.len())
            .sum::<usize>(),
        started.elapsed()
    );
    let started = Instant::now();
    write_cases(&db, &a, &communities, &items, now).await?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "case-base: {} cases in {secs:.0} s ({:.0}/s)",
        a.cases,
        a.cases as f64 / secs
    );
    escalated(&db, now).await?;
    for (role, token) in tokens {
        println!("{role} {token}");
    }
    Ok(())
}

/// Marks the cases already past their due day escalated, as the server's escalation would have
/// when each fell due: the benchmark measures a running office, not its first start on a backlog.
async fn escalated(db: &Db, now: i64) -> Result<()> {
    let today = OffsetDateTime::from_unix_timestamp(now)?
        .to_offset(UtcOffset::from_hms(8, 0, 0)?)
        .date()
        .to_string();
    let sql = "UPDATE cases SET escalated_at = created_at WHERE escalated_at IS NULL \
               AND due_sort < $1 AND state IN ('received', 'accepted', 'in_progress', \
               'awaiting_department')";
    let n = match db {
        Db::Sqlite(quanke_store::SqliteDb { pool: p, .. }) => sqlx::query(sql)
            .bind(&today)
            .execute(p)
            .await?
            .rows_affected(),
        Db::Pg(p) => sqlx::query(sql)
            .bind(&today)
            .execute(p)
            .await?
            .rows_affected(),
    };
    eprintln!("case-base: {n} overdue cases marked escalated");
    Ok(())
}

/// The items in force (the demo catalogue), with their line and promised days.
async fn items(db: &Db) -> Result<Vec<Item>> {
    let versions = catalogue::latest_versions(db).await?;
    anyhow::ensure!(
        !versions.is_empty(),
        "the catalogue is empty: run `quanke demo` first"
    );
    versions
        .into_iter()
        .map(|v| {
            let item: ServiceItem = serde_json::from_str(&v.body)?;
            Ok(Item {
                promised: i64::from(item.promised_days),
                line: v.line,
                code: v.item_code,
                version: v.version,
            })
        })
        .collect()
}

/// Streets S01–S10, communities SxxCyy, their staff, and a token for the benchmark's callers:
/// a back-office worker and the head of the big community (S01C01) and of an ordinary one
/// (S05C05), and the admin of street S01.
async fn organisation(db: &Db, now: i64) -> Result<(Vec<Community>, Vec<(String, String)>)> {
    let hash = "$argon2id$v=19$m=19456,t=2,p=1$YmVuY2htYXJrc2FsdA$bm90LWEtcmVhbC1wYXNzd29yZC1oYXNo";
    let mut communities = Vec::new();
    let mut tokens = Vec::new();
    for s in 1..=STREETS {
        let street =
            orgs::create_street(db, &format!("S{s:02}"), &format!("基准街道{s:02}"), now).await?;
        let admin = user(
            db,
            &format!("s{s:02}_admin"),
            Role::StreetAdmin,
            &street,
            hash,
            now,
        )
        .await?;
        if s == 1 {
            tokens.push(("street_admin".into(), token(db, admin, now).await?));
        }
        for c in 1..=COMMUNITIES {
            let code = format!("S{s:02}C{c:02}");
            let org =
                orgs::create_child(db, &street, &code, &format!("基准社区{code}"), now).await?;
            let mut back_office = Vec::new();
            for (role, n) in STAFF {
                for i in 1..=n {
                    let name = format!("{}_{}{i}", code.to_lowercase(), role.code());
                    let id = user(db, &name, role, &org, hash, now).await?;
                    if role == Role::BackOffice {
                        back_office.push(id);
                    }
                    let bench_caller =
                        i == 1 && matches!(role, Role::BackOffice | Role::CommunityHead);
                    if bench_caller && (code == "S01C01" || code == "S05C05") {
                        let label = format!(
                            "{}_{}",
                            if code == "S01C01" { "big" } else { "small" },
                            role.code()
                        );
                        tokens.push((label, token(db, id, now).await?));
                    }
                }
            }
            communities.push(Community { org, back_office });
        }
    }
    Ok((communities, tokens))
}

async fn user(db: &Db, username: &str, role: Role, org: &Org, hash: &str, now: i64) -> Result<i64> {
    let u = NewUser {
        username,
        display_name: username,
        password_hash: hash,
        role,
        org_id: org.id,
        community_id: org.community_id,
        must_change_password: false,
    };
    Ok(users::create(db, &u, now).await?)
}

async fn token(db: &Db, user: i64, now: i64) -> Result<String> {
    Ok(api_tokens::issue(db, user, "case-base", now).await?.token)
}

/// The cases, in batches of `MAX_BATCH`, each batch in one community and one day.
async fn write_cases(
    db: &Db,
    a: &Args,
    communities: &[Community],
    items: &[Item],
    now: i64,
) -> Result<()> {
    let mut rng = Rng(a.seed);
    let today = OffsetDateTime::from_unix_timestamp(now)?
        .to_offset(UtcOffset::from_hms(8, 0, 0)?)
        .date();
    let mut written = 0;
    let mut last_report = Instant::now();
    while written < a.cases {
        let n = MAX_BATCH.min(a.cases - written);
        let community = if rng.below(a.cases) < a.big {
            &communities[0]
        } else {
            &communities[1 + rng.below(communities.len() - 1)]
        };
        let age = i64::try_from(rng.below(usize::try_from(HISTORY_DAYS)?))?;
        let day = today - Days::days(age);
        let batch: Vec<NewCase> = (0..n)
            .map(|_| case(&mut rng, community, items, day, today))
            .collect();
        let at = time::PrimitiveDateTime::new(day, time::Time::from_hms(9, 0, 0)?)
            .assume_offset(UtcOffset::from_hms(8, 0, 0)?)
            .unix_timestamp();
        let actor = Actor {
            id: None,
            name: "基准数据",
            now: at,
            today: Day::from(day),
        };
        let pairs: Vec<(&NewCase, &Actor)> = batch.iter().map(|c| (c, &actor)).collect();
        for r in cases::create_many(db, &pairs).await {
            r?;
        }
        written += n;
        if last_report.elapsed().as_secs() >= 10 {
            eprintln!("case-base: {written} cases");
            last_report = Instant::now();
        }
    }
    Ok(())
}

/// One case received on `day`: finished unless recent (and then sometimes still open).
fn case(rng: &mut Rng, c: &Community, items: &[Item], day: Date, today: Date) -> NewCase {
    let item = &items[rng.below(items.len())];
    let age = (today - day).whole_days();
    let open = age < 60 && rng.below(100) < 50 || rng.below(1000) < 5;
    let state = if open {
        rng.pick(&OPEN)
    } else {
        rng.pick(&CLOSED)
    };
    let due = day + Days::days(item.promised.max(1) * 7 / 5);
    let assigned = matches!(
        state,
        State::Accepted
            | State::InProgress
            | State::AwaitingDepartment
            | State::Completed
            | State::Delivered
    );
    let assignee =
        (assigned && rng.below(100) >= 4).then(|| c.back_office[rng.below(c.back_office.len())]);
    let surname: Vec<char> = SURNAMES.chars().collect();
    let given: Vec<char> = GIVEN.chars().collect();
    let name: String = [
        surname[rng.below(surname.len())],
        given[rng.below(given.len())],
        given[rng.below(given.len())],
    ]
    .iter()
    .collect();
    NewCase {
        community_path: c.org.path.clone(),
        community_code: c.org.code.clone(),
        item_code: item.code.clone(),
        item_version: item.version,
        line: item.line.clone(),
        business_kind: BusinessKind::New,
        answers: "{}".into(),
        checklist: "[]".into(),
        resident_id: None,
        applicant_name: name,
        applicant_phone: format!("13{:09}", rng.below(1_000_000_000)),
        channel: CHANNELS[rng.below(CHANNELS.len())].into(),
        state,
        action: "accept".into(),
        note: String::new(),
        promised_days: item.promised,
        accepted_on: Some(Day::from(day)),
        // As the server keeps it: a due day only while the clock runs (`State::clock_runs`),
        // none once the case is decided, paused for materials or over.
        due_on: state.clock_runs().then(|| Day::from(due)),
        assignee_id: assignee,
        open311_key_id: None,
        idempotency_key: None,
        visit: None,
        assign_note: None,
        route: false,
        mandate: None,
    }
}

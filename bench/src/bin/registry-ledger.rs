//! Writes a synthetic residents ledger for import benchmarks:
//! `registry-ledger OUT.xlsx|OUT.csv ROWS [--seed N]`. The rows are residents of the benchmark
//! street's ten communities (`quanke_bench::registry`), household by household as `quanke_synth`
//! makes them, under a title row as ledgers have; prints the rows written and the seconds taken.
//! A `.csv` name writes the same rows as Excel's "CSV UTF-8" does (a byte-order mark, the title
//! in the first cell of a row as wide as the header, every cell quoted where it must be).
//!
//! `cargo run --release -p quanke-bench --bin registry-ledger -- ledger.xlsx 1000000`

use anyhow::{Context, Result, bail};
use quanke_bench::registry::{COMMUNITIES, communities};
use quanke_ledger::registry::write_ledger;
use quanke_synth::{Generator, Resident};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Instant;

const HEADERS: [&str; 15] = [
    "姓名",
    "身份证号",
    "性别",
    "出生日期",
    "联系电话",
    "户籍地址",
    "实住地址",
    "民族",
    "人员类别",
    "户号",
    "与户主关系",
    "网格",
    "楼栋",
    "单元",
    "房号",
];

fn main() -> Result<()> {
    let (out, rows, seed) = args()?;
    let started = Instant::now();
    // Residents are made on a thread of their own while this one writes.
    let (tx, rx) = mpsc::sync_channel::<Vec<String>>(4096);
    let maker = std::thread::spawn(move || {
        let mut generator = Generator::new(seed);
        let n = COMMUNITIES.len() as u64;
        for (i, community) in (0u64..).zip(communities()) {
            // Spread evenly; the first `rows % n` communities take one more.
            let take = rows / n + u64::from(i < rows % n);
            for resident in generator.residents(&community).take(take as usize) {
                if tx.send(cells(&resident)).is_err() {
                    return;
                }
            }
        }
    });
    let title = "湖墅街道居民台账（合成数据）";
    let written = if out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        write_csv(&out, title, rx)?
    } else {
        write_ledger(&out, Some(title), &HEADERS, rx)?
    };
    maker.join().ok().context("resident generator panicked")?;
    let seconds = started.elapsed().as_secs_f64();
    let size = std::fs::metadata(&out)?.len();
    println!(
        "wrote {written} rows to {} ({:.1} MB) in {seconds:.1} s ({:.0} rows/s)",
        out.display(),
        size as f64 / 1e6,
        written as f64 / seconds
    );
    Ok(())
}

/// The ledger as a UTF-8 CSV file with a byte-order mark, as Excel saves "CSV UTF-8".
fn write_csv(out: &Path, title: &str, rows: mpsc::Receiver<Vec<String>>) -> Result<u64> {
    let mut file = std::io::BufWriter::new(std::fs::File::create(out)?);
    file.write_all("\u{feff}".as_bytes())?;
    let mut csv = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(file);
    let mut title_row = vec![""; HEADERS.len()];
    title_row[0] = title;
    csv.write_record(&title_row)?;
    csv.write_record(HEADERS)?;
    let mut written = 0;
    for row in rows {
        csv.write_record(&row)?;
        written += 1;
    }
    csv.flush()?;
    Ok(written)
}

fn args() -> Result<(PathBuf, u64, u64)> {
    let usage = "usage: registry-ledger OUT.xlsx|OUT.csv ROWS [--seed N]";
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (out, rows, rest) = match args.as_slice() {
        [out, rows, rest @ ..] => (out, rows, rest),
        _ => bail!(usage),
    };
    let seed = match rest {
        [] => 42,
        [flag, n] if flag == "--seed" => n.parse().context("--seed must be a number")?,
        _ => bail!(usage),
    };
    let rows = rows.parse().context("ROWS must be a number")?;
    Ok((PathBuf::from(out), rows, seed))
}

/// One ledger row, in the order of `HEADERS`.
fn cells(r: &Resident) -> Vec<String> {
    let p = &r.person;
    let tags: Vec<&str> = p.tags.iter().map(|t| t.label()).collect();
    let d = &r.dwelling;
    vec![
        p.name.clone(),
        p.id_number.clone(),
        p.sex.label().into(),
        p.birth_date.to_string(),
        p.phone.clone().unwrap_or_default(),
        d.address.clone(),
        d.address.clone(),
        p.ethnicity.into(),
        tags.join("、"),
        r.household.clone(),
        r.relation.label().into(),
        d.grid.clone(),
        d.building.clone(),
        d.unit.clone(),
        d.room.clone(),
    ]
}

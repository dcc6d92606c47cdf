//! Import and export of the whole catalogue in its canonical file form. Import checks everything
//! first and writes nothing unless all of it is valid; then it writes in one transaction, adding
//! a version only where an item really changed, so re-importing a file changes nothing.

use anyhow::Context;
use quanke_domain::catalogue::{CatalogueFile, Entry, FORMAT, Policy, ServiceItem, validate};
use quanke_store::Db;
use quanke_store::catalogue::{self as store, ImportPlan, NewVersion, PolicyRow, PolicyWrite};
use std::collections::{HashMap, HashSet};

/// One thing wrong with a file, said so a person can find and fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileProblem {
    /// Where: "第 3 个事项（MZ-GL80）" or "政策文件 拱民〔2025〕1号".
    pub place: String,
    /// The field in canonical JSON form, or empty for the whole entry.
    pub field: String,
    pub message: String,
}

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}：{}", self.place, self.message)
        } else {
            write!(f, "{} 字段 {}：{}", self.place, self.field, self.message)
        }
    }
}

/// Parses catalogue JSON text; a syntax or shape error is one problem naming line and column.
pub fn parse(text: &str) -> Result<CatalogueFile, Vec<FileProblem>> {
    serde_json::from_str(text).map_err(|e| {
        vec![FileProblem {
            place: format!("第 {} 行第 {} 列", e.line(), e.column()),
            field: String::new(),
            message: format!("文件格式错误：{e}"),
        }]
    })
}

/// Reads an uploaded catalogue, JSON or XLSX by its name, and checks all of it. On failure,
/// every problem as a sentence naming where it is.
pub fn decode(name: &str, bytes: &[u8]) -> Result<CatalogueFile, Vec<String>> {
    let file = if name.to_lowercase().ends_with(".xlsx") {
        quanke_ledger::catalogue_from_xlsx(bytes)
            .map_err(|ps| ps.iter().map(ToString::to_string).collect::<Vec<_>>())?
    } else {
        let text = std::str::from_utf8(bytes)
            .map_err(|_| vec!["文件不是 UTF-8 编码的 JSON，也不是 .xlsx 表格".to_string()])?;
        parse(text).map_err(|ps| ps.iter().map(ToString::to_string).collect::<Vec<_>>())?
    };
    let problems = check(&file);
    if problems.is_empty() {
        Ok(file)
    } else {
        Err(problems.iter().map(ToString::to_string).collect())
    }
}

/// Every problem of a parsed file: format tag, dates, duplicates, item rules, policy references.
pub fn check(file: &CatalogueFile) -> Vec<FileProblem> {
    let mut out = Vec::new();
    if file.format != FORMAT {
        out.push(problem("文件", "format", format!("应为“{FORMAT}”")));
    }
    let numbers = check_policies(&file.policies, &mut out);
    let mut codes = HashSet::new();
    for (i, entry) in file.items.iter().enumerate() {
        let place = format!("第 {} 个事项（{}）", i + 1, entry.item.code);
        if !codes.insert(entry.item.code.as_str()) {
            out.push(problem(&place, "code", "事项编码与前面的事项重复".into()));
        }
        check_entry(entry, &place, &numbers, &mut out);
    }
    out
}

fn problem(place: &str, field: &str, message: String) -> FileProblem {
    FileProblem {
        place: place.into(),
        field: field.into(),
        message,
    }
}

fn check_policies<'a>(policies: &'a [Policy], out: &mut Vec<FileProblem>) -> HashSet<&'a str> {
    let mut numbers = HashSet::new();
    for p in policies {
        let place = format!("政策文件 {}", p.number);
        if p.number.trim().is_empty() || !numbers.insert(p.number.as_str()) {
            out.push(problem(&place, "number", "文号为空或重复".into()));
        }
        for (field, value) in [
            ("title", &p.title),
            ("issuer", &p.issuer),
            ("text", &p.text),
        ] {
            if value.trim().is_empty() {
                out.push(problem(&place, field, "不能为空".into()));
            }
        }
        for (field, value) in [
            ("issued_on", &p.issued_on),
            ("effective_from", &p.effective_from),
        ] {
            if !is_date(value) {
                out.push(problem(
                    &place,
                    field,
                    format!("日期应为 YYYY-MM-DD，实际为“{value}”"),
                ));
            }
        }
    }
    numbers
}

fn check_entry(entry: &Entry, place: &str, numbers: &HashSet<&str>, out: &mut Vec<FileProblem>) {
    if !is_date(&entry.effective_from) {
        let msg = format!("日期应为 YYYY-MM-DD，实际为“{}”", entry.effective_from);
        out.push(problem(place, "effective_from", msg));
    }
    if entry.change_note.trim().is_empty() {
        out.push(problem(
            place,
            "change_note",
            "变更说明不能为空（首次发布可写“首次发布”）".into(),
        ));
    }
    for p in validate(&entry.item) {
        out.push(problem(place, &format!("item.{}", p.field), p.message));
    }
    for (i, n) in entry.item.policies.iter().enumerate() {
        if !numbers.contains(n.as_str()) {
            let msg = format!("引用的政策文件“{n}”不在文件中");
            out.push(problem(place, &format!("item.policies[{i}]"), msg));
        }
    }
}

fn is_date(s: &str) -> bool {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    s.len() == 10 && time::Date::parse(s, format).is_ok()
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub new_items: usize,
    pub new_versions: usize,
    pub unchanged: usize,
    pub policies_written: usize,
    pub flagged_for_review: usize,
}

/// The stored form of an item: its canonical compact JSON.
pub fn body(item: &ServiceItem) -> anyhow::Result<String> {
    serde_json::to_string(item).context("serialise item")
}

/// Imports a checked file: call `check` first and import only when it found nothing.
pub async fn import(
    db: &Db,
    file: &CatalogueFile,
    actor: &str,
    now: i64,
    dry_run: bool,
) -> anyhow::Result<ImportReport> {
    let latest: HashMap<String, store::Version> = store::latest_versions(db)
        .await?
        .into_iter()
        .map(|v| (v.item_code.clone(), v))
        .collect();
    let bodies = file
        .items
        .iter()
        .map(|e| body(&e.item))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut report = ImportReport::default();
    let mut versions = Vec::new();
    for (entry, body) in file.items.iter().zip(&bodies) {
        match latest.get(&entry.item.code) {
            Some(v)
                if v.body == *body
                    && v.effective_from == entry.effective_from
                    && v.change_note == entry.change_note =>
            {
                report.unchanged += 1;
                continue;
            }
            Some(_) => report.new_versions += 1,
            None => report.new_items += 1,
        }
        versions.push(NewVersion {
            item_code: &entry.item.code,
            name: &entry.item.name,
            line: &entry.item.line,
            effective_from: &entry.effective_from,
            change_note: &entry.change_note,
            body,
            published_by: actor,
        });
    }
    let changed_codes: HashSet<&str> = versions.iter().map(|v| v.item_code).collect();
    let rows = policy_rows(db, &file.policies, &latest, &changed_codes).await?;
    let policies: Vec<PolicyWrite> = rows
        .iter()
        .map(|(row, flags)| PolicyWrite {
            policy: row,
            flag_items: flags,
        })
        .collect();
    report.policies_written = policies.len();
    report.flagged_for_review = rows.iter().map(|(_, f)| f.len()).sum();
    if !dry_run && (!versions.is_empty() || !policies.is_empty()) {
        store::apply_import(db, &ImportPlan { policies, versions }, now).await?;
    }
    Ok(report)
}

/// The policies that are new or changed, each with the items to flag: those citing a changed
/// policy that this import does not itself give a new version.
async fn policy_rows(
    db: &Db,
    policies: &[Policy],
    latest: &HashMap<String, store::Version>,
    changed_codes: &HashSet<&str>,
) -> anyhow::Result<Vec<(PolicyRow, Vec<String>)>> {
    let existing: HashMap<String, PolicyRow> = store::policies(db)
        .await?
        .into_iter()
        .map(|p| (p.number.clone(), p))
        .collect();
    let cited = citations(latest)?;
    let mut out = Vec::new();
    for p in policies {
        let row = PolicyRow {
            number: p.number.clone(),
            title: p.title.clone(),
            issuer: p.issuer.clone(),
            issued_on: p.issued_on.clone(),
            effective_from: p.effective_from.clone(),
            text: p.text.clone(),
            updated_at: 0,
        };
        let flags = match existing.get(&p.number) {
            None => Vec::new(),
            Some(old) if same_policy(old, &row) => continue,
            Some(_) => citing(&cited, &p.number, changed_codes),
        };
        out.push((row, flags));
    }
    Ok(out)
}

fn same_policy(a: &PolicyRow, b: &PolicyRow) -> bool {
    (
        &a.title,
        &a.issuer,
        &a.issued_on,
        &a.effective_from,
        &a.text,
    ) == (
        &b.title,
        &b.issuer,
        &b.issued_on,
        &b.effective_from,
        &b.text,
    )
}

fn citing(cited: &[(String, Vec<String>)], number: &str, skip: &HashSet<&str>) -> Vec<String> {
    cited
        .iter()
        .filter(|(code, policies)| {
            policies.iter().any(|n| n == number) && !skip.contains(code.as_str())
        })
        .map(|(code, _)| code.clone())
        .collect()
}

/// Each stored item's code and the policies it cites, read once per import, in code order.
fn citations(
    latest: &HashMap<String, store::Version>,
) -> anyhow::Result<Vec<(String, Vec<String>)>> {
    let mut out = Vec::with_capacity(latest.len());
    for v in latest.values() {
        let item: ServiceItem = serde_json::from_str(&v.body).context("stored item")?;
        out.push((v.item_code.clone(), item.policies));
    }
    out.sort();
    Ok(out)
}

/// The newest version of every item and every policy, as one canonical file.
pub async fn export(db: &Db) -> anyhow::Result<CatalogueFile> {
    let mut items = Vec::new();
    for v in store::latest_versions(db).await? {
        let item: ServiceItem = serde_json::from_str(&v.body).context("stored item")?;
        items.push(Entry {
            effective_from: v.effective_from,
            change_note: v.change_note,
            item,
        });
    }
    let policies = stored_policies(db).await?;
    Ok(CatalogueFile {
        format: FORMAT.to_string(),
        policies,
        items,
    })
}

/// Every stored policy document, in the file's form.
pub async fn stored_policies(db: &Db) -> anyhow::Result<Vec<Policy>> {
    Ok(store::policies(db)
        .await?
        .into_iter()
        .map(|p| Policy {
            number: p.number,
            title: p.title,
            issuer: p.issuer,
            issued_on: p.issued_on,
            effective_from: p.effective_from,
            text: p.text,
        })
        .collect())
}

//! One person's page: the record, household, history, tags and changes; moving out.

use quanke_domain::OrgPath;
use sqlx::{AssertSqlSafe, FromRow};

use crate::db::{with_point_reader, with_pool};
use crate::grouped::ReadMany;
use crate::limits;
use crate::statement::{Cell, Col, Run, Stmt, row_of};
use crate::{Db, Result, StoreError};
use std::future::Future;

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Resident {
    pub id: i64,
    pub id_number: String,
    pub name: String,
    pub sex: String,
    pub birth_date: String,
    pub phone: String,
    pub registered_address: String,
    pub actual_address: String,
    pub ethnicity: String,
    pub political_status: String,
    pub marital_status: String,
    pub employment: String,
    #[sqlx(try_from = "String")]
    pub org_path: OrgPath,
    pub household_id: Option<i64>,
    pub household_number: Option<String>,
    pub relation: String,
    pub building: Option<String>,
    pub unit: Option<String>,
    pub room: Option<String>,
    pub status: String,
    pub left_on: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Membership {
    pub household_id: i64,
    pub household_number: String,
    pub relation: String,
    pub joined_on: String,
    pub left_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct Tag {
    pub tag: String,
    pub since: String,
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ChangeRow {
    pub at: i64,
    pub actor: String,
    pub source: String,
    pub field: String,
    pub old_value: String,
    pub new_value: String,
}

impl Resident {
    /// What `resident_columns!` holds, in its order, for reads that decode cells.
    const COLS: [Col; 23] = {
        use Col::{Int, Text};
        [
            Int, Text, Text, Text, Text, Text, Text, Text, Text, Text, Text, Text, Text, Int, Text,
            Text, Text, Text, Text, Text, Text, Int, Int,
        ]
    };

    /// The person from the cells of `resident_columns!`, in its order.
    fn from_cells(cells: &mut [Cell]) -> Result<Resident> {
        let [
            id,
            id_number,
            name,
            sex,
            birth_date,
            phone,
            registered_address,
            actual_address,
            ethnicity,
            political_status,
            marital_status,
            employment,
            org_path,
            household_id,
            household_number,
            relation,
            building,
            unit,
            room,
            status,
            left_on,
            created_at,
            updated_at,
        ] = row_of(cells, "a person")?;
        Ok(Resident {
            id: id.int()?,
            id_number: id_number.text()?,
            name: name.text()?,
            sex: sex.text()?,
            birth_date: birth_date.text()?,
            phone: phone.text()?,
            registered_address: registered_address.text()?,
            actual_address: actual_address.text()?,
            ethnicity: ethnicity.text()?,
            political_status: political_status.text()?,
            marital_status: marital_status.text()?,
            employment: employment.text()?,
            org_path: OrgPath::try_from(org_path.text()?)
                .map_err(|e| StoreError::Conflict(e.to_string()))?,
            household_id: household_id.opt_int()?,
            household_number: household_number.opt_text()?,
            relation: relation.text()?,
            building: building.opt_text()?,
            unit: unit.opt_text()?,
            room: room.opt_text()?,
            status: status.text()?,
            left_on: left_on.opt_text()?,
            created_at: created_at.int()?,
            updated_at: updated_at.int()?,
        })
    }
}

/// The columns of `Resident`, over `registry_residents r` with `resident_joins!`.
macro_rules! resident_columns {
    () => {
        "r.id, r.id_number, r.name, r.sex, r.birth_date, r.phone, \
         r.registered_address, r.actual_address, r.ethnicity, r.political_status, \
         r.marital_status, r.employment, r.org_path, r.household_id, \
         h.number AS household_number, r.relation, d.building, d.unit, d.room, r.status, \
         r.left_on, r.created_at, r.updated_at"
    };
}

macro_rules! resident_joins {
    () => {
        " LEFT JOIN registry_households h ON h.id = r.household_id \
         LEFT JOIN registry_dwellings d ON d.id = r.dwelling_id "
    };
}

macro_rules! select_resident {
    ($condition:literal) => {
        concat!(
            "SELECT ",
            resident_columns!(),
            " FROM registry_residents r",
            resident_joins!(),
            "WHERE ",
            $condition
        )
    };
}

pub async fn resident(db: &Db, id: i64) -> Result<Resident> {
    let sql = select_resident!("r.id = $1");
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(id)
        .fetch_one(p)
        .await?))
}

/// The person with this id when they are registered inside `within` (an org subtree); None
/// for anyone else, exactly as for an id nobody has, so that a caller cannot tell the two apart.
pub async fn resident_within(db: &Db, id: i64, within: &OrgPath) -> Result<Option<Resident>> {
    let sql = select_resident!(
        "r.id = $1 AND r.org_path >= $2 AND r.org_path < $3 AND r.status <> 'anonymised'"
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(id)
        .bind(within.as_str())
        .bind(within.subtree_end())
        .fetch_optional(p)
        .await?))
}

/// A person asked for by ID number inside an org subtree.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NumberWithin {
    pub id_number: String,
    pub within: OrgPath,
}

/// For each ask, the person with its ID number when registered inside its subtree; None
/// otherwise (see `resident_within`). One statement; one answer per ask, in order.
pub async fn residents_by_number_within(
    db: &Db,
    asks: &[NumberWithin],
) -> Result<Vec<Option<Resident>>> {
    let sql = format!(
        concat!(
            "SELECT k.column1 AS ask, ",
            resident_columns!(),
            " FROM (VALUES {}) AS k \
             JOIN registry_residents r ON r.id_rev = k.column2 \
             AND r.org_path >= k.column3 AND r.org_path < k.column4 \
             AND r.status <> 'anonymised'",
            resident_joins!()
        ),
        db.backend().placeholders(0, asks.len(), 4)
    );
    let reversed: Vec<String> = asks
        .iter()
        .map(|a| crate::registry::import::reversed(&a.id_number))
        .collect();
    let ends: Vec<String> = asks.iter().map(|a| a.within.subtree_end()).collect();
    let mut s = Stmt::new(sql);
    for (i, ask) in asks.iter().enumerate() {
        s.push(i as i64);
        s.push(&reversed[i]);
        s.push(ask.within.as_str());
        s.push(&ends[i]);
    }
    let mut cols = vec![Col::Int];
    cols.extend(Resident::COLS);
    let rows = with_point_reader!(db, |run| run.fetch(&s, &cols).await?);
    let mut found: Vec<Option<Resident>> = vec![None; asks.len()];
    for mut row in rows {
        let (ask, resident) = row.split_at_mut(1);
        if let Some(slot) = usize::try_from(ask[0].int()?)
            .ok()
            .and_then(|i| found.get_mut(i))
            && slot.is_none()
        {
            *slot = Some(Resident::from_cells(resident)?);
        }
    }
    Ok(found)
}

/// Residents by ID number within a subtree, read together (`crate::grouped`): every intake
/// that names its applicant by ID number asks one.
pub struct ByNumberWithin;

impl ReadMany for ByNumberWithin {
    type Key = NumberWithin;
    type Value = Resident;

    fn read_many<'a>(
        db: &'a Db,
        keys: &'a [NumberWithin],
    ) -> impl Future<Output = Result<Vec<Option<Resident>>>> + Send + 'a {
        residents_by_number_within(db, keys)
    }
}

/// The id of the person with this ID number, if registered.
pub async fn id_by_number(db: &Db, id_number: &str) -> Result<Option<i64>> {
    let sql = "SELECT id FROM registry_residents WHERE id_rev = $1";
    let row: Option<(i64,)> = with_pool!(db, |p| sqlx::query_as(sql)
        .bind(crate::registry::import::reversed(id_number))
        .fetch_optional(p)
        .await?);
    Ok(row.map(|r| r.0))
}

/// Current members of a household, the head first.
pub async fn household_members(
    db: &Db,
    household_id: i64,
) -> Result<Vec<crate::registry::Summary>> {
    let sql = format!(
        "SELECT {} FROM registry_residents r \
         LEFT JOIN registry_households h ON h.id = r.household_id \
         WHERE r.household_id = $1 AND r.status = 'active' \
         ORDER BY CASE WHEN r.relation = '户主' THEN 0 ELSE 1 END, r.birth_date",
        crate::registry::search::SUMMARY_COLUMNS
    );
    Ok(with_pool!(db, |p| sqlx::query_as(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(household_id)
    .fetch_all(p)
    .await?))
}

/// Every household the person has belonged to: the current one (if any) first, then those left,
/// most recent first.
pub async fn memberships(db: &Db, resident_id: i64) -> Result<Vec<Membership>> {
    let sql = "SELECT household_id, household_number, relation, joined_on, left_on FROM ( \
               SELECT r.household_id AS household_id, h.number AS household_number, r.relation, \
               COALESCE(r.household_since, '') AS joined_on, CAST(NULL AS TEXT) AS left_on, \
               0 AS past, 0 AS seq FROM registry_residents r \
               JOIN registry_households h ON h.id = r.household_id WHERE r.id = $1 \
               UNION ALL \
               SELECT m.household_id, h.number, m.relation, m.joined_on, m.left_on, 1, m.id \
               FROM registry_memberships m JOIN registry_households h ON h.id = m.household_id \
               WHERE m.resident_id = $1) t ORDER BY past, seq DESC";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(resident_id)
        .fetch_all(p)
        .await?))
}

pub async fn tags(db: &Db, resident_id: i64) -> Result<Vec<Tag>> {
    let sql = "SELECT tag, since FROM registry_tags WHERE resident_id = $1 ORDER BY tag";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(resident_id)
        .fetch_all(p)
        .await?))
}

/// Newest first.
pub async fn changes(db: &Db, resident_id: i64) -> Result<Vec<ChangeRow>> {
    let sql = "SELECT at, actor, source, field, old_value, new_value FROM registry_changes \
               WHERE resident_id = $1 ORDER BY at DESC, id DESC";
    Ok(with_pool!(db, |p| sqlx::query_as(sql)
        .bind(resident_id)
        .fetch_all(p)
        .await?))
}

/// The audit target naming a person, for reads, reveals and exports.
pub fn audit_target(resident_id: i64) -> String {
    format!("resident:{resident_id}")
}

/// One entry of a person's "who has read this": the account's display name, role and org as
/// they are now (none for an account that no longer exists; the log keeps the username).
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct Reader {
    pub at: i64,
    pub username: String,
    pub display_name: Option<String>,
    pub role: Option<String>,
    pub org_name: Option<String>,
    pub action: String,
    pub detail: String,
}

/// The audit entries about one person, newest first, with who the readers are.
pub async fn readers(db: &Db, resident_id: i64, limit: i64) -> Result<Vec<Reader>> {
    let sql = format!(
        "SELECT a.at, a.actor_name AS username, u.display_name, u.role, \
         o.name AS org_name, a.action, a.detail \
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id \
         LEFT JOIN orgs o ON o.id = u.org_id \
         WHERE a.target = $1 ORDER BY a.at DESC, a.id DESC LIMIT {}",
        limits::count(db.backend(), "$2", limit),
    );
    Ok(with_pool!(db, |p| sqlx::query_as(AssertSqlSafe(
        sql.clone()
    ))
    .bind(audit_target(resident_id))
    .bind(limit)
    .fetch_all(p)
    .await?))
}

/// Records that the person moved out of the community on `on`: their household membership ends
/// and they leave active lists; the record stays for history until the retention rule applies.
pub async fn move_out(db: &Db, resident_id: i64, on: &str, actor: &str, now: i64) -> Result<()> {
    with_pool!(db, |pool| {
        let mut tx = pool.begin().await?;
        let (status, household, relation, since): (String, Option<i64>, String, Option<String>) =
            sqlx::query_as(
                "SELECT status, household_id, relation, household_since FROM registry_residents \
                 WHERE id = $1",
            )
            .bind(resident_id)
            .fetch_one(&mut *tx)
            .await?;
        if let Some(household) = household {
            sqlx::query(
                "INSERT INTO registry_memberships (resident_id, household_id, relation, \
                 joined_on, left_on) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(resident_id)
            .bind(household)
            .bind(&relation)
            .bind(since.as_deref().unwrap_or(""))
            .bind(on)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "UPDATE registry_residents SET status = 'moved_out', left_on = $1, updated_at = $2, \
             household_id = NULL, household_since = NULL WHERE id = $3",
        )
        .bind(on)
        .bind(now)
        .bind(resident_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO registry_changes (resident_id, at, actor, source, field, old_value, \
             new_value) VALUES ($1, $2, $3, '迁出登记', 'status', $4, 'moved_out')",
        )
        .bind(resident_id)
        .bind(now)
        .bind(actor)
        .bind(status)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    });
    Ok(())
}

//! Where in a building a resident lives: 幢 / 单元 / 室, from columns or read out of an address.

use super::field::Field;
use super::record::LedgerRow;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DwellingRef {
    /// "12幢"
    pub building: String,
    /// "2单元", or empty for buildings without units.
    pub unit: String,
    /// "302室"
    pub room: String,
}

impl DwellingRef {
    /// From the 楼栋/单元/房号 columns when the ledger has them, else from the actual address;
    /// `None` when neither says (a row may still be imported without a dwelling).
    pub(crate) fn from_row(row: &LedgerRow<'_>) -> Result<Option<DwellingRef>, (Field, String)> {
        let (b, u, r) = (
            row.get(Field::Building),
            row.get(Field::Unit),
            row.get(Field::Room),
        );
        if b.is_empty() && u.is_empty() && r.is_empty() {
            return Ok(parse_address(row.get(Field::ActualAddress)));
        }
        if b.is_empty() || r.is_empty() {
            let missing = if b.is_empty() {
                Field::Building
            } else {
                Field::Room
            };
            return Err((
                missing,
                format!("填写了楼栋或房号时两者都需填写，缺少{}", missing.label()),
            ));
        }
        Ok(Some(DwellingRef {
            building: with_suffix(b, &["幢", "栋", "号楼"], "幢"),
            unit: if u.is_empty() {
                String::new()
            } else {
                with_suffix(u, &["单元"], "单元")
            },
            room: with_suffix(r, &["室", "号"], "室"),
        }))
    }
}

/// "12" → "12幢"; "12栋" stays as written.
fn with_suffix(v: &str, accepted: &[&str], default: &str) -> String {
    if accepted.iter().any(|s| v.ends_with(s)) {
        v.to_string()
    } else {
        format!("{v}{default}")
    }
}

/// Reads "…小河路12幢2单元302室" into its parts; `None` unless a building and a room are found.
pub fn parse_address(address: &str) -> Option<DwellingRef> {
    let building = number_before(address, &["幢", "栋", "号楼"])?;
    let after_building = &address[building.1..];
    let unit = number_before(after_building, &["单元"]);
    let after_unit = unit
        .as_ref()
        .map_or(after_building, |u| &after_building[u.1..]);
    let room = number_before(after_unit, &["室"])?;
    Some(DwellingRef {
        building: building.0,
        unit: unit.map(|u| u.0).unwrap_or_default(),
        room: room.0,
    })
}

/// The first "<digits><suffix>" in `text`, with the byte offset just after it.
fn number_before(text: &str, suffixes: &[&str]) -> Option<(String, usize)> {
    let (at, len) = suffixes
        .iter()
        .filter_map(|s| Some((text.find(s)?, s.len())))
        .min_by_key(|(at, _)| *at)?;
    let digits_start = text[..at]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == '-')
        .last()
        .map(|(i, _)| i)?;
    Some((text[digits_start..at + len].to_string(), at + len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(a: &str) -> Option<(String, String, String)> {
        parse_address(a).map(|d| (d.building, d.unit, d.room))
    }

    #[test]
    fn addresses_yield_building_unit_and_room() {
        assert_eq!(
            parts("杭州市拱墅区小河路12幢2单元302室"),
            Some(("12幢".into(), "2单元".into(), "302室".into()))
        );
        assert_eq!(
            parts("大兜路3栋101室"),
            Some(("3栋".into(), String::new(), "101室".into()))
        );
        assert_eq!(
            parts("湖墅南路5号楼1单元1-2室"),
            Some(("5号楼".into(), "1单元".into(), "1-2室".into()))
        );
        assert_eq!(parts("小河路12幢"), None);
        assert_eq!(parts("小河路幢302室"), None);
        assert_eq!(parts(""), None);
    }

    #[test]
    fn columns_win_over_the_address_and_get_their_suffixes() {
        let mut row = LedgerRow::default();
        row.set(Field::ActualAddress, "小河路1幢1单元101室");
        row.set(Field::Building, "12");
        row.set(Field::Unit, "2");
        row.set(Field::Room, "302");
        let d = DwellingRef::from_row(&row).unwrap().unwrap();
        assert_eq!(
            (d.building.as_str(), d.unit.as_str(), d.room.as_str()),
            ("12幢", "2单元", "302室")
        );
        row.set(Field::Room, "");
        assert_eq!(DwellingRef::from_row(&row).unwrap_err().0, Field::Room);
    }
}

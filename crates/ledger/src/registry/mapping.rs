//! Column mappings saved for ledgers whose titles no synonym covers ("居民名", "证件号(18位)"):
//! a person tells once which column is which, and the next import of the same kind of file
//! reads it without asking. Stored as JSON by field code so that renaming a Chinese label
//! never invalidates a saved mapping: `{"columns": {"居民名": "name"}}`.

use quanke_domain::registry::Field;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Header titles (as written in the file, trimmed) and the fields they hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Stored", into = "Stored")]
pub struct ColumnMapping {
    columns: BTreeMap<String, Field>,
}

impl ColumnMapping {
    pub fn new<T: Into<String>>(pairs: impl IntoIterator<Item = (T, Field)>) -> Self {
        let columns = pairs
            .into_iter()
            .map(|(title, field)| (title.into().trim().to_string(), field))
            .collect();
        ColumnMapping { columns }
    }

    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// The field a header title is mapped to; titles are matched exactly after trimming.
    pub fn field(&self, title: &str) -> Option<Field> {
        self.columns.get(title.trim()).copied()
    }
}

/// The JSON shape: field codes rather than the enum, so the format is the codes' contract.
#[derive(Serialize, Deserialize)]
struct Stored {
    columns: BTreeMap<String, String>,
}

impl From<ColumnMapping> for Stored {
    fn from(mapping: ColumnMapping) -> Self {
        let columns = mapping.columns.into_iter();
        Stored {
            columns: columns.map(|(t, f)| (t, f.code().to_string())).collect(),
        }
    }
}

impl TryFrom<Stored> for ColumnMapping {
    type Error = String;

    fn try_from(stored: Stored) -> Result<Self, String> {
        let mut pairs = Vec::with_capacity(stored.columns.len());
        for (title, code) in stored.columns {
            let field = Field::from_code(&code)
                .ok_or_else(|| format!("列“{title}”对应的字段代码“{code}”不存在"))?;
            pairs.push((title, field));
        }
        Ok(ColumnMapping::new(pairs))
    }
}

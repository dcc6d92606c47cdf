//! The six staff roles and where in the org tree each may be placed.

use crate::org::OrgKind;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    FrontDesk,
    BackOffice,
    GridWorker,
    CommunityHead,
    StreetAdmin,
    SystemAdmin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::FrontDesk,
        Role::BackOffice,
        Role::GridWorker,
        Role::CommunityHead,
        Role::StreetAdmin,
        Role::SystemAdmin,
    ];

    /// Stable code stored in the database and used on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Role::FrontDesk => "front_desk",
            Role::BackOffice => "back_office",
            Role::GridWorker => "grid_worker",
            Role::CommunityHead => "community_head",
            Role::StreetAdmin => "street_admin",
            Role::SystemAdmin => "system_admin",
        }
    }

    /// The name people see.
    pub fn label(self) -> &'static str {
        match self {
            Role::FrontDesk => "前台社工",
            Role::BackOffice => "后台社工",
            Role::GridWorker => "网格员",
            Role::CommunityHead => "社区负责人",
            Role::StreetAdmin => "街道管理员",
            Role::SystemAdmin => "系统管理员",
        }
    }

    /// The kind of org node a user of this role is placed at. A grid worker belongs to a grid,
    /// desk and back-office workers and heads to a community, admins to the street.
    pub fn placed_at(self) -> OrgKind {
        match self {
            Role::GridWorker => OrgKind::Grid,
            Role::FrontDesk | Role::BackOffice | Role::CommunityHead => OrgKind::Community,
            Role::StreetAdmin | Role::SystemAdmin => OrgKind::Street,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "未知角色 \"{0}\"，可选：front_desk, back_office, grid_worker, community_head, street_admin, system_admin"
)]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == s || r.label() == s)
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_labels_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.code().parse::<Role>().unwrap(), r);
            assert_eq!(r.label().parse::<Role>().unwrap(), r);
        }
        assert!("janitor".parse::<Role>().is_err());
    }

    #[test]
    fn grid_workers_sit_in_grids() {
        assert_eq!(Role::GridWorker.placed_at(), OrgKind::Grid);
        assert_eq!(Role::FrontDesk.placed_at(), OrgKind::Community);
        assert_eq!(Role::SystemAdmin.placed_at(), OrgKind::Street);
    }
}

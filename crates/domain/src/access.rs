//! Who may do what, and where. A user acts through a `Scope`: their role plus their place in the
//! org tree. Permissions say what; the subtree says where.

use crate::org::OrgPath;
use crate::role::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// The front desk (受理台).
    UseDesk,
    /// The back-office queue.
    WorkQueue,
    /// The grid worker's own grid.
    WorkGrid,
    /// Dashboards for heads.
    ViewDashboard,
    /// Create and rename communities and grids.
    ManageOrgs,
    /// Create, disable and re-role users.
    ManageUsers,
    /// Read the security audit log.
    ReadAudit,
    /// Read the service catalogue and policy documents (every staff member).
    ReadCatalogue,
    /// Edit catalogue drafts.
    EditCatalogue,
    /// Publish catalogue versions and import catalogue files.
    PublishCatalogue,
    /// Handle residents' matters, and so receive policy-change notices to acknowledge.
    HandleMatters,
    /// Find and read people in the registry (masked), within the subtree.
    ReadRegistry,
    /// Reveal a full ID number or phone, with a reason that is audited.
    RevealPersonal,
    /// Import ledgers into the registry and record moves.
    ImportRegistry,
    /// Export registry lists to spreadsheets (audited).
    ExportRegistry,
    /// Apply the retention rule that anonymises people who left long ago.
    ApplyRetention,
    /// Edit the working-day calendar (holidays and 调休) every deadline is counted on.
    EditCalendar,
    /// Find cases (办件查询) in the subtree, read them through the JSON API and export a result.
    SearchCases,
    /// Transfer a case (通办 to another community, a hand-off to a line department) and answer
    /// a transfer that comes in.
    TransferCases,
    /// Record visits (走访) to the people, households and businesses of the subtree: every
    /// all-round worker goes down to the grids after the desk turn.
    RecordVisits,
    /// Edit the street's coverage rules (片组户考核).
    EditCoverageRules,
    /// Report events (事件) and take their steps as the event table allows the role.
    ReportEvents,
    /// Give a grid to another worker (网格交接): the outgoing worker's open work moves with it.
    HandOverGrids,
}

impl Permission {
    pub fn granted_to(self, role: Role) -> bool {
        use Permission::*;
        use Role::*;
        match self {
            UseDesk => matches!(role, FrontDesk | BackOffice | CommunityHead),
            WorkQueue => matches!(role, BackOffice | CommunityHead),
            WorkGrid => matches!(role, GridWorker | CommunityHead),
            ViewDashboard => matches!(role, CommunityHead | StreetAdmin),
            ManageOrgs => matches!(role, CommunityHead | StreetAdmin | SystemAdmin),
            ManageUsers => matches!(role, CommunityHead | StreetAdmin | SystemAdmin),
            ReadAudit => matches!(role, CommunityHead | StreetAdmin | SystemAdmin),
            ReadCatalogue => true,
            EditCatalogue => matches!(role, CommunityHead | StreetAdmin),
            PublishCatalogue => matches!(role, StreetAdmin),
            HandleMatters => matches!(role, FrontDesk | BackOffice | GridWorker | CommunityHead),
            // The system administrator runs the machine, not the community: no personal data.
            ReadRegistry => !matches!(role, SystemAdmin),
            // Those who handle matters at the desk and in the back office, and heads; grid
            // workers visit with masked lists, street admins read aggregates.
            RevealPersonal => matches!(role, FrontDesk | BackOffice | CommunityHead),
            ImportRegistry => matches!(role, CommunityHead | StreetAdmin),
            ExportRegistry => matches!(role, CommunityHead | StreetAdmin),
            ApplyRetention => matches!(role, StreetAdmin),
            // One calendar for the whole deployment: the street and the system keep it.
            EditCalendar => matches!(role, StreetAdmin | SystemAdmin),
            // Those who handle matters, and heads and the street who answer for them.
            SearchCases => !matches!(role, SystemAdmin),
            // The community's own staff, who hold the case.
            TransferCases => matches!(role, FrontDesk | BackOffice | CommunityHead),
            RecordVisits => matches!(role, FrontDesk | BackOffice | GridWorker | CommunityHead),
            // The street assesses its communities by them.
            EditCoverageRules => matches!(role, StreetAdmin),
            // Everyone who works in the community: at the desk, in the back office, in a grid.
            ReportEvents => matches!(role, FrontDesk | BackOffice | GridWorker | CommunityHead),
            // Those who place workers in grids.
            HandOverGrids => matches!(role, CommunityHead | StreetAdmin),
        }
    }
}

/// The reach of one signed-in user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub role: Role,
    pub org: OrgPath,
}

impl Scope {
    pub fn can(&self, p: Permission) -> bool {
        p.granted_to(self.role)
    }

    /// True when the node at `path` is inside this user's subtree.
    pub fn covers(&self, path: &OrgPath) -> bool {
        self.org.contains(path)
    }

    /// Which roles this user may hand out. No one may grant a role above their own, and only a
    /// system administrator makes system administrators.
    pub fn can_grant(&self, role: Role) -> bool {
        match self.role {
            Role::SystemAdmin => true,
            Role::StreetAdmin => role != Role::SystemAdmin,
            Role::CommunityHead => {
                matches!(role, Role::FrontDesk | Role::BackOffice | Role::GridWorker)
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(role: Role, path: OrgPath) -> Scope {
        Scope { role, org: path }
    }

    #[test]
    fn only_managers_manage_users() {
        for role in Role::ALL {
            let expected = matches!(
                role,
                Role::CommunityHead | Role::StreetAdmin | Role::SystemAdmin
            );
            assert_eq!(Permission::ManageUsers.granted_to(role), expected, "{role}");
        }
    }

    #[test]
    fn heads_edit_the_catalogue_and_only_the_street_publishes() {
        let editors: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| Permission::EditCatalogue.granted_to(*r))
            .collect();
        assert_eq!(editors, vec![Role::CommunityHead, Role::StreetAdmin]);
        let publishers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| Permission::PublishCatalogue.granted_to(*r))
            .collect();
        assert_eq!(publishers, vec![Role::StreetAdmin]);
        assert!(!Permission::HandleMatters.granted_to(Role::SystemAdmin));
    }

    #[test]
    fn only_street_and_system_admins_edit_the_calendar() {
        let editors: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| Permission::EditCalendar.granted_to(*r))
            .collect();
        assert_eq!(editors, vec![Role::StreetAdmin, Role::SystemAdmin]);
    }

    #[test]
    fn grid_worker_sees_only_own_grid() {
        let comm = OrgPath::root(1).child(2);
        let mine = comm.child(3);
        let other = comm.child(4);
        let s = scope(Role::GridWorker, mine.clone());
        assert!(s.covers(&mine));
        assert!(!s.covers(&other));
        assert!(!s.covers(&comm));
    }

    #[test]
    fn heads_cannot_grant_above_themselves() {
        let s = scope(Role::CommunityHead, OrgPath::root(1).child(2));
        assert!(s.can_grant(Role::FrontDesk));
        assert!(!s.can_grant(Role::CommunityHead));
        assert!(!s.can_grant(Role::SystemAdmin));
        let street = scope(Role::StreetAdmin, OrgPath::root(1));
        assert!(street.can_grant(Role::CommunityHead));
        assert!(!street.can_grant(Role::SystemAdmin));
        let desk = scope(Role::FrontDesk, OrgPath::root(1).child(2));
        assert!(Role::ALL.iter().all(|r| !desk.can_grant(*r)));
    }
}

//! Who may change an item. An item created in the editor belongs to the org of the editor who
//! created it; imported and seeded items belong to the whole deployment. Editors on the owner's
//! branch may change it: the owning org, the street above a community, a community below its
//! street. Everyone else is told the item does not exist.

use crate::access::{Permission, Scope};
use crate::org::OrgPath;

/// True when this editor may draft, publish or discard changes to an item owned by `owner`
/// (`None`: the whole deployment's).
pub fn may_edit(scope: &Scope, owner: Option<&OrgPath>) -> bool {
    scope.can(Permission::EditCatalogue)
        && owner.is_none_or(|o| o.contains(&scope.org) || scope.covers(o))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Role;

    #[test]
    fn the_owners_branch_edits_and_nobody_else() {
        let street = OrgPath::root(1);
        let (myq, sdn) = (street.child(2), street.child(3));
        let other_street = OrgPath::root(9);
        let head = |org: &OrgPath| Scope {
            role: Role::CommunityHead,
            org: org.clone(),
        };
        let admin = Scope {
            role: Role::StreetAdmin,
            org: street.clone(),
        };
        assert!(may_edit(&head(&myq), None));
        assert!(may_edit(&head(&myq), Some(&street)), "the street's item");
        assert!(may_edit(&head(&myq), Some(&myq)));
        assert!(!may_edit(&head(&sdn), Some(&myq)), "a sibling community");
        assert!(may_edit(&admin, Some(&myq)), "a community of the street");
        assert!(!may_edit(&admin, Some(&other_street)));
        assert!(!may_edit(&head(&myq), Some(&other_street)));
        let desk = Scope {
            role: Role::FrontDesk,
            org: myq.clone(),
        };
        assert!(!may_edit(&desk, None), "editing needs the permission");
    }
}

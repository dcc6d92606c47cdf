//! Who may read each field of an item. A guide is written for residents, but some of what
//! workers record beside it is for colleagues only: 经验 tips such as "别让他先申请，核查过不了反而
//! 留记录" help the desk and would mislead or offend a resident. Every public channel (the
//! portal, Open311, the public search API and the search index behind it) reads an item only
//! through [`ServiceItem::public_view`] (the type `PublicItem`), so no channel keeps its own list
//! of what to hide.

use super::item::ServiceItem;
use serde::Serialize;
use std::ops::Deref;

/// The canonical keys of the fields only signed-in staff may read; every other field is public.
/// `public_view` empties exactly these (a test holds the two together).
pub const STAFF_ONLY: [&str; 1] = ["tips"];

/// An item with its staff-only fields emptied: the only form public channels handle. It reads
/// as a `ServiceItem` (every public field is there) and serializes as one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct PublicItem(ServiceItem);

impl Deref for PublicItem {
    type Target = ServiceItem;

    fn deref(&self) -> &ServiceItem {
        &self.0
    }
}

impl ServiceItem {
    /// The item as the public may see it.
    pub fn public_view(&self) -> PublicItem {
        // Destructured field by field on purpose: a field added to `ServiceItem` does not compile
        // here until someone decides who may read it.
        let ServiceItem {
            code,
            name,
            line,
            department,
            item_type,
            level,
            applicants,
            kinds,
            materials,
            steps,
            legal_basis,
            statutory_days,
            promised_days,
            mode,
            visits,
            fee,
            location,
            hours,
            window,
            consult_phone,
            complaint_phone,
            faqs,
            tips: _staff_only,
            keywords,
            synonyms,
            questions,
            policies,
            // Public: what the resident is told when the case is completed.
            result_kind,
        } = self.clone();
        PublicItem(ServiceItem {
            code,
            name,
            line,
            department,
            item_type,
            level,
            applicants,
            kinds,
            materials,
            steps,
            legal_basis,
            statutory_days,
            promised_days,
            mode,
            visits,
            fee,
            location,
            hours,
            window,
            consult_phone,
            complaint_phone,
            faqs,
            tips: Vec::new(),
            keywords,
            synonyms,
            questions,
            policies,
            result_kind,
        })
    }
}

impl PublicItem {
    /// The public fields as a plain item, for code that takes one (the search index).
    pub fn into_inner(self) -> ServiceItem {
        self.0
    }
}

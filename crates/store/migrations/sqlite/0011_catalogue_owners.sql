-- Issue 12 item 7: catalogue items created in the editor belong to the org that created them.
-- Imported and seeded items have no row here and belong to the whole deployment, as before.
-- Editors on the owner's branch of the org tree may change an item (quanke_domain::catalogue::
-- may_edit); for everyone else it does not exist. The row is written with an item's first draft
-- and removed if that draft is discarded before anything was published.
CREATE TABLE catalogue_owners (
    item_code TEXT PRIMARY KEY,
    org_path  TEXT NOT NULL          -- materialised path of the owning org ("/1/4/")
);

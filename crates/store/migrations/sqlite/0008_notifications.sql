-- issue 12 item 3: in-app notifications and the indexes the home pages count with.

-- What a worker is told: a case assigned to them, a new online application in their community,
-- an approval they asked for decided, a transfer to their community. Written in the same
-- transaction as the event that causes it; `read_at` is set when the worker opens it.
CREATE TABLE notifications (
    id           INTEGER PRIMARY KEY,
    recipient_id BIGINT NOT NULL REFERENCES users(id),
    -- assigned | online_application | approval_decided | transfer_in (quanke_domain::notice::Kind)
    kind         TEXT NOT NULL,
    case_id      BIGINT NOT NULL REFERENCES cases(id),
    text         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    read_at      BIGINT
);
-- Every staff page counts its unread ones (recipient_id = ? AND read_at IS NULL) from this index alone.
CREATE INDEX notifications_recipient ON notifications(recipient_id, read_at, id);

-- Today's intake per community (the home pages) reads cases_by_received (0009).
-- The week's ratings (the head's home) read only the ratings of the last days.
CREATE INDEX case_ratings_at ON case_ratings(at);

-- Photos of a visit (issue #15): taken on the phone, kept as the application made them (upright,
-- at most 1600 px a side, JPEG without metadata). The place the photo was taken is kept only
-- when the worker asked to, in `lat`/`lon`, never inside the picture. In the database, so that a
-- backup holds everything (as case files).
CREATE TABLE grid_visit_photos (
    id        INTEGER PRIMARY KEY,
    visit_id  BIGINT NOT NULL REFERENCES grid_visits(id),
    width     BIGINT NOT NULL,
    height    BIGINT NOT NULL,
    size      BIGINT NOT NULL,
    data      BLOB NOT NULL,
    lat       REAL,
    lon       REAL,
    added_by  BIGINT NOT NULL REFERENCES users(id),
    added_at  BIGINT NOT NULL
);
CREATE INDEX grid_visit_photos_visit ON grid_visit_photos(visit_id);

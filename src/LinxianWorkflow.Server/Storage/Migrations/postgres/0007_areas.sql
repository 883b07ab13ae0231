-- The county's areas (issue 13): county, townships, villages and communities by their NBS codes, with the names
-- people read. Seeded from data/areas/*.csv when empty, updated by `import-areas`; a code is never deleted (an area
-- merged away still names its old proposals), so the service may insert and update but not delete.
CREATE TABLE IF NOT EXISTS areas (
    code        text PRIMARY KEY,
    name        text NOT NULL,
    parent_code text NULL,
    level       text NOT NULL CHECK (level IN ('county', 'township', 'village', 'community'))
);

GRANT SELECT, INSERT, UPDATE ON areas TO linxian_app;

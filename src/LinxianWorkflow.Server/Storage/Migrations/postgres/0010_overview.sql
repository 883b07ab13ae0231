-- The overview (issue 14). Counts by step, status, category and amount band, and overdue by township and village, are
-- aggregates over the proposals read table: these indexes let PostgreSQL answer them from the index alone (township
-- first, so a township reviewer's overview reads only its township's entries). How long steps took, disclosures closed
-- on time and the objections' fate are counters summed per township in overview_tallies, maintained by the projection
-- in each command's own transaction; the server fills the table from the events at its first start after this script
-- (settings key 'overview-tallies'), so existing proposals are counted.
CREATE INDEX IF NOT EXISTS proposals_overview ON proposals (township_code, current_step, status, result, category, amount_fen);
CREATE INDEX IF NOT EXISTS proposals_overdue ON proposals (township_code, village_code) WHERE overdue AND status = 'running';

CREATE TABLE IF NOT EXISTS overview_tallies (
    township_code text    NOT NULL,
    metric        text    NOT NULL,
    step_id       text    NOT NULL,
    bucket        integer NOT NULL,
    n             bigint  NOT NULL,
    PRIMARY KEY (township_code, metric, step_id, bucket)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON overview_tallies TO linxian_app;

-- The overview (issue 14); see the PostgreSQL script of the same number.
CREATE INDEX IF NOT EXISTS proposals_overview ON proposals (township_code, current_step, status, result, category, amount_fen);
CREATE INDEX IF NOT EXISTS proposals_overdue ON proposals (township_code, village_code) WHERE overdue AND status = 'running';

CREATE TABLE IF NOT EXISTS overview_tallies (
    township_code text    NOT NULL,
    metric        text    NOT NULL,
    step_id       text    NOT NULL,
    bucket        integer NOT NULL,
    n             integer NOT NULL,
    PRIMARY KEY (township_code, metric, step_id, bucket)
);

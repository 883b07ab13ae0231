-- The workflow store on SQLite (the embedded default). Same tables as PostgreSQL's 0001; times are UTC
-- text ("yyyy-MM-dd HH:mm:ss.FFFFFFF", which sorts), booleans 0/1. Triggers refuse UPDATE and DELETE on events.

CREATE TABLE IF NOT EXISTS events (
    instance_id text        NOT NULL,
    seq         integer     NOT NULL CHECK (seq > 0),
    at          text        NOT NULL,
    actor_id    text        NOT NULL,
    role        text        NOT NULL,
    type        text        NOT NULL,
    record      text        NOT NULL,
    prev_hash   text        NOT NULL,
    hash        text        NOT NULL,
    PRIMARY KEY (instance_id, seq)
);

CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: UPDATE refused');
END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: DELETE refused');
END;

CREATE TABLE IF NOT EXISTS proposals (
    id              text        PRIMARY KEY,
    village_path    text        NOT NULL,
    village_code    text        NOT NULL,
    township_code   text        NOT NULL,
    title           text        NOT NULL,
    category        text        NOT NULL,
    amount_fen      integer     NOT NULL,
    status          text        NOT NULL,
    result          text        NULL,
    current_step    text        NOT NULL,
    step_kind       text        NOT NULL,
    visit           integer     NOT NULL,
    version         integer     NOT NULL,
    definition_key  text        NOT NULL,
    profile_key     text        NOT NULL,
    started_at      text        NOT NULL,
    updated_at      text        NOT NULL,
    step_entered_at text        NOT NULL,
    due_at          text        NULL,
    overdue         integer     NOT NULL,
    last_hash       text        NOT NULL
);
CREATE INDEX IF NOT EXISTS proposals_by_village ON proposals (village_code, started_at);
CREATE INDEX IF NOT EXISTS proposals_by_township ON proposals (township_code, status);
CREATE INDEX IF NOT EXISTS proposals_by_step ON proposals (status, current_step);
CREATE INDEX IF NOT EXISTS proposals_by_due ON proposals (due_at) WHERE status = 'running';

CREATE TABLE IF NOT EXISTS open_tasks (
    instance_id  text        NOT NULL,
    task         text        NOT NULL,
    role         text        NOT NULL,
    visit        integer     NOT NULL,
    village_path text        NOT NULL,
    step_id      text        NOT NULL,
    due_at       text        NULL,
    remind_at    text        NULL,
    opened_at    text        NOT NULL,
    closed_at    text        NULL,
    closed_by    text        NULL,
    PRIMARY KEY (instance_id, task, role, visit)
);
CREATE INDEX IF NOT EXISTS open_tasks_inbox ON open_tasks (role, village_path) WHERE closed_at IS NULL;

CREATE TABLE IF NOT EXISTS timers (
    instance_id  text        NOT NULL,
    timer_id     text        NOT NULL,
    step_id      text        NOT NULL,
    visit        integer     NOT NULL,
    purpose      text        NOT NULL,
    on_expiry    text        NOT NULL,
    objection_id text        NULL,
    due_at       text        NOT NULL,
    status       text        NOT NULL,
    job_id       text        NULL,
    created_at   text        NOT NULL,
    settled_at   text        NULL,
    PRIMARY KEY (instance_id, timer_id)
);
CREATE INDEX IF NOT EXISTS timers_pending ON timers (due_at) WHERE status = 'pending';

CREATE TABLE IF NOT EXISTS disclosures (
    instance_id   text        NOT NULL,
    step_id       text        NOT NULL,
    visit         integer     NOT NULL,
    village_code  text        NOT NULL,
    title         text        NOT NULL,
    notice_text   text        NOT NULL,
    channels      text        NOT NULL,
    period_days   integer     NOT NULL,
    published_at  text        NOT NULL,
    closable_from text        NOT NULL,
    closed_at     text        NULL,
    event_seq     integer     NOT NULL,
    event_hash    text        NOT NULL,
    PRIMARY KEY (instance_id, step_id, visit)
);
CREATE INDEX IF NOT EXISTS disclosures_by_village ON disclosures (village_code, published_at);

CREATE TABLE IF NOT EXISTS idempotency_keys (
    user_id      text        NOT NULL,
    key          text        NOT NULL,
    request_hash text        NOT NULL,
    status       integer     NOT NULL,
    response     text        NOT NULL,
    created_at   text        NOT NULL,
    PRIMARY KEY (user_id, key)
);

CREATE TABLE IF NOT EXISTS outbox (
    id           integer     PRIMARY KEY AUTOINCREMENT,
    instance_id  text        NOT NULL,
    kind         text        NOT NULL,
    payload      text        NOT NULL,
    created_at   text        NOT NULL,
    processed_at text        NULL
);
CREATE INDEX IF NOT EXISTS outbox_unprocessed ON outbox (id) WHERE processed_at IS NULL;

CREATE TABLE IF NOT EXISTS users (
    id            text        PRIMARY KEY,
    user_name     text        NOT NULL UNIQUE,
    display_name  text        NOT NULL,
    password_hash text        NULL,
    grants        text        NOT NULL,
    disabled      integer     NOT NULL,
    failed_logins integer     NOT NULL DEFAULT 0,
    locked_until  text        NULL,
    created_at    text        NOT NULL
);

CREATE TABLE IF NOT EXISTS tokens (
    token_hash text        PRIMARY KEY,
    user_id    text        NOT NULL REFERENCES users (id),
    kind       text        NOT NULL,
    name       text        NOT NULL,
    created_at text        NOT NULL,
    expires_at text        NULL,
    revoked_at text        NULL
);
CREATE INDEX IF NOT EXISTS tokens_by_user ON tokens (user_id);

CREATE TABLE IF NOT EXISTS settings (
    key   text PRIMARY KEY,
    value text NOT NULL
);

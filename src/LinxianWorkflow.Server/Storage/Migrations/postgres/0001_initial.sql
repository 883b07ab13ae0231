-- The workflow store on PostgreSQL. Times are timestamptz (UTC); amounts for filtering are whole fen.
-- Events are append-only: the application role gets SELECT and INSERT only, and a trigger refuses
-- UPDATE, DELETE and TRUNCATE from anyone who has not disabled it (a superuser can; see docs/storage.md).

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'linxian_app') THEN
        CREATE ROLE linxian_app NOLOGIN;
    END IF;
END
$$;

CREATE TABLE IF NOT EXISTS events (
    instance_id text        NOT NULL,
    seq         integer     NOT NULL CHECK (seq > 0),
    at          timestamptz NOT NULL,
    actor_id    text        NOT NULL,
    role        text        NOT NULL,
    type        text        NOT NULL,
    record      text        NOT NULL,
    prev_hash   char(64)    NOT NULL,
    hash        char(64)    NOT NULL,
    PRIMARY KEY (instance_id, seq)
);

CREATE OR REPLACE FUNCTION linxian_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE OR REPLACE TRIGGER events_append_only_rows BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION linxian_events_append_only();
CREATE OR REPLACE TRIGGER events_append_only_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION linxian_events_append_only();

CREATE TABLE IF NOT EXISTS proposals (
    id              text        PRIMARY KEY,
    village_path    text        NOT NULL,
    village_code    text        NOT NULL,
    township_code   text        NOT NULL,
    title           text        NOT NULL,
    category        text        NOT NULL,
    amount_fen      bigint      NOT NULL,
    status          text        NOT NULL,
    result          text        NULL,
    current_step    text        NOT NULL,
    step_kind       text        NOT NULL,
    visit           integer     NOT NULL,
    version         integer     NOT NULL,
    definition_key  text        NOT NULL,
    profile_key     text        NOT NULL,
    started_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    step_entered_at timestamptz NOT NULL,
    due_at          timestamptz NULL,
    overdue         boolean     NOT NULL,
    last_hash       char(64)    NOT NULL
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
    due_at       timestamptz NULL,
    remind_at    timestamptz NULL,
    opened_at    timestamptz NOT NULL,
    closed_at    timestamptz NULL,
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
    due_at       timestamptz NOT NULL,
    status       text        NOT NULL,
    job_id       text        NULL,
    created_at   timestamptz NOT NULL,
    settled_at   timestamptz NULL,
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
    published_at  timestamptz NOT NULL,
    closable_from timestamptz NOT NULL,
    closed_at     timestamptz NULL,
    event_seq     integer     NOT NULL,
    event_hash    char(64)    NOT NULL,
    PRIMARY KEY (instance_id, step_id, visit)
);
CREATE INDEX IF NOT EXISTS disclosures_by_village ON disclosures (village_code, published_at);

CREATE TABLE IF NOT EXISTS idempotency_keys (
    user_id      text        NOT NULL,
    key          text        NOT NULL,
    request_hash char(64)    NOT NULL,
    status       integer     NOT NULL,
    response     text        NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (user_id, key)
);

CREATE TABLE IF NOT EXISTS outbox (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_id  text        NOT NULL,
    kind         text        NOT NULL,
    payload      text        NOT NULL,
    created_at   timestamptz NOT NULL,
    processed_at timestamptz NULL
);
CREATE INDEX IF NOT EXISTS outbox_unprocessed ON outbox (id) WHERE processed_at IS NULL;

CREATE TABLE IF NOT EXISTS users (
    id            text        PRIMARY KEY,
    user_name     text        NOT NULL UNIQUE,
    display_name  text        NOT NULL,
    password_hash text        NULL,
    grants        text        NOT NULL,
    disabled      boolean     NOT NULL,
    failed_logins integer     NOT NULL DEFAULT 0,
    locked_until  timestamptz NULL,
    created_at    timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS tokens (
    token_hash char(64)    PRIMARY KEY,
    user_id    text        NOT NULL REFERENCES users (id),
    kind       text        NOT NULL,
    name       text        NOT NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NULL,
    revoked_at timestamptz NULL
);
CREATE INDEX IF NOT EXISTS tokens_by_user ON tokens (user_id);

CREATE TABLE IF NOT EXISTS settings (
    key   text PRIMARY KEY,
    value text NOT NULL
);

GRANT SELECT, INSERT ON events TO linxian_app;
REVOKE UPDATE, DELETE, TRUNCATE ON events FROM linxian_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON proposals, open_tasks, timers, disclosures, idempotency_keys, outbox, users, tokens, settings TO linxian_app;
GRANT SELECT ON schema_migrations TO linxian_app;

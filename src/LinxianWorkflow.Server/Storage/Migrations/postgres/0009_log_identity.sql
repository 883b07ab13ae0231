-- One log identity per deployment (issue 16): every key the log has signed with, in order. The first is recorded
-- at the first start; `rotate-log-key` adds each next one with the hand-over its predecessor signed. A key signs
-- the checkpoints larger than signs_after, up to the next key's signs_after. Append-only like the log.
CREATE TABLE IF NOT EXISTS log_keys (
    seq          integer     PRIMARY KEY CHECK (seq >= 1),
    verifier_key text        NOT NULL UNIQUE,
    signs_after  bigint      NOT NULL CHECK (signs_after >= 0),
    hand_over    text,
    created_at   timestamptz NOT NULL
);

CREATE OR REPLACE TRIGGER log_keys_append_only BEFORE UPDATE OR DELETE ON log_keys
    FOR EACH ROW EXECUTE FUNCTION linxian_events_append_only();

GRANT SELECT, INSERT ON log_keys TO linxian_app;

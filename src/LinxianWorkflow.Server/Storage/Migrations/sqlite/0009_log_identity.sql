-- One log identity per deployment (issue 16): every key the log has signed with, in order. The first is recorded
-- at the first start; `rotate-log-key` adds each next one with the hand-over its predecessor signed. A key signs
-- the checkpoints larger than signs_after, up to the next key's signs_after. Append-only like the log.
CREATE TABLE IF NOT EXISTS log_keys (
    seq          integer PRIMARY KEY CHECK (seq >= 1),
    verifier_key text    NOT NULL UNIQUE,
    signs_after  integer NOT NULL CHECK (signs_after >= 0),
    hand_over    text,
    created_at   text    NOT NULL
);

CREATE TRIGGER IF NOT EXISTS log_keys_no_update BEFORE UPDATE ON log_keys
BEGIN
    SELECT RAISE(ABORT, 'the log keys are append-only: UPDATE refused');
END;
CREATE TRIGGER IF NOT EXISTS log_keys_no_delete BEFORE DELETE ON log_keys
BEGIN
    SELECT RAISE(ABORT, 'the log keys are append-only: DELETE refused');
END;

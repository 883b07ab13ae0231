-- The Merkle log (issue 5): every event a leaf, in the order the batcher appends them, and the signed checkpoints.
CREATE TABLE IF NOT EXISTS log_leaves (
    position    integer PRIMARY KEY CHECK (position >= 0),
    instance_id text    NOT NULL,
    seq         integer NOT NULL,
    leaf_hash   text    NOT NULL,
    UNIQUE (instance_id, seq)
);

CREATE TABLE IF NOT EXISTS checkpoints (
    size       integer PRIMARY KEY,
    root       text    NOT NULL,
    note       text    NOT NULL,
    created_at text    NOT NULL
);

CREATE TRIGGER IF NOT EXISTS log_leaves_no_update BEFORE UPDATE ON log_leaves
BEGIN
    SELECT RAISE(ABORT, 'the log is append-only: UPDATE refused');
END;
CREATE TRIGGER IF NOT EXISTS log_leaves_no_delete BEFORE DELETE ON log_leaves
BEGIN
    SELECT RAISE(ABORT, 'the log is append-only: DELETE refused');
END;

-- The Merkle log (issue 5): every event a leaf, in the order a single batcher appends them, and the
-- signed checkpoints. Leaves and checkpoints are append-only like events.
CREATE TABLE IF NOT EXISTS log_leaves (
    position    bigint   PRIMARY KEY CHECK (position >= 0),
    instance_id text     NOT NULL,
    seq         integer  NOT NULL,
    leaf_hash   char(64) NOT NULL,
    UNIQUE (instance_id, seq)
);

CREATE TABLE IF NOT EXISTS checkpoints (
    size       bigint      PRIMARY KEY,
    root       char(64)    NOT NULL,
    note       text        NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE OR REPLACE TRIGGER log_leaves_append_only BEFORE UPDATE OR DELETE ON log_leaves
    FOR EACH ROW EXECUTE FUNCTION linxian_events_append_only();
CREATE OR REPLACE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints
    FOR EACH ROW EXECUTE FUNCTION linxian_events_append_only();

GRANT SELECT, INSERT ON log_leaves, checkpoints TO linxian_app;

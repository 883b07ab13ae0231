-- Witnesses after a restore (issue 16): a township's witness accepts a restart of the log only on a key hand-over
-- signed by the key it trusts that names the checkpoint given up; its acceptance (the hand-over with its witness
-- signature added) is kept here, append-only. Each acceptance begins a new epoch of the township's co-signatures, so
-- a size it co-signed before the restart can be co-signed again in the restarted log.
CREATE TABLE IF NOT EXISTS witness_restarts (
    township      text        NOT NULL,
    epoch         integer     NOT NULL,
    hand_over     text        NOT NULL,
    restart_size  bigint      NOT NULL,
    accepted_at   timestamptz NOT NULL,
    accepted_by   text        NOT NULL,
    PRIMARY KEY (township, epoch)
);

CREATE OR REPLACE TRIGGER witness_restarts_append_only BEFORE UPDATE OR DELETE ON witness_restarts
    FOR EACH ROW EXECUTE FUNCTION linxian_events_append_only();

GRANT SELECT, INSERT ON witness_restarts TO linxian_app;

ALTER TABLE witness_signatures ADD COLUMN IF NOT EXISTS epoch integer NOT NULL DEFAULT 0;
ALTER TABLE witness_signatures DROP CONSTRAINT IF EXISTS witness_signatures_pkey;
ALTER TABLE witness_signatures ADD PRIMARY KEY (township, epoch, size);

-- Witnesses after a restore (issue 16): a township's witness accepts a restart of the log only on a key hand-over
-- signed by the key it trusts that names the checkpoint given up; its acceptance (the hand-over with its witness
-- signature added) is kept here, append-only. Each acceptance begins a new epoch of the township's co-signatures, so
-- a size it co-signed before the restart can be co-signed again in the restarted log.
CREATE TABLE IF NOT EXISTS witness_restarts (
    township      text    NOT NULL,
    epoch         integer NOT NULL,
    hand_over     text    NOT NULL,
    restart_size  integer NOT NULL,
    accepted_at   text    NOT NULL,
    accepted_by   text    NOT NULL,
    PRIMARY KEY (township, epoch)
);

CREATE TRIGGER IF NOT EXISTS witness_restarts_no_update BEFORE UPDATE ON witness_restarts
BEGIN
    SELECT RAISE(ABORT, 'witness restarts are append-only: UPDATE refused');
END;
CREATE TRIGGER IF NOT EXISTS witness_restarts_no_delete BEFORE DELETE ON witness_restarts
BEGIN
    SELECT RAISE(ABORT, 'witness restarts are append-only: DELETE refused');
END;

-- The key of witness_signatures gains the epoch: SQLite rebuilds the table (its triggers with it).
CREATE TABLE witness_signatures_by_epoch (
    township  text    NOT NULL,
    epoch     integer NOT NULL DEFAULT 0,
    size      integer NOT NULL,
    note      text    NOT NULL,
    signed_at text    NOT NULL,
    signed_by text    NOT NULL,
    PRIMARY KEY (township, epoch, size)
);
INSERT INTO witness_signatures_by_epoch (township, epoch, size, note, signed_at, signed_by)
    SELECT township, 0, size, note, signed_at, signed_by FROM witness_signatures;
DROP TABLE witness_signatures;
ALTER TABLE witness_signatures_by_epoch RENAME TO witness_signatures;

CREATE TRIGGER IF NOT EXISTS witness_signatures_no_update BEFORE UPDATE ON witness_signatures
BEGIN
    SELECT RAISE(ABORT, 'witness signatures are append-only: UPDATE refused');
END;
CREATE TRIGGER IF NOT EXISTS witness_signatures_no_delete BEFORE DELETE ON witness_signatures
BEGIN
    SELECT RAISE(ABORT, 'witness signatures are append-only: DELETE refused');
END;

-- Witnesses (issue 5): each township registers the verifier key its reviewers co-sign checkpoints with;
-- every co-signed checkpoint is kept (both signatures in the note), append-only like the log.
CREATE TABLE IF NOT EXISTS witnesses (
    township      text PRIMARY KEY,
    verifier_key  text NOT NULL,
    registered_at text NOT NULL,
    registered_by text NOT NULL
);

CREATE TABLE IF NOT EXISTS witness_signatures (
    township  text    NOT NULL,
    size      integer NOT NULL,
    note      text    NOT NULL,
    signed_at text    NOT NULL,
    signed_by text    NOT NULL,
    PRIMARY KEY (township, size)
);

CREATE TRIGGER IF NOT EXISTS witness_signatures_no_update BEFORE UPDATE ON witness_signatures
BEGIN
    SELECT RAISE(ABORT, 'witness signatures are append-only: UPDATE refused');
END;
CREATE TRIGGER IF NOT EXISTS witness_signatures_no_delete BEFORE DELETE ON witness_signatures
BEGIN
    SELECT RAISE(ABORT, 'witness signatures are append-only: DELETE refused');
END;

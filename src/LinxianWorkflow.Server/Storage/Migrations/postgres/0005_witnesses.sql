-- Witnesses (issue 5): each township registers the verifier key its reviewers co-sign checkpoints with;
-- every co-signed checkpoint is kept (both signatures in the note), append-only like the log.
CREATE TABLE IF NOT EXISTS witnesses (
    township      text        PRIMARY KEY,
    verifier_key  text        NOT NULL,
    registered_at timestamptz NOT NULL,
    registered_by text        NOT NULL
);

CREATE TABLE IF NOT EXISTS witness_signatures (
    township  text        NOT NULL,
    size      bigint      NOT NULL,
    note      text        NOT NULL,
    signed_at timestamptz NOT NULL,
    signed_by text        NOT NULL,
    PRIMARY KEY (township, size)
);

CREATE OR REPLACE TRIGGER witness_signatures_append_only BEFORE UPDATE OR DELETE ON witness_signatures
    FOR EACH ROW EXECUTE FUNCTION linxian_events_append_only();

GRANT SELECT, INSERT, UPDATE ON witnesses TO linxian_app;
GRANT SELECT, INSERT ON witness_signatures TO linxian_app;

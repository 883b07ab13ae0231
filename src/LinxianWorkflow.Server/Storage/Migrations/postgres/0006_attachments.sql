-- Attached documents (issue 6): stored once by their SHA-256 (the engine's DocumentAttached event carries the
-- hash, so the history proves which file it was); type and size checked before storing. Append-only.
CREATE TABLE IF NOT EXISTS attachments (
    sha256      text        PRIMARY KEY,
    media_type  text        NOT NULL,
    size_bytes  bigint      NOT NULL,
    content     bytea          NOT NULL,
    stored_at   timestamptz         NOT NULL,
    stored_by   text        NOT NULL
);

CREATE OR REPLACE TRIGGER attachments_append_only BEFORE UPDATE OR DELETE ON attachments
    FOR EACH ROW EXECUTE FUNCTION linxian_events_append_only();

GRANT SELECT, INSERT ON attachments TO linxian_app;

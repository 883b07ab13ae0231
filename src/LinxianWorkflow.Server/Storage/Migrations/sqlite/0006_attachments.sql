-- Attached documents (issue 6): stored once by their SHA-256 (the engine's DocumentAttached event carries the
-- hash, so the history proves which file it was); type and size checked before storing. Append-only.
CREATE TABLE IF NOT EXISTS attachments (
    sha256      text        PRIMARY KEY,
    media_type  text        NOT NULL,
    size_bytes  integer     NOT NULL,
    content     blob          NOT NULL,
    stored_at   text         NOT NULL,
    stored_by   text        NOT NULL
);

CREATE TRIGGER IF NOT EXISTS attachments_no_update BEFORE UPDATE ON attachments
BEGIN
    SELECT RAISE(ABORT, 'attachments are append-only: UPDATE refused');
END;
CREATE TRIGGER IF NOT EXISTS attachments_no_delete BEFORE DELETE ON attachments
BEGIN
    SELECT RAISE(ABORT, 'attachments are append-only: DELETE refused');
END;

-- Contacts villagers leave with an objection (issue 14, PIPL): kept here, outside the append-only history, so that an
-- administrator can erase them once the matter is archived. The event keeps only an HMAC commitment to the contact.
CREATE TABLE IF NOT EXISTS objection_contacts (
    proposal_id  text        NOT NULL,
    objection_id text        NOT NULL,
    contact      text,
    lodged_at    timestamptz NOT NULL,
    erased_at    timestamptz,
    erased_by    text,
    PRIMARY KEY (proposal_id, objection_id)
);

GRANT SELECT, INSERT, UPDATE ON objection_contacts TO linxian_app;

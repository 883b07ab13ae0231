-- Contacts villagers leave with an objection (issue 14, PIPL): kept here, outside the append-only history, so that an
-- administrator can erase them once the matter is archived. The event keeps only an HMAC commitment to the contact.
CREATE TABLE IF NOT EXISTS objection_contacts (
    proposal_id  text NOT NULL,
    objection_id text NOT NULL,
    contact      text,
    lodged_at    text NOT NULL,
    erased_at    text,
    erased_by    text,
    PRIMARY KEY (proposal_id, objection_id)
);

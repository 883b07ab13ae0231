-- ASP.NET Core's data-protection key ring, shared by every node of a deployment (issue 16), so a form's anti-forgery
-- token from one node is accepted by another. One row per key (or revocation) element, stored by name, never changed;
-- the XML of a key is encrypted under a key derived from the privacy secret (docs/operations.md).
CREATE TABLE IF NOT EXISTS data_protection_keys (
    friendly_name text PRIMARY KEY,
    xml           text NOT NULL,
    stored_at     text NOT NULL
);

-- Notifications, continued (issue 17). A user sets their own phone number and confirms it with a one-time code sent to it;
-- until then it is not used. The code is kept only as a keyed hash, with its expiry and the tries spent on it, one per user
-- and channel. Each user says which channels they want. A provider's receipt (delivered or failed at the handset) is kept
-- on the delivery it answers.

ALTER TABLE users ADD COLUMN sms_wanted integer NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN wecom_wanted integer NOT NULL DEFAULT 1;

CREATE TABLE IF NOT EXISTS address_codes (
    user_id    text    NOT NULL REFERENCES users (id),
    channel    text    NOT NULL,
    address    text    NOT NULL,
    code_hash  text    NOT NULL,
    tries      integer NOT NULL DEFAULT 0,
    expires_at text    NOT NULL,
    created_at text    NOT NULL,
    PRIMARY KEY (user_id, channel)
);

ALTER TABLE deliveries ADD COLUMN receipt_status text NULL;
ALTER TABLE deliveries ADD COLUMN receipt_at text NULL;
ALTER TABLE deliveries ADD COLUMN receipt_detail text NULL;

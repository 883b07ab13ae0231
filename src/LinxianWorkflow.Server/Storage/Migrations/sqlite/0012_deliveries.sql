-- Notifications that reach people (issue 17): an outbox of deliveries, one row per notification, channel and
-- recipient, claimed with a lease (the single writer serialises claims), retried with back-off, dead after the
-- configured attempts. Recipients are keys (a user id, a group's area code, the log file).

ALTER TABLE notifications ADD COLUMN params text NOT NULL DEFAULT '[]';
ALTER TABLE notifications ADD COLUMN routed_at text NULL;
UPDATE notifications SET routed_at = delivered_at WHERE delivered_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS notifications_unrouted ON notifications (id) WHERE routed_at IS NULL;
-- delivered_at ("every channel took it") is no longer written: each delivery has its own state.
DROP INDEX IF EXISTS notifications_undelivered;

CREATE TABLE IF NOT EXISTS deliveries (
    id                  integer PRIMARY KEY AUTOINCREMENT,
    notification_id     integer NOT NULL REFERENCES notifications (id),
    channel             text    NOT NULL,
    recipient           text    NOT NULL,
    status              text    NOT NULL,
    attempts            integer NOT NULL DEFAULT 0,
    next_attempt_at     text    NOT NULL,
    claimed_until       text    NULL,
    last_error          text    NULL,
    provider_message_id text    NULL,
    sent_at             text    NULL,
    created_at          text    NOT NULL,
    UNIQUE (notification_id, channel, recipient)
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';

ALTER TABLE users ADD COLUMN phone text NULL;
ALTER TABLE users ADD COLUMN phone_verified_at text NULL;
ALTER TABLE users ADD COLUMN wecom_id text NULL;
ALTER TABLE users ADD COLUMN wecom_verified_at text NULL;

-- Notifications that reach people (issue 17): an outbox of deliveries, one row per notification, channel and
-- recipient, claimed with a lease (FOR UPDATE SKIP LOCKED) so two nodes never send the same row; retried with
-- back-off, dead after the configured attempts. Recipients are keys (a user id, a group's area code, the log file):
-- a phone number lives only on the user, where it can be changed or erased.

ALTER TABLE notifications ADD COLUMN IF NOT EXISTS params text NOT NULL DEFAULT '[]';
ALTER TABLE notifications ADD COLUMN IF NOT EXISTS routed_at timestamptz NULL;
UPDATE notifications SET routed_at = delivered_at WHERE delivered_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS notifications_unrouted ON notifications (id) WHERE routed_at IS NULL;
-- delivered_at ("every channel took it") is no longer written: each delivery has its own state.
DROP INDEX IF EXISTS notifications_undelivered;

CREATE TABLE IF NOT EXISTS deliveries (
    id                  bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notification_id     bigint      NOT NULL REFERENCES notifications (id),
    channel             text        NOT NULL,
    recipient           text        NOT NULL,
    status              text        NOT NULL,
    attempts            integer     NOT NULL DEFAULT 0,
    next_attempt_at     timestamptz NOT NULL,
    claimed_until       timestamptz NULL,
    last_error          text        NULL,
    provider_message_id text        NULL,
    sent_at             timestamptz NULL,
    created_at          timestamptz NOT NULL,
    UNIQUE (notification_id, channel, recipient)
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';

-- A user's addresses for the channels that reach a person; verified_at says who may be sent to.
ALTER TABLE users ADD COLUMN IF NOT EXISTS phone text NULL;
ALTER TABLE users ADD COLUMN IF NOT EXISTS phone_verified_at timestamptz NULL;
ALTER TABLE users ADD COLUMN IF NOT EXISTS wecom_id text NULL;
ALTER TABLE users ADD COLUMN IF NOT EXISTS wecom_verified_at timestamptz NULL;

GRANT SELECT, INSERT, UPDATE ON deliveries TO linxian_app;

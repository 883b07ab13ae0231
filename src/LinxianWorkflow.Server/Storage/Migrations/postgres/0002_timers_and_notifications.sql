-- Time (issue 4): a sweep claims due timers for a short lease (so two nodes do not both work on one), and
-- notifications for the in-app inbox and the delivery channels.

ALTER TABLE timers ADD COLUMN IF NOT EXISTS claimed_until timestamptz NULL;

CREATE TABLE IF NOT EXISTS notifications (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_id  text        NOT NULL,
    role         text        NOT NULL,
    area_path    text        NOT NULL,
    kind         text        NOT NULL,
    step_id      text        NOT NULL,
    text_zh      text        NOT NULL,
    text_en      text        NOT NULL,
    created_at   timestamptz NOT NULL,
    delivered_at timestamptz NULL
);
CREATE INDEX IF NOT EXISTS notifications_inbox ON notifications (role, area_path, created_at);
CREATE INDEX IF NOT EXISTS notifications_undelivered ON notifications (id) WHERE delivered_at IS NULL;

GRANT SELECT, INSERT, UPDATE ON notifications TO linxian_app;

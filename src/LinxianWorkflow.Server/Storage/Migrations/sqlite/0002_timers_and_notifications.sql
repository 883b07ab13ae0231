-- Time (issue 4): a sweep claims due timers for a short lease, and notifications for the inbox and channels.

ALTER TABLE timers ADD COLUMN claimed_until text NULL;

CREATE TABLE IF NOT EXISTS notifications (
    id           integer     PRIMARY KEY AUTOINCREMENT,
    instance_id  text        NOT NULL,
    role         text        NOT NULL,
    area_path    text        NOT NULL,
    kind         text        NOT NULL,
    step_id      text        NOT NULL,
    text_zh      text        NOT NULL,
    text_en      text        NOT NULL,
    created_at   text        NOT NULL,
    delivered_at text        NULL
);
CREATE INDEX IF NOT EXISTS notifications_inbox ON notifications (role, area_path, created_at);
CREATE INDEX IF NOT EXISTS notifications_undelivered ON notifications (id) WHERE delivered_at IS NULL;

-- Routine disclosure reminders (issue 4) are created once per village, kind and period, whichever node runs first.
CREATE UNIQUE INDEX IF NOT EXISTS notifications_routine_once ON notifications (instance_id, role, kind) WHERE kind = 'routine-disclosure';

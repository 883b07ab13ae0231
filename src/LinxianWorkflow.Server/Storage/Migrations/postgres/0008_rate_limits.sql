-- Attempts counted per key in a fixed window, shared by every node of a deployment (issue 16): failed sign-ins per client
-- address ("sign-in:<address>"). A key's row is reset when its window has passed and deleted a window later.
CREATE TABLE IF NOT EXISTS rate_limits (
    key               text        PRIMARY KEY,
    window_started_at timestamptz NOT NULL,
    hits              integer     NOT NULL
);

GRANT SELECT, INSERT, UPDATE, DELETE ON rate_limits TO linxian_app;

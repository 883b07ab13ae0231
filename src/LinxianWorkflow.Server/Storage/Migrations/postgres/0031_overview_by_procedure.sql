-- The overview counts one procedure at a time (issue 12: 四议两公开 and 人民调解 side by side): its aggregate filters
-- definition_key, which this index holds after the township, so the count stays index-only. It replaces proposals_overview.
CREATE INDEX IF NOT EXISTS proposals_overview_procedure ON proposals (township_code, definition_key, current_step, status, result, category, amount_fen);
DROP INDEX IF EXISTS proposals_overview;

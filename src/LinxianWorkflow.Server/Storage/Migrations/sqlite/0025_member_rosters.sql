-- Member registers (成员名册) per village and meeting kind (issue 14): who is summoned to a 党员大会, 村民代表会议 and so on,
-- so the 签到表 lists the members by name. Kept by the village's cadres; reference data, not part of any history.
CREATE TABLE IF NOT EXISTS member_rosters (
    village_code text NOT NULL,
    meeting_kind text NOT NULL,
    members      text NOT NULL,
    updated_at   text NOT NULL,
    updated_by   text NOT NULL,
    PRIMARY KEY (village_code, meeting_kind)
);

-- Every save of a register, kept: who changed it and to what (an auditor sees a name dropped before a meeting).
CREATE TABLE IF NOT EXISTS member_roster_changes (
    id            integer PRIMARY KEY AUTOINCREMENT,
    village_code  text NOT NULL,
    meeting_kind  text NOT NULL,
    members       text NOT NULL,
    changed_at    text NOT NULL,
    changed_by_id text NOT NULL,
    changed_by    text NOT NULL
);

CREATE INDEX IF NOT EXISTS member_roster_changes_village ON member_roster_changes (village_code, id);

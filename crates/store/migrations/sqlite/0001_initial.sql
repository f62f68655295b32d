-- Teams and their API keys; only key hashes are stored (D3).
CREATE TABLE teams (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams (id),
    key_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

-- Permalinks and their hosts. Deleting a permalink deletes its hosts, so
-- every token of it stops working at once (D18).
CREATE TABLE permalinks (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams (id),
    name TEXT NOT NULL,
    options TEXT NOT NULL,
    guest_token TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT
);

CREATE INDEX permalinks_by_team ON permalinks (team_id, created_at);

CREATE TABLE permalink_hosts (
    user_token TEXT PRIMARY KEY,
    permalink_id TEXT NOT NULL REFERENCES permalinks (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    avatar TEXT,
    created_at TEXT NOT NULL
);

CREATE INDEX hosts_by_permalink ON permalink_hosts (permalink_id);

-- One row per meeting: a room id can host many meetings over time, but only
-- one runs at once.
CREATE TABLE meetings (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams (id),
    room_id TEXT NOT NULL,
    name TEXT NOT NULL,
    options TEXT NOT NULL,
    guest_token TEXT NOT NULL,
    permalink_id TEXT,
    started_at TEXT NOT NULL,
    locked INTEGER NOT NULL DEFAULT 0,
    ever_connected INTEGER NOT NULL DEFAULT 0,
    ended_at TEXT,
    end_reason TEXT,
    ended_by TEXT
);

CREATE UNIQUE INDEX one_running_meeting_per_room ON meetings (team_id, room_id)
    WHERE ended_at IS NULL;
CREATE INDEX meetings_by_room ON meetings (team_id, room_id, started_at);
CREATE INDEX meetings_by_guest_token ON meetings (guest_token);

CREATE TABLE participants (
    access_key TEXT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    meeting_id TEXT NOT NULL REFERENCES meetings (id),
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    avatar TEXT,
    guest INTEGER NOT NULL,
    joined_at TEXT NOT NULL,
    host_token TEXT
);

CREATE INDEX participants_by_meeting ON participants (meeting_id);

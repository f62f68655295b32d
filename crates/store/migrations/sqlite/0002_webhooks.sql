-- Webhooks (spec 3.13): at most one per API key; registering again replaces
-- it, and its undelivered events with it. `types` is stored as
-- ",room_update,participant_update," so that one instr() finds a type.
-- `signing_key` holds the SHA-256 midstates of the HMAC pads of the API key
-- that registered the webhook: enough to sign, useless to call the API, and
-- the key cannot be recovered from it (docs/webhooks.md).
CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL REFERENCES teams (id),
    api_key_id TEXT NOT NULL UNIQUE REFERENCES api_keys (id),
    url TEXT NOT NULL,
    types TEXT NOT NULL,
    signing_key BLOB NOT NULL,
    created_at TEXT NOT NULL,
    last_request_sent_at TEXT,
    last_response_code INTEGER
);

CREATE INDEX webhooks_by_team ON webhooks (team_id);

-- Events waiting for delivery, one row per webhook and event, written in the
-- same transaction as the change that caused them. `seq` never repeats
-- (AUTOINCREMENT), so it orders each (webhook, room) queue.
CREATE TABLE webhook_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    room_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX outbox_queues ON webhook_outbox (webhook_id, room_id, seq);

-- Whether a participant's realtime connection is open. Presence lives in
-- memory, but this mirror lets an offline event be written exactly once for
-- every online one, also when the process stopped without closing them.
ALTER TABLE participants ADD COLUMN online INTEGER NOT NULL DEFAULT 0;

-- A reservation is settled once: at most one settlement row per message.
-- Reservation rows carry the note 'reserve'; every other row with a message
-- id is its settlement (grants have none). Concurrent settlers of the same
-- reply (a late live settlement, the sweeps of several instances) cannot
-- both write one.
CREATE UNIQUE INDEX IF NOT EXISTS usage_ledger_settlement ON usage_ledger (message_id)
    WHERE message_id IS NOT NULL AND note <> 'reserve';

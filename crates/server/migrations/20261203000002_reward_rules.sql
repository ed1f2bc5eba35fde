-- What the reward rules decided for each tip, and the counter they need to be exact on replay.
-- Same portability rules as the initial schema: BIGINT numbers and times, TEXT enumerations,
-- every constraint and index named.

-- The tip's place among all tips to its creator, counting from 1: every Nth one is a golden
-- sticker, so the count is stored with the tip rather than recounted.
ALTER TABLE tips ADD COLUMN creator_seq BIGINT;
-- The order an `ORDER:<id>` memo refers to.
ALTER TABLE tips ADD COLUMN order_ref TEXT;
-- Whether the rules awarded anything, and in words what or why not. NULL for tips stored
-- before the rules existed.
ALTER TABLE tips ADD COLUMN reward_outcome TEXT
    CONSTRAINT tips_reward_outcome_known CHECK (reward_outcome IN ('rewarded', 'unrewarded'));
ALTER TABLE tips ADD COLUMN reward_note TEXT;

-- Tips stored earlier get their place in the order they were made.
UPDATE tips SET creator_seq = (
    SELECT COUNT(*) FROM tips AS earlier
    WHERE earlier.creator = tips.creator
      AND (earlier.round < tips.round
           OR (earlier.round = tips.round AND earlier.intra_round <= tips.intra_round))
);

-- Two tips can never share a place, even if two ingesters raced.
CREATE UNIQUE INDEX tips_creator_seq_key ON tips (creator, creator_seq);
CREATE INDEX tips_by_order_ref ON tips (order_ref);
-- The listener looks up jobs and their NFTs by asset when it sees opt-ins and transfers.
CREATE INDEX reward_jobs_by_asset ON reward_jobs (asset_id);

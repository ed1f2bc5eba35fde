-- Every (fan, creator) pair's tip count and µAlgo, added to in the transaction that stores the
-- tips, so that a fan's statistics and the leaderboards read one row per pair instead of every
-- tip the fan or creator ever sent or received.
CREATE TABLE fan_creator_totals (
    fan         TEXT   NOT NULL,
    creator     TEXT   NOT NULL,
    tips        BIGINT NOT NULL,
    total_micro BIGINT NOT NULL,
    CONSTRAINT fan_creator_totals_pkey PRIMARY KEY (fan, creator)
);
-- A creator's board ranks their fans by µAlgo: read in that order, it stops at its limit. A
-- fan's own creators are found by the primary key.
CREATE INDEX fan_creator_totals_by_creator
    ON fan_creator_totals (creator, total_micro DESC, fan);

INSERT INTO fan_creator_totals (fan, creator, tips, total_micro)
    SELECT fan, creator, COUNT(*), SUM(amount_micro) FROM tips GROUP BY fan, creator;

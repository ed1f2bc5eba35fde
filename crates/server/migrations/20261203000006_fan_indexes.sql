-- Indexes for the fan and leaderboard reads, each covering its query so that the aggregates
-- read only the index:
-- * a fan's collection is listed newest first and paged by (minted_at, asset_id), and counted by
--   variant, kind and delivery;
-- * a creator's leaderboard counts each fan's rewards from that creator;
-- * a fan's statistics group their tips by creator, and the leaderboards group tips by creator
--   and fan.
CREATE INDEX nfts_by_owner_minted ON nfts (owner, minted_at, asset_id);
CREATE INDEX nfts_by_owner_totals ON nfts (owner, variant, kind, delivery);
CREATE INDEX nfts_by_creator_owner ON nfts (creator, owner);
CREATE INDEX tips_by_fan_creator ON tips (fan, creator, amount_micro);
CREATE INDEX tips_by_creator_fan ON tips (creator, fan, amount_micro);

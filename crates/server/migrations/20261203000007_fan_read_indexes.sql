-- Covering indexes for the fan and leaderboard aggregates, so they read only the index:
-- * a fan's collection is counted by variant, kind and delivery on every page;
-- * a fan's statistics group their tips by creator;
-- * the leaderboards group tips by creator and fan.
CREATE INDEX nfts_by_owner_totals ON nfts (owner, variant, kind, delivery);
CREATE INDEX tips_by_fan_creator ON tips (fan, creator, amount_micro);
CREATE INDEX tips_by_creator_fan ON tips (creator, fan, amount_micro);

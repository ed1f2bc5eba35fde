-- A fan's collection is listed newest first and paged by (minted_at, asset_id); a creator's
-- leaderboard counts each fan's rewards from that creator.
CREATE INDEX nfts_by_owner_minted ON nfts (owner, minted_at, asset_id);
CREATE INDEX nfts_by_creator_owner ON nfts (creator, owner);

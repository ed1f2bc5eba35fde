-- The minter's bookkeeping (same portability rules as the initial schema).

-- A worker claims due jobs by stamping them with its claim token and pushing next_attempt_at
-- forward by the claim timeout: the stamp finds the claimed rows again, and the pushed time is
-- the lease after which another worker may take an unfinished job over.
ALTER TABLE reward_jobs ADD COLUMN claim_token TEXT;
CREATE INDEX reward_jobs_claim ON reward_jobs (claim_token);

-- Rewards of an edition share their template's asset, so one asset id appears on many rows:
-- the table is rebuilt without its unique asset key (SQLite cannot drop a constraint), and
-- gains the rounds a reward was minted and delivered in, for latency figures and batch checks.
CREATE TABLE nfts_rebuild AS SELECT * FROM nfts;
DROP TABLE nfts;
CREATE TABLE nfts (
    tip_txid        TEXT   NOT NULL,
    kind            TEXT   NOT NULL,
    asset_id        BIGINT NOT NULL,
    template_id     TEXT   NOT NULL,
    owner           TEXT   NOT NULL,
    creator         TEXT   NOT NULL,
    variant         TEXT   NOT NULL,
    delivery        TEXT   NOT NULL,
    delivery_txid   TEXT,
    minted_at       BIGINT NOT NULL,
    expires_at      BIGINT,
    minted_round    BIGINT,
    delivered_round BIGINT,
    CONSTRAINT nfts_pkey PRIMARY KEY (tip_txid, kind),
    CONSTRAINT nfts_job_fkey FOREIGN KEY (tip_txid, kind) REFERENCES reward_jobs (tip_txid, kind),
    CONSTRAINT nfts_template_fkey FOREIGN KEY (template_id) REFERENCES templates (id),
    CONSTRAINT nfts_variant_known CHECK (variant IN ('soulbound', 'golden')),
    CONSTRAINT nfts_delivery_known CHECK (delivery IN ('delivered', 'awaiting_optin'))
);
INSERT INTO nfts (tip_txid, kind, asset_id, template_id, owner, creator, variant, delivery,
                  delivery_txid, minted_at, expires_at)
    SELECT tip_txid, kind, asset_id, template_id, owner, creator, variant, delivery,
           delivery_txid, minted_at, expires_at
    FROM nfts_rebuild;
DROP TABLE nfts_rebuild;
CREATE INDEX nfts_by_owner ON nfts (owner, kind);
CREATE INDEX nfts_awaiting_optin ON nfts (delivery, owner);
CREATE INDEX nfts_by_asset ON nfts (asset_id, owner);

-- Edition templates: each variant's asset is minted once (total = the edition size) and each
-- reward transfers one unit of it. The in-flight columns play the same part as on reward_jobs.
CREATE TABLE template_assets (
    template_id         TEXT   NOT NULL,
    variant             TEXT   NOT NULL,
    total               BIGINT NOT NULL,
    asset_id            BIGINT,
    inflight_txn_base64 TEXT,
    inflight_txid       TEXT,
    inflight_last_valid BIGINT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    CONSTRAINT template_assets_pkey PRIMARY KEY (template_id, variant),
    CONSTRAINT template_assets_asset_key UNIQUE (asset_id),
    CONSTRAINT template_assets_template_fkey FOREIGN KEY (template_id) REFERENCES templates (id),
    CONSTRAINT template_assets_variant_known CHECK (variant IN ('soulbound', 'golden')),
    CONSTRAINT template_assets_total_positive CHECK (total > 0)
);

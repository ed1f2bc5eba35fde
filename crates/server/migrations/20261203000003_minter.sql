-- The minter's bookkeeping (same portability rules as the initial schema).

-- A worker claims due jobs by stamping them with its claim token and pushing next_attempt_at
-- forward by the claim timeout: the stamp finds the claimed rows again, and the pushed time is
-- the lease after which another worker may take an unfinished job over.
ALTER TABLE reward_jobs ADD COLUMN claim_token TEXT;
CREATE INDEX reward_jobs_claim ON reward_jobs (claim_token);

-- The rounds a reward was minted and delivered in, for latency figures and batch checks.
ALTER TABLE nfts ADD COLUMN minted_round BIGINT;
ALTER TABLE nfts ADD COLUMN delivered_round BIGINT;

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

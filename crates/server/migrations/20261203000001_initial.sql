-- TipForge's schema, one text for SQLite and PostgreSQL.
--
-- Portability rules (the server talks to both through sqlx's `Any` driver):
-- * integers are BIGINT: amounts in µAlgo, rounds, app and asset ids. Never floats.
-- * times are BIGINT milliseconds since the Unix epoch, which is UTC by definition.
-- * there is no portable boolean or byte-string type, so flags are nullable timestamps or
--   enumerated TEXT, and bytes are base64 TEXT.
-- * every constraint and index is named: the store maps violations to domain outcomes by name
--   (see `store::constraint`), so renaming one here means renaming it there.

CREATE TABLE users (
    wallet     TEXT   NOT NULL,
    role       TEXT   NOT NULL DEFAULT 'fan',
    username   TEXT,
    created_at BIGINT NOT NULL,
    CONSTRAINT users_pkey PRIMARY KEY (wallet),
    CONSTRAINT users_role_known CHECK (role IN ('fan', 'creator'))
);
CREATE UNIQUE INDEX users_username_key ON users (username);

-- A creator's TipProxy applications. A contract is active until it is retired; at most one is
-- active per creator, enforced by a partial unique index so that two concurrent registrations
-- cannot both succeed.
CREATE TABLE contracts (
    app_id      BIGINT NOT NULL,
    creator     TEXT   NOT NULL,
    app_address TEXT   NOT NULL,
    version     BIGINT NOT NULL DEFAULT 1,
    deployed_at BIGINT NOT NULL,
    retired_at  BIGINT,
    CONSTRAINT contracts_pkey PRIMARY KEY (app_id),
    CONSTRAINT contracts_app_address_key UNIQUE (app_address),
    CONSTRAINT contracts_creator_fkey FOREIGN KEY (creator) REFERENCES users (wallet),
    CONSTRAINT contracts_app_id_positive CHECK (app_id > 0)
);
CREATE UNIQUE INDEX contracts_one_active_per_creator ON contracts (creator)
    WHERE retired_at IS NULL;

-- Reward templates. Rule parameters are per kind; the service validates which apply.
CREATE TABLE templates (
    id                 TEXT   NOT NULL,
    creator            TEXT   NOT NULL,
    kind               TEXT   NOT NULL,
    name               TEXT   NOT NULL,
    supply             TEXT   NOT NULL DEFAULT 'unique',
    edition_size       BIGINT,
    image_cid          TEXT   NOT NULL,
    image_mime         TEXT   NOT NULL,
    metadata_cid       TEXT   NOT NULL,
    metadata_url       TEXT   NOT NULL,
    metadata_hash      TEXT   NOT NULL,
    threshold_micro    BIGINT,
    every_nth_tip      BIGINT,
    price_micro        BIGINT,
    validity_days      BIGINT,
    golden_odds_bps    BIGINT,
    created_at         BIGINT NOT NULL,
    CONSTRAINT templates_pkey PRIMARY KEY (id),
    CONSTRAINT templates_creator_fkey FOREIGN KEY (creator) REFERENCES users (wallet),
    CONSTRAINT templates_creator_name_key UNIQUE (creator, name),
    CONSTRAINT templates_kind_known
        CHECK (kind IN ('sticker', 'loyalty_badge', 'membership', 'collectible')),
    CONSTRAINT templates_supply_known CHECK (supply IN ('unique', 'edition')),
    CONSTRAINT templates_edition_sized
        CHECK ((supply = 'edition') = (edition_size IS NOT NULL AND edition_size > 0)),
    CONSTRAINT templates_parameters_non_negative CHECK (
        COALESCE(threshold_micro, 0) >= 0 AND COALESCE(every_nth_tip, 1) > 0
        AND COALESCE(price_micro, 0) >= 0 AND COALESCE(validity_days, 1) > 0
        AND COALESCE(golden_odds_bps, 0) BETWEEN 0 AND 10000
    )
);
CREATE INDEX templates_by_creator ON templates (creator, kind);

-- Tips seen on chain. The txid makes a replayed batch harmless; (round, intra_round) orders them
-- and is the pagination key.
CREATE TABLE tips (
    txid         TEXT   NOT NULL,
    round        BIGINT NOT NULL,
    intra_round  BIGINT NOT NULL,
    app_id       BIGINT NOT NULL,
    fan          TEXT   NOT NULL,
    creator      TEXT   NOT NULL,
    amount_micro BIGINT NOT NULL,
    memo_base64  TEXT   NOT NULL,
    memo_text    TEXT   NOT NULL,
    ingested_at  BIGINT NOT NULL,
    CONSTRAINT tips_pkey PRIMARY KEY (txid),
    CONSTRAINT tips_position_key UNIQUE (round, intra_round),
    CONSTRAINT tips_app_fkey FOREIGN KEY (app_id) REFERENCES contracts (app_id),
    CONSTRAINT tips_amount_positive CHECK (amount_micro > 0)
);
CREATE INDEX tips_by_creator ON tips (creator, round, intra_round);
CREATE INDEX tips_by_fan ON tips (fan, round, intra_round);

-- One durable job per (tip, reward kind). The in-flight columns hold the signed transaction
-- before it is sent, so a restart asks the chain about it instead of minting twice.
CREATE TABLE reward_jobs (
    tip_txid            TEXT   NOT NULL,
    kind                TEXT   NOT NULL,
    template_id         TEXT,
    variant             TEXT   NOT NULL DEFAULT 'soulbound',
    state               TEXT   NOT NULL DEFAULT 'queued',
    attempts            BIGINT NOT NULL DEFAULT 0,
    next_attempt_at     BIGINT NOT NULL,
    last_error          TEXT,
    error_class         TEXT,
    inflight_txn_base64 TEXT,
    inflight_txid       TEXT,
    inflight_last_valid BIGINT,
    asset_id            BIGINT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    CONSTRAINT reward_jobs_pkey PRIMARY KEY (tip_txid, kind),
    CONSTRAINT reward_jobs_tip_fkey FOREIGN KEY (tip_txid) REFERENCES tips (txid),
    CONSTRAINT reward_jobs_template_fkey FOREIGN KEY (template_id) REFERENCES templates (id),
    CONSTRAINT reward_jobs_kind_known
        CHECK (kind IN ('sticker', 'loyalty_badge', 'membership', 'collectible')),
    CONSTRAINT reward_jobs_variant_known CHECK (variant IN ('soulbound', 'golden')),
    CONSTRAINT reward_jobs_state_known CHECK (state IN (
        'queued', 'minting', 'minted', 'delivering', 'done', 'awaiting_optin', 'failed', 'dead'
    )),
    CONSTRAINT reward_jobs_error_class_known
        CHECK (error_class IS NULL OR error_class IN ('transient', 'permanent', 'operator')),
    CONSTRAINT reward_jobs_inflight_complete CHECK (
        (inflight_txid IS NULL AND inflight_txn_base64 IS NULL AND inflight_last_valid IS NULL)
        OR (inflight_txid IS NOT NULL AND inflight_txn_base64 IS NOT NULL
            AND inflight_last_valid IS NOT NULL)
    )
);
CREATE INDEX reward_jobs_due ON reward_jobs (state, next_attempt_at);

-- Minted rewards, one per reward job.
CREATE TABLE nfts (
    tip_txid      TEXT   NOT NULL,
    kind          TEXT   NOT NULL,
    asset_id      BIGINT NOT NULL,
    template_id   TEXT   NOT NULL,
    owner         TEXT   NOT NULL,
    creator       TEXT   NOT NULL,
    variant       TEXT   NOT NULL,
    delivery      TEXT   NOT NULL,
    delivery_txid TEXT,
    minted_at     BIGINT NOT NULL,
    expires_at    BIGINT,
    CONSTRAINT nfts_pkey PRIMARY KEY (tip_txid, kind),
    CONSTRAINT nfts_asset_key UNIQUE (asset_id),
    CONSTRAINT nfts_job_fkey FOREIGN KEY (tip_txid, kind) REFERENCES reward_jobs (tip_txid, kind),
    CONSTRAINT nfts_template_fkey FOREIGN KEY (template_id) REFERENCES templates (id),
    CONSTRAINT nfts_variant_known CHECK (variant IN ('soulbound', 'golden')),
    CONSTRAINT nfts_delivery_known CHECK (delivery IN ('delivered', 'awaiting_optin'))
);
CREATE INDEX nfts_by_owner ON nfts (owner, kind);
CREATE INDEX nfts_awaiting_optin ON nfts (delivery, owner);

CREATE TABLE loyalty (
    fan             TEXT   NOT NULL,
    creator         TEXT   NOT NULL,
    qualifying_tips BIGINT NOT NULL DEFAULT 0,
    total_micro     BIGINT NOT NULL DEFAULT 0,
    badges          BIGINT NOT NULL DEFAULT 0,
    updated_at      BIGINT NOT NULL,
    CONSTRAINT loyalty_pkey PRIMARY KEY (fan, creator)
);
CREATE INDEX loyalty_by_creator ON loyalty (creator, badges, total_micro);

-- One row per membership purchase or renewal: history rows are kept, so there is deliberately
-- no uniqueness on (fan, creator).
CREATE TABLE memberships (
    tip_txid   TEXT   NOT NULL,
    fan        TEXT   NOT NULL,
    creator    TEXT   NOT NULL,
    asset_id   BIGINT,
    starts_at  BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT,
    CONSTRAINT memberships_pkey PRIMARY KEY (tip_txid),
    CONSTRAINT memberships_tip_fkey FOREIGN KEY (tip_txid) REFERENCES tips (txid),
    CONSTRAINT memberships_period_valid CHECK (expires_at > starts_at)
);
CREATE INDEX memberships_by_fan_creator ON memberships (fan, creator, expires_at);

-- The listener's progress per network, advanced in the transaction that stores the tips it
-- covers. The lease columns let exactly one of several instances ingest.
CREATE TABLE listener_state (
    genesis_hash     TEXT   NOT NULL,
    watermark_round  BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    lease_holder     TEXT,
    lease_expires_at BIGINT,
    CONSTRAINT listener_state_pkey PRIMARY KEY (genesis_hash),
    CONSTRAINT listener_state_round_non_negative CHECK (watermark_round >= 0)
);

CREATE TABLE auth_challenges (
    nonce      TEXT   NOT NULL,
    wallet     TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT,
    CONSTRAINT auth_challenges_pkey PRIMARY KEY (nonce)
);
CREATE INDEX auth_challenges_expiry ON auth_challenges (expires_at);

CREATE TABLE idempotency_keys (
    idempotency_key TEXT   NOT NULL,
    wallet          TEXT,
    request_hash    TEXT   NOT NULL,
    response_status BIGINT,
    response_body   TEXT,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (idempotency_key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- Creator registrations: one row per creator, claimed before anything is deployed, so that of
-- several concurrent registrations (in one process or across instances sharing PostgreSQL)
-- exactly one deploys a contract and the others wait for its outcome.
--
-- A claim is held by one request (`claimed_by`, a random token) until `state` leaves
-- 'deploying'; a claim older than the service's takeover age may be taken over. Before the
-- create transaction is sent its id and last valid round are stored, so whoever takes the row
-- over (after a crash or a failure) first asks the chain what became of it instead of
-- deploying a second contract.
CREATE TABLE registrations (
    creator     TEXT   NOT NULL,
    state       TEXT   NOT NULL,
    claimed_by  TEXT   NOT NULL,
    claimed_at  BIGINT NOT NULL,
    min_tip     BIGINT NOT NULL,
    create_txid TEXT,
    last_valid  BIGINT,
    app_id      BIGINT,
    last_error  TEXT,
    updated_at  BIGINT NOT NULL,
    CONSTRAINT registrations_pkey PRIMARY KEY (creator),
    CONSTRAINT registrations_creator_fkey FOREIGN KEY (creator) REFERENCES users (wallet),
    CONSTRAINT registrations_state_known CHECK (state IN ('deploying', 'deployed', 'failed')),
    CONSTRAINT registrations_min_tip_positive CHECK (min_tip > 0),
    CONSTRAINT registrations_create_complete CHECK (
        (create_txid IS NULL AND last_valid IS NULL)
        OR (create_txid IS NOT NULL AND last_valid IS NOT NULL)
    ),
    CONSTRAINT registrations_deployed_has_app CHECK (state <> 'deployed' OR app_id IS NOT NULL)
);

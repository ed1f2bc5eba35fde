-- Workers claim the earliest due jobs among those still to be worked. Ordered by due time
-- across several states, the (state, next_attempt_at) index makes every claim read and sort
-- all due jobs, so claims slow down exactly when a backlog builds; this index holds only
-- claimable jobs in due order, and a claim reads just the jobs it takes.
CREATE INDEX reward_jobs_claimable ON reward_jobs (next_attempt_at)
    WHERE state IN ('queued', 'minting', 'minted', 'delivering', 'failed');

-- Ingest counts the rewards already issued from each edition template, variant by variant, so
-- that an edition never gets more rewards than it has units: the count reads only this index.
CREATE INDEX reward_jobs_by_template ON reward_jobs (template_id, variant);

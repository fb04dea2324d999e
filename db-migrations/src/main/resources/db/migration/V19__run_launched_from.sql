-- A run launched again with changes from another run's page records that run, so a run's page can lead back to the
-- run it was made from.
ALTER TABLE runs ADD COLUMN launched_from bigint REFERENCES runs (id);

-- Run progress shown on the live run page: the device the worker trains on, and the step it reached of how many.
ALTER TABLE runs
    ADD COLUMN device      varchar(64),
    ADD COLUMN step        integer NOT NULL DEFAULT 0,
    ADD COLUMN total_steps integer,
    ADD CONSTRAINT runs_step_ck CHECK (step >= 0 AND (total_steps IS NULL OR total_steps >= 0));

-- Onboarding any council: dated post-holding, posts that report to posts, units that close,
-- and one open unit of a kind and name under a parent.
--
-- Kept in step with ../sqlite/0005_dated_posts.sql (the `schema_parity` test compares them).

-- Who held a post and when: from `held_from` up to the day before `held_to` (the first day
-- without them), or still held when `held_to` is NULL. Independence rules ask who held the
-- head-of-service post on the day of an interview, so holdings are never overwritten.
CREATE UNIQUE INDEX posts_scoped ON posts (authority_id, id);
ALTER TABLE posts ADD COLUMN reports_to_id BIGINT REFERENCES posts (id);

CREATE TABLE post_holdings (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    authority_id TEXT NOT NULL,
    post_id      BIGINT NOT NULL,
    worker_id    BIGINT NOT NULL,
    held_from    DATE NOT NULL,
    held_to      DATE,
    created_at   TIMESTAMPTZ NOT NULL,
    CONSTRAINT post_holdings_post FOREIGN KEY (authority_id, post_id) REFERENCES posts (authority_id, id),
    CONSTRAINT post_holdings_worker FOREIGN KEY (authority_id, worker_id) REFERENCES workers (authority_id, id),
    CONSTRAINT post_holdings_dates CHECK (held_to IS NULL OR held_from < held_to)
);
CREATE INDEX post_holdings_by_post ON post_holdings (authority_id, post_id);

-- Existing holders held their posts from the day the post was created. `posts.holder_id` is
-- retired (always NULL from here on, as in SQLite, which cannot drop it).
INSERT INTO post_holdings (authority_id, post_id, worker_id, held_from, held_to, created_at)
    SELECT authority_id, id, holder_id, (created_at AT TIME ZONE 'UTC')::date, NULL, created_at
    FROM posts WHERE holder_id IS NOT NULL;
UPDATE posts SET holder_id = NULL;

-- A unit closes on a day; its history stays. `name_key` is the name as compared (spaces
-- collapsed, lower case), written by the application.
ALTER TABLE org_units ADD COLUMN closed_on DATE;
ALTER TABLE org_units ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
-- Runs of white space collapsed to one space, as the application's `unit_name_key` does.
UPDATE org_units SET name_key = lower(regexp_replace(trim(name), '\s+', ' ', 'g'));

-- Two imports naming the same new team at once never make two teams.
CREATE UNIQUE INDEX org_units_one_open_name ON org_units (authority_id, parent_id, kind, name_key)
    WHERE closed_on IS NULL AND parent_id IS NOT NULL;
CREATE UNIQUE INDEX org_units_one_open_top_name ON org_units (authority_id, kind, name_key)
    WHERE closed_on IS NULL AND parent_id IS NULL;

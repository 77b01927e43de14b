-- Onboarding any council: dated post-holding, posts that report to posts, units that close,
-- and one open unit of a kind and name under a parent.
--
-- Kept in step with ../postgres/0005_dated_posts.sql (the `schema_parity` test compares them).

-- Who held a post and when: from `held_from` up to the day before `held_to` (the first day
-- without them), or still held when `held_to` is NULL. Independence rules ask who held the
-- head-of-service post on the day of an interview, so holdings are never overwritten.
CREATE UNIQUE INDEX posts_scoped ON posts (authority_id, id);
ALTER TABLE posts ADD COLUMN reports_to_id INTEGER REFERENCES posts (id);

CREATE TABLE post_holdings (
    id           INTEGER NOT NULL PRIMARY KEY,
    authority_id TEXT NOT NULL,
    post_id      INTEGER NOT NULL,
    worker_id    INTEGER NOT NULL,
    held_from    TEXT NOT NULL,
    held_to      TEXT,
    created_at   TEXT NOT NULL,
    CONSTRAINT post_holdings_post FOREIGN KEY (authority_id, post_id) REFERENCES posts (authority_id, id),
    CONSTRAINT post_holdings_worker FOREIGN KEY (authority_id, worker_id) REFERENCES workers (authority_id, id),
    CONSTRAINT post_holdings_dates CHECK (held_to IS NULL OR held_from < held_to)
) STRICT;
CREATE INDEX post_holdings_by_post ON post_holdings (authority_id, post_id);

-- Existing holders held their posts from the day the post was created. `posts.holder_id` is
-- retired (always NULL from here on; SQLite cannot drop a column inside a foreign key).
INSERT INTO post_holdings (authority_id, post_id, worker_id, held_from, held_to, created_at)
    SELECT authority_id, id, holder_id, substr(created_at, 1, 10), NULL, created_at
    FROM posts WHERE holder_id IS NOT NULL;
UPDATE posts SET holder_id = NULL;

-- A unit closes on a day; its history stays. `name_key` is the name as compared (spaces
-- collapsed, lower case), written by the application.
ALTER TABLE org_units ADD COLUMN closed_on TEXT;
ALTER TABLE org_units ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
-- Repeated spaces collapsed (up to eight in a row; names are single lines), as the
-- application's `unit_name_key` does.
UPDATE org_units SET name_key =
    lower(replace(replace(replace(trim(name), '  ', ' '), '  ', ' '), '  ', ' '));

-- Two imports naming the same new team at once never make two teams.
CREATE UNIQUE INDEX org_units_one_open_name ON org_units (authority_id, parent_id, kind, name_key)
    WHERE closed_on IS NULL AND parent_id IS NOT NULL;
CREATE UNIQUE INDEX org_units_one_open_top_name ON org_units (authority_id, kind, name_key)
    WHERE closed_on IS NULL AND parent_id IS NULL;

-- Workforce records: authorities (tenants), their organisation and posts, workers and their
-- history, and the framework versions each authority uses.
--
-- Kept in step with ../sqlite/0001_workforce.sql: the `schema_parity` test compares the two
-- migrated schemas table by table (columns, nullability, primary and foreign keys).
--
-- Tenancy is enforced by the database as well as by the queries: every table carries
-- authority_id, and every reference between records is a composite foreign key through
-- (authority_id, id), so a row can never point at another authority's records.

CREATE TABLE authorities (
    id          TEXT NOT NULL PRIMARY KEY,
    name        TEXT NOT NULL,
    version     BIGINT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE org_units (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authorities (id),
    kind         TEXT NOT NULL CHECK (kind IN ('service', 'locality', 'team')),
    name         TEXT NOT NULL,
    parent_id    BIGINT,
    version      BIGINT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    CONSTRAINT org_units_scoped UNIQUE (authority_id, id),
    CONSTRAINT org_units_parent FOREIGN KEY (authority_id, parent_id) REFERENCES org_units (authority_id, id)
);

CREATE TABLE workers (
    id                        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    authority_id              TEXT NOT NULL REFERENCES authorities (id),
    employee_number           TEXT NOT NULL,
    name                      TEXT NOT NULL,
    employment                TEXT NOT NULL CHECK (employment IN ('permanent', 'agency', 'secondment')),
    started_on                DATE NOT NULL,
    left_on                   DATE,
    unit_id                   BIGINT,
    qualification_title       TEXT,
    qualification_institution TEXT,
    qualified_on              DATE,
    swe_number                TEXT,
    swe_status                TEXT,
    swe_renewal_due           DATE,
    asye_cohort               TEXT,
    asye_started_on           DATE,
    asye_assessor_id          BIGINT,
    asye_status               TEXT,
    asye_outcome              TEXT,
    asye_outcome_on           DATE,
    version                   BIGINT NOT NULL,
    created_at                TIMESTAMPTZ NOT NULL,
    updated_at                TIMESTAMPTZ NOT NULL,
    CONSTRAINT workers_scoped UNIQUE (authority_id, id),
    CONSTRAINT workers_employee_number UNIQUE (authority_id, employee_number),
    CONSTRAINT workers_swe_number UNIQUE (authority_id, swe_number),
    CONSTRAINT workers_unit FOREIGN KEY (authority_id, unit_id) REFERENCES org_units (authority_id, id),
    CONSTRAINT workers_asye_assessor FOREIGN KEY (authority_id, asye_assessor_id) REFERENCES workers (authority_id, id),
    CONSTRAINT workers_qualification_whole CHECK (
        (qualification_title IS NULL) = (qualification_institution IS NULL)
        AND (qualification_title IS NULL) = (qualified_on IS NULL)),
    CONSTRAINT workers_registration_whole CHECK ((swe_number IS NULL) = (swe_status IS NULL)),
    CONSTRAINT workers_asye_status CHECK (
        asye_status IN ('not-started', 'in-progress', 'extended', 'completed', 'withdrawn')),
    CONSTRAINT workers_asye_outcome CHECK (
        asye_outcome IN ('passed', 'failed', 'nqsw-portfolio-pre-2013', 'asye-exempt')),
    CONSTRAINT workers_asye_outcome_dated CHECK ((asye_outcome IS NULL) = (asye_outcome_on IS NULL))
);

CREATE TABLE posts (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    authority_id TEXT NOT NULL REFERENCES authorities (id),
    unit_id      BIGINT NOT NULL,
    role         TEXT NOT NULL,
    holder_id    BIGINT,
    version      BIGINT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    CONSTRAINT posts_unit FOREIGN KEY (authority_id, unit_id) REFERENCES org_units (authority_id, id),
    CONSTRAINT posts_holder FOREIGN KEY (authority_id, holder_id) REFERENCES workers (authority_id, id)
);
CREATE INDEX posts_by_unit ON posts (authority_id, unit_id);

-- A worker's level/grade/point history: one row per change, never overwritten.
CREATE TABLE timeline_entries (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    authority_id TEXT NOT NULL,
    worker_id    BIGINT NOT NULL,
    starts_on    DATE NOT NULL,
    framework_id TEXT NOT NULL,
    level_id     TEXT NOT NULL,
    grade_id     TEXT,
    pay_point    TEXT,
    reason       TEXT NOT NULL CHECK (reason IN (
        'appointed', 'progression', 'asye-completed', 'increment', 'regrading', 'correction', 'other')),
    note         TEXT,
    version      BIGINT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    CONSTRAINT timeline_entries_one_per_day UNIQUE (worker_id, starts_on),
    CONSTRAINT timeline_entries_worker FOREIGN KEY (authority_id, worker_id) REFERENCES workers (authority_id, id)
);
CREATE INDEX timeline_entries_by_worker ON timeline_entries (authority_id, worker_id);

CREATE TABLE awards (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    authority_id TEXT NOT NULL,
    worker_id    BIGINT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN (
        'pq-award', 'peps-stage-1', 'peps-stage-2', 'postgraduate-certificate', 'postgraduate-diploma',
        'masters', 'course')),
    title        TEXT NOT NULL,
    provider     TEXT,
    completed_on DATE NOT NULL,
    version      BIGINT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    CONSTRAINT awards_worker FOREIGN KEY (authority_id, worker_id) REFERENCES workers (authority_id, id)
);
CREATE INDEX awards_by_worker ON awards (authority_id, worker_id);

CREATE TABLE appraisals (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    authority_id TEXT NOT NULL,
    worker_id    BIGINT NOT NULL,
    held_on      DATE NOT NULL,
    reviewer_id  BIGINT,
    outcome      TEXT NOT NULL CHECK (outcome IN (
        'ready-to-apply-for-progression', 'meeting-expectations', 'not-yet-ready', 'performance-concerns')),
    summary      TEXT,
    version      BIGINT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    CONSTRAINT appraisals_worker FOREIGN KEY (authority_id, worker_id) REFERENCES workers (authority_id, id),
    CONSTRAINT appraisals_reviewer FOREIGN KEY (authority_id, reviewer_id) REFERENCES workers (authority_id, id)
);
CREATE INDEX appraisals_by_worker ON appraisals (authority_id, worker_id);

CREATE TABLE development_goals (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    authority_id TEXT NOT NULL,
    worker_id    BIGINT NOT NULL,
    goal         TEXT NOT NULL,
    set_on       DATE NOT NULL,
    due_on       DATE,
    status       TEXT NOT NULL CHECK (status IN ('open', 'achieved', 'dropped')),
    closed_on    DATE,
    version      BIGINT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    CONSTRAINT development_goals_worker FOREIGN KEY (authority_id, worker_id) REFERENCES workers (authority_id, id)
);
CREATE INDEX development_goals_by_worker ON development_goals (authority_id, worker_id);

-- The framework versions an authority uses, synced from the framework files (the files are
-- the source of truth; nothing edits these rows by hand).
CREATE TABLE framework_versions (
    authority_id      TEXT NOT NULL REFERENCES authorities (id),
    framework_id      TEXT NOT NULL,
    framework_version TEXT NOT NULL,
    title             TEXT NOT NULL,
    effective_from    DATE NOT NULL,
    effective_to      DATE,
    sha256            TEXT NOT NULL,
    source_text       TEXT NOT NULL,
    version           BIGINT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (authority_id, framework_id, framework_version)
);

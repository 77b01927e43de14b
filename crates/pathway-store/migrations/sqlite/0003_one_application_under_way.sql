-- A worker has at most one application under way per route. The application layer checks
-- this before opening one and says which to continue; this index makes it hold when two
-- requests race. "Under way" is everything but effective, withdrawn and rejected (a "not yet
-- approved" application is reopened, not opened again), as `is_under_way` in the app layer.
CREATE UNIQUE INDEX applications_one_under_way ON applications (authority_id, worker_id, route_id)
    WHERE status NOT IN ('effective', 'withdrawn')
      AND NOT (status = 'decided' AND COALESCE(decision, '') = 'rejected');

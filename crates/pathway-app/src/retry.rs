//! Optimistic concurrency, the application layer's half. The store saves a record only if
//! it is still at the version the caller read, and reports a conflict otherwise; the core's
//! commands are pure, so the answer to a conflict is to reload the record and run the same
//! command on it again. Two assessors completing different steps at once then both land.

use pathway_store::StoreError;

use crate::AppError;

/// Run `attempt` (load the record, run the core's command on it, save naming the version
/// read), and once more if someone else saved the record in between. Only once: a record
/// changing under two attempts in a row is busy, and the conflict is returned for the person
/// acting to try again. Loading never conflicts, so a conflict here is always the save's.
///
/// `attempt` is a closure returning a future (`|| async move { ... }` over references)
/// rather than an async closure: the compiler cannot yet see that an async closure's future
/// is `Send` for every borrow, and use cases must run on a multi-threaded runtime.
pub(crate) async fn retry_on_conflict<T, Attempt, Saving>(mut attempt: Attempt) -> Result<T, AppError>
where
    Attempt: FnMut() -> Saving,
    Saving: Future<Output = Result<T, AppError>>,
{
    match attempt().await {
        Err(AppError::Store(StoreError::Conflict { .. })) => attempt().await,
        done => done,
    }
}

#[cfg(test)]
mod tests {
    use std::cell::{Cell, RefCell};

    use pathway_core::workforce::Version;

    use super::*;

    fn conflict() -> AppError {
        AppError::Store(StoreError::Conflict {
            what: "application",
            key: "7".into(),
            expected: Version::FIRST,
            actual: Version::new(2),
        })
    }

    /// Runs `outcomes` in turn through the helper; how many attempts it made and its answer.
    fn run(outcomes: Vec<Result<&'static str, AppError>>) -> (usize, Result<&'static str, AppError>) {
        let attempts = Cell::new(0);
        let outcomes = RefCell::new(outcomes.into_iter());
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
        let result = runtime.block_on(retry_on_conflict(|| {
            attempts.set(attempts.get() + 1);
            let outcome = outcomes.borrow_mut().next().expect("no more attempts than outcomes");
            async move { outcome }
        }));
        (attempts.get(), result)
    }

    #[test]
    fn a_conflict_is_retried_once_on_the_reloaded_record() {
        let (attempts, result) = run(vec![Err(conflict()), Ok("saved")]);
        assert_eq!(attempts, 2);
        assert_eq!(result.expect("the second attempt saves"), "saved");
    }

    #[test]
    fn a_second_conflict_is_returned() {
        let (attempts, result) = run(vec![Err(conflict()), Err(conflict()), Ok("never")]);
        assert_eq!(attempts, 2);
        assert!(matches!(result, Err(AppError::Store(StoreError::Conflict { .. }))));
    }

    #[test]
    fn other_failures_and_successes_are_not_retried() {
        let refused = AppError::NotPermitted("not the worker's assessor".into());
        let (attempts, result) = run(vec![Err(refused), Ok("never")]);
        assert_eq!(attempts, 1);
        assert!(matches!(result, Err(AppError::NotPermitted(_))));
        let (attempts, result) = run(vec![Ok("saved"), Ok("never")]);
        assert_eq!((attempts, result.expect("saved first time")), (1, "saved"));
    }
}

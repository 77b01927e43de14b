//! Account storage stories on both databases: an account is a worker's in their own
//! authority only, usernames are unique across authorities, a used TOTP step is never taken
//! again, failures lock at the threshold, and disabling ends sessions in the same
//! transaction.

use chrono::{DateTime, Duration, Utc};
use pathway_store::{Accounts, NewAccount, NewSession, SignInEvent, Store, StoreError, Workforce};

use crate::fixtures::{authority, new_worker};

crate::stories!(
    an_account_belongs_to_a_worker_of_its_own_authority,
    sign_ins_take_totp_steps_once_count_failures_and_disabling_ends_sessions,
);

fn at(minutes: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_749_722_400, 0).unwrap() + Duration::minutes(minutes)
}

fn event(account: Option<i64>, outcome: &'static str, minutes: i64) -> SignInEvent {
    SignInEvent { account, username: "dan".into(), outcome, from: Some("127.0.0.1".into()), at: at(minutes) }
}

fn session(id: &str, minutes: i64) -> NewSession {
    NewSession { id_hash: id.into(), csrf_token: format!("token-{id}"), at: at(minutes) }
}

async fn an_account_belongs_to_a_worker_of_its_own_authority(store: Store) {
    let bexley = authority(&store, "bexley", "London Borough of Bexley").await;
    let medway = authority(&store, "medway", "Medway Council").await;
    let dan = store.create_worker(&bexley, &new_worker("E100", "Daniel Hussain")).await.unwrap();
    let ruth = store.create_worker(&medway, &new_worker("M100", "Ruth Mensah")).await.unwrap();

    let new =
        NewAccount { worker: dan.id, username: "dan".into(), system_roles: vec!["auditor".into(), "hr-admin".into()] };
    let account = store.create_account(&bexley, &new, at(0)).await.unwrap();
    assert_eq!(
        (account.worker, account.system_roles.clone()),
        (dan.id, vec!["auditor".to_owned(), "hr-admin".to_owned()])
    );
    assert!(!account.has_password && !account.totp_enrolled && account.disabled_at.is_none());

    // Medway's worker cannot be given an account in Bexley's name, nor Bexley's username reused.
    let foreign = NewAccount { worker: ruth.id, username: "ruth".into(), system_roles: vec![] };
    assert!(matches!(store.create_account(&bexley, &foreign, at(0)).await, Err(StoreError::Invalid { .. })));
    let taken = NewAccount { worker: ruth.id, username: "dan".into(), system_roles: vec![] };
    let err = store.create_account(&medway, &taken, at(0)).await.unwrap_err();
    assert!(err.to_string().contains("the username `dan` is taken"), "{err}");
    // A role the schema does not know is refused, and nothing of the account is left.
    let odd = NewAccount { worker: ruth.id, username: "ruth".into(), system_roles: vec!["wizard".into()] };
    assert!(store.create_account(&medway, &odd, at(0)).await.is_err());
    assert!(store.accounts(&medway).await.unwrap().is_empty());
    // Bexley's account is not found through Medway's scope.
    assert!(matches!(store.account(&medway, "dan").await, Err(StoreError::NotFound { .. })));
    assert_eq!(store.credentials("dan").await.unwrap().unwrap().account, account);
    assert!(store.credentials("nobody").await.unwrap().is_none());
}

async fn sign_ins_take_totp_steps_once_count_failures_and_disabling_ends_sessions(store: Store) {
    let bexley = authority(&store, "bexley", "London Borough of Bexley").await;
    let dan = store.create_worker(&bexley, &new_worker("E100", "Daniel Hussain")).await.unwrap();
    let new = NewAccount { worker: dan.id, username: "dan".into(), system_roles: vec![] };
    let id = store.create_account(&bexley, &new, at(0)).await.unwrap().id;
    store.set_password_hash(&bexley, "dan", "$argon2id$stand-in", at(0)).await.unwrap();
    store.set_totp_secret(&bexley, "dan", "00ff", at(0)).await.unwrap();

    assert!(store.record_sign_in(id, Some(100), &session("a", 1), &event(Some(id), "signed-in", 1)).await.unwrap());
    // The same step, or an earlier one, is refused and starts no session.
    assert!(!store.record_sign_in(id, Some(100), &session("b", 1), &event(Some(id), "signed-in", 1)).await.unwrap());
    assert!(!store.record_sign_in(id, Some(99), &session("c", 1), &event(Some(id), "signed-in", 1)).await.unwrap());
    assert!(store.session("b").await.unwrap().is_none());
    let live = store.session("a").await.unwrap().unwrap();
    assert_eq!((live.csrf_token.as_str(), live.created_at, live.account.id), ("token-a", at(1), id));
    store.touch_session("a", at(5)).await.unwrap();
    assert_eq!(store.session("a").await.unwrap().unwrap().last_seen_at, at(5));

    // Three failures lock at a threshold of three; the events count for the rate limit.
    assert!(!store.record_failed_sign_in(id, 3, &event(Some(id), "wrong-password", 6)).await.unwrap());
    assert!(!store.record_failed_sign_in(id, 3, &event(Some(id), "wrong-password", 7)).await.unwrap());
    assert!(store.record_failed_sign_in(id, 3, &event(Some(id), "wrong-password", 8)).await.unwrap());
    let locked = store.account(&bexley, "dan").await.unwrap();
    assert_eq!((locked.failed_sign_ins, locked.locked_at), (3, Some(at(8))));
    assert_eq!(store.failed_sign_ins_since("dan", Some("127.0.0.1"), at(7)).await.unwrap(), (2, 2));
    assert_eq!(store.failed_sign_ins_since("dan", None, at(0)).await.unwrap(), (3, 0));
    // Sign-outs, expiries and the rate limit's own refusals are not failures.
    for outcome in ["signed-out", "expired", "rate-limited"] {
        store.record_sign_in_event(&event(Some(id), outcome, 8)).await.unwrap();
    }
    assert_eq!(store.failed_sign_ins_since("dan", Some("127.0.0.1"), at(7)).await.unwrap(), (2, 2));
    let unlocked = store.unlock(&bexley, "dan", at(9)).await.unwrap();
    assert_eq!((unlocked.failed_sign_ins, unlocked.locked_at), (0, None));

    // Disabling ends every session of the account in the same transaction.
    store.set_disabled(&bexley, "dan", Some(at(10)), at(10)).await.unwrap();
    assert!(store.session("a").await.unwrap().is_none());
    assert_eq!(store.account(&bexley, "dan").await.unwrap().disabled_at, Some(at(10)));
    assert!(store.set_disabled(&bexley, "dan", None, at(11)).await.unwrap().disabled_at.is_none());
    assert!(!store.end_session("a", None).await.unwrap(), "already ended");
}

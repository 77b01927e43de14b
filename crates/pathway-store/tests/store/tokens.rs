//! API token and idempotency storage on both databases: a token is made only for an
//! account of the scope's authority, found by its hash alone, revoked through its own
//! authority only (the first revocation time kept); an idempotency key keeps its first
//! answer.

use chrono::{DateTime, Duration, Utc};
use pathway_store::{Accounts, ApiTokens, IdempotentAnswer, NewAccount, NewApiToken, Store, StoreError, Workforce};

use crate::fixtures::{authority, new_worker};

crate::stories!(
    a_token_is_its_accounts_found_by_hash_and_revoked_in_its_authority,
    an_idempotency_key_keeps_its_first_answer,
);

fn at(minutes: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_749_722_400, 0).unwrap() + Duration::minutes(minutes)
}

fn token(account: i64, hash: &str, scopes: &[&str]) -> NewApiToken {
    NewApiToken {
        account,
        token_hash: hash.into(),
        prefix: "pwt_abcdef".into(),
        name: "payroll feed".into(),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        expires_at: at(60 * 24 * 30),
    }
}

async fn a_token_is_its_accounts_found_by_hash_and_revoked_in_its_authority(store: Store) {
    let bexley = authority(&store, "bexley", "London Borough of Bexley").await;
    let medway = authority(&store, "medway", "Medway Council").await;
    let dan = store.create_worker(&bexley, &new_worker("E100", "Daniel Hussain")).await.unwrap();
    let ruth = store.create_worker(&medway, &new_worker("M100", "Ruth Mensah")).await.unwrap();
    let dan = store
        .create_account(&bexley, &NewAccount { worker: dan.id, username: "dan".into(), system_roles: vec![] }, at(0))
        .await
        .unwrap();
    let ruth = store
        .create_account(&medway, &NewAccount { worker: ruth.id, username: "ruth".into(), system_roles: vec![] }, at(0))
        .await
        .unwrap();

    let made = store.create_api_token(&bexley, &token(dan.id, "hash-1", &["read", "write"]), at(1)).await.unwrap();
    assert_eq!((made.username.as_str(), made.scopes.clone()), ("dan", vec!["read".to_owned(), "write".to_owned()]));
    assert_eq!((made.created_at, made.revoked_at, made.last_used_at), (at(1), None, None));
    // Not for another authority's account: Medway's Ruth cannot get a token in Bexley's name.
    let err = store.create_api_token(&bexley, &token(ruth.id, "hash-2", &["read"]), at(1)).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
    // A hash is stored once.
    assert!(store.create_api_token(&bexley, &token(dan.id, "hash-1", &["read"]), at(2)).await.is_err());
    assert_eq!(store.api_tokens(&bexley).await.unwrap(), vec![made.clone()]);
    assert!(store.api_tokens(&medway).await.unwrap().is_empty());

    let (found, account) = store.api_token("hash-1").await.unwrap().unwrap();
    assert_eq!((found.id, account.id), (made.id, dan.id));
    assert!(store.api_token("hash-unknown").await.unwrap().is_none());
    store.touch_api_token(made.id, at(5)).await.unwrap();
    store.touch_api_token(made.id, at(4)).await.unwrap();
    assert_eq!(store.api_token("hash-1").await.unwrap().unwrap().0.last_used_at, Some(at(5)), "never moves back");

    // Medway cannot revoke Bexley's token; Bexley can, and a second revocation keeps the first time.
    assert!(matches!(store.revoke_api_token(&medway, made.id, at(6)).await, Err(StoreError::NotFound { .. })));
    assert_eq!(store.revoke_api_token(&bexley, made.id, at(7)).await.unwrap().revoked_at, Some(at(7)));
    assert_eq!(store.revoke_api_token(&bexley, made.id, at(9)).await.unwrap().revoked_at, Some(at(7)));
}

async fn an_idempotency_key_keeps_its_first_answer(store: Store) {
    let bexley = authority(&store, "bexley", "London Borough of Bexley").await;
    let dan = store.create_worker(&bexley, &new_worker("E100", "Daniel Hussain")).await.unwrap();
    let dan = store
        .create_account(&bexley, &NewAccount { worker: dan.id, username: "dan".into(), system_roles: vec![] }, at(0))
        .await
        .unwrap();
    assert!(store.idempotent_answer(dan.id, "key-1").await.unwrap().is_none());
    let first = IdempotentAnswer { request_hash: "h1".into(), status: 201, response: "{\"id\":1}".into() };
    assert!(store.save_idempotent_answer(dan.id, "key-1", &first, at(1)).await.unwrap());
    let second = IdempotentAnswer { request_hash: "h2".into(), status: 201, response: "{\"id\":2}".into() };
    assert!(!store.save_idempotent_answer(dan.id, "key-1", &second, at(2)).await.unwrap());
    assert_eq!(store.idempotent_answer(dan.id, "key-1").await.unwrap(), Some(first));
}

//! OpenID Connect storage stories on both databases: a provider per authority (replaced by a
//! second `set`), a sign-in under way taken once only, expired ones swept, and an identity
//! linked only to an account of its own authority.

use chrono::{DateTime, Duration, Utc};
use pathway_store::{
    Accounts, NewAccount, NewOidcIdentity, OidcProvider, OpenIdConnect, PendingOidcSignIn, Store, StoreError, Workforce,
};

use crate::fixtures::{authority, new_worker};

crate::stories!(
    a_sign_in_under_way_is_taken_once_and_expired_ones_are_swept,
    an_identity_is_linked_only_to_an_account_of_its_own_authority,
);

fn at(minutes: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_749_722_400, 0).unwrap() + Duration::minutes(minutes)
}

fn pending(state: &str, authority: &str, minutes: i64) -> PendingOidcSignIn {
    PendingOidcSignIn {
        state_hash: state.into(),
        authority: authority.parse().unwrap(),
        nonce: format!("nonce-{state}"),
        pkce_verifier: format!("verifier-{state}"),
        created_at: at(minutes),
        expires_at: at(minutes + 10),
    }
}

async fn a_sign_in_under_way_is_taken_once_and_expired_ones_are_swept(store: Store) {
    let bexley = authority(&store, "bexley", "London Borough of Bexley").await;
    assert_eq!(store.oidc_provider(&bexley).await.unwrap(), None);
    let mut provider = OidcProvider {
        issuer: "https://login.microsoftonline.com/t/v2.0".into(),
        client_id: "pathway".into(),
        client_secret: "first secret".into(),
        redirect_url: "https://pathway.example.org/auth/oidc/bexley/callback".into(),
        tenant_id: Some("t".into()),
    };
    store.set_oidc_provider(&bexley, &provider, at(0)).await.unwrap();
    provider.client_secret = "rotated secret".into();
    provider.tenant_id = None;
    store.set_oidc_provider(&bexley, &provider, at(1)).await.unwrap();
    assert_eq!(store.oidc_provider(&bexley).await.unwrap(), Some(provider));

    store.begin_oidc_sign_in(&pending("a", "bexley", 0)).await.unwrap();
    store.begin_oidc_sign_in(&pending("b", "bexley", 1)).await.unwrap();
    let taken = store.take_oidc_sign_in("a").await.unwrap().unwrap();
    assert_eq!(taken, pending("a", "bexley", 0));
    assert_eq!(store.take_oidc_sign_in("a").await.unwrap(), None, "a state is taken once");
    // A sign-in started after "b" expired sweeps it away.
    store.begin_oidc_sign_in(&pending("c", "bexley", 12)).await.unwrap();
    assert_eq!(store.take_oidc_sign_in("b").await.unwrap(), None);
    assert!(store.take_oidc_sign_in("c").await.unwrap().is_some());
}

async fn an_identity_is_linked_only_to_an_account_of_its_own_authority(store: Store) {
    let bexley = authority(&store, "bexley", "London Borough of Bexley").await;
    let medway = authority(&store, "medway", "Medway Council").await;
    let ruth = store.create_worker(&medway, &new_worker("M100", "Ruth Mensah")).await.unwrap();
    let dan = store.create_worker(&bexley, &new_worker("E100", "Daniel Hussain")).await.unwrap();
    let ruth = store
        .create_account(&medway, &NewAccount { worker: ruth.id, username: "ruth".into(), system_roles: vec![] }, at(0))
        .await
        .unwrap();
    let dan = store
        .create_account(&bexley, &NewAccount { worker: dan.id, username: "dan".into(), system_roles: vec![] }, at(0))
        .await
        .unwrap();

    let new = NewOidcIdentity {
        identity_key: "tid:t/oid:o1".into(),
        email: Some("dan@example.org".into()),
        name: Some("Daniel Hussain".into()),
        at: at(1),
    };
    let first = store.oidc_identity(&bexley, &new).await.unwrap();
    assert_eq!((first.account, first.first_seen_at), (None, at(1)));
    // Seen again: the same identity, still waiting.
    let again = store.oidc_identity(&bexley, &NewOidcIdentity { at: at(5), email: None, ..new.clone() }).await.unwrap();
    assert_eq!(again, first);
    assert_eq!(store.oidc_identities(&bexley, true).await.unwrap(), vec![first.clone()]);
    assert!(store.oidc_identities(&medway, false).await.unwrap().is_empty());

    // Medway's account cannot be linked to Bexley's identity, nor Bexley's identity reached through Medway.
    let err = store.link_oidc_identity(&bexley, first.id, ruth.id, at(2)).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
    assert!(store.link_oidc_identity(&medway, first.id, ruth.id, at(2)).await.is_err());
    let linked = store.link_oidc_identity(&bexley, first.id, dan.id, at(3)).await.unwrap();
    assert_eq!((linked.account, linked.approved_at), (Some(dan.id), Some(at(3))));
    assert!(store.oidc_identities(&bexley, true).await.unwrap().is_empty());
    assert_eq!(store.oidc_identities(&bexley, false).await.unwrap(), vec![linked]);
}

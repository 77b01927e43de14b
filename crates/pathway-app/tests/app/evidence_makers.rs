//! Evidence made by another person (a practice observation, a manager's report) is recorded
//! by that person, who must hold the role named over the worker on its date, or entered by
//! an administrator on their behalf and marked so. The worker cannot write it under any name.

use pathway_app::portfolio::NewEvidence;
use pathway_core::ids::WorkerId;
use pathway_core::portfolio::{Contributor, EvidenceDetail};
use pathway_core::workforce::{PersonName, UnitKind};

use crate::council::{Council, acting, at, date};
use crate::harness::TestDb;

crate::stories!(
    a_practice_observation_by_the_team_manager_is_recorded_by_the_team_manager_or_for_them_by_an_administrator
);

fn observed_by(role: &str, name: &str, worker: Option<WorkerId>) -> NewEvidence {
    NewEvidence {
        worker: "B100".into(),
        detail: EvidenceDetail::PracticeObservation {
            observer: Contributor {
                role: role.into(),
                name: PersonName::parse(name).expect("name"),
                worker,
                entered_by: None,
            },
        },
        date: date(2025, 3, 5),
        title: "Practice observation: home visit".into(),
        text: Some("the worker explained the plan clearly and recorded the child's wishes.".into()),
        pages: None,
        pcf: vec!["pcf.7".into()],
        kss: Vec::new(),
        pcf_level: None,
    }
}

async fn a_practice_observation_by_the_team_manager_is_recorded_by_the_team_manager_or_for_them_by_an_administrator(
    db: &TestDb,
) {
    let c = Council::new(db, "bexley", "London Borough of Bexley").await;
    let service = c.unit(UnitKind::Service, "Children's Social Care", None).await;
    let team = c.unit(UnitKind::Team, "Assessment Team One", Some(service)).await;
    let other_team = c.unit(UnitKind::Team, "Assessment Team Two", Some(service)).await;
    c.person("B100", "Amara Okafor", Some(team), Some(("level-2", Some("level-2"), Some("top"), date(2023, 4, 3))))
        .await;
    let tom = c.person("B200", "Tom Reeves", Some(team), None).await;
    let owen = c.person("B210", "Owen Blake", Some(other_team), None).await;
    let ann = c.person("B900", "Ann Lee", Some(service), None).await;
    c.post(team, "team-manager", &tom).await;
    c.post(other_team, "team-manager", &owen).await;
    c.post(service, "administrator", &ann).await;
    let portfolios = c.portfolios();
    let when = at(2025, 3, 6, 10);

    // The worker writes an observation "by the team manager": refused, naming the rule.
    let err = portfolios
        .add(
            &acting("B100", "worker", when, "my observation"),
            &observed_by("team-manager", "Tom Reeves", Some(tom.id)),
            &[],
        )
        .await
        .expect_err("the worker cannot record her manager's observation");
    assert_eq!(err.code(), "not_permitted");
    assert!(err.to_string().contains("evidence made by another person is recorded by that person"), "{err}");
    // Nor under a made-up name with no record.
    let err = portfolios
        .add(&acting("B100", "worker", when, "my observation"), &observed_by("team-manager", "Any Name", None), &[])
        .await
        .expect_err("any name");
    assert!(err.to_string().contains("Amara Okafor cannot record a practice observation by Any Name"), "{err}");
    // Nor a manager's report of her own.
    let mut own_report = observed_by("team-manager", "Tom Reeves", None);
    own_report.detail = EvidenceDetail::ManagerReport { written_by: None };
    let err = portfolios
        .add(&acting("B100", "worker", when, "my report"), &own_report, &[])
        .await
        .expect_err("own manager's report");
    assert!(err.to_string().contains("a manager's report must name who wrote it"), "{err}");

    // A manager of another team is not her team manager on that date.
    let err = portfolios
        .add(
            &acting("B210", "team-manager", when, "observed"),
            &observed_by("team-manager", "Owen Blake", Some(owen.id)),
            &[],
        )
        .await
        .expect_err("not her team manager");
    assert!(err.to_string().contains("Owen Blake (worker "), "{err}");
    assert!(err.to_string().contains("was not the worker's team-manager on 2025-03-05"), "{err}");

    // Her own team manager records it; the name is the one the records hold.
    let added = portfolios
        .add(
            &acting("B200", "team-manager", when, "observed a home visit"),
            &observed_by("team-manager", "T Reeves", Some(tom.id)),
            &[],
        )
        .await
        .expect("the team manager records his observation");
    let by = added.item.detail().by().expect("observer").clone();
    assert_eq!((by.name.as_str(), by.entered_by.is_none()), ("Tom Reeves", true));

    // Named without a record (as `--by-name` gives it), the maker is the actor when the name
    // is theirs; the worker giving her manager's name is still refused.
    portfolios
        .add(&acting("B200", "team-manager", when, "observed"), &observed_by("team-manager", "tom reeves", None), &[])
        .await
        .expect("his own name");
    let err = portfolios
        .add(&acting("B100", "worker", when, "my observation"), &observed_by("team-manager", "Amara Okafor", None), &[])
        .await
        .expect_err("acting as the worker");
    assert!(
        err.to_string().contains("is acting as worker, but the practice observation is by a team-manager"),
        "{err}"
    );

    // An administrator enters his manager's report for him, marked so.
    let mut report = observed_by("team-manager", "Tom Reeves", Some(tom.id));
    report.detail = EvidenceDetail::ManagerReport {
        written_by: Some(Contributor {
            role: "team-manager".into(),
            name: PersonName::parse("Tom Reeves").expect("name"),
            worker: Some(tom.id),
            entered_by: None,
        }),
    };
    let entered = portfolios
        .add(&acting("B900", "administrator", when, "typed up from the signed paper copy"), &report, &[])
        .await
        .expect("entered on his behalf");
    let by = entered.item.detail().by().expect("writer");
    assert_eq!(by.describe(), "entered by Ann Lee on behalf of Tom Reeves (team-manager)");
    assert_eq!(by.entered_by.as_ref().map(|e| e.worker), Some(ann.id));
    let stored = portfolios.evidence(entered.id).await.expect("read back");
    assert_eq!(stored.item.detail().by(), Some(by), "the mark is stored");

    // An administrator enters only others' work on their behalf, and only for someone who
    // held the role over the worker.
    let mut summary = observed_by("team-manager", "Tom Reeves", None);
    summary.detail = EvidenceDetail::ReflectiveSummary;
    let err = portfolios
        .add(&acting("B900", "administrator", when, "typing"), &summary, &[])
        .await
        .expect_err("the worker's own work");
    assert!(err.to_string().contains("an administrator enters only evidence made by another person"), "{err}");
    let err = portfolios
        .add(
            &acting("B900", "administrator", when, "typing"),
            &observed_by("team-manager", "Owen Blake", Some(owen.id)),
            &[],
        )
        .await
        .expect_err("not her team manager");
    assert!(err.to_string().contains("was not the worker's team-manager on 2025-03-05"), "{err}");
}

//! The two migration trees must build the same schema: same tables, same columns in the same
//! order with the same nullability and type family, same primary and foreign keys, same
//! indexes (name, columns, uniqueness and a partial index's predicate, which each backend
//! describes in one spelling).

use pathway_store::Schema;
use pathway_store::api::{Column, Index, Table};

use crate::harness;

fn describe_differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for name in sqlite.tables.keys().filter(|t| !postgres.tables.contains_key(*t)) {
        out.push(format!("table {name} exists only in SQLite"));
    }
    for name in postgres.tables.keys().filter(|t| !sqlite.tables.contains_key(*t)) {
        out.push(format!("table {name} exists only in PostgreSQL"));
    }
    for (name, s) in &sqlite.tables {
        let Some(p) = postgres.tables.get(name) else { continue };
        if s.columns != p.columns {
            out.push(format!(
                "table {name} columns differ:\n  SQLite:     {:?}\n  PostgreSQL: {:?}",
                s.columns, p.columns
            ));
        }
        if s.primary_key != p.primary_key {
            out.push(format!("table {name} primary key: SQLite {:?}, PostgreSQL {:?}", s.primary_key, p.primary_key));
        }
        if s.foreign_keys != p.foreign_keys {
            out.push(format!(
                "table {name} foreign keys differ:\n  SQLite:     {:?}\n  PostgreSQL: {:?}",
                s.foreign_keys, p.foreign_keys
            ));
        }
        for index in s.indexes.iter().filter(|i| !p.indexes.contains(i)) {
            out.push(format!("table {name}: {} exists only in SQLite", describe(index)));
        }
        for index in p.indexes.iter().filter(|i| !s.indexes.contains(i)) {
            out.push(format!("table {name}: {} exists only in PostgreSQL", describe(index)));
        }
    }
    out
}

fn describe(index: &Index) -> String {
    let name =
        index.name.as_deref().map_or_else(|| "the UNIQUE constraint's index".to_owned(), |n| format!("index {n}"));
    format!(
        "{name} ({}{}){}",
        if index.unique { "unique on " } else { "on " },
        index.columns.join(", "),
        index.predicate.as_deref().map(|p| format!(" where {p}")).unwrap_or_default()
    )
}

#[tokio::test]
async fn sqlite_and_postgres_schemas_match() {
    let sqlite = harness::sqlite().await;
    let sqlite_schema = sqlite.store.schema().await.expect("describe SQLite");
    assert!(
        sqlite_schema.tables.len() >= 9,
        "the SQLite description found the tables: {:?}",
        sqlite_schema.tables.keys()
    );
    assert!(sqlite_schema.tables.values().all(|t| !t.primary_key.is_empty()), "every table has a primary key");
    assert!(
        sqlite_schema.tables.values().flat_map(|t| &t.columns).filter(|c| c.name == "id").all(|c| !c.nullable),
        "no id column accepts NULL (SQLite allows NULL primary keys unless told otherwise)"
    );

    assert_finds_the_indexes(&sqlite_schema);

    let Some(postgres) = harness::postgres().await else { return };
    let postgres_schema = postgres.store.schema().await.expect("describe PostgreSQL");
    assert_finds_the_indexes(&postgres_schema);
    let differences = describe_differences(&sqlite_schema, &postgres_schema);
    assert!(differences.is_empty(), "the migrated schemas differ:\n{}", differences.join("\n"));
}

/// The description sees named, constraint-made and partial unique indexes, so an empty
/// list on both sides cannot pass for agreement.
fn assert_finds_the_indexes(schema: &Schema) {
    let indexes = |table: &str| schema.tables.get(table).map(|t| t.indexes.clone()).unwrap_or_default();
    let under_way = indexes("applications")
        .into_iter()
        .find(|i| i.name.as_deref() == Some("applications_one_under_way"))
        .expect("the one-under-way index is described");
    assert!(under_way.unique && under_way.predicate.is_some(), "{under_way:?}");
    assert!(
        indexes("workers")
            .iter()
            .any(|i| i.name.is_none() && i.unique && i.columns == ["authority_id", "employee_number"]),
        "the index behind the employee-number constraint is described: {:?}",
        indexes("workers")
    );
    assert!(
        indexes("posts").iter().any(|i| i.name.as_deref() == Some("posts_by_unit") && !i.unique),
        "a plain index is described: {:?}",
        indexes("posts")
    );
}

fn applications() -> Schema {
    let mut schema = Schema::default();
    let mut table = Table::default();
    table.columns.push(Column { name: "id".into(), kind: "integer".into(), nullable: false });
    table.indexes.push(Index {
        name: Some("applications_one_under_way".into()),
        columns: vec!["authority_id".into(), "worker_id".into(), "route_id".into()],
        unique: true,
        predicate: Some("(status not in ('effective', 'withdrawn'))".into()),
    });
    schema.tables.insert("applications".into(), table);
    schema
}

#[test]
fn the_comparison_notices_a_missing_column() {
    let a = applications();
    let mut b = a.clone();
    if let Some(t) = b.tables.get_mut("applications") {
        t.columns.push(Column { name: "extra".into(), kind: "text".into(), nullable: true });
    }
    assert_eq!(describe_differences(&a, &b).len(), 1);
    assert!(describe_differences(&a, &a).is_empty());
}

#[test]
fn the_comparison_notices_a_missing_index_and_a_different_partial_one() {
    let a = applications();
    let mut missing = a.clone();
    if let Some(t) = missing.tables.get_mut("applications") {
        t.indexes.clear();
    }
    assert_eq!(
        describe_differences(&a, &missing),
        ["table applications: index applications_one_under_way (unique on authority_id, worker_id, route_id) \
          where (status not in ('effective', 'withdrawn')) exists only in SQLite"]
    );
    let mut different = a.clone();
    if let Some(index) = different.tables.get_mut("applications").and_then(|t| t.indexes.first_mut()) {
        index.predicate = Some("(status not in ('effective'))".into());
    }
    assert_eq!(describe_differences(&a, &different).len(), 2, "one side's index, then the other's");
    let mut not_unique = a.clone();
    if let Some(index) = not_unique.tables.get_mut("applications").and_then(|t| t.indexes.first_mut()) {
        index.unique = false;
    }
    assert_eq!(describe_differences(&a, &not_unique).len(), 2);
}

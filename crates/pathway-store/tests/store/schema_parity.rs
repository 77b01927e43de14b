//! The two migration trees must build the same schema: same tables, same columns in the same
//! order with the same nullability and type family, same primary and foreign keys.

use pathway_store::Schema;

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
    }
    out
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

    let Some(postgres) = harness::postgres().await else { return };
    let postgres_schema = postgres.store.schema().await.expect("describe PostgreSQL");
    let differences = describe_differences(&sqlite_schema, &postgres_schema);
    assert!(differences.is_empty(), "the migrated schemas differ:\n{}", differences.join("\n"));
}

#[test]
fn the_comparison_notices_a_missing_column() {
    let mut a = Schema::default();
    let mut table = pathway_store::api::Table::default();
    table.columns.push(pathway_store::api::Column { name: "id".into(), kind: "integer".into(), nullable: false });
    a.tables.insert("workers".into(), table.clone());
    let mut b = a.clone();
    if let Some(t) = b.tables.get_mut("workers") {
        t.columns.push(pathway_store::api::Column { name: "extra".into(), kind: "text".into(), nullable: true });
    }
    assert_eq!(describe_differences(&a, &b).len(), 1);
    assert!(describe_differences(&a, &a).is_empty());
}

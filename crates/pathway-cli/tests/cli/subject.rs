//! Subject access through the binary: Amara Okafor's records, portfolio with its file,
//! application and its history come out in one zip; her colleague's portfolio does not.

use std::io::Read;

use pathway_app::model::UnitKind;

use crate::db::Scratch;
use crate::progression::seed;
use crate::{stderr, stdout};

fn entry(zip: &mut zip::ZipArchive<std::fs::File>, name: &str) -> Vec<u8> {
    let mut file = zip.by_name(name).unwrap_or_else(|_| panic!("{name} is in the zip"));
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).expect("read");
    bytes
}

#[test]
fn everything_held_about_a_worker_comes_out_in_one_zip_and_nothing_about_a_colleague() {
    let s = Scratch::new("subject");
    seed(
        &s,
        "bexley",
        &[(UnitKind::Service, "Children's Social Care", None), (UnitKind::Team, "Assessment Team One", Some(0))],
        &[
            ("B100", "Amara Okafor", 1, Some(("level-2", Some("level-2"), Some("top"))), None),
            ("B101", "Jon Pike", 1, Some(("level-2", Some("level-2"), Some("top"))), None),
            ("B200", "Tom Reeves", 1, None, Some("team-manager")),
        ],
    );
    let pdf = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n";
    std::fs::write(s.0.join("summary.pdf"), pdf).expect("pdf");
    let add = |worker: &str, title: &str, file: Option<&str>| {
        let mut args = vec![
            "portfolio",
            "add",
            "--authority",
            "bexley",
            "--as",
            worker,
            "--role",
            "worker",
            "--why",
            "portfolio",
            "--at",
            "2025-04-02T10:00:00Z",
            "--worker",
            worker,
            "--kind",
            "reflective-summary",
            "--date",
            "2025-03-01",
            "--title",
            title,
            "--text",
            "what I did and what I learned",
            "--pcf",
            "pcf.6",
        ];
        if let Some(file) = file {
            args.extend(["--file", file]);
        }
        let o = s.run(&args);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    add("B100", "Reflective summary: direct work", Some("summary.pdf"));
    add("B101", "Jon's reflection on court work", None);

    let out = s.0.join("amara.zip");
    let o = s.run(&["export", "subject", "--authority", "bexley", "--worker", "B100", "--out", "amara.zip"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("portfolio.json: 1"), "{}", stdout(&o));
    assert!(stdout(&o).contains("files/: 1 evidence file(s)"), "{}", stdout(&o));

    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).expect("zip")).expect("a zip");
    let readme = String::from_utf8(entry(&mut zip, "README.txt")).expect("text");
    assert!(readme.contains("Amara Okafor (B100) in bexley"), "{readme}");
    let person: serde_json::Value = serde_json::from_slice(&entry(&mut zip, "person.json")).expect("json");
    assert_eq!(person["worker"]["employee_number"], "B100", "{person}");
    assert_eq!(person["worker"]["registration"]["number"], "SW100", "{person}");
    let portfolio = String::from_utf8(entry(&mut zip, "portfolio.json")).expect("text");
    assert!(portfolio.contains("Reflective summary: direct work"), "{portfolio}");
    let trail: serde_json::Value = serde_json::from_slice(&entry(&mut zip, "audit-trail.json")).expect("json");
    assert_eq!(trail.as_array().map(Vec::len), Some(1), "the evidence's one audit entry: {trail}");
    let names: Vec<String> = zip.file_names().map(|n| n.expect("a name").into_owned()).collect();
    let file = names.iter().find(|n| n.starts_with("files/") && n.ends_with("-summary.pdf")).expect("the file");
    assert_eq!(entry(&mut zip, &file.clone()), pdf, "the evidence file itself");
    for name in &names {
        let text = String::from_utf8_lossy(&entry(&mut zip, name)).into_owned();
        assert!(!text.contains("Jon's reflection"), "{name} holds nothing of a colleague's portfolio");
    }

    // An export is never written over an existing file.
    let again = s.run(&["export", "subject", "--authority", "bexley", "--worker", "B100", "--out", "amara.zip"]);
    assert!(stderr(&again).contains("already exists"), "{}", stderr(&again));
}

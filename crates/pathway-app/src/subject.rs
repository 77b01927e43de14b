//! Subject access: everything Pathway holds about one person, as a zip an HR team can hand
//! over. JSON files for the records (their details, timeline, qualifications, registration
//! and its history, ASYE, awards, appraisals, attestations, posts held), their CPD records, their portfolio with its files, their
//! applications with every history entry, the exceptions recorded for them, the panel
//! hearings of their applications, their ASYE programmes, and the audit trail of those
//! records. Other people's records are left out: of the actions the person took on other
//! people's records, only the kind, the record and the time are listed, never what was said.
//!
//! The zip is written to a temporary file beside the one asked for and renamed into place,
//! so a failed export leaves nothing half-written.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use pathway_core::ids::ApplicationId;
use pathway_core::progression::panel::{Hearing, PanelMember};
use pathway_store::{
    AuditActor, AuditEvent, AuditTrail, Careers, EntityKind, NewAuditEntry, Organisation, Portfolios, Progression,
    StoredApplication, StoredAsye, StoredEvidence, StoredException, Workforce,
};
use serde::Serialize;

use crate::AppError;
use crate::files::EvidenceFiles;
use crate::progression::find_worker;
use crate::service::Pathway;

/// What a subject access export wrote.
#[derive(Debug, Clone, Serialize)]
pub struct SubjectExport {
    /// The zip written (empty when the zip was answered as bytes).
    pub path: PathBuf,
    /// The person's employee number.
    pub worker: String,
    /// The person's record id (the audit entry's subject).
    #[serde(skip)]
    pub person: i64,
    /// Records of each kind in it, by file name.
    pub contents: Vec<(String, usize)>,
    /// Evidence files included.
    pub files: usize,
    /// When it was made (the clock's time).
    pub made_at: DateTime<Utc>,
}

/// A post the person held, and when.
#[derive(Debug, Clone, Serialize)]
struct PostHeld {
    post: i64,
    role: String,
    unit: i64,
    held_from: chrono::NaiveDate,
    held_to: Option<chrono::NaiveDate>,
}

/// A panel's hearing of one of the person's applications: the panel as it sat, and only
/// that hearing (other applicants' hearings stay out).
#[derive(Debug, Clone, Serialize)]
struct PanelHearing<'a> {
    panel: i64,
    name: &'a str,
    role: &'a str,
    held_on: chrono::NaiveDate,
    members: &'a [PanelMember],
    hearing: &'a Hearing,
}

/// An action the person took on a record that is not about them: what kind of record and
/// when, without its contents.
#[derive(Debug, Clone, Serialize)]
struct ActionTaken {
    record: String,
    id: i64,
    at: DateTime<Utc>,
    role: String,
}

impl Pathway {
    /// Write everything held about the worker with employee number `worker` in `authority`
    /// to the zip `out` (see the module's documentation). Refuses to overwrite a file.
    /// The export is recorded in the authority's audit trail, by the operator.
    pub async fn export_subject(&self, authority: &str, worker: &str, out: &Path) -> Result<SubjectExport, AppError> {
        if out.exists() {
            return Err(AppError::BadInput {
                field: "--out".into(),
                message: format!("{} already exists; name a new file", out.display()),
            });
        }
        let operator = self.operator().await?;
        let (mut export, entries) = self.subject_entries(authority, worker).await?;
        write_zip(out, &entries)?;
        export.path = out.to_owned();
        self.record_subject_export(authority, &export, operator.actor(), (None, None)).await?;
        Ok(export)
    }

    /// The same export as [`Pathway::export_subject`], as the bytes of the zip, recorded in
    /// the audit trail as made by `by` (with `entered_by`, the account, where it is not the
    /// person, and the address it came from).
    pub async fn export_subject_zip(
        &self,
        authority: &str,
        worker: &str,
        by: AuditActor,
        (entered_by, entered_from): (Option<String>, Option<String>),
    ) -> Result<(SubjectExport, Vec<u8>), AppError> {
        let (export, entries) = self.subject_entries(authority, worker).await?;
        let bytes = zip_bytes(&entries)
            .map_err(|source| AppError::Write { path: PathBuf::from("subject-export.zip"), source })?;
        self.record_subject_export(authority, &export, by, (entered_by, entered_from)).await?;
        Ok((export, bytes))
    }

    async fn record_subject_export(
        &self,
        authority: &str,
        export: &SubjectExport,
        by: AuditActor,
        (entered_by, entered_from): (Option<String>, Option<String>),
    ) -> Result<(), AppError> {
        let scope = self.scope(authority).await?;
        let entry = NewAuditEntry {
            kind: EntityKind::SubjectExport,
            id: export.person,
            what: format!("{} exported everything held about {} (subject access)", by.name, export.worker),
            by,
            at: self.clock().now(),
            why: "subject access export".to_owned(),
            detail: serde_json::json!({ "worker": export.worker, "contents": export.contents, "files": export.files })
                .to_string(),
            entered_by,
            entered_from,
        };
        self.store().record_audit(&scope, &entry).await?;
        Ok(())
    }

    /// Everything held about the worker, as the zip's entries (README first).
    async fn subject_entries(
        &self,
        authority: &str,
        worker: &str,
    ) -> Result<(SubjectExport, Vec<(String, Vec<u8>)>), AppError> {
        let scope = self.scope(authority).await?;
        let store = self.store();
        let person = find_worker(store, &scope, worker).await?;
        let record = store.worker_record(&scope, person.id).await?;
        let posts: Vec<PostHeld> = store
            .posts(&scope)
            .await?
            .iter()
            .flat_map(|p| {
                p.holdings.iter().filter(|h| h.worker == person.id).map(|h| PostHeld {
                    post: p.id.get(),
                    role: p.role.to_string(),
                    unit: p.unit.get(),
                    held_from: h.held_from,
                    held_to: h.held_to,
                })
            })
            .collect();
        let portfolio: Vec<StoredEvidence> = store.portfolio(&scope, person.id).await?;
        let applications: Vec<StoredApplication> = store.applications(&scope, Some(person.id)).await?;
        let exceptions: Vec<StoredException> = store.exceptions(&scope, Some(person.id)).await?;
        let programmes: Vec<StoredAsye> = store.asye_programmes(&scope, Some(person.id)).await?;
        let cpd = store.cpd_records(&scope, Some(person.id)).await?;
        let theirs: BTreeSet<ApplicationId> = applications.iter().map(|a| a.id).collect();
        let panels = store.panels(&scope).await?;
        let hearings: Vec<PanelHearing<'_>> = panels
            .iter()
            .flat_map(|p| {
                p.panel.hearings().iter().filter(|h| theirs.contains(&h.application)).map(|hearing| PanelHearing {
                    panel: p.id.get(),
                    name: p.panel.name(),
                    role: p.panel.role().as_str(),
                    held_on: p.panel.held_on(),
                    members: p.panel.members(),
                    hearing,
                })
            })
            .collect();

        // The audit trail of every record about them, and the bare facts of what they did
        // to records about others.
        let mut about: Vec<(EntityKind, i64)> = Vec::new();
        about.extend(portfolio.iter().map(|e| (EntityKind::Evidence, e.item.id().get())));
        about.extend(applications.iter().map(|a| (EntityKind::Application, a.id.get())));
        about.extend(programmes.iter().map(|p| (EntityKind::AsyeProgramme, p.id.get())));
        about.extend(exceptions.iter().map(|e| (EntityKind::EligibilityException, e.id.get())));
        about.extend(record.registrations.iter().map(|r| (EntityKind::Registration, r.id.get())));
        about.extend(record.appraisals.iter().map(|a| (EntityKind::Appraisal, a.id.get())));
        about.extend(cpd.iter().map(|c| (EntityKind::CpdRecord, c.id.get())));
        let mut trail: Vec<AuditEvent> = Vec::new();
        for (kind, id) in &about {
            trail.extend(store.audit_trail(&scope, *kind, *id).await?);
        }
        trail.sort_by_key(|e| (e.at, e.recorded_at));
        let own: BTreeSet<(EntityKind, i64)> = about.iter().copied().collect();
        let taken: Vec<ActionTaken> = store
            .audit_by_actor(&scope, person.id)
            .await?
            .into_iter()
            .filter(|e| !own.contains(&(e.entity_kind, e.entity_id)))
            .map(|e| ActionTaken {
                record: e.entity_kind.to_string(),
                id: e.entity_id,
                at: e.at,
                role: e.by.role.to_string(),
            })
            .collect();

        let files = EvidenceFiles::from_config(self.config());
        let made_at = self.clock().now();
        let mut contents = Vec::new();
        let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
        let mut add = |name: &str, count: usize, value: &dyn erased::Json| -> Result<(), AppError> {
            contents.push((name.to_owned(), count));
            entries.push((name.to_owned(), value.bytes()?));
            Ok(())
        };
        add("person.json", 1, &record)?;
        add("posts-held.json", posts.len(), &posts)?;
        add("portfolio.json", portfolio.len(), &portfolio)?;
        add("applications.json", applications.len(), &applications)?;
        add("eligibility-exceptions.json", exceptions.len(), &exceptions)?;
        add("panel-hearings.json", hearings.len(), &hearings)?;
        add("asye-programmes.json", programmes.len(), &programmes)?;
        add("cpd-records.json", cpd.len(), &cpd)?;
        add("audit-trail.json", trail.len(), &trail)?;
        add("actions-on-other-records.json", taken.len(), &taken)?;
        let mut file_count = 0;
        for evidence in &portfolio {
            let id = evidence.item.id().get();
            for file in evidence.item.files() {
                let bytes = files.read(file)?;
                entries.push((format!("files/{id}-{}", safe_name(file.original_name())), bytes));
                file_count += 1;
            }
        }
        let readme = format!(
            "Everything Pathway holds about {} ({}) in {}, made {}.\n\n{}\nfiles/: the {file_count} evidence \
             file(s) of the portfolio, named <evidence id>-<original name>.\n\nRecords about other people are \
             not included: actions-on-other-records.json lists only the kind of record, its number and when.\n",
            person.details.name,
            person.details.employee_number,
            scope.id(),
            made_at.to_rfc3339(),
            contents.iter().map(|(name, n)| format!("{name}: {n} record(s)\n")).collect::<String>()
        );
        entries.insert(0, ("README.txt".to_owned(), readme.into_bytes()));
        let export = SubjectExport {
            path: PathBuf::new(),
            worker: person.details.employee_number.to_string(),
            person: person.id.get(),
            contents,
            files: file_count,
            made_at,
        };
        Ok((export, entries))
    }
}

/// A file name safe inside a zip on any system: letters, digits, `.`, `-` and `_` kept,
/// everything else (path separators included) as `_`.
fn safe_name(name: &str) -> String {
    let cleaned: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    let trimmed = cleaned.trim_start_matches('.');
    if trimmed.is_empty() { "file".to_owned() } else { trimmed.to_owned() }
}

/// Write the entries as a zip to `sink`, answering the sink.
fn zip_into<W: Write + std::io::Seek>(sink: W, entries: &[(String, Vec<u8>)]) -> std::io::Result<W> {
    let mut zip = zip::ZipWriter::new(sink);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), options).map_err(std::io::Error::other)?;
        zip.write_all(bytes)?;
    }
    zip.finish().map_err(std::io::Error::other)
}

/// The zip's bytes.
fn zip_bytes(entries: &[(String, Vec<u8>)]) -> std::io::Result<Vec<u8>> {
    Ok(zip_into(std::io::Cursor::new(Vec::new()), entries)?.into_inner())
}

/// Write the zip to a temporary file beside `out`, then rename it into place.
fn write_zip(out: &Path, entries: &[(String, Vec<u8>)]) -> Result<(), AppError> {
    let folder = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let temp = folder.join(format!(".subject-export-{}.tmp", std::process::id()));
    let written = (|| -> std::io::Result<()> {
        let file = fs::File::create_new(&temp)?;
        zip_into(file, entries)?.sync_all()?;
        fs::rename(&temp, out)
    })();
    if let Err(source) = written {
        let _ = fs::remove_file(&temp);
        return Err(AppError::Write { path: out.to_owned(), source });
    }
    Ok(())
}

/// Serialising the different record lists through one closure.
mod erased {
    use crate::AppError;

    pub trait Json {
        fn bytes(&self) -> Result<Vec<u8>, AppError>;
    }

    impl<T: serde::Serialize> Json for T {
        fn bytes(&self) -> Result<Vec<u8>, AppError> {
            serde_json::to_vec_pretty(self).map_err(|e| AppError::BadInput {
                field: "export".into(),
                message: format!("a record could not be written as JSON: {e}"),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::safe_name;

    #[test]
    fn a_file_name_cannot_climb_out_of_the_zip() {
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_name("Reflection (final).docx"), "Reflection__final_.docx");
        assert_eq!(safe_name(".."), "file");
    }
}

//! Layered configuration: built-in defaults, then a `pathway.toml` file, then `PATHWAY_*`
//! environment variables. With nothing set, Pathway uses an embedded SQLite database
//! `./pathway.db` and keeps evidence files under `./pathway-data/`.

use std::path::{Path, PathBuf};

use pathway_store::{Store, StoreError, Target};
use serde::Deserialize;

use crate::AppError;
use crate::clock::Clock;

/// The file Pathway reads settings from, in the working directory, unless `PATHWAY_CONFIG`
/// names another.
pub const DEFAULT_FILE: &str = "pathway.toml";

/// A value that must not be printed or logged, such as a database URL with a password.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Hold a value as a secret.
    pub fn new(value: String) -> Secret {
        Secret(value)
    }

    /// The value, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Where records live, parsed once from the configured URL: every later question (open it,
/// describe it, can it be restored from a file) is answered from this, never by looking at
/// the text again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// An embedded SQLite database in this file (created on first use).
    Sqlite {
        /// The file.
        path: PathBuf,
    },
    /// A PostgreSQL server.
    Postgres {
        /// The `postgres://` URL, which may hold a password.
        url: Secret,
    },
}

impl Database {
    /// Read a database setting: a `postgres://` (or `postgresql://`) URL, a `sqlite:` URL, or
    /// a file path for SQLite. `setting` names where it came from, for the error.
    pub fn parse(text: &str, setting: &str) -> Result<Database, AppError> {
        match Target::parse(text) {
            Ok(Target::Sqlite(path)) => Ok(Database::Sqlite { path }),
            Ok(Target::Postgres(url)) => Ok(Database::Postgres { url: Secret(url) }),
            Err(StoreError::Invalid { message, .. }) => Err(AppError::BadInput { field: setting.to_owned(), message }),
            Err(other) => Err(other.into()),
        }
    }

    /// Connect to it (SQLite: open or create the file), without migrating.
    pub(crate) async fn open(&self) -> Result<Store, AppError> {
        let target = match self {
            Database::Sqlite { path } => Target::Sqlite(path.clone()),
            Database::Postgres { url } => Target::Postgres(url.expose().to_owned()),
        };
        Ok(target.open().await?)
    }

    /// Which database this is, for messages: "SQLite file pathway.db" or "PostgreSQL"
    /// (never the URL, which may hold a password).
    pub fn describe(&self) -> String {
        match self {
            Database::Sqlite { path } => format!("SQLite file {}", path.display()),
            Database::Postgres { .. } => "PostgreSQL".into(),
        }
    }
}

/// The SQLite file used when nothing else is configured.
pub const DEFAULT_DATABASE_FILE: &str = pathway_store::DEFAULT_SQLITE_FILE;

/// Pathway's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Where records live.
    pub database: Database,
    /// Where evidence files are stored.
    pub data_dir: PathBuf,
    /// Largest evidence file accepted, in bytes.
    pub max_upload_bytes: u64,
    /// Where "now" comes from: the system's clock unless fixed for training or tests.
    pub clock: Clock,
    /// Sign-in, sessions and the server's schedule.
    pub server: ServerSettings,
    /// The account the CLI acts as (`operator`, `PATHWAY_OPERATOR`): one holding a system
    /// role. None: the built-in `system` operator (see `pathway_app::operator`).
    pub operator: Option<String>,
    /// Where the settings came from, for `pathway config show`.
    pub sources: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database_url: Option<Secret>,
    data_dir: Option<PathBuf>,
    max_upload_bytes: Option<u64>,
    clock: Option<String>,
    operator: Option<String>,
    server: Option<ServerFile>,
}

/// The `[server]` table of `pathway.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServerFile {
    session_idle_minutes: Option<u32>,
    session_absolute_hours: Option<u32>,
    lock_after_failures: Option<u32>,
    run_due_every_minutes: Option<u32>,
    insecure_loopback_cookies: Option<bool>,
}

/// Sign-in, sessions and the server's schedule (`[server]` in `pathway.toml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerSettings {
    /// A session unused this long ends (default 30 minutes).
    pub session_idle: chrono::Duration,
    /// A session ends this long after sign-in, used or not (default 12 hours).
    pub session_absolute: chrono::Duration,
    /// Consecutive failed sign-ins that lock an account until an administrator unlocks it
    /// (default 5).
    pub lock_after_failures: u32,
    /// How often the server applies the automatic moves due (`run-due`) for every authority
    /// (default 60 minutes; also once at start).
    pub run_due_every: std::time::Duration,
    /// Development only: send the session cookie without `Secure` (named `pathway`, not
    /// `__Host-pathway`) so a browser keeps it over plain http. Refused unless the server
    /// listens on a loopback address.
    pub insecure_loopback_cookies: bool,
}

impl Default for ServerSettings {
    fn default() -> ServerSettings {
        ServerSettings {
            session_idle: chrono::Duration::minutes(30),
            session_absolute: chrono::Duration::hours(12),
            lock_after_failures: 5,
            run_due_every: std::time::Duration::from_secs(60 * 60),
            insecure_loopback_cookies: false,
        }
    }
}

impl Config {
    /// The built-in defaults.
    pub fn defaults() -> Config {
        Config {
            database: Database::Sqlite { path: PathBuf::from(DEFAULT_DATABASE_FILE) },
            data_dir: PathBuf::from("pathway-data"),
            max_upload_bytes: 20 * 1024 * 1024,
            clock: Clock::System,
            server: ServerSettings::default(),
            operator: None,
            sources: vec!["defaults".into()],
        }
    }

    /// Load settings: defaults, then the config file (if it exists), then the environment.
    pub fn load(env: &dyn Fn(&str) -> Option<String>) -> Result<Config, AppError> {
        let mut config = Config::defaults();
        let explicit = env("PATHWAY_CONFIG");
        let file = explicit.clone().map(PathBuf::from).unwrap_or_else(|| PathBuf::from(DEFAULT_FILE));
        if file.exists() {
            config.apply_file(&file)?;
        } else if explicit.is_some() {
            return Err(AppError::BadInput {
                field: "PATHWAY_CONFIG".into(),
                message: format!("{} does not exist", file.display()),
            });
        }
        if let Some(url) = env("PATHWAY_DATABASE_URL").filter(|u| !u.trim().is_empty()) {
            config.database = Database::parse(&url, "PATHWAY_DATABASE_URL")?;
            config.sources.push("PATHWAY_DATABASE_URL".into());
        }
        if let Some(dir) = env("PATHWAY_DATA_DIR").filter(|d| !d.trim().is_empty()) {
            config.data_dir = PathBuf::from(dir);
            config.sources.push("PATHWAY_DATA_DIR".into());
        }
        if let Some(max) = env("PATHWAY_MAX_UPLOAD_BYTES") {
            config.max_upload_bytes = max.trim().parse().map_err(|_| AppError::BadInput {
                field: "PATHWAY_MAX_UPLOAD_BYTES".into(),
                message: format!("`{max}` is not a number of bytes"),
            })?;
            config.sources.push("PATHWAY_MAX_UPLOAD_BYTES".into());
        }
        if let Some(clock) = env("PATHWAY_CLOCK").filter(|c| !c.trim().is_empty()) {
            config.clock = Clock::parse(&clock)
                .map_err(|message| AppError::BadInput { field: "PATHWAY_CLOCK".into(), message })?;
            config.sources.push("PATHWAY_CLOCK".into());
        }
        if let Some(operator) = env("PATHWAY_OPERATOR").filter(|o| !o.trim().is_empty()) {
            config.operator = Some(operator.trim().to_owned());
            config.sources.push("PATHWAY_OPERATOR".into());
        }
        config.apply_server_env(env)?;
        Ok(config)
    }

    /// `PATHWAY_SESSION_IDLE_MINUTES`, `PATHWAY_SESSION_ABSOLUTE_HOURS`,
    /// `PATHWAY_LOCK_AFTER_FAILURES`, `PATHWAY_RUN_DUE_EVERY_MINUTES` and
    /// `PATHWAY_INSECURE_LOOPBACK_COOKIES` (`true`/`false`).
    fn apply_server_env(&mut self, env: &dyn Fn(&str) -> Option<String>) -> Result<(), AppError> {
        let number = |name: &str| -> Result<Option<u32>, AppError> {
            env(name)
                .filter(|v| !v.trim().is_empty())
                .map(|v| {
                    v.trim().parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| AppError::BadInput {
                        field: name.to_owned(),
                        message: format!("`{v}` is not a whole number above 0"),
                    })
                })
                .transpose()
        };
        let file = ServerFile {
            session_idle_minutes: number("PATHWAY_SESSION_IDLE_MINUTES")?,
            session_absolute_hours: number("PATHWAY_SESSION_ABSOLUTE_HOURS")?,
            lock_after_failures: number("PATHWAY_LOCK_AFTER_FAILURES")?,
            run_due_every_minutes: number("PATHWAY_RUN_DUE_EVERY_MINUTES")?,
            insecure_loopback_cookies: match env("PATHWAY_INSECURE_LOOPBACK_COOKIES").as_deref().map(str::trim) {
                None | Some("") => None,
                Some("true" | "1") => Some(true),
                Some("false" | "0") => Some(false),
                Some(other) => {
                    return Err(AppError::BadInput {
                        field: "PATHWAY_INSECURE_LOOPBACK_COOKIES".into(),
                        message: format!("`{other}` is not true or false"),
                    });
                }
            },
        };
        self.apply_server(&file, "PATHWAY_*")
    }

    fn apply_server(&mut self, file: &ServerFile, source: &str) -> Result<(), AppError> {
        let server = &mut self.server;
        let zero =
            |what: &str| AppError::BadInput { field: format!("{source}: {what}"), message: "must be above 0".into() };
        if let Some(m) = file.session_idle_minutes {
            if m == 0 {
                return Err(zero("session_idle_minutes"));
            }
            server.session_idle = chrono::Duration::minutes(i64::from(m));
        }
        if let Some(h) = file.session_absolute_hours {
            if h == 0 {
                return Err(zero("session_absolute_hours"));
            }
            server.session_absolute = chrono::Duration::hours(i64::from(h));
        }
        if let Some(n) = file.lock_after_failures {
            if n == 0 {
                return Err(zero("lock_after_failures"));
            }
            server.lock_after_failures = n;
        }
        if let Some(m) = file.run_due_every_minutes {
            if m == 0 {
                return Err(zero("run_due_every_minutes"));
            }
            server.run_due_every = std::time::Duration::from_secs(u64::from(m) * 60);
        }
        if let Some(insecure) = file.insecure_loopback_cookies {
            server.insecure_loopback_cookies = insecure;
        }
        Ok(())
    }

    /// Load from the real process environment.
    pub fn from_env() -> Result<Config, AppError> {
        Config::load(&|k| std::env::var(k).ok())
    }

    fn apply_file(&mut self, path: &Path) -> Result<(), AppError> {
        let text = std::fs::read_to_string(path).map_err(|source| AppError::Read { path: path.to_owned(), source })?;
        let settings: FileSettings = toml::from_str(&text).map_err(|e| {
            let at = e
                .span()
                .map(|s| pathway_core::diagnostic::Position::of_offset(&text, s.start))
                .map(|p| format!(":{}:{}", p.line, p.column))
                .unwrap_or_default();
            AppError::BadInput { field: format!("{}{at}", path.display()), message: e.message().to_owned() }
        })?;
        if let Some(url) = settings.database_url {
            self.database = Database::parse(url.expose(), &format!("{}: database_url", path.display()))?;
        }
        if let Some(dir) = settings.data_dir {
            self.data_dir = dir;
        }
        if let Some(max) = settings.max_upload_bytes {
            self.max_upload_bytes = max;
        }
        if let Some(clock) = settings.clock {
            self.clock = Clock::parse(&clock)
                .map_err(|message| AppError::BadInput { field: format!("{}: clock", path.display()), message })?;
        }
        if let Some(operator) = settings.operator.filter(|o| !o.trim().is_empty()) {
            self.operator = Some(operator.trim().to_owned());
        }
        if let Some(server) = settings.server {
            self.apply_server(&server, &format!("{}: [server]", path.display()))?;
        }
        self.sources.push(path.display().to_string());
        Ok(())
    }

    /// Which database is configured, for messages (never the URL itself).
    pub fn database_description(&self) -> String {
        self.database.describe()
    }
}

/// A commented example configuration file.
pub const EXAMPLE: &str = r#"# pathway.toml — Pathway's settings. Every setting is optional; environment variables
# PATHWAY_DATABASE_URL, PATHWAY_DATA_DIR, PATHWAY_MAX_UPLOAD_BYTES and PATHWAY_CLOCK override this file,
# and PATHWAY_CONFIG names a different file.

# Where records live. A file path (or sqlite:// URL) uses the embedded SQLite database,
# created on first use. A postgres:// URL uses PostgreSQL, for large and multi-authority
# deployments.
database_url = "pathway.db"
# database_url = "postgres://pathway@127.0.0.1:5432/pathway"

# The account the command line acts as (PATHWAY_OPERATOR overrides): an account holding a
# system role. Everything the CLI records names it ("entered by ops.admin on behalf of ...").
# Left out, the CLI acts as the built-in operator `system`.
# operator = "ops.admin"

# Where evidence files (portfolio attachments) are stored, content-addressed.
data_dir = "pathway-data"

# The largest evidence file accepted, in bytes (20 MiB).
max_upload_bytes = 20971520

# Where "now" comes from. Every action is recorded at the clock's time; leave this as
# "system" in a live service. A fixed time ("2025-06-12T10:00:00Z") is for training copies
# and scripted tests, and every command run under it says so.
clock = "system"

# The server (`pathway serve`): sign-in and sessions. Environment variables
# PATHWAY_SESSION_IDLE_MINUTES, PATHWAY_SESSION_ABSOLUTE_HOURS, PATHWAY_LOCK_AFTER_FAILURES,
# PATHWAY_RUN_DUE_EVERY_MINUTES and PATHWAY_INSECURE_LOOPBACK_COOKIES override these.
[server]
# A session unused this long ends; and every session ends this long after sign-in.
session_idle_minutes = 30
session_absolute_hours = 12
# Consecutive failed sign-ins that lock an account until an administrator runs
# `pathway account unlock`.
lock_after_failures = 5
# How often the automatic moves due (`pathway run-due`) are applied for every authority.
run_due_every_minutes = 60
# Development only: a session cookie without `Secure`, so a browser keeps it over plain
# http. Refused unless the server listens on a loopback address.
insecure_loopback_cookies = false
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn with_nothing_set_pathway_uses_an_embedded_sqlite_file() {
        let c = Config::load(&env(&[])).unwrap();
        assert_eq!(c.database, Database::Sqlite { path: PathBuf::from("pathway.db") });
        assert_eq!(c.database_description(), "SQLite file pathway.db");
    }

    #[test]
    fn the_environment_overrides_the_file_and_the_file_overrides_defaults() {
        let dir = std::env::temp_dir().join(format!("pathway-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("pathway.toml");
        std::fs::write(&file, "database_url = \"other.db\"\nmax_upload_bytes = 1000\n").unwrap();
        let path = file.to_str().unwrap();
        let c = Config::load(&env(&[("PATHWAY_CONFIG", path)])).unwrap();
        assert_eq!(c.database, Database::Sqlite { path: PathBuf::from("other.db") });
        assert_eq!(c.max_upload_bytes, 1000);
        let c =
            Config::load(&env(&[("PATHWAY_CONFIG", path), ("PATHWAY_DATABASE_URL", "postgres://u:pw@h/db")])).unwrap();
        assert_eq!(c.database_description(), "PostgreSQL");
        assert!(!format!("{c:?}").contains("pw"), "the password never appears in debug output");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_database_url_is_read_once_into_what_it_names() {
        let sqlite = |path: &str| Database::Sqlite { path: PathBuf::from(path) };
        assert_eq!(Database::parse("sqlite://data/p.db?mode=rwc", "x").unwrap(), sqlite("data/p.db"));
        assert_eq!(Database::parse("sqlite:p.db", "x").unwrap(), sqlite("p.db"));
        assert_eq!(Database::parse(" p.db ", "x").unwrap(), sqlite("p.db"));
        assert!(matches!(Database::parse("postgresql://u@h/db", "x").unwrap(), Database::Postgres { .. }));
        let err = Database::parse("mysql://h/db", "PATHWAY_DATABASE_URL").unwrap_err();
        assert!(err.to_string().starts_with("PATHWAY_DATABASE_URL: `mysql://`"), "{err}");
        assert!(Database::parse("sqlite://", "x").is_err());
    }

    #[test]
    fn a_bad_config_file_says_where() {
        let dir = std::env::temp_dir().join(format!("pathway-config-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("pathway.toml");
        std::fs::write(&file, "database_url = \"x.db\"\ndatabse = 1\n").unwrap();
        let err = Config::load(&env(&[("PATHWAY_CONFIG", file.to_str().unwrap())])).unwrap_err();
        assert!(err.to_string().contains("pathway.toml:2:1"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_clock_is_the_systems_unless_fixed_and_a_bad_setting_is_named() {
        assert_eq!(Config::load(&env(&[])).unwrap().clock, Clock::System);
        let fixed = Config::load(&env(&[("PATHWAY_CLOCK", "2025-06-12T10:00:00Z")])).unwrap();
        assert_eq!(fixed.clock.now().to_rfc3339(), "2025-06-12T10:00:00+00:00");
        assert!(fixed.sources.contains(&"PATHWAY_CLOCK".to_owned()));
        let err = Config::load(&env(&[("PATHWAY_CLOCK", "yesterday")])).unwrap_err();
        assert!(err.to_string().starts_with("PATHWAY_CLOCK: `yesterday` is not a clock"), "{err}");
    }

    #[test]
    fn the_example_file_is_valid() {
        let _: FileSettings = toml::from_str(EXAMPLE).unwrap();
    }

    #[test]
    fn server_settings_come_from_the_environment_and_a_bad_one_is_named() {
        let c = Config::load(&env(&[])).unwrap();
        assert_eq!(c.server, ServerSettings::default());
        assert_eq!(c.server.session_idle, chrono::Duration::minutes(30));
        let c =
            Config::load(&env(&[("PATHWAY_SESSION_IDLE_MINUTES", "5"), ("PATHWAY_LOCK_AFTER_FAILURES", "3")])).unwrap();
        assert_eq!((c.server.session_idle, c.server.lock_after_failures), (chrono::Duration::minutes(5), 3));
        let err = Config::load(&env(&[("PATHWAY_LOCK_AFTER_FAILURES", "0")])).unwrap_err();
        assert!(err.to_string().starts_with("PATHWAY_LOCK_AFTER_FAILURES: `0` is not"), "{err}");
    }
}

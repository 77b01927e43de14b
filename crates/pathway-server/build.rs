//! Builds the web pages' assets and embeds them in the binary, so `pathway serve` needs no
//! files around it:
//! 1. `npm ci` in `web/` when its node_modules is missing (GOV.UK Frontend and sass, pinned
//!    by `web/package-lock.json`);
//! 2. `web/app.scss` compiled with sass (`--no-source-map --no-error-css`: a stylesheet that
//!    fails to compile fails the build, instead of becoming a page of error text);
//! 3. `OUT_DIR/assets.rs` written: every file served under `/assets/{VERSION}/` (the
//!    stylesheet, govuk-frontend's script and images, our scripts), each with
//!    its content type, `include_bytes!`-ed from where it was built or installed.
//!
//! `VERSION` is a hash of the inputs (the lock file, the stylesheet and the scripts), so a
//! changed asset has a new address and browsers may cache every address for a year.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use sha2::{Digest, Sha256};

/// Files copied as they are from govuk-frontend's `dist/govuk/`, and where they are served.
const FROM_GOVUK: &[&str] = &["govuk-frontend.min.js", "assets/manifest.json"];

/// Our own scripts in `web/`, served beside the stylesheet.
const OUR_SCRIPTS: &[&str] = &["app.mjs", "js-enabled.js"];

fn main() -> ExitCode {
    match build() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // Cargo shows a build script's stderr when it fails.
            eprintln!("error: the web assets could not be built: {message}");
            ExitCode::FAILURE
        }
    }
}

fn build() -> Result<(), String> {
    let manifest_dir = PathBuf::from(env("CARGO_MANIFEST_DIR")?);
    let out_dir = PathBuf::from(env("OUT_DIR")?);
    let web = manifest_dir.join("../../web");
    let web = web.canonicalize().map_err(|e| format!("cannot find the web folder {}: {e}", web.display()))?;
    for input in ["package.json", "package-lock.json", "app.scss", "app.mjs", "js-enabled.js"] {
        println!("cargo:rerun-if-changed={}", web.join(input).display());
    }
    // A removed or replaced node_modules runs this again.
    println!("cargo:rerun-if-changed={}", web.join("node_modules/.package-lock.json").display());

    let govuk = web.join("node_modules/govuk-frontend/dist/govuk");
    let sass = web.join("node_modules/sass/sass.js");
    if !govuk.join("index.scss").is_file() || !sass.is_file() {
        npm_ci(&web)?;
    }

    let version = version(&web)?;
    let scss_dir = out_dir.join("scss");
    std::fs::create_dir_all(&scss_dir).map_err(|e| format!("cannot create {}: {e}", scss_dir.display()))?;
    let settings = format!("// Written by pathway-server's build script.\n$assets-path: \"/assets/{version}/\";\n");
    write(&scss_dir.join("_pathway-build.scss"), settings.as_bytes())?;
    let css = out_dir.join("app.css");
    compile_scss(&web, &sass, &scss_dir, &css)?;

    let mut files: Vec<(String, PathBuf)> = vec![("app.css".to_owned(), css)];
    for name in FROM_GOVUK {
        let served = name.trim_start_matches("assets/");
        files.push((served.to_owned(), govuk.join(name)));
    }
    // Images only: the stylesheet uses Arial (GDS Transport is for GOV.UK services), so
    // govuk-frontend's font files are not served.
    for folder in ["images"] {
        for path in list(&govuk.join("assets").join(folder))? {
            let name = path.file_name().and_then(|n| n.to_str()).ok_or("a file name is not UTF-8")?;
            files.push((format!("{folder}/{name}"), path.clone()));
        }
    }
    for name in OUR_SCRIPTS {
        files.push(((*name).to_owned(), web.join(name)));
    }

    let mut code = String::from("// Written by pathway-server's build script: the assets served under /assets/.\n");
    let _ = writeln!(code, "/// Part of every asset's address; changes whenever an asset does.");
    let _ = writeln!(code, "pub(crate) const VERSION: &str = {version:?};");
    let _ = writeln!(code, "/// Each asset: where it is served (under the version), its type and its bytes.");
    let _ = writeln!(code, "pub(crate) static FILES: &[(&str, &str, &[u8])] = &[");
    for (served, path) in &files {
        if !path.is_file() {
            return Err(format!("{} is missing: run `npm ci` in web/ again", path.display()));
        }
        let _ = writeln!(
            code,
            "    ({served:?}, {:?}, include_bytes!({:?})),",
            content_type(served)?,
            path.display().to_string()
        );
    }
    let _ = writeln!(code, "];");
    write(&out_dir.join("assets.rs"), code.as_bytes())
}

fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("{name} is not set (cargo sets it for build scripts)"))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn list(folder: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = std::fs::read_dir(folder).map_err(|e| format!("cannot read {}: {e}", folder.display()))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| format!("cannot read {}: {e}", folder.display()))?.path();
        if path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    Ok(paths)
}

/// The inputs' hash, 16 hex digits: the lock file pins GOV.UK Frontend and sass, the rest
/// are ours.
fn version(web: &Path) -> Result<String, String> {
    let mut hash = Sha256::new();
    for input in ["package-lock.json", "app.scss", "app.mjs", "js-enabled.js"] {
        let path = web.join(input);
        let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        hash.update(input.as_bytes());
        hash.update((bytes.len() as u64).to_le_bytes());
        hash.update(&bytes);
    }
    Ok(hash.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect())
}

fn npm_ci(web: &Path) -> Result<(), String> {
    println!("cargo:warning=installing GOV.UK Frontend and sass: npm ci in {}", web.display());
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(web)
        .status()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => "npm is not installed: the pages' stylesheet is compiled from the npm \
                 package govuk-frontend at build time; install Node.js 20 or later with npm (Debian: \
                 `apt-get install -y nodejs npm`) and build again"
                .to_owned(),
            _ => format!("could not run npm: {e}"),
        })?;
    if !status.success() {
        return Err(format!("`npm ci` in {} failed ({status}); its output is above", web.display()));
    }
    Ok(())
}

fn compile_scss(web: &Path, sass: &Path, scss_dir: &Path, css: &Path) -> Result<(), String> {
    let output = Command::new("node")
        .arg(sass)
        .args(["--no-source-map", "--no-error-css", "--style=compressed", "--quiet-deps"])
        .arg(format!("--load-path={}", web.join("node_modules").display()))
        .arg(format!("--load-path={}", scss_dir.display()))
        .arg(web.join("app.scss"))
        .arg(css)
        .current_dir(web)
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                "node is not installed: sass runs on Node.js 20 or later (Debian: `apt-get install -y nodejs npm`)"
                    .to_owned()
            }
            _ => format!("could not run sass: {e}"),
        })?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("sass could not compile web/app.scss:\n{stderr}"));
    }
    for line in stderr.lines().filter(|l| l.starts_with("WARNING")) {
        println!("cargo:warning=sass: {line}");
    }
    Ok(())
}

fn content_type(name: &str) -> Result<&'static str, String> {
    let extension = name.rsplit_once('.').map(|(_, e)| e).unwrap_or_default();
    Ok(match extension {
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        _ => return Err(format!("no content type is known for {name}")),
    })
}

//! Build the Worker and the app into the folders wrangler.toml names.

use crate::cmd;
use crate::setup::{cargo_bin, node_bin};
use crate::{root, Result};
use std::path::Path;
use std::process::Command;

pub fn all() -> Result<()> {
    edge()?;
    app()?;
    site()
}

/// `edge/build/worker/shim.mjs` via worker-build, pointed at local tools so nothing is downloaded.
pub fn edge() -> Result<()> {
    cmd::run(
        Command::new(cargo_bin("worker-build"))
            .arg("--release")
            .current_dir(root().join("edge"))
            .env("WASM_BINDGEN_BIN", cargo_bin("wasm-bindgen"))
            .env("WASM_OPT_BIN", node_bin("wasm-opt"))
            .env("ESBUILD_BIN", node_bin("esbuild")),
    )
}

/// The Leptos app as four bundles: the submission pages (`huiyin_app`), the tracking pages
/// (`huiyin_track`, feature `track`), the transparency pages (`huiyin_open`, feature `open`:
/// 挂牌督办, the assessment, the dashboards) and the staff console (`huiyin_staff`, feature
/// `staff`), so a citizen submitting or tracking downloads only what that page uses.
pub fn app() -> Result<()> {
    bundle(&[], "huiyin_app")?;
    bundle(&["--features", "track"], "huiyin_track")?;
    bundle(&["--features", "open"], "huiyin_open")?;
    bundle(&["--features", "staff"], "huiyin_staff")
}

/// Release wasm, wasm-bindgen glue, then wasm-opt from npm binaryen
/// (Debian's binaryen 108 produced a wasm that failed to load, see shared/NOTES.md).
fn bundle(features: &[&str], name: &str) -> Result<()> {
    let root = root();
    cmd::run(
        Command::new("cargo")
            .args(["build", "--release", "--target", "wasm32-unknown-unknown", "-p", "huiyin-app"])
            .args(features)
            .current_dir(&root),
    )?;
    let pkg = root.join("target/site/pkg");
    cmd::run(
        Command::new(cargo_bin("wasm-bindgen"))
            .args(["--target", "web", "--no-typescript", "--out-name", name, "--out-dir"])
            .arg(&pkg)
            .arg(root.join("target/wasm32-unknown-unknown/release/huiyin-app.wasm")),
    )?;
    let wasm = pkg.join(format!("{name}_bg.wasm"));
    cmd::run(
        Command::new(node_bin("wasm-opt"))
            .args([
                "-Oz",
                "--enable-bulk-memory",
                "--enable-nontrapping-float-to-int",
                "--enable-sign-ext",
                "--enable-mutable-globals",
                "--enable-reference-types",
                "--enable-multivalue",
                "-o",
            ])
            .arg(&wasm)
            .arg(&wasm),
    )
}

/// `target/site`: the static files, the translations, the app's package and Leaflet from npm.
pub fn site() -> Result<()> {
    let root = root();
    let site = root.join("target/site");
    copy_dir(&root.join("public"), &site)?;
    std::fs::write(site.join("index.html"), crate::shell::index()?).map_err(|e| format!("index.html: {e}"))?;
    // The app compiles in its default language and fetches the others from here when chosen.
    copy_dir(&root.join("app/locales"), &site.join("locales"))?;
    minify(&site)?;
    let leaflet = site.join("vendor/leaflet");
    copy_dir(&root.join("node_modules/leaflet/dist"), &leaflet)?;
    // Only what the page loads: no source maps or the ESM/src builds.
    for extra in
        ["leaflet-src.js", "leaflet-src.js.map", "leaflet.js.map", "leaflet-src.esm.js", "leaflet-src.esm.js.map"]
    {
        let _ = std::fs::remove_file(leaflet.join(extra));
    }
    Ok(())
}

/// What the first page loads, minified by esbuild (npm): the scripts and styles in `public/`
/// and wasm-bindgen's glue (not minified by it), some 4 KB brotli of a citizen's first page.
/// The service worker stays as written.
fn minify(site: &Path) -> Result<()> {
    let mut files: Vec<std::path::PathBuf> = ["boot.js", "shell.js", "app.css"].iter().map(|f| site.join(f)).collect();
    let pkg = std::fs::read_dir(site.join("pkg")).map_err(|e| format!("{}: {e}", site.display()))?;
    for entry in pkg {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_some_and(|e| e == "js") {
            files.push(path);
        }
    }
    for file in files {
        let mut command = Command::new(node_bin("esbuild"));
        command
            .arg(&file)
            .args(["--minify", "--allow-overwrite", "--log-level=warning"])
            .arg(format!("--outfile={}", file.display()));
        if file.extension().is_some_and(|e| e == "js") && file.file_name().is_some_and(|n| n != "shell.js") {
            command.arg("--format=esm");
        }
        cmd::run(&mut command)?;
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let entries = std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(|e| format!("{}: {e}", entry.path().display()))?;
        }
    }
    Ok(())
}

//! Each bundle compiles in only its own translation files (`i18n::locale_files!`): a key that
//! code in a bundle asks for must be in one of them, or that bundle shows the bare key. Which
//! code a bundle holds is read from the `#[cfg]` on the `mod` lines, as the compiler reads it.

use crate::i18n::tests::{keys_in, source_files};
use crate::i18n::Lang;
use std::collections::{BTreeMap, BTreeSet};

/// The bundles `boot.js` chooses from, by their features (as xtask builds them).
const BUNDLES: [(&str, &[&str]); 4] = [
    ("huiyin_app", &[]),
    ("huiyin_track", &["track"]),
    ("huiyin_open", &["open", "track"]),
    ("huiyin_staff", &["staff", "open", "track"]),
];

/// The translation files a bundle compiles in, as `locale_files!` lists them.
fn locale_stems(features: &[&str]) -> Vec<&'static str> {
    let mut stems = vec!["", "citizen/photos.", "citizen/nearby.", "citizen/updates."];
    if features.contains(&"track") {
        stems.push("citizen/track.");
    }
    if features.contains(&"open") {
        stems.extend(["open/common.", "open/dashboard.", "open/heatmap.", "open/outlook."]);
    }
    if features.contains(&"staff") {
        stems.extend(["staff/common.", "staff/alerts.", "staff/channels.", "staff/photos."]);
    }
    stems
}

/// Split `a, any(b, c), d` at its top-level commas.
fn top_level(list: &str) -> Vec<&str> {
    let (mut depth, mut start, mut parts) = (0, 0, Vec::new());
    for (i, c) in list.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(list[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(list[start..].trim());
    parts.into_iter().filter(|p| !p.is_empty()).collect()
}

/// Whether a `cfg` predicate holds for a wasm32 build with `features` (not a test build).
fn holds(predicate: &str, features: &[&str]) -> bool {
    let p = predicate.trim();
    let call = |name: &str| p.strip_prefix(name).and_then(|r| r.trim_start().strip_prefix('(')?.strip_suffix(')'));
    if let Some(inner) = call("not") {
        return !holds(inner, features);
    }
    if let Some(inner) = call("any") {
        return top_level(inner).iter().any(|q| holds(q, features));
    }
    if let Some(inner) = call("all") {
        return top_level(inner).iter().all(|q| holds(q, features));
    }
    let value = |name: &str| p.strip_prefix(name)?.trim_start().strip_prefix('=').map(|v| v.trim().trim_matches('"'));
    if let Some(feature) = value("feature") {
        return features.contains(&feature);
    }
    if let Some(arch) = value("target_arch") {
        return arch == "wasm32";
    }
    assert_eq!(p, "test", "a cfg this check cannot read");
    false
}

/// Files under `src/` a bundle compiles: from `main.rs` down the `mod` lines whose `#[cfg]` holds.
fn compiled(features: &[&str], sources: &BTreeMap<String, String>) -> BTreeSet<String> {
    fn walk(file: &str, features: &[&str], sources: &BTreeMap<String, String>, out: &mut BTreeSet<String>) {
        out.insert(file.to_owned());
        let dir = match file.strip_suffix("mod.rs").or_else(|| file.strip_suffix("main.rs")) {
            Some(dir) => dir.to_owned(),
            None => format!("{}/", file.trim_end_matches(".rs")),
        };
        let mut cfgs: Vec<&str> = Vec::new();
        for line in sources[file].lines().map(str::trim) {
            if let Some(cfg) = line.strip_prefix("#[cfg(").and_then(|l| l.strip_suffix(")]")) {
                cfgs.push(cfg);
                continue;
            }
            let declared = line
                .strip_suffix(';')
                .map(|l| {
                    l.trim_start_matches("pub(crate) ").trim_start_matches("pub(super) ").trim_start_matches("pub ")
                })
                .and_then(|l| l.strip_prefix("mod "));
            if let Some(name) = declared {
                if cfgs.iter().all(|c| holds(c, features)) {
                    let child = [format!("{dir}{name}.rs"), format!("{dir}{name}/mod.rs")]
                        .into_iter()
                        .find(|f| sources.contains_key(f))
                        .unwrap_or_else(|| panic!("{file}: no file for mod {name}"));
                    walk(&child, features, sources, out);
                }
            }
            if !line.starts_with("#[") && !line.starts_with("//") {
                cfgs.clear();
            }
        }
    }
    let mut out = BTreeSet::new();
    walk("main.rs", features, sources, &mut out);
    out
}

#[test]
fn the_bundles_list_every_translation_file_between_them() {
    let listed: BTreeSet<String> =
        BUNDLES.iter().flat_map(|(_, f)| locale_stems(f)).map(|stem| format!("/locales/{stem}zh-Hans.txt")).collect();
    let compiled: BTreeSet<String> = Lang::ZhHans.addresses().into_iter().map(str::to_owned).collect();
    assert_eq!(listed, compiled, "locale_stems must mirror locale_files!");
}

#[test]
fn every_key_a_bundle_asks_for_is_in_its_own_files() {
    let sources: BTreeMap<String, String> = source_files().into_iter().collect();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    for (bundle, features) in BUNDLES {
        let files = compiled(features, &sources);
        assert!(files.len() > 20, "{bundle}: only {files:?}");
        let mut texts = String::new();
        for stem in locale_stems(features) {
            texts += &std::fs::read_to_string(root.join(format!("{stem}zh-Hans.txt"))).unwrap();
            texts.push('\n');
        }
        let known: BTreeSet<&str> = shared::translations::entries(&texts).map(|(k, _)| k).collect();
        let missing: Vec<String> = files
            .iter()
            .flat_map(|f| keys_in(&sources[f]).into_iter().map(move |k| (f, k)))
            .filter(|(_, k)| !known.contains(k.as_str()))
            .map(|(f, k)| format!("{k} ({f})"))
            .collect();
        assert!(missing.is_empty(), "{bundle} lacks {missing:?}");
    }
}

#[test]
fn field_labels_are_in_every_bundle() {
    // `i18n::field_message` names a field in an error by `field.{path}`, the path the server
    // sent: asked for at run time by any form, so found by no scan of the source.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    // A page's own form may keep its fields' labels in its own file.
    let own = [("open/dashboard.", "field.dashboard."), ("staff/channels.", "field.channel.")];
    let common: BTreeSet<&str> = locale_stems(&[]).into_iter().collect();
    for stem in locale_stems(&["staff", "open", "track"]).into_iter().filter(|s| !common.contains(s)) {
        let text = std::fs::read_to_string(root.join(format!("{stem}zh-Hans.txt"))).unwrap();
        let allowed = own.iter().find(|(s, _)| *s == stem).map(|(_, prefix)| *prefix);
        let labels: Vec<&str> = shared::translations::entries(&text)
            .map(|(k, _)| k)
            .filter(|k| k.starts_with("field.") && !allowed.is_some_and(|p| k.starts_with(p)))
            .collect();
        assert!(labels.is_empty(), "{stem}: {labels:?} belong in a file every bundle compiles");
    }
}

#[test]
fn the_cfg_reader_reads_what_the_app_writes() {
    assert!(holds(r#"any(feature = "staff", not(feature = "track"))"#, &[]));
    assert!(!holds(r#"any(feature = "staff", not(feature = "track"))"#, &["track"]));
    assert!(holds(r#"all(target_arch = "wasm32", feature = "staff")"#, &["staff"]));
    assert!(!holds(r#"any(test, feature = "open")"#, &["track"]));
    let sources: BTreeMap<String, String> = source_files().into_iter().collect();
    let submit = compiled(&[], &sources);
    assert!(submit.contains("pages/submit.rs") && !submit.contains("pages/ticket/mod.rs"));
    let staff = compiled(&["staff", "open", "track"], &sources);
    assert!(staff.contains("pages/staff/dispatch/parts.rs") && staff.contains("pages/ticket/rating.rs"));
}

//! The static shell in `index.html`: the header and, for the pages people open first (the form
//! and the dashboard), their heading and lead, in each language, made from the translation
//! files at build time. On a slow phone they show at once instead of a blank screen while the
//! wasm downloads; `public/shell.js` picks the page and language before the first paint, and
//! the app removes the shell when it has drawn the same things in its place.

use crate::{root, Result};
use std::collections::HashMap;

const LANGS: [&str; 3] = ["zh-Hans", "zh-Hant", "en"];

/// (page as `shell.js` names it, translation file under `app/locales/` without the language,
/// heading key, lead key)
const PAGES: [(&str, &str, &str, &str); 2] = [
    ("submit", "", "submit.heading", "submit.lead"),
    ("dashboard", "open/dashboard.", "open.dashboard.heading", "open.dashboard.lead"),
];

fn texts(stem: &str, lang: &str) -> Result<HashMap<String, String>> {
    let path = root().join(format!("app/locales/{stem}{lang}.txt"));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The shell's markup: the same elements and classes as the app's header and page top, so the
/// swap moves nothing; no ids (the app's own elements carry them).
pub fn html() -> Result<String> {
    let mut out = String::from("<div class=\"shell\" aria-hidden=\"true\">\n");
    for lang in LANGS {
        let base = texts("", lang)?;
        let t = |key: &str| -> Result<String> {
            base.get(key).map(|v| escape(v)).ok_or_else(|| format!("shell: no {key} in {lang}"))
        };
        out += &format!(
            "<div data-shell-lang=\"{lang}\" lang=\"{lang}\">\n<header class=\"site-header\">\
             <div class=\"site-header__inner\"><a href=\"/\" class=\"brand\"><span class=\"brand__name\">{}</span>\
             <span class=\"brand__tagline\">{}</span></a><div class=\"lang-select\"><label>{}</label>\
             <select disabled tabindex=\"-1\"><option>{}</option></select></div></div>\
             <nav class=\"site-nav\"><a href=\"/\">{}</a><a href=\"/track\">{}</a><a href=\"/listed\">{}</a>\
             <a href=\"/open/dashboard\">{}</a></nav></header>\n<main>\n",
            t("app.name")?,
            t("app.tagline")?,
            t("header.language")?,
            t(&format!("lang.{lang}"))?,
            t("nav.submit")?,
            t("nav.track")?,
            t("nav.listed")?,
            t("nav.open_data")?,
        );
        for (page, stem, heading, lead) in PAGES {
            let file = if stem.is_empty() { base.clone() } else { texts(stem, lang)? };
            let get = |key: &str| file.get(key).map(|v| escape(v)).ok_or_else(|| format!("shell: no {key} in {lang}"));
            out += &format!(
                "<div class=\"page\" data-shell-page=\"{page}\"><h1>{}</h1><p class=\"lead\">{}</p></div>\n",
                get(heading)?,
                get(lead)?
            );
        }
        out += "</main>\n</div>\n";
    }
    out += "</div>";
    Ok(out)
}

/// `public/index.html` with its `<!-- shell -->` line replaced.
pub fn index() -> Result<String> {
    let path = root().join("public/index.html");
    let template = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    if !template.contains("<!-- shell -->") {
        return Err(format!("{}: no <!-- shell --> line", path.display()));
    }
    Ok(template.replace("<!-- shell -->", &html()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_and_page_is_in_the_shell_with_its_texts() {
        let html = index().unwrap();
        for lang in LANGS {
            assert!(html.contains(&format!("data-shell-lang=\"{lang}\"")), "{lang}");
            let lead = texts("", lang).unwrap()["submit.lead"].clone();
            assert!(html.contains(&escape(&lead)), "{lang}");
        }
        assert_eq!(html.matches("data-shell-page=\"dashboard\"").count(), 3);
        assert!(!html.contains(" id="), "the app's elements carry the ids");
    }
}

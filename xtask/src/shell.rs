//! The static shell in `index.html`: the header and, for the pages people open first (the form
//! and the dashboard), their heading and lead, in each language, made from the translation
//! files at build time. On a slow phone they show at once instead of a blank screen while the
//! wasm downloads; `public/shell.js` picks the page and language before the first paint, and
//! the app removes the shell when it has drawn the same things in its place. Each language's
//! `<main>` also holds a marker where the Worker writes a request's page (`/track/{no}`).

use crate::{root, Result};
use shared::track_shell::{self, escape, LANGS};
use std::collections::HashMap;

/// (page as `shell.js` names it, translation file under `app/locales/` without the language,
/// heading key, lead key)
const PAGES: [(&str, &str, &str, &str); 2] = [
    ("submit", "", "submit.heading", "submit.lead"),
    ("dashboard", "open/dashboard.", "open.dashboard.heading", "open.dashboard.lead"),
];

fn texts(stem: &str, lang: &str) -> Result<HashMap<String, String>> {
    let path = root().join(format!("app/locales/{stem}{lang}.txt"));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(shared::translations::entries(&text).map(|(k, v)| (k.to_owned(), v.to_owned())).collect())
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
        // The Worker writes a request's page here when it serves `/track/{no}` (shared::track_shell).
        out += &track_shell::marker(lang);
        out += "\n</main>\n</div>\n";
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
    let page = template.replace("<!-- shell -->", &html()?);
    // And the request's view, for the app to start from.
    Ok(page.replacen("</body>", &format!("{}\n</body>", track_shell::DATA_MARKER), 1))
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
        for lang in LANGS {
            assert_eq!(html.matches(&track_shell::marker(lang)).count(), 1, "{lang}");
        }
        assert!(html.contains(&format!("{}\n</body>", track_shell::DATA_MARKER)));
    }
}

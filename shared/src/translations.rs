//! The translation files' format (`app/locales/**/*.txt`): one `key = value` per line, `#`
//! comments. Read by the app (its language files), by xtask (the static shell in index.html) and
//! by the Worker (the labels of the pages it writes), so all three read the same texts alike.

use std::collections::HashMap;

/// The file's entries in file order; a key given twice keeps both (the caller's map keeps the last).
pub fn entries(source: &str) -> impl Iterator<Item = (&str, &str)> {
    source
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim()))
}

/// A language's texts from its files, later files overriding earlier ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Texts(HashMap<String, String>);

impl Texts {
    pub fn from_sources<'a>(sources: impl IntoIterator<Item = &'a str>) -> Self {
        Texts(sources.into_iter().flat_map(entries).map(|(k, v)| (k.to_owned(), v.to_owned())).collect())
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// The text, or the key itself when the files lack it (visible, never a blank).
    pub fn text<'a>(&'a self, key: &'a str) -> &'a str {
        self.get(key).unwrap_or(key)
    }

    /// The text with `{name}` placeholders filled.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        args.iter().fold(self.text(key).to_owned(), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_comments_and_overrides() {
        let base = "# comment\n\nticket.heading = 诉求详情\nbroken line\n count = {count} 位 \n";
        let more = "ticket.heading = 诉求\n";
        assert_eq!(entries(base).collect::<Vec<_>>(), [("ticket.heading", "诉求详情"), ("count", "{count} 位")]);
        let texts = Texts::from_sources([base, more]);
        assert_eq!(texts.text("ticket.heading"), "诉求");
        assert_eq!(texts.text("missing.key"), "missing.key");
        assert_eq!(texts.fill("count", &[("count", "3")]), "3 位");
    }
}

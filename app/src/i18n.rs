//! Translations: every UI string lives in `app/locales/*.txt` (`key = value` lines).
//!
//! The files are compiled in and parsed once per language on first use; a lookup is a
//! binary search. A missing key shows the key itself rather than failing, and the host tests
//! make sure that never happens in a release.

use shared::error::{ErrorCode, FieldError, FieldErrorCode};
use shared::request::RequestKind;
use shared::status::Status;
use std::sync::OnceLock;

/// The translation files this bundle carries, each as `$file!(stem, lang)`: the citizens'
/// pages everywhere, the transparency and staff pages' own files only in the bundles that
/// show them, so a citizen's phone downloads no text it never shows. The host tests read all.
macro_rules! locale_files {
    ($file:ident, $lang:literal) => {{
        #[allow(unused_mut)]
        let mut files = vec![
            $file!("", $lang),
            $file!("citizen/photos.", $lang),
            $file!("citizen/nearby.", $lang),
            $file!("citizen/updates.", $lang),
        ];
        #[cfg(any(test, feature = "track"))]
        files.push($file!("citizen/track.", $lang));
        #[cfg(any(test, feature = "open"))]
        files.extend([
            $file!("open/common.", $lang),
            $file!("open/dashboard.", $lang),
            $file!("open/heatmap.", $lang),
            $file!("open/outlook.", $lang),
        ]);
        #[cfg(any(test, feature = "staff"))]
        files.extend([
            $file!("staff/common.", $lang),
            $file!("staff/alerts.", $lang),
            $file!("staff/channels.", $lang),
            $file!("staff/photos.", $lang),
        ]);
        files
    }};
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    ZhHans,
    ZhHant,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::ZhHans, Lang::ZhHant, Lang::En];

    /// The BCP 47 tag, used for `<html lang>`, `Intl` and the stored preference.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhHans => "zh-Hans",
            Lang::ZhHant => "zh-Hant",
            Lang::En => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.tag().eq_ignore_ascii_case(tag.trim()))
    }

    /// The translation files of this language as compiled in: on the host all of them (the
    /// tests read every file); in the browser only the default language, the others are
    /// fetched when chosen ([`Lang::addresses`]), so a phone downloads one language, not three.
    fn embedded(self) -> Option<Vec<&'static str>> {
        macro_rules! embedded {
            ($stem:literal, $lang:literal) => {
                include_str!(concat!("../locales/", $stem, $lang, ".txt"))
            };
        }
        match self {
            Lang::ZhHans => Some(locale_files!(embedded, "zh-Hans")),
            #[cfg(not(target_arch = "wasm32"))]
            Lang::ZhHant => Some(locale_files!(embedded, "zh-Hant")),
            #[cfg(not(target_arch = "wasm32"))]
            Lang::En => Some(locale_files!(embedded, "en")),
            #[cfg(target_arch = "wasm32")]
            _ => None,
        }
    }

    /// Where the site serves this language's files (`xtask` copies `app/locales` to `/locales`).
    pub fn addresses(self) -> Vec<&'static str> {
        macro_rules! address {
            ($stem:literal, $lang:literal) => {
                concat!("/locales/", $stem, $lang, ".txt")
            };
        }
        match self {
            Lang::ZhHans => locale_files!(address, "zh-Hans"),
            Lang::ZhHant => locale_files!(address, "zh-Hant"),
            Lang::En => locale_files!(address, "en"),
        }
    }

    fn slot(self) -> &'static OnceLock<Vec<(&'static str, &'static str)>> {
        static TABLES: [OnceLock<Vec<(&'static str, &'static str)>>; 3] =
            [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        match self {
            Lang::ZhHans => &TABLES[0],
            Lang::ZhHant => &TABLES[1],
            Lang::En => &TABLES[2],
        }
    }

    /// Every lookup comes here: the file list is only made (and parsed) the first time.
    fn table(self) -> &'static [(&'static str, &'static str)] {
        let slot = self.slot();
        if let Some(table) = slot.get() {
            return table;
        }
        match self.embedded() {
            Some(files) => slot.get_or_init(|| parse_all(&files)),
            None => &[],
        }
    }

    /// Whether this language's texts are at hand (compiled in, or fetched already).
    pub fn is_loaded(self) -> bool {
        !self.table().is_empty()
    }

    /// Take the fetched files of this language, in [`Lang::addresses`] order. They live for the
    /// rest of the visit, like the compiled-in ones. Refused (false) unless they hold every key
    /// of the default language: a missing file answered with the app's HTML must not pass.
    pub fn load(self, files: Vec<String>) -> bool {
        let files: Vec<&'static str> = files.into_iter().map(|f| &*Box::leak(f.into_boxed_str())).collect();
        let table = parse_all(&files);
        let complete = Lang::default().table().iter().all(|(k, _)| table.binary_search_by(|(t, _)| t.cmp(k)).is_ok());
        complete && (self.slot().set(table).is_ok() || self.slot().get().is_some())
    }

    pub fn get(self, key: &str) -> Option<&'static str> {
        let table = self.table();
        table.binary_search_by(|(k, _)| (*k).cmp(key)).ok().map(|i| table[i].1)
    }

    /// The translation of `key`, or the key itself so a gap is visible but harmless.
    pub fn text(self, key: &str) -> String {
        self.get(key).map_or_else(|| key.to_owned(), str::to_owned)
    }

    /// The translation with `{name}` placeholders filled in.
    pub fn fill(self, key: &str, args: &[(&str, &str)]) -> String {
        fill(&self.text(key), args)
    }
}

/// `key = value` lines of several files as one; `#` starts a comment line; the last definition
/// of a key, in file order, wins.
pub fn parse_all(sources: &[&'static str]) -> Vec<(&'static str, &'static str)> {
    let mut entries: Vec<(&'static str, &'static str)> =
        sources.iter().flat_map(|source| shared::translations::entries(source)).collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries.dedup_by(|later, earlier| {
        if later.0 == earlier.0 {
            earlier.1 = later.1;
            true
        } else {
            false
        }
    });
    entries
}

pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

// Keys of the wire enums are built from their wire names, so a new variant only needs a line
// in each locale file; the tests below enumerate them.

pub fn status_key(s: Status) -> String {
    format!("status.{}", s.as_str())
}

#[cfg(any(feature = "track", not(target_arch = "wasm32")))]
pub fn channel_key(c: shared::request::Channel) -> String {
    format!("channel.{}", c.as_str())
}

pub fn kind_key(k: RequestKind) -> String {
    format!("kind.{}", k.as_str())
}

pub fn error_code_key(c: ErrorCode) -> String {
    format!("error.{}", c.as_str())
}

pub fn field_error_key(c: FieldErrorCode) -> String {
    format!("field_error.{}", c.as_str())
}

#[cfg(target_arch = "wasm32")]
pub use reactive::{fetch_language, provide_i18n, use_i18n};

#[cfg(target_arch = "wasm32")]
mod reactive {
    use super::Lang;
    use crate::dom;
    use leptos::prelude::*;

    /// The chosen language as a signal: views read it inside closures and re-render on change.
    #[derive(Debug, Clone, Copy)]
    pub struct I18n {
        lang: RwSignal<Lang>,
    }

    impl I18n {
        pub fn lang(&self) -> Lang {
            self.lang.get()
        }

        /// Change language once its texts are at hand (fetched first if need be; on a failed
        /// fetch the page stays as it is and the answer is false).
        pub async fn switch(self, lang: Lang) -> bool {
            // Remembered at once: someone who picks a language and follows a link before its
            // texts arrive gets it on the next page, which fetches them before its first paint.
            let before = self.lang.get_untracked();
            dom::store_lang(lang);
            if !fetch_language(lang).await {
                dom::store_lang(before);
                return false;
            }
            self.set(lang);
            true
        }

        fn set(&self, lang: Lang) {
            dom::store_lang(lang);
            dom::set_document_lang(lang);
            self.lang.set(lang);
        }

        pub fn t(&self, key: &'static str) -> &'static str {
            self.lang.get().get(key).unwrap_or(key)
        }

        /// The translation as a reactive text. Every call returns the same closure type, so
        /// the renderer's generic code is instantiated once for all static texts (a third of
        /// the wasm when each text was its own closure).
        pub fn tr(self, key: &'static str) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
            move || self.t(key)
        }

        /// The same for a key built at run time (statuses, channels, …).
        pub fn tr_key(self, key: String) -> impl Fn() -> String + Clone + Send + Sync + 'static {
            move || self.lang.get().text(&key)
        }

        /// One of two texts, following a flag (e.g. "Sending…" while a request is out).
        pub fn tr_either(
            self,
            flag: RwSignal<bool>,
            yes: &'static str,
            no: &'static str,
        ) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
            move || self.t(if flag.get() { yes } else { no })
        }

        pub fn tf(&self, key: &'static str, args: &[(&str, &str)]) -> String {
            self.lang.get().fill(key, args)
        }
    }

    /// Fetch a language's files unless they are at hand; false if they could not be had.
    pub async fn fetch_language(lang: Lang) -> bool {
        if lang.is_loaded() {
            return true;
        }
        let calls = lang.addresses().into_iter().map(|a| crate::api::call("GET", a, &[], None));
        let files: Result<Vec<String>, _> = futures::future::join_all(calls).await.into_iter().collect();
        files.is_ok_and(|files| lang.load(files))
    }

    pub fn provide_i18n() -> I18n {
        // `main` fetched a stored choice before mounting; if that failed, the default it is.
        let lang = dom::stored_lang().filter(|l| l.is_loaded()).unwrap_or_default();
        dom::set_document_lang(lang);
        let i18n = I18n { lang: RwSignal::new(lang) };
        provide_context(i18n);
        i18n
    }

    pub fn use_i18n() -> I18n {
        expect_context::<I18n>()
    }
}

/// The message for one field: a specific `field_error.{code}.{path}` text if the locale has
/// one, else the generic text for the code with the field's label and limit filled in.
pub fn field_message(lang: Lang, path: &str, error: &FieldError) -> String {
    let generic = field_error_key(error.code);
    let specific = format!("{generic}.{path}");
    let template = lang.get(&specific).or_else(|| lang.get(&generic)).unwrap_or(generic.as_str());
    let label = lang.get(&format!("field.{path}")).unwrap_or(path);
    let limit = error.limit.map(|l| l.to_string()).unwrap_or_default();
    fill(template, &[("field", label), ("limit", &limit)])
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(lang: Lang) -> BTreeSet<&'static str> {
        lang.table().iter().map(|(k, _)| *k).collect()
    }

    pub fn all_error_codes() -> Vec<ErrorCode> {
        ErrorCode::ALL.to_vec()
    }

    pub fn all_field_error_codes() -> Vec<FieldErrorCode> {
        FieldErrorCode::ALL.to_vec()
    }

    #[test]
    fn every_language_is_served_where_the_browser_fetches_it() {
        for lang in Lang::ALL {
            let addresses = lang.addresses();
            assert_eq!(addresses.len(), lang.embedded().unwrap().len());
            for address in addresses {
                let file = address.strip_prefix("/locales/").unwrap();
                assert!(std::path::Path::new("locales").join(file).is_file(), "{address}");
                assert!(file.ends_with(&format!("{}.txt", lang.tag())), "{address}");
            }
        }
    }

    #[test]
    fn every_language_names_the_three_alike_so_the_switch_needs_only_the_default() {
        for lang in Lang::ALL {
            for named in Lang::ALL {
                let key = format!("lang.{}", named.tag());
                assert_eq!(lang.get(&key), Lang::default().get(&key), "{lang:?} {key}");
            }
        }
    }

    #[test]
    fn a_fetched_language_is_taken_only_when_it_has_every_key() {
        let html = vec!["<!doctype html>\n<html lang=\"zh-Hans\">".to_owned()];
        assert!(!Lang::En.load(html), "the SPA's fallback page is not a translation");
        let files: Vec<String> = Lang::En.embedded().unwrap().into_iter().map(str::to_owned).collect();
        assert!(Lang::En.load(files));
        assert!(Lang::En.is_loaded());
        assert_eq!(Lang::En.get("lang.en"), Some("English"));
    }

    #[test]
    fn all_locales_have_the_same_keys() {
        let reference = keys(Lang::ZhHans);
        for lang in Lang::ALL {
            let these = keys(lang);
            let missing: Vec<_> = reference.difference(&these).collect();
            let extra: Vec<_> = these.difference(&reference).collect();
            assert!(missing.is_empty() && extra.is_empty(), "{lang:?}: missing {missing:?}, extra {extra:?}");
        }
    }

    #[test]
    fn no_value_is_empty_and_no_line_is_malformed() {
        for lang in Lang::ALL {
            for (key, value) in lang.table() {
                assert!(!key.is_empty() && !value.is_empty(), "{lang:?}: {key:?} = {value:?}");
                assert!(!key.contains(char::is_whitespace), "{lang:?}: key {key:?}");
            }
            let sources = lang.embedded().expect("the host compiles every language in");
            for line in sources.iter().flat_map(|s| s.lines()).map(str::trim) {
                assert!(
                    line.is_empty() || line.starts_with('#') || line.contains('='),
                    "{lang:?}: line without '=': {line:?}"
                );
            }
            // Across files too: a key in two files would depend on their order.
            let defined: Vec<_> = sources
                .iter()
                .flat_map(|s| s.lines())
                .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim()))
                .filter(|k| !k.starts_with('#'))
                .collect();
            let unique: BTreeSet<_> = defined.iter().collect();
            assert_eq!(defined.len(), unique.len(), "{lang:?} defines a key twice");
        }
    }

    #[test]
    fn placeholders_match_across_locales() {
        fn placeholders(v: &str) -> BTreeSet<String> {
            v.split('{').skip(1).filter_map(|s| s.split_once('}').map(|(n, _)| n.to_owned())).collect()
        }
        for (key, value) in Lang::ZhHans.table() {
            for lang in Lang::ALL {
                let other = lang.get(key).unwrap_or_default();
                assert_eq!(placeholders(value), placeholders(other), "{lang:?}: {key}");
            }
        }
    }

    /// The app's non-test source, file by file (path relative to `src/`, code before its tests).
    pub(crate) fn source_files() -> Vec<(String, String)> {
        fn walk(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<(String, String)>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(root, &path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let src = std::fs::read_to_string(&path).unwrap();
                    // The unit tests, at each file's end, ask for keys that no page does.
                    let code = src.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
                    let code = code.split("#[cfg(test)]\npub(crate) mod tests").next().unwrap_or_default().to_owned();
                    let name = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                    out.push((name, code));
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        walk(&root, &root, &mut files);
        files
    }

    /// Keys passed as string literals to the translation calls (`t`, `tr`, `tf`, `text`,
    /// `.fill` and summary-list `row`s) in one file's code.
    pub(crate) fn keys_in(src: &str) -> BTreeSet<String> {
        let mut used = BTreeSet::new();
        for (pos, _) in src.match_indices('(') {
            let before = &src[..pos];
            let ident_len = before.chars().rev().take_while(|c| c.is_alphanumeric() || *c == '_').count();
            let ident = &before[before.len() - ident_len..];
            let dotted = before[..before.len() - ident_len].ends_with('.');
            let is_call =
                matches!(ident, "t" | "tr" | "tf" | "text" | "row" | "tr_either") || (ident == "fill" && dotted);
            // Comments mention the calls too; only code has a literal right after the paren.
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            let in_comment = before[line_start..].trim_start().starts_with("//");
            if !is_call || in_comment {
                continue;
            }
            let args = src[pos + 1..].trim_start();
            if let Some(literal) = args.strip_prefix('"') {
                if let Some(end) = literal.find('"') {
                    used.insert(literal[..end].to_owned());
                }
            }
            if ident == "tr_either" {
                // `tr_either(flag, "yes.key", "no.key")`: every literal up to the `)`.
                let call = &src[pos + 1..];
                let call = &call[..call.find(')').unwrap_or(call.len())];
                used.extend(call.split('"').skip(1).step_by(2).map(str::to_owned));
            }
        }
        used
    }

    fn keys_used_in_source() -> BTreeSet<String> {
        source_files().iter().flat_map(|(_, src)| keys_in(src)).collect()
    }

    #[test]
    fn every_key_used_in_the_source_exists_everywhere() {
        let used = keys_used_in_source();
        assert!(used.len() > 50, "the scan found only {} keys: is it broken?", used.len());
        // Calls that rustfmt splits over lines must be found too.
        assert!(used.contains("timeline.status_changed") && used.contains("api.unexpected"), "{used:?}");
        assert!(used.contains("submit.sending") && used.contains("submit.button"), "{used:?}");
        for lang in Lang::ALL {
            let missing: Vec<_> = used.iter().filter(|k| lang.get(k).is_none()).collect();
            assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
        }
    }

    #[test]
    fn every_wire_enum_is_translated() {
        let mut dynamic: Vec<String> = Vec::new();
        dynamic.extend(Status::ALL.into_iter().map(status_key));
        dynamic.extend(shared::request::Channel::ALL.into_iter().map(channel_key));
        dynamic.extend([RequestKind::Citizen, RequestKind::Enterprise].into_iter().map(kind_key));
        dynamic.extend(all_error_codes().into_iter().map(error_code_key));
        dynamic.extend(all_field_error_codes().into_iter().map(field_error_key));
        dynamic.extend(Lang::ALL.into_iter().map(|l| format!("lang.{}", l.tag())));
        for lang in Lang::ALL {
            for key in &dynamic {
                assert!(lang.get(key).is_some(), "{lang:?} lacks {key}");
            }
        }
    }

    #[test]
    fn lookup_and_fill() {
        assert_eq!(Lang::from_tag("zh-hant"), Some(Lang::ZhHant));
        assert_eq!(Lang::from_tag("fr"), None);
        assert_eq!(Lang::En.text("no.such.key"), "no.such.key");
        assert_eq!(fill("{field} ≤ {limit}", &[("field", "Title"), ("limit", "100")]), "Title ≤ 100");
        let parsed = parse_all(&["# c\n a = 1 \nb=x=y\n", "a = 2\n"]);
        assert_eq!(parsed, vec![("a", "2"), ("b", "x=y")]);
    }
}

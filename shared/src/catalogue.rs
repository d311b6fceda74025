//! The category catalogue: three levels (一级/二级/三级分类) with stable codes.
//!
//! Codes are positional (`01`, `01.02`, `01.02.03`) and fixed in `data/catalogue.csv`;
//! new categories are appended there, never renumbered, so stored tickets keep their meaning.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The catalogue the city ships with (Teddy 2020 label system, 15 / 103 / 390 names).
pub const DEFAULT_CATALOGUE_CSV: &str = include_str!("../data/catalogue.csv");

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct CategoryCode(String);

impl CategoryCode {
    /// A code is one to three two-digit segments joined by dots.
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        let segments: Vec<&str> = raw.split('.').collect();
        let well_formed = (1..=3).contains(&segments.len())
            && segments.iter().all(|s| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()));
        well_formed.then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 1 for a first-level code, 3 for a leaf.
    pub fn level(&self) -> usize {
        self.0.split('.').count()
    }

    /// The code of this category's first-level ancestor (itself at level 1).
    pub fn level1(&self) -> CategoryCode {
        Self(self.0.chars().take(2).collect())
    }

    fn parent(&self) -> Option<CategoryCode> {
        self.0.rfind('.').map(|i| Self(self.0[..i].to_owned()))
    }
}

impl std::fmt::Display for CategoryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One node of the tree as the API serves it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CategoryNode {
    pub code: CategoryCode,
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<CategoryNode>,
}

/// A category with the names of its ancestors, root first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CategoryRef {
    pub code: CategoryCode,
    pub path: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CatalogueError {
    Header,
    Row { line: usize, reason: String },
}

impl std::fmt::Display for CatalogueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CatalogueError::Header => f.write_str("catalogue: header must be code,level1,level2,level3"),
            CatalogueError::Row { line, reason } => write!(f, "catalogue line {line}: {reason}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Catalogue {
    names: BTreeMap<CategoryCode, String>,
}

impl Catalogue {
    /// Parse `code,level1,level2,level3` rows. Names contain no commas or quotes.
    pub fn from_csv(csv: &str) -> Result<Self, CatalogueError> {
        let mut lines = csv.lines().enumerate();
        match lines.next() {
            Some((_, header)) if header.trim() == "code,level1,level2,level3" => {}
            _ => return Err(CatalogueError::Header),
        }
        let mut names = BTreeMap::new();
        for (index, line) in lines {
            let line_no = index + 1;
            if line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split(',').map(str::trim).collect();
            let row_error = |reason: &str| CatalogueError::Row { line: line_no, reason: reason.to_owned() };
            let [code, l1, l2, l3] = cols.as_slice() else {
                return Err(row_error("expected 4 columns"));
            };
            let leaf = CategoryCode::parse(code)
                .filter(|c| c.level() == 3)
                .ok_or_else(|| row_error("code must look like 01.02.03"))?;
            if [l1, l2, l3].iter().any(|n| n.is_empty()) {
                return Err(row_error("empty name"));
            }
            if names.contains_key(&leaf) {
                return Err(row_error("duplicate code"));
            }
            let mut node = Some(leaf.clone());
            for name in [l3, l2, l1] {
                let Some(code) = node else { break };
                match names.get(&code) {
                    Some(existing) if existing != name => {
                        return Err(row_error("code already names another category"));
                    }
                    _ => {
                        names.insert(code.clone(), (*name).to_owned());
                    }
                }
                node = code.parent();
            }
        }
        Ok(Self { names })
    }

    /// The catalogue compiled into the binary.
    pub fn builtin() -> &'static Catalogue {
        use std::sync::OnceLock;
        static BUILTIN: OnceLock<Catalogue> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            // The shipped file is checked by a unit test; an empty catalogue is the safe fallback.
            Catalogue::from_csv(DEFAULT_CATALOGUE_CSV).unwrap_or(Catalogue { names: BTreeMap::new() })
        })
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn contains(&self, code: &CategoryCode) -> bool {
        self.names.contains_key(code)
    }

    pub fn is_leaf(&self, code: &CategoryCode) -> bool {
        code.level() == 3 && self.contains(code)
    }

    pub fn count_at_level(&self, level: usize) -> usize {
        self.names.keys().filter(|c| c.level() == level).count()
    }

    pub fn name(&self, code: &CategoryCode) -> Option<&str> {
        self.names.get(code).map(String::as_str)
    }

    /// Names from the first level down to `code`.
    pub fn path(&self, code: &CategoryCode) -> Option<CategoryRef> {
        let segments: Vec<&str> = code.as_str().split('.').collect();
        let mut path = Vec::with_capacity(segments.len());
        for depth in 1..=segments.len() {
            let prefix = CategoryCode(segments[..depth].join("."));
            path.push(self.names.get(&prefix)?.clone());
        }
        Some(CategoryRef { code: code.clone(), path })
    }

    /// Find a category by code or by its name at any level (first match in code order).
    pub fn resolve(&self, code_or_name: &str) -> Option<CategoryCode> {
        let wanted = code_or_name.trim();
        if let Some(code) = CategoryCode::parse(wanted).filter(|c| self.contains(c)) {
            return Some(code);
        }
        self.names.iter().find(|(_, name)| name.as_str() == wanted).map(|(code, _)| code.clone())
    }

    /// Leaves whose path (any level) contains every whitespace-separated term, in code order.
    /// Case is folded for ASCII only: the names are Chinese with the odd Latin word ("WiFi"),
    /// and full Unicode folding would bring its tables into the form's wasm.
    pub fn search(&self, query: &str) -> Vec<CategoryRef> {
        let terms: Vec<String> = query.split_whitespace().map(str::to_ascii_lowercase).collect();
        self.names
            .keys()
            .filter(|code| code.level() == 3)
            .filter_map(|code| self.path(code))
            .filter(|r| {
                let haystack = r.path.join(" ").to_ascii_lowercase();
                terms.iter().all(|t| haystack.contains(t.as_str()))
            })
            .collect()
    }

    /// The whole tree, first level first, in code order.
    pub fn tree(&self) -> Vec<CategoryNode> {
        fn children(cat: &Catalogue, parent: Option<&CategoryCode>, level: usize) -> Vec<CategoryNode> {
            cat.names
                .iter()
                .filter(|(code, _)| code.level() == level && code.parent().as_ref() == parent)
                .map(|(code, name)| CategoryNode {
                    code: code.clone(),
                    name: name.clone(),
                    children: if level < 3 { children(cat, Some(code), level + 1) } else { Vec::new() },
                })
                .collect()
        }
        children(self, None, 1)
    }

    /// Rebuild a catalogue from the tree the API serves (the app does this once per load).
    pub fn from_tree(tree: &[CategoryNode]) -> Self {
        fn walk(nodes: &[CategoryNode], names: &mut BTreeMap<CategoryCode, String>) {
            for node in nodes {
                names.insert(node.code.clone(), node.name.clone());
                walk(&node.children, names);
            }
        }
        let mut names = BTreeMap::new();
        walk(tree, &mut names);
        Self { names }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_catalogue_has_the_published_shape() {
        let cat = Catalogue::from_csv(DEFAULT_CATALOGUE_CSV).unwrap();
        assert_eq!(cat.count_at_level(1), 15);
        assert_eq!(cat.count_at_level(3), 517, "one leaf per row");
        let unique_leaf_names: std::collections::BTreeSet<_> =
            cat.names.iter().filter(|(c, _)| c.level() == 3).map(|(_, n)| n.clone()).collect();
        assert_eq!(unique_leaf_names.len(), 390);
        let unique_l2_names: std::collections::BTreeSet<_> =
            cat.names.iter().filter(|(c, _)| c.level() == 2).map(|(_, n)| n.clone()).collect();
        assert_eq!(unique_l2_names.len(), 103);
        assert_eq!(Catalogue::builtin().len(), cat.len());
    }

    #[test]
    fn codes_are_stable() {
        let cat = Catalogue::builtin();
        let code = CategoryCode::parse("01.01.01").unwrap();
        let path = cat.path(&code).unwrap();
        assert_eq!(path.path, vec!["城乡建设", "安全生产", "事故处理"]);
        assert!(cat.is_leaf(&code));
        assert!(!cat.is_leaf(&code.level1()));
    }

    #[test]
    fn search_matches_any_level() {
        let cat = Catalogue::builtin();
        let noise = cat.search("噪音");
        assert!(noise.iter().any(|r| r.path.last().map(String::as_str) == Some("噪音污染")));
        // A first-level name finds all of its leaves.
        let env = cat.search("环境保护");
        assert_eq!(env.len(), 24);
        assert!(cat.search("不存在的类别xyz").is_empty());
        // Every term must match.
        let both = cat.search("环境保护 噪音");
        assert!(!both.is_empty() && both.len() < env.len());
    }

    #[test]
    fn resolve_by_code_or_name() {
        let cat = Catalogue::builtin();
        assert_eq!(cat.resolve("城乡建设").map(|c| c.to_string()), Some("01".to_owned()));
        assert_eq!(cat.resolve("01.01").map(|c| c.to_string()), Some("01.01".to_owned()));
        assert_eq!(cat.resolve("99.01"), None);
    }

    #[test]
    fn tree_round_trips() {
        let cat = Catalogue::builtin();
        let tree = cat.tree();
        assert_eq!(tree.len(), 15);
        let again = Catalogue::from_tree(&tree);
        assert_eq!(again.names, cat.names);
    }

    #[test]
    fn bad_files_are_refused_with_the_line() {
        assert_eq!(Catalogue::from_csv("a,b\n").unwrap_err(), CatalogueError::Header);
        let err = Catalogue::from_csv("code,level1,level2,level3\n01.01,a,b,c\n").unwrap_err();
        assert!(matches!(err, CatalogueError::Row { line: 2, .. }));
        let err = Catalogue::from_csv("code,level1,level2,level3\n01.01.01,a,b,c\n01.01.02,x,b,d\n").unwrap_err();
        assert!(matches!(err, CatalogueError::Row { line: 3, .. }));
    }

    #[test]
    fn malformed_codes_are_not_codes() {
        for bad in ["", "1", "01.", "01.1", "01.01.01.01", "ab", "01-01"] {
            assert!(CategoryCode::parse(bad).is_none(), "{bad}");
        }
    }
}

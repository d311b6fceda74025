//! TF-IDF vectors over hashed features.
//!
//! - term frequency is sublinear, per field: `tf(c) = 1 + ln c` for a feature seen `c` times; a document's value is
//!   `title_weight · tf(c_title) + tf(c_description)`, so a word in the (short, informative) title counts more;
//! - inverse document frequency is smoothed: `idf = ln((1 + N) / (1 + df)) + 1` over the `N` training documents;
//! - the vector is L2-normalised, so long and short tickets are comparable;
//! - the vocabulary keeps features seen in at least `min_df` training documents and at most `max_df` of them, and at
//!   most `max_features` of those (the most frequent), so the model stays small.

use super::text::Analyzer;

/// How tickets become vectors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FeatureParams {
    pub analyzer: Analyzer,
    /// Weight of the title's term frequencies relative to the description's.
    pub title_weight: f32,
    /// Keep features seen in at least this many training documents.
    pub min_df: u32,
    /// Drop features seen in more than this fraction of training documents (1.0 keeps all).
    pub max_df: f32,
    /// Keep at most this many features (the highest document frequencies).
    pub max_features: u32,
}

impl Default for FeatureParams {
    fn default() -> Self {
        Self { analyzer: Analyzer::default(), title_weight: 4.0, min_df: 2, max_df: 1.0, max_features: 60_000 }
    }
}

/// A feature's raw counts in one ticket.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawTerm {
    pub hash: u32,
    pub title: u32,
    pub description: u32,
}

/// Count every feature of a ticket, sorted by hash.
pub(crate) fn raw_terms(analyzer: &Analyzer, title: &str, description: &str, scratch: &mut Vec<u32>) -> Vec<RawTerm> {
    scratch.clear();
    analyzer.features(title, true, scratch);
    let title_len = scratch.len();
    analyzer.features(description, false, scratch);
    let (t, d) = scratch.split_at_mut(title_len);
    t.sort_unstable();
    d.sort_unstable();
    let mut out: Vec<RawTerm> = Vec::with_capacity(t.len() + d.len());
    let (mut i, mut j) = (0, 0);
    while i < t.len() || j < d.len() {
        let next = match (t.get(i), d.get(j)) {
            (Some(&a), Some(&b)) => a.min(b),
            (Some(&a), None) => a,
            (None, Some(&b)) => b,
            (None, None) => break,
        };
        let mut term = RawTerm { hash: next, title: 0, description: 0 };
        while t.get(i) == Some(&next) {
            term.title += 1;
            i += 1;
        }
        while d.get(j) == Some(&next) {
            term.description += 1;
            j += 1;
        }
        out.push(term);
    }
    out
}

#[inline(always)]
fn sublinear(count: u32) -> f32 {
    // Most features occur once or not at all in a field; ln is comparatively slow.
    match count {
        0 => 0.0,
        1 => 1.0,
        c => 1.0 + (c as f32).ln(),
    }
}

/// `ln((1 + n) / (1 + df)) + 1`, computed the same way at training and at load.
pub(crate) fn idf(n_docs: u32, df: u32) -> f32 {
    ((f64::from(n_docs) + 1.0) / (f64::from(df) + 1.0)).ln() as f32 + 1.0
}

/// The kept features: sorted hashes with their document frequencies.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Vocab {
    pub n_docs: u32,
    pub hashes: Vec<u32>,
    pub df: Vec<u32>,
    pub idf: Vec<f32>,
}

impl Vocab {
    pub fn new(n_docs: u32, hashes: Vec<u32>, df: Vec<u32>) -> Self {
        let idf = df.iter().map(|&d| idf(n_docs, d)).collect();
        Self { n_docs, hashes, df, idf }
    }

    /// Build from the training documents' raw terms.
    pub fn fit(docs: &[&Vec<RawTerm>], params: &FeatureParams) -> Self {
        let mut all: Vec<u32> = docs.iter().flat_map(|d| d.iter().map(|t| t.hash)).collect();
        all.sort_unstable();
        let n = docs.len();
        let max_df = ((params.max_df.clamp(0.0, 1.0) as f64) * n as f64).floor().max(1.0) as u32;
        let mut counted: Vec<(u32, u32)> = Vec::new();
        let mut i = 0;
        while i < all.len() {
            let h = all[i];
            let mut j = i;
            while j < all.len() && all[j] == h {
                j += 1;
            }
            let df = (j - i) as u32;
            if df >= params.min_df.max(1) && (df <= max_df || params.max_df >= 1.0) {
                counted.push((h, df));
            }
            i = j;
        }
        let cap = params.max_features.max(1) as usize;
        if counted.len() > cap {
            // Most frequent first; ties by hash so the choice is deterministic.
            counted.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            counted.truncate(cap);
            counted.sort_unstable_by_key(|&(h, _)| h);
        }
        let (hashes, df) = counted.into_iter().unzip();
        Self::new(u32::try_from(n).unwrap_or(u32::MAX), hashes, df)
    }

    pub fn len(&self) -> usize {
        self.hashes.len()
    }

    /// The L2-normalised TF-IDF vector of a ticket: (feature index, value), indices ascending.
    pub fn vectorise(&self, terms: &[RawTerm], title_weight: f32) -> Vec<(u32, f32)> {
        let mut out: Vec<(u32, f32)> = Vec::with_capacity(terms.len());
        let hashes = self.hashes.as_slice();
        let mut lo = 0usize;
        for t in terms {
            // Terms are sorted by hash too: gallop forward from the last position, then bisect the bracket.
            let mut step = 1usize;
            let mut hi = lo;
            while hi < hashes.len() && hashes[hi] < t.hash {
                lo = hi + 1;
                hi += step;
                step *= 2;
            }
            let mut end = hi.min(hashes.len());
            while lo < end {
                let mid = lo + (end - lo) / 2;
                if hashes[mid] < t.hash {
                    lo = mid + 1;
                } else {
                    end = mid;
                }
            }
            if lo >= hashes.len() {
                break;
            }
            if hashes[lo] == t.hash {
                let tf = title_weight * sublinear(t.title) + sublinear(t.description);
                out.push((lo as u32, tf * self.idf[lo]));
                lo += 1;
            }
        }
        let norm = out.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            for (_, v) in &mut out {
                *v /= norm;
            }
        }
        out
    }
}

/// Rows of sparse vectors, stored contiguously.
#[derive(Debug, Clone, Default)]
pub(crate) struct Csr {
    pub indptr: Vec<usize>,
    pub index: Vec<u32>,
    pub value: Vec<f32>,
}

impl Csr {
    pub fn from_rows(rows: impl IntoIterator<Item = Vec<(u32, f32)>>) -> Self {
        let mut m = Csr { indptr: vec![0], ..Csr::default() };
        for row in rows {
            for (i, v) in row {
                m.index.push(i);
                m.value.push(v);
            }
            m.indptr.push(m.index.len());
        }
        m
    }

    pub fn rows(&self) -> usize {
        self.indptr.len().saturating_sub(1)
    }

    pub fn row(&self, r: usize) -> (&[u32], &[f32]) {
        let (a, b) = (self.indptr[r], self.indptr[r + 1]);
        (&self.index[a..b], &self.value[a..b])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_terms_count_title_and_description_apart() {
        let a = Analyzer { cjk_ngram_max: 1, ..Analyzer::default() };
        let mut s = Vec::new();
        let terms = raw_terms(&a, "噪音", "噪音噪", &mut s);
        assert_eq!(terms.len(), 2);
        let total: u32 = terms.iter().map(|t| t.title + t.description).sum();
        assert_eq!(total, 5);
        assert!(terms.windows(2).all(|w| w[0].hash < w[1].hash));
    }

    #[test]
    fn vectors_are_unit_length_and_pruned() {
        let a = Analyzer { cjk_ngram_max: 1, ..Analyzer::default() };
        let mut s = Vec::new();
        let docs: Vec<_> = ["路灯坏了", "路灯不亮", "噪音扰民"].iter().map(|d| raw_terms(&a, "", d, &mut s)).collect();
        let params = FeatureParams { min_df: 2, ..FeatureParams::default() };
        let refs: Vec<&Vec<RawTerm>> = docs.iter().collect();
        let vocab = Vocab::fit(&refs, &params);
        assert_eq!(vocab.len(), 2, "路 and 灯 are in two documents");
        let v = vocab.vectorise(&docs[0], 2.0);
        let norm: f32 = v.iter().map(|(_, x)| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-5);
        assert!(vocab.vectorise(&docs[2], 2.0).is_empty());
    }
}

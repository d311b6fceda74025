//! Ticket text → category: a small linear text classifier that trains and runs inside the Worker.
//!
//! # Pipeline
//! - **Text** ([`text`]): full-width → half-width, lower case, digit runs → one placeholder, punctuation and
//!   whitespace as boundaries; character 1–3-grams inside CJK stretches, word unigrams and bigrams inside Latin-script
//!   stretches. No word segmenter, and the same code handles Chinese and English.
//! - **Vectors** ([`features`]): sublinear TF per field with the title weighted ([`FeatureParams::title_weight`]),
//!   smoothed IDF, L2 normalisation; features are 32-bit hashes kept by document frequency.
//! - **Catalogue prior** ([`catalogue_prior`], [`train_with_prior`]): one pseudo-row per catalogue category at or below
//!   each trained class — its name (`噪音污染` under 环境保护) — weighing [`Params::prior_weight`] tickets, always in
//!   training and never scored. The category names the city already wrote down become evidence before any ticket has
//!   used those words; with more tickets their relative weight shrinks by itself.
//! - **Scorers** ([`Learner`]): one or more linear models over the same vector — one-vs-rest linear SVMs (dual
//!   coordinate descent), NB-SVM, multinomial logistic regression (SGD), complement naive Bayes.
//! - **Calibration** ([`calibrate`]): a `calibration_folds`-fold cross-validation *on the training rows only* gives
//!   every training ticket scores from models that did not see it; weights `a_m ≥ 0` for the members are fitted to
//!   minimise the negative log-likelihood of `softmax(Σ_m a_m · score_m)` on those out-of-fold scores. With one
//!   member this is temperature scaling (`a = 1/T`). The final members are then trained on all rows and folded into
//!   **one** weight matrix `Σ_m a_m W_m`, so inference is a single sparse product and a softmax whatever the
//!   ensemble, and `confidence` is that softmax: on held-out tickets, among suggestions given 80 % confidence about
//!   80 % are right (the expected calibration error measures how far from that it is).
//! - **Storage** ([`Model::to_bytes`]): a compact binary encoding — hashes delta-coded, document frequencies as
//!   varints, weights as `i8` with one `f32` scale per class. The in-memory model holds the quantised weights
//!   itself, so a model decoded from its bytes predicts exactly what it predicted before encoding.
//!
//! # Use in the Worker
//! ```ignore
//! let prior = classify::catalogue_prior(&catalogue, &rows);
//! let model = classify::train_with_prior(&rows, &prior, &classify::Params::default()); // store model.to_bytes()
//! let model = classify::Model::from_bytes(&bytes)?;                                      // once per isolate
//! let response = classify::suggest(&model, &catalogue, &title, &description, 3);         // SuggestResponse
//! let auto = classify::auto_dispatch(&model.suggest(&title, &description, 1), threshold);
//! ```
//! `cargo xtask eval` measures it against a TF-IDF + linear SVM baseline (`target/bench/classifier.json`).
//!
//! Training is deterministic: the only randomness (fold assignment, SGD and coordinate-descent order) comes from a
//! xorshift generator seeded by [`Params::seed`].

pub mod calibrate;
mod codec;
pub mod features;
mod learn;
pub mod metrics;
pub mod text;

use crate::catalogue::{Catalogue, CategoryCode};
use features::{raw_terms, Csr, RawTerm, Vocab};
use learn::Linear;
use serde::{Deserialize, Serialize};

pub use codec::DecodeError;
pub use features::FeatureParams;
pub use learn::{Rng, SvmLoss};
pub use text::Analyzer;

/// One linear scorer of an ensemble.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Learner {
    /// One-vs-rest linear SVMs with penalty `c` (larger fits the training rows harder).
    Svm { c: f32, loss: SvmLoss },
    /// One-vs-rest SVMs on features scaled by their naive-Bayes log-count ratio for each class (Wang & Manning 2012).
    NbSvm { c: f32, alpha: f32 },
    /// Multinomial logistic regression with L2 penalty `lambda`, trained by SGD for `epochs` passes.
    Softmax { lambda: f32, epochs: u32 },
    /// Complement naive Bayes with additive smoothing `alpha`.
    ComplementNb { alpha: f32 },
}

/// Everything `train` needs besides the rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub features: FeatureParams,
    /// The ensemble's members; their scores are summed with weights fitted on out-of-fold predictions.
    pub members: Vec<Learner>,
    /// Folds of the internal cross-validation used for calibration (2..=10). Below 2 no calibration is done and every
    /// member gets weight 1 (confidences are then not calibrated).
    pub calibration_folds: usize,
    /// Stop the calibration folds once this many rows have out-of-fold scores: a temperature is one number, and a
    /// thousand held-out predictions determine it well. With 495 rows all 5 folds run (training ≈ 5 fits); with
    /// 5,000 rows one fold does (training ≈ 1.8 fits).
    pub calibration_rows: usize,
    /// Weight of each prior row in [`train_with_prior`] relative to a real ticket (0 ignores them).
    pub prior_weight: f32,
    pub seed: u64,
}

impl Default for Params {
    /// The configuration `cargo xtask eval` selects by cross-validation on the 495 labelled messages (and in 14 of its
    /// 15 nested outer folds): title weight 4, the catalogue prior at weight 2, one-vs-rest squared-hinge SVMs with
    /// C = 3, temperature-scaled on 5-fold out-of-fold scores.
    fn default() -> Self {
        Self {
            features: FeatureParams::default(),
            members: vec![Learner::Svm { c: 3.0, loss: SvmLoss::SquaredHinge }],
            calibration_folds: 5,
            calibration_rows: 1_000,
            prior_weight: 2.0,
            seed: 0x4875_6979_696E,
        }
    }
}

impl Params {
    /// The baseline: TF-IDF (title and description concatenated, i.e. title weight 1), no prior, and one-vs-rest
    /// linear SVMs with squared hinge loss, like scikit-learn's `TfidfVectorizer(sublinear_tf=True) +
    /// LinearSVC(C=c)`. Calibrated by temperature scaling so that its confidences can be compared too.
    pub fn baseline(c: f32) -> Self {
        Self {
            features: FeatureParams { title_weight: 1.0, ..FeatureParams::default() },
            members: vec![Learner::Svm { c, loss: SvmLoss::SquaredHinge }],
            prior_weight: 0.0,
            ..Self::default()
        }
    }
}

/// What training measured about itself, stored with the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub training_rows: u32,
    /// Weight of each member in the folded model (`1/T` for a single member).
    pub member_weights: Vec<f32>,
    /// Training rows that received out-of-fold scores for calibration (0 when not calibrated).
    pub oof_rows: u32,
    /// Out-of-fold accuracy, log-loss and ECE of the calibrated ensemble on those rows (0 when not calibrated).
    /// Each fold's model saw `(folds − 1)/folds` of the rows, so these slightly understate the final model: a fair,
    /// cheap estimate of what to expect on new tickets from the same source.
    pub oof_accuracy: f32,
    pub oof_log_loss: f32,
    pub oof_ece: f32,
}

/// A trained classifier.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    analyzer: Analyzer,
    title_weight: f32,
    classes: Vec<CategoryCode>,
    vocab: Vocab,
    /// `weights[f * classes + k]`, times `scales[k]`.
    weights: Vec<i8>,
    scales: Vec<f32>,
    bias: Vec<f32>,
    info: ModelInfo,
}

/// A member's model and the vocabulary it was trained with.
struct Fitted {
    vocab: Vocab,
    members: Vec<Linear>,
}

fn fit(raw: &[&Vec<RawTerm>], y: &[usize], sw: &[f32], classes: usize, params: &Params, rng: &mut Rng) -> Fitted {
    let vocab = Vocab::fit(raw, &params.features);
    let x = Csr::from_rows(raw.iter().map(|r| vocab.vectorise(r, params.features.title_weight)));
    let problem = learn::Problem { x: &x, y, sw, classes, features: vocab.len() };
    let members = params
        .members
        .iter()
        .map(|learner| match *learner {
            Learner::Svm { c, loss } => learn::svm_ovr(&problem, c, loss, None, rng),
            Learner::NbSvm { c, alpha } => {
                let scales = learn::nb_scales(&problem, alpha);
                learn::svm_ovr(&problem, c, SvmLoss::SquaredHinge, Some(&scales), rng)
            }
            Learner::Softmax { lambda, epochs } => learn::softmax_sgd(&problem, lambda, epochs as usize, rng),
            Learner::ComplementNb { alpha } => learn::complement_nb(&problem, alpha),
        })
        .collect();
    Fitted { vocab, members }
}

/// Pseudo-rows from the catalogue's names for each class the `rows` carry: one row per category at or below the
/// class (its name as the title, no description), so a class's sub-category names (`噪音污染`, `医疗收费`, …) count as
/// evidence for it even before a ticket with those words has been seen. Generic names (`其他`, "other") are skipped.
/// Pass them to [`train_with_prior`]; classes the catalogue does not know get none.
pub fn catalogue_prior(
    catalogue: &Catalogue,
    rows: &[(String, String, CategoryCode)],
) -> Vec<(String, String, CategoryCode)> {
    fn walk(nodes: &[crate::catalogue::CategoryNode], out: &mut Vec<(CategoryCode, String)>) {
        for n in nodes {
            out.push((n.code.clone(), n.name.clone()));
            walk(&n.children, out);
        }
    }
    let mut nodes = Vec::new();
    walk(&catalogue.tree(), &mut nodes);
    let mut classes: Vec<&CategoryCode> = rows.iter().map(|r| &r.2).collect();
    classes.sort();
    classes.dedup();
    let mut out = Vec::new();
    for class in classes {
        let prefix = format!("{class}.");
        for (code, name) in &nodes {
            let below = code == class || code.as_str().starts_with(&prefix);
            if below && name != "其他" && !name.eq_ignore_ascii_case("other") {
                out.push((name.clone(), String::new(), class.clone()));
            }
        }
    }
    out
}

/// Train on `(title, description, category)` rows. Categories may be at any catalogue level; the model predicts
/// exactly the codes its rows carry ([`Model::classes`], sorted). Never fails: with no rows the model knows no class
/// and suggests nothing; with one class it always suggests that class with confidence 1.
pub fn train(rows: &[(String, String, CategoryCode)], params: &Params) -> Model {
    train_with_prior(rows, &[], params)
}

/// [`train`] with extra `prior` rows (e.g. [`catalogue_prior`]) that weigh [`Params::prior_weight`] each, are part of
/// every fit, and are never used to measure or calibrate. Prior rows of a class no real row carries are ignored.
pub fn train_with_prior(
    rows: &[(String, String, CategoryCode)],
    prior: &[(String, String, CategoryCode)],
    params: &Params,
) -> Model {
    let mut classes: Vec<CategoryCode> = rows.iter().map(|r| r.2.clone()).collect();
    classes.sort();
    classes.dedup();
    let k = classes.len();
    let y: Vec<usize> = rows.iter().map(|r| classes.binary_search(&r.2).unwrap_or(0)).collect();
    let mut scratch = Vec::new();
    let raw: Vec<Vec<RawTerm>> =
        rows.iter().map(|(t, d, _)| raw_terms(&params.features.analyzer, t, d, &mut scratch)).collect();
    let prior: Vec<(Vec<RawTerm>, usize)> = if params.prior_weight > 0.0 {
        prior
            .iter()
            .filter_map(|(t, d, c)| {
                let label = classes.binary_search(c).ok()?;
                Some((raw_terms(&params.features.analyzer, t, d, &mut scratch), label))
            })
            .collect()
    } else {
        Vec::new()
    };
    // One fit on some real rows plus all prior rows.
    let fit_on = |picks: &[usize], rng: &mut Rng| {
        let mut docs: Vec<&Vec<RawTerm>> = picks.iter().map(|&i| &raw[i]).collect();
        let mut labels: Vec<usize> = picks.iter().map(|&i| y[i]).collect();
        let mut sw = vec![1.0f32; picks.len()];
        for (terms, label) in &prior {
            docs.push(terms);
            labels.push(*label);
            sw.push(params.prior_weight);
        }
        fit(&docs, &labels, &sw, k, params, rng)
    };
    let mut rng = Rng::new(params.seed);
    let m = params.members.len();

    let folds = params.calibration_folds.min(10);
    let mut info = ModelInfo {
        training_rows: u32::try_from(rows.len()).unwrap_or(u32::MAX),
        member_weights: vec![1.0; m],
        oof_rows: 0,
        oof_accuracy: 0.0,
        oof_log_loss: 0.0,
        oof_ece: 0.0,
    };
    let mut weights = vec![1.0f64; m];
    if folds >= 2 && k >= 2 && rows.len() >= 2 * folds && m > 0 {
        let fold = metrics::stratified_folds(&y, folds, rng.next_u64());
        // Out-of-fold scores, fold by fold, until enough rows are scored to pin the weights down.
        let mut scored: Vec<usize> = Vec::new();
        let mut oof: Vec<Vec<Vec<f32>>> = vec![Vec::new(); m];
        for f in 0..folds {
            if scored.len() >= params.calibration_rows.max(1) {
                break;
            }
            let inside: Vec<usize> = (0..rows.len()).filter(|&i| fold[i] != f).collect();
            let fitted = fit_on(&inside, &mut rng);
            for i in (0..rows.len()).filter(|&i| fold[i] == f) {
                let xv = fitted.vocab.vectorise(&raw[i], params.features.title_weight);
                let (idx, val): (Vec<u32>, Vec<f32>) = xv.into_iter().unzip();
                for (mi, member) in fitted.members.iter().enumerate() {
                    let mut z = vec![0.0f32; k];
                    member.scores(&idx, &val, &mut z);
                    oof[mi].push(z);
                }
                scored.push(i);
            }
        }
        let y_scored: Vec<usize> = scored.iter().map(|&i| y[i]).collect();
        let (a, loss) = calibrate::fit_weights(&oof, &y_scored, k);
        weights = a;
        // How the calibrated ensemble did on the rows it had not seen.
        let mut confidence = Vec::with_capacity(scored.len());
        let mut correct = Vec::with_capacity(scored.len());
        let mut z = vec![0.0f32; k];
        for (j, &yi) in y_scored.iter().enumerate() {
            z.iter_mut().for_each(|v| *v = 0.0);
            for (mi, &am) in weights.iter().enumerate() {
                for (zk, s) in z.iter_mut().zip(&oof[mi][j]) {
                    *zk += am as f32 * s;
                }
            }
            learn::softmax_in_place(&mut z);
            let (best, p) = argmax(&z);
            confidence.push(p);
            correct.push(best == yi);
        }
        info.oof_accuracy = correct.iter().filter(|&&c| c).count() as f32 / scored.len().max(1) as f32;
        info.oof_rows = u32::try_from(scored.len()).unwrap_or(u32::MAX);
        info.oof_log_loss = loss as f32;
        info.oof_ece = metrics::expected_calibration_error(&confidence, &correct, 10) as f32;
    }
    info.member_weights = weights.iter().map(|&a| a as f32).collect();

    let all: Vec<usize> = (0..rows.len()).collect();
    let fitted = fit_on(&all, &mut rng);
    let mut combined = Linear::zeros(fitted.vocab.len(), k);
    for (member, &a) in fitted.members.iter().zip(&weights) {
        combined.add_scaled(a as f32, member);
    }
    let (q, scales) = quantise(&combined);
    Model {
        analyzer: params.features.analyzer,
        title_weight: params.features.title_weight,
        classes,
        vocab: fitted.vocab,
        weights: q,
        scales,
        bias: combined.b,
        info,
    }
}

/// Symmetric per-class `i8` quantisation: `w ≈ q · scale_k`, `scale_k = max_f |w_fk| / 127`.
fn quantise(m: &Linear) -> (Vec<i8>, Vec<f32>) {
    let k = m.classes;
    let mut scales = vec![0.0f32; k];
    for row in m.w.chunks(k.max(1)) {
        for (s, w) in scales.iter_mut().zip(row) {
            *s = s.max(w.abs());
        }
    }
    scales.iter_mut().for_each(|s| *s = if *s > 0.0 { *s / 127.0 } else { 1.0 });
    let q =
        m.w.chunks(k.max(1))
            .flat_map(|row| row.iter().zip(&scales).map(|(w, s)| (w / s).round().clamp(-127.0, 127.0) as i8))
            .collect();
    (q, scales)
}

fn argmax(p: &[f32]) -> (usize, f32) {
    p.iter().enumerate().fold((0, f32::NEG_INFINITY), |best, (i, &v)| if v > best.1 { (i, v) } else { best })
}

impl Model {
    /// The codes this model can suggest, sorted.
    pub fn classes(&self) -> &[CategoryCode] {
        &self.classes
    }

    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    /// Number of kept features (hashes) in the vocabulary.
    pub fn features(&self) -> usize {
        self.vocab.len()
    }

    /// Calibrated probability of every class, in [`Model::classes`] order (sums to 1; empty without classes).
    pub fn probabilities(&self, title: &str, description: &str) -> Vec<f32> {
        let k = self.classes.len();
        if k == 0 {
            return Vec::new();
        }
        let mut scratch = Vec::new();
        let terms = raw_terms(&self.analyzer, title, description, &mut scratch);
        let x = self.vocab.vectorise(&terms, self.title_weight);
        let mut acc = vec![0.0f32; k];
        for (f, v) in x {
            let base = f as usize * k;
            if let Some(row) = self.weights.get(base..base + k) {
                for (a, &q) in acc.iter_mut().zip(row) {
                    *a += v * f32::from(q);
                }
            }
        }
        let mut z: Vec<f32> = acc.iter().zip(&self.scales).zip(&self.bias).map(|((a, s), b)| a * s + b).collect();
        learn::softmax_in_place(&mut z);
        z
    }

    /// The `top_k` most likely categories with their calibrated confidence, best first. Confidences are
    /// probabilities of disjoint outcomes, so they sum to at most 1.
    pub fn suggest(&self, title: &str, description: &str, top_k: usize) -> Vec<(CategoryCode, f32)> {
        let p = self.probabilities(title, description);
        let mut order: Vec<usize> = (0..p.len()).collect();
        // Ties (an empty ticket) fall back to code order, so the output is deterministic.
        order.sort_by(|&a, &b| p[b].total_cmp(&p[a]).then(a.cmp(&b)));
        order.into_iter().take(top_k).map(|i| (self.classes[i].clone(), p[i])).collect()
    }

    /// The compact binary form (see the module documentation); [`Model::from_bytes`] reads it back.
    pub fn to_bytes(&self) -> Vec<u8> {
        codec::encode(self)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Model, DecodeError> {
        codec::decode(bytes)
    }
}

/// `POST /api/v1/triage/suggest` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuggestRequest {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
}

/// One suggested category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    pub category_code: CategoryCode,
    /// The first-level category's name.
    pub level1: String,
    /// Names from the first level down to the suggested category.
    pub path: Vec<String>,
    /// Calibrated probability that this is the right category (0..=1).
    pub confidence: f32,
}

/// `POST /api/v1/triage/suggest` response: best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuggestResponse {
    pub suggestions: Vec<Suggestion>,
}

/// Suggestions with their catalogue names. A code the catalogue no longer knows keeps its code and gets empty names.
pub fn suggest(model: &Model, catalogue: &Catalogue, title: &str, description: &str, top_k: usize) -> SuggestResponse {
    let suggestions = model
        .suggest(title, description, top_k)
        .into_iter()
        .map(|(code, confidence)| {
            let path = catalogue.path(&code).map(|r| r.path).unwrap_or_default();
            let level1 = catalogue.name(&code.level1()).unwrap_or_default().to_owned();
            Suggestion { category_code: code, level1, path, confidence }
        })
        .collect();
    SuggestResponse { suggestions }
}

/// The category to dispatch a new ticket to without a human, if the best suggestion is at least `threshold`
/// confident. Suggestions must be best first, as [`Model::suggest`] returns them.
pub fn auto_dispatch(suggestions: &[(CategoryCode, f32)], threshold: f32) -> Option<CategoryCode> {
    suggestions.first().filter(|(_, p)| *p >= threshold).map(|(c, _)| c.clone())
}

#[cfg(test)]
mod tests;

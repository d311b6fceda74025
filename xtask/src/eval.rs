//! `cargo xtask eval [--explore] [--quick]`: the ticket classifier against the TF-IDF + linear SVM baseline on the
//! 495 labelled Teddy 2020 messages. Figures go to `target/bench/classifier.json`.
//!
//! Protocol (nothing is ever tuned on the rows it is scored on):
//! - **Hold-out**: one stratified 80/20 split (fixed seed). Each method picks its hyper-parameters by 5-fold
//!   cross-validation on the 80 % only, is retrained on the 80 %, and is scored once on the 20 %.
//! - **Repeated cross-validation**: stratified 5-fold over all rows, repeated with several seeds. In every outer fold
//!   both methods again select their hyper-parameters by an inner 5-fold CV on the outer training part only (nested
//!   CV). Differences are reported per fold (paired), with mean ± std and the Nadeau–Bengio corrected t statistic,
//!   which accounts for the overlap between the training sets of repeated folds.
//! - Rows sharing a message id (one message appears twice, with two different labels) always land in the same fold.
//!
//! `--explore` prints inner-CV scores of many configurations on the hold-out's *training* part only; it is how the
//! candidate grid below was chosen, and it never touches the 20 %.

use crate::{root, Result};
use serde_json::{json, Value};
use shared::catalogue::{Catalogue, CategoryCode};
use shared::classify::metrics::{
    accuracy, expected_calibration_error, log_loss, macro_f1, per_class_f1, stratified_folds,
};
use shared::classify::{catalogue_prior, train_with_prior, Analyzer, FeatureParams, Learner, Model, Params, SvmLoss};
use std::collections::BTreeMap;
use std::time::Instant;

const DATA: &str = "../shared/data/teddy2020_messages_labeled_495.csv";
const HOLDOUT_SEED: u64 = 20_200_495;
const CV_SEEDS: [u64; 3] = [1, 2, 3];
const FOLDS: usize = 5;
const ECE_BINS: usize = 10;
const THRESHOLDS: [f32; 5] = [0.5, 0.6, 0.7, 0.8, 0.9];

#[derive(Debug, Clone)]
struct Row {
    id: String,
    title: String,
    description: String,
    label: CategoryCode,
}

type Triple = (String, String, CategoryCode);
/// Confidences of the top suggestions and whether each was right.
type Pooled = (Vec<f32>, Vec<bool>);

fn triples(rows: &[&Row]) -> Vec<Triple> {
    rows.iter().map(|r| (r.title.clone(), r.description.clone(), r.label.clone())).collect()
}

/// Train as the Worker does: the rows plus the catalogue prior (ignored when `prior_weight` is 0).
fn train(rows: &[Triple], params: &Params) -> Model {
    train_with_prior(rows, &catalogue_prior(Catalogue::builtin(), rows), params)
}

fn load() -> Result<Vec<Row>> {
    let path = root().join(DATA);
    let mut reader = csv::Reader::from_path(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name).ok_or_else(|| format!("{DATA}: no column {name}"));
    let (id, title, description, label) = (col("留言编号")?, col("留言主题")?, col("留言详情")?, col("一级分类")?);
    let catalogue = Catalogue::builtin();
    let mut rows = Vec::new();
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("{DATA} row {}: {e}", line + 1))?;
        let field = |i: usize| record.get(i).unwrap_or_default().trim().to_owned();
        let name = field(label);
        let code = catalogue.resolve(&name).ok_or_else(|| format!("{DATA} row {}: unknown label {name}", line + 1))?;
        rows.push(Row { id: field(id), title: field(title), description: field(description), label: code });
    }
    Ok(rows)
}

/// Stratified folds over message ids (a group's label is its first row's).
fn group_folds(rows: &[&Row], classes: &[CategoryCode], k: usize, seed: u64) -> Vec<usize> {
    let mut ids: Vec<&str> = Vec::new();
    let mut group_label: Vec<usize> = Vec::new();
    let mut group_of: Vec<usize> = Vec::with_capacity(rows.len());
    for r in rows {
        let g = match ids.iter().position(|i| *i == r.id) {
            Some(g) => g,
            None => {
                ids.push(&r.id);
                group_label.push(classes.binary_search(&r.label).unwrap_or(0));
                ids.len() - 1
            }
        };
        group_of.push(g);
    }
    let folds = stratified_folds(&group_label, k, seed);
    group_of.iter().map(|&g| folds[g]).collect()
}

/// Scores of one model on some rows.
#[derive(Debug, Clone)]
struct Scored {
    accuracy: f64,
    macro_f1: f64,
    per_class_f1: Vec<Option<f64>>,
    ece: f64,
    log_loss: f64,
    /// (threshold, share of tickets at or above it, accuracy on those)
    coverage: Vec<(f32, f64, f64)>,
    truth: Vec<usize>,
    predicted: Vec<usize>,
    confidence: Vec<f32>,
}

fn score(model: &Model, test: &[&Row], classes: &[CategoryCode]) -> Scored {
    let mut truth = Vec::new();
    let mut predicted = Vec::new();
    let mut confidence = Vec::new();
    let mut probabilities = Vec::new();
    for r in test {
        let p = model.probabilities(&r.title, &r.description);
        // Spread the model's classes onto the data's (a class absent from training gets probability 0).
        let mut full = vec![0.0f32; classes.len()];
        for (c, &v) in model.classes().iter().zip(&p) {
            if let Ok(i) = classes.binary_search(c) {
                full[i] = v;
            }
        }
        let (best, conf) = full.iter().enumerate().fold((0, -1.0f32), |b, (i, &v)| if v > b.1 { (i, v) } else { b });
        truth.push(classes.binary_search(&r.label).unwrap_or(0));
        predicted.push(best);
        confidence.push(conf);
        probabilities.push(full);
    }
    let correct: Vec<bool> = truth.iter().zip(&predicted).map(|(a, b)| a == b).collect();
    let coverage = THRESHOLDS
        .iter()
        .map(|&t| {
            let kept: Vec<bool> = confidence.iter().zip(&correct).filter(|(c, _)| **c >= t).map(|(_, &k)| k).collect();
            let share = kept.len() as f64 / test.len().max(1) as f64;
            let acc =
                if kept.is_empty() { 0.0 } else { kept.iter().filter(|&&k| k).count() as f64 / kept.len() as f64 };
            (t, share, acc)
        })
        .collect();
    Scored {
        accuracy: accuracy(&truth, &predicted),
        macro_f1: macro_f1(&truth, &predicted, classes.len()),
        per_class_f1: per_class_f1(&truth, &predicted, classes.len()),
        ece: expected_calibration_error(&confidence, &correct, ECE_BINS),
        log_loss: log_loss(&probabilities, &truth),
        coverage,
        truth,
        predicted,
        confidence,
    }
}

/// Mean inner-CV scores of `params` on `rows` (accuracy, macro-F1, log-loss, ECE over the pooled predictions).
fn cross_validate(rows: &[&Row], classes: &[CategoryCode], params: &Params, seed: u64) -> (f64, f64, f64, f64) {
    let folds = group_folds(rows, classes, FOLDS, seed);
    let mut truth = Vec::new();
    let mut predicted = Vec::new();
    let mut confidence = Vec::new();
    let mut ll = 0.0;
    for f in 0..FOLDS {
        let train_rows: Vec<&Row> = rows.iter().zip(&folds).filter(|(_, &g)| g != f).map(|(r, _)| *r).collect();
        let test_rows: Vec<&Row> = rows.iter().zip(&folds).filter(|(_, &g)| g == f).map(|(r, _)| *r).collect();
        let model = train(&triples(&train_rows), params);
        let s = score(&model, &test_rows, classes);
        ll += s.log_loss * test_rows.len() as f64;
        truth.extend(s.truth);
        predicted.extend(s.predicted);
        confidence.extend(s.confidence);
    }
    let correct: Vec<bool> = truth.iter().zip(&predicted).map(|(a, b)| a == b).collect();
    (
        accuracy(&truth, &predicted),
        macro_f1(&truth, &predicted, classes.len()),
        ll / truth.len().max(1) as f64,
        expected_calibration_error(&confidence, &correct, ECE_BINS),
    )
}

/// Pick the candidate with the best inner-CV accuracy (ties: macro-F1, then the earlier candidate).
fn select(rows: &[&Row], classes: &[CategoryCode], candidates: &[(String, Params)], seed: u64) -> (usize, Vec<Value>) {
    let mut best = (0usize, f64::NEG_INFINITY, f64::NEG_INFINITY);
    let mut table = Vec::new();
    for (i, (name, params)) in candidates.iter().enumerate() {
        // The top class of a single scorer does not depend on its temperature: skip calibration to save time.
        let mut params = params.clone();
        if params.members.len() == 1 {
            params.calibration_folds = 0;
        }
        let (acc, f1, _, _) = cross_validate(rows, classes, &params, seed);
        table.push(json!({ "candidate": name, "cv_accuracy": acc, "cv_macro_f1": f1 }));
        if acc > best.1 + 1e-12 || ((acc - best.1).abs() <= 1e-12 && f1 > best.2 + 1e-12) {
            best = (i, acc, f1);
        }
    }
    (best.0, table)
}

const C_GRID: [f32; 6] = [0.03, 0.1, 0.3, 1.0, 3.0, 10.0];

fn baseline_candidates() -> Vec<(String, Params)> {
    C_GRID.iter().map(|&c| (format!("svm C={c}"), Params::baseline(c))).collect()
}

/// Ablation: the baseline plus the title weighting (no catalogue prior).
fn title_only_candidates() -> Vec<(String, Params)> {
    C_GRID
        .iter()
        .map(|&c| {
            let p = Params {
                members: vec![Learner::Svm { c, loss: SvmLoss::SquaredHinge }],
                prior_weight: 0.0,
                ..Params::default()
            };
            (format!("svm C={c} title×4"), p)
        })
        .collect()
}

/// The model's grid (its shape was chosen with `--explore` on the hold-out's training part only).
fn model_candidates() -> Vec<(String, Params)> {
    let mut out = Vec::new();
    for &prior_weight in &[1.0f32, 2.0, 4.0] {
        for &c in &[0.3f32, 1.0, 3.0] {
            let p = Params {
                members: vec![Learner::Svm { c, loss: SvmLoss::SquaredHinge }],
                prior_weight,
                ..Params::default()
            };
            out.push((format!("svm C={c} title×4 prior×{prior_weight}"), p));
        }
    }
    out
}

fn methods() -> [(&'static str, Vec<(String, Params)>); 3] {
    [("baseline", baseline_candidates()), ("svm_title_weight", title_only_candidates()), ("model", model_candidates())]
}

fn describe(p: &Params) -> Value {
    let members: Vec<String> = p.members.iter().map(|m| format!("{m:?}")).collect();
    json!({
        "cjk_ngram_max": p.features.analyzer.cjk_ngram_max,
        "latin_bigrams": p.features.analyzer.latin_bigrams,
        "title_namespace": p.features.analyzer.title_namespace,
        "title_weight": p.features.title_weight,
        "min_df": p.features.min_df,
        "max_df": p.features.max_df,
        "max_features": p.features.max_features,
        "members": members,
        "calibration_folds": p.calibration_folds,
        "seed": p.seed,
    })
}

fn scored_json(s: &Scored, classes: &[CategoryCode], catalogue: &Catalogue) -> Value {
    let per_class: BTreeMap<String, Value> = classes
        .iter()
        .zip(&s.per_class_f1)
        .map(|(c, f)| (format!("{c} {}", catalogue.name(c).unwrap_or_default()), json!(f)))
        .collect();
    let coverage: Vec<Value> = s
        .coverage
        .iter()
        .map(|(t, share, acc)| json!({ "threshold": t, "auto_dispatched_share": share, "accuracy_of_those": acc }))
        .collect();
    json!({
        "accuracy": s.accuracy,
        "macro_f1": s.macro_f1,
        "per_class_f1": per_class,
        "ece_10_bins": s.ece,
        "log_loss": s.log_loss,
        "auto_dispatch_at_threshold": coverage,
    })
}

fn mean_std(v: &[f64]) -> (f64, f64) {
    let n = v.len().max(1) as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = if v.len() > 1 { v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0) } else { 0.0 };
    (mean, var.sqrt())
}

/// Mean, std, and the Nadeau–Bengio corrected resampled t statistic of paired differences.
fn paired(diffs: &[f64], test_share: f64) -> Value {
    let (mean, std) = mean_std(diffs);
    let j = diffs.len().max(1) as f64;
    let corrected_se = (std * std * (1.0 / j + test_share / (1.0 - test_share))).sqrt();
    let t = if corrected_se > 0.0 { mean / corrected_se } else { 0.0 };
    let wins = diffs.iter().filter(|&&d| d > 1e-12).count();
    let losses = diffs.iter().filter(|&&d| d < -1e-12).count();
    json!({
        "per_fold": diffs,
        "mean": mean,
        "std": std,
        "corrected_t": t,
        "model_better_folds": wins,
        "baseline_better_folds": losses,
        "tied_folds": diffs.len() - wins - losses,
    })
}

/// The ECE a *perfectly* calibrated model would show on `n = confidence.len()` predictions, from sampling noise alone
/// (each prediction correct with probability equal to its confidence; mean over 1,000 draws). ECE on ~100 predictions
/// is biased upwards, so compare against this floor rather than 0.
fn ece_noise_floor(confidence: &[f32], seed: u64) -> f64 {
    let mut rng = shared::classify::Rng::new(seed);
    let draws = 1_000;
    let mut total = 0.0;
    for _ in 0..draws {
        let correct: Vec<bool> = confidence
            .iter()
            .map(|&c| ((rng.next_u64() >> 11) as f64 / 9_007_199_254_740_992.0) < f64::from(c))
            .collect();
        total += expected_calibration_error(confidence, &correct, ECE_BINS);
    }
    total / draws as f64
}

/// Deterministic synthetic rows for timing only: each is a real row's title with a description spliced from two
/// rows of the same class, with characters dropped at random.
fn synthetic(rows: &[&Row], n: usize, seed: u64) -> Vec<Triple> {
    let mut rng = shared::classify::Rng::new(seed);
    (0..n)
        .map(|_| {
            let a = rows[rng.below(rows.len())];
            let same: Vec<&&Row> = rows.iter().filter(|r| r.label == a.label).collect();
            let b = same[rng.below(same.len())];
            let half_a: String = a.description.chars().take(a.description.chars().count() / 2).collect();
            let half_b: String = b.description.chars().skip(b.description.chars().count() / 2).collect();
            let description: String = half_a.chars().chain(half_b.chars()).filter(|_| rng.below(10) != 0).collect();
            (a.title.clone(), description, a.label.clone())
        })
        .collect()
}

fn explore(rows: &[Row], classes: &[CategoryCode]) -> Result<()> {
    let all: Vec<&Row> = rows.iter().collect();
    let folds = group_folds(&all, classes, 5, HOLDOUT_SEED);
    let train_part: Vec<&Row> = all.iter().zip(&folds).filter(|(_, &f)| f != 0).map(|(r, _)| *r).collect();
    println!("explore: inner 5-fold CV on the hold-out's training part ({} rows), 2 seeds", train_part.len());
    // Everything tried while designing the model, in the order it was tried.
    let base = Params::default();
    let fp = FeatureParams::default();
    let an = Analyzer::default();
    let svm = |c: f32| Learner::Svm { c, loss: SvmLoss::SquaredHinge };
    let with = |features: FeatureParams, members: Vec<Learner>, prior_weight: f32| Params {
        features,
        members,
        prior_weight,
        ..base.clone()
    };
    let tw = |title_weight: f32| FeatureParams { title_weight, ..fp };
    let mut configs: Vec<(String, Params)> = baseline_candidates();
    for &t in &[1.5f32, 2.0, 3.0, 4.0, 6.0, 8.0] {
        configs.push((format!("svm C=1 title×{t}"), with(tw(t), vec![svm(1.0)], 0.0)));
    }
    configs.push((
        "hinge svm C=1 title×4".into(),
        with(tw(4.0), vec![Learner::Svm { c: 1.0, loss: SvmLoss::Hinge }], 0.0),
    ));
    for (name, a) in [("ngram≤2", 2u8), ("ngram≤4", 4)] {
        let f = FeatureParams { analyzer: Analyzer { cjk_ngram_max: a, ..an }, ..tw(4.0) };
        configs.push((format!("svm C=1 title×4 {name}"), with(f, vec![svm(1.0)], 0.0)));
    }
    let f = FeatureParams { analyzer: Analyzer { title_namespace: true, ..an }, ..tw(4.0) };
    configs.push(("svm C=1 title×4 title namespace".into(), with(f, vec![svm(1.0)], 0.0)));
    for &min_df in &[1u32, 3] {
        configs.push((
            format!("svm C=1 title×4 min_df={min_df}"),
            with(FeatureParams { min_df, ..tw(4.0) }, vec![svm(1.0)], 0.0),
        ));
    }
    for &max_features in &[5_000u32, 10_000, 20_000] {
        let f = FeatureParams { max_features, ..tw(4.0) };
        configs.push((format!("svm C=1 title×4 max_features={max_features}"), with(f, vec![svm(1.0)], 0.0)));
    }
    for &pw in &[0.0f32, 0.3, 1.0, 2.0, 4.0] {
        for &c in &[0.3f32, 1.0, 3.0] {
            configs.push((format!("svm C={c} title×4 prior×{pw}"), with(tw(4.0), vec![svm(c)], pw)));
        }
        let cnb = Learner::ComplementNb { alpha: 0.1 };
        let softmax = Learner::Softmax { lambda: 1e-5, epochs: 30 };
        configs.push((format!("cnb α=0.1 title×4 prior×{pw}"), with(tw(4.0), vec![cnb], pw)));
        configs.push((
            format!("nbsvm C=1 title×4 prior×{pw}"),
            with(tw(4.0), vec![Learner::NbSvm { c: 1.0, alpha: 1.0 }], pw),
        ));
        configs.push((format!("softmax λ=1e-5 title×4 prior×{pw}"), with(tw(4.0), vec![softmax], pw)));
        configs.push((format!("svm+cnb title×4 prior×{pw}"), with(tw(4.0), vec![svm(1.0), cnb], pw)));
        configs.push((format!("svm+softmax title×4 prior×{pw}"), with(tw(4.0), vec![svm(1.0), softmax], pw)));
        configs.push((format!("svm+softmax+cnb title×4 prior×{pw}"), with(tw(4.0), vec![svm(1.0), softmax, cnb], pw)));
    }
    let filter = std::env::var("EXPLORE_FILTER").ok();
    println!("{:<34} {:>7} {:>7} {:>7} {:>7} {:>7}", "config", "acc", "f1", "logloss", "ece", "secs");
    for (name, params) in configs.iter().filter(|(n, _)| filter.as_deref().is_none_or(|f| n.contains(f))) {
        let started = Instant::now();
        let runs: Vec<(f64, f64, f64, f64)> =
            [11u64, 12].iter().map(|&s| cross_validate(&train_part, classes, params, s)).collect();
        let m = |g: fn(&(f64, f64, f64, f64)) -> f64| runs.iter().map(g).sum::<f64>() / runs.len() as f64;
        println!(
            "{name:<34} {:>7.4} {:>7.4} {:>7.4} {:>7.4} {:>7.1}",
            m(|r| r.0),
            m(|r| r.1),
            m(|r| r.2),
            m(|r| r.3),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

pub fn run(args: &[String]) -> Result<()> {
    let rows = load()?;
    let mut classes: Vec<CategoryCode> = rows.iter().map(|r| r.label.clone()).collect();
    classes.sort();
    classes.dedup();
    if args.iter().any(|a| a == "--explore") {
        return explore(&rows, &classes);
    }
    let quick = args.iter().any(|a| a == "--quick");
    let catalogue = Catalogue::builtin();
    let all: Vec<&Row> = rows.iter().collect();
    let started_all = Instant::now();

    // Hold-out.
    let folds = group_folds(&all, &classes, 5, HOLDOUT_SEED);
    let train_part: Vec<&Row> = all.iter().zip(&folds).filter(|(_, &f)| f != 0).map(|(r, _)| *r).collect();
    let test_part: Vec<&Row> = all.iter().zip(&folds).filter(|(_, &f)| f == 0).map(|(r, _)| *r).collect();
    let mut holdout = serde_json::Map::new();
    let mut chosen = BTreeMap::new();
    let mut holdout_scores = Vec::new();
    for (method, candidates) in methods() {
        let (best, table) = select(&train_part, &classes, &candidates, HOLDOUT_SEED + 1);
        let params = &candidates[best].1;
        let model = train(&triples(&train_part), params);
        let s = score(&model, &test_part, &classes);
        println!(
            "hold-out {method:<17} {:<30} acc {:.4}  macro-F1 {:.4}  ECE {:.4}",
            candidates[best].0, s.accuracy, s.macro_f1, s.ece
        );
        let mut v = scored_json(&s, &classes, catalogue);
        v["ece_perfectly_calibrated_would_score"] = json!(ece_noise_floor(&s.confidence, 7));
        v["selected"] = json!(candidates[best].0);
        v["hyper_parameters"] = describe(params);
        v["selection_cv_on_training_part"] = json!(table);
        v["model_info"] = serde_json::to_value(model.info()).map_err(|e| e.to_string())?;
        chosen.insert(method, params.clone());
        holdout.insert(method.to_owned(), v);
        holdout_scores.push(s);
    }
    // Paired on the same 99 messages: how many each got right that the other did not.
    let disagreements = |a: &Scored, b: &Scored| {
        let only_a =
            (0..a.truth.len()).filter(|&i| a.predicted[i] == a.truth[i] && b.predicted[i] != b.truth[i]).count();
        let only_b =
            (0..a.truth.len()).filter(|&i| b.predicted[i] == b.truth[i] && a.predicted[i] != a.truth[i]).count();
        (only_a, only_b)
    };
    let (only_base, only_model) = disagreements(&holdout_scores[0], &holdout_scores[2]);
    holdout.insert(
        "paired_model_vs_baseline".into(),
        json!({ "test_rows": test_part.len(), "only_baseline_right": only_base, "only_model_right": only_model,
                "note": "McNemar: with b and c the two counts, (|b-c|-1)^2/(b+c) > 3.84 is significant at 5 %" }),
    );

    // Repeated, nested cross-validation.
    let mut per_fold = Vec::new();
    // [model − baseline, title-weight ablation − baseline, model − ablation] × (accuracy, macro-F1, ECE)
    let mut diffs: [[Vec<f64>; 3]; 3] = Default::default();
    let mut results: BTreeMap<&str, Vec<(f64, f64, f64, f64)>> = BTreeMap::new();
    // Every outer test prediction of one seed (each row once): (arm, seed) → (confidence, correct).
    let mut pooled: BTreeMap<(&str, u64), Pooled> = BTreeMap::new();
    let seeds: &[u64] = if quick { &CV_SEEDS[..1] } else { &CV_SEEDS };
    let mut test_share = 0.0;
    for &seed in seeds {
        let folds = group_folds(&all, &classes, FOLDS, seed);
        for f in 0..FOLDS {
            let outer_train: Vec<&Row> = all.iter().zip(&folds).filter(|(_, &g)| g != f).map(|(r, _)| *r).collect();
            let outer_test: Vec<&Row> = all.iter().zip(&folds).filter(|(_, &g)| g == f).map(|(r, _)| *r).collect();
            test_share = outer_test.len() as f64 / all.len() as f64;
            let mut fold_json = serde_json::Map::new();
            fold_json.insert("seed".into(), json!(seed));
            fold_json.insert("fold".into(), json!(f));
            fold_json.insert("test_rows".into(), json!(outer_test.len()));
            let mut arm = Vec::new();
            for (method, candidates) in methods() {
                let (best, _) = select(&outer_train, &classes, &candidates, seed * 100 + f as u64);
                let model = train(&triples(&outer_train), &candidates[best].1);
                let s = score(&model, &outer_test, &classes);
                fold_json.insert(
                    method.into(),
                    json!({ "selected": candidates[best].0, "accuracy": s.accuracy, "macro_f1": s.macro_f1,
                            "ece": s.ece, "log_loss": s.log_loss }),
                );
                results.entry(method).or_default().push((s.accuracy, s.macro_f1, s.ece, s.log_loss));
                let entry = pooled.entry((method, seed)).or_default();
                entry.0.extend(&s.confidence);
                entry.1.extend(s.truth.iter().zip(&s.predicted).map(|(a, b)| a == b));
                arm.push(s);
            }
            for (d, (x, y)) in [(2usize, 0usize), (1, 0), (2, 1)].iter().enumerate() {
                diffs[d][0].push(arm[*x].accuracy - arm[*y].accuracy);
                diffs[d][1].push(arm[*x].macro_f1 - arm[*y].macro_f1);
                diffs[d][2].push(arm[*x].ece - arm[*y].ece);
            }
            println!(
                "cv seed {seed} fold {f}: baseline acc {:.4} f1 {:.4} | title×4 acc {:.4} f1 {:.4} | model acc {:.4} f1 {:.4}",
                arm[0].accuracy, arm[0].macro_f1, arm[1].accuracy, arm[1].macro_f1, arm[2].accuracy, arm[2].macro_f1
            );
            per_fold.push(Value::Object(fold_json));
        }
    }
    let summary = |v: &[(f64, f64, f64, f64)]| {
        let acc: Vec<f64> = v.iter().map(|r| r.0).collect();
        let f1: Vec<f64> = v.iter().map(|r| r.1).collect();
        let ece: Vec<f64> = v.iter().map(|r| r.2).collect();
        let ll: Vec<f64> = v.iter().map(|r| r.3).collect();
        let ms = |x: &[f64]| {
            let (m, s) = mean_std(x);
            json!({ "mean": m, "std": s })
        };
        json!({ "accuracy": ms(&acc), "macro_f1": ms(&f1), "ece_10_bins": ms(&ece), "log_loss": ms(&ll) })
    };
    let mut pooled_ece = serde_json::Map::new();
    for (method, _) in methods() {
        let per_seed: Vec<f64> = seeds
            .iter()
            .filter_map(|&seed| pooled.get(&(method, seed)))
            .map(|(c, k)| expected_calibration_error(c, k, ECE_BINS))
            .collect();
        let floor: Vec<f64> =
            seeds.iter().filter_map(|&seed| pooled.get(&(method, seed))).map(|(c, _)| ece_noise_floor(c, 7)).collect();
        let (m, sd) = mean_std(&per_seed);
        pooled_ece.insert(
            method.into(),
            json!({ "per_seed": per_seed, "mean": m, "std": sd, "perfectly_calibrated_would_score": mean_std(&floor).0 }),
        );
    }
    // Two-sided 5 % critical value of Student's t with 14 degrees of freedom (15 folds).
    let t_crit = 2.145;
    let comparison = |d: &[Vec<f64>; 3]| {
        let acc = paired(&d[0], test_share);
        let f1 = paired(&d[1], test_share);
        let t_acc = acc["corrected_t"].as_f64().unwrap_or(0.0);
        let t_f1 = f1["corrected_t"].as_f64().unwrap_or(0.0);
        let verdict = if t_acc > t_crit && t_f1 > t_crit {
            "better beyond fold-to-fold noise (corrected t above the 5 % critical value on accuracy and macro-F1)"
        } else if mean_std(&d[0]).0 > 0.0 && mean_std(&d[1]).0 > 0.0 {
            "ahead on average, but within noise on this data (corrected t below the 5 % critical value)"
        } else {
            "no improvement on this data"
        };
        json!({ "accuracy": acc, "macro_f1": f1, "ece": paired(&d[2], test_share), "verdict": verdict })
    };
    let model_vs_baseline = comparison(&diffs[0]);
    let verdict = model_vs_baseline["verdict"].as_str().unwrap_or_default().to_owned();
    let t_acc = model_vs_baseline["accuracy"]["corrected_t"].as_f64().unwrap_or(0.0);
    let t_f1 = model_vs_baseline["macro_f1"]["corrected_t"].as_f64().unwrap_or(0.0);
    let diff_acc = diffs[0][0].clone();
    let diff_f1 = diffs[0][1].clone();

    // Final model on all rows with the default parameters: size and timings.
    let default_params = Params::default();
    let all_triples = triples(&all);
    let started = Instant::now();
    let final_model = train(&all_triples, &default_params);
    let train_495 = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let baseline_params = chosen.get("baseline").cloned().unwrap_or_else(|| Params::baseline(1.0));
    let baseline_model = train(&all_triples, &baseline_params);
    let train_495_baseline = started.elapsed().as_secs_f64();
    let big = synthetic(&all, 5_000, 5);
    let started = Instant::now();
    let big_model = train(&big, &default_params);
    let train_5000 = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let _ = train(&big, &Params { calibration_folds: 0, ..default_params.clone() });
    let train_5000_uncalibrated = started.elapsed().as_secs_f64();
    // What the model grid picks when all 495 rows are available (what a deployment would do): the defaults.
    let candidates = model_candidates();
    let (best_all, table_all) = select(&all, &classes, &candidates, HOLDOUT_SEED + 2);
    let bytes = final_model.to_bytes();
    let gz = {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&bytes).map_err(|e| e.to_string())?;
        e.finish().map_err(|e| e.to_string())?.len()
    };
    let started = Instant::now();
    let decoded = Model::from_bytes(&bytes).map_err(|e| e.to_string())?;
    let decode_ms = started.elapsed().as_secs_f64() * 1000.0;
    // Inference: every message, repeated, one at a time.
    let reps = 20;
    let mut per_ticket = Vec::with_capacity(all.len() * reps);
    let mut sink = 0.0f32;
    for _ in 0..reps {
        for r in &all {
            let t = Instant::now();
            let s = decoded.suggest(&r.title, &r.description, 3);
            per_ticket.push(t.elapsed().as_secs_f64() * 1e6);
            sink += s.first().map_or(0.0, |x| x.1);
        }
    }
    per_ticket.sort_by(f64::total_cmp);
    let pct = |p: f64| per_ticket[((p * per_ticket.len() as f64) as usize).min(per_ticket.len() - 1)];
    let mean_us = per_ticket.iter().sum::<f64>() / per_ticket.len() as f64;
    let longest = all.iter().map(|r| r.description.chars().count()).max().unwrap_or(0);

    let mut class_counts = BTreeMap::new();
    for r in &rows {
        *class_counts.entry(format!("{} {}", r.label, catalogue.name(&r.label).unwrap_or_default())).or_insert(0) += 1;
    }
    let unique_ids = {
        let mut ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        ids.len()
    };
    let report = json!({
        "data": {
            "file": DATA,
            "rows": rows.len(),
            "unique_message_ids": unique_ids,
            "classes": class_counts,
            "note": "7 of the 15 first-level classes occur; message 37042 appears twice with two different labels, and both rows are kept in the same fold",
        },
        "protocol": {
            "holdout": "stratified 80/20 split (grouped by message id), seed 20200495; hyper-parameters chosen by 5-fold CV on the 80 % only",
            "cross_validation": format!("stratified {FOLDS}-fold, seeds {seeds:?}, nested: hyper-parameters re-selected by inner 5-fold CV inside every outer training part"),
            "selection_criterion": "inner-CV accuracy (ties: macro-F1)",
            "baseline": "TF-IDF (title + description, character 1-3-grams for CJK, word 1-2-grams for Latin, sublinear TF, smoothed IDF, L2, min_df 2) + one-vs-rest linear SVM, squared hinge, L2 (LIBLINEAR dual coordinate descent, like scikit-learn LinearSVC); C from {0.03, 0.1, 0.3, 1, 3, 10}",
            "svm_title_weight": "ablation: the baseline with the title's term frequencies weighted 4× (same C grid)",
            "model": "the same TF-IDF with the title weighted 4×, plus the catalogue prior: one pseudo-row per catalogue category at or below each trained class (its name; 其他 skipped), weighted prior_weight relative to a ticket, always in training, never scored; one-vs-rest linear SVMs (squared hinge); grid C {0.3, 1, 3} × prior_weight {1, 2, 4}",
            "design_choices": "title weight 4, the catalogue prior, per-node (not per-path) prior rows, character n-grams up to 3, min_df 2, and a single SVM rather than an ensemble (SVM+CNB, SVM+softmax, NB-SVM were within noise) were chosen with `cargo xtask eval --explore` on the hold-out's 80 % training part only. The hold-out 20 % is therefore untouched by any choice; the repeated-CV outer test folds are not (80 % of their rows informed those design choices), so the CV figures for the model carry a small optimistic bias that the baseline's (untuned design) do not.",
            "calibration": "temperature scaling: softmax(score / T), with 1/T minimising the negative log-likelihood of 5-fold out-of-fold scores on the training part (calibrate.rs generalises this to ensembles: softmax(Σ a_m score_m), a_m ≥ 0); the baseline is calibrated the same way",
            "ece": "expected calibration error of the top suggestion, 10 equal-width confidence bins: the share-weighted mean gap between stated confidence and observed accuracy. On ~100 predictions ECE is inflated by sampling noise, so each ECE comes with the score a perfectly calibrated model would get on the same confidences (simulated), and the CV also reports ECE pooled over all 495 out-of-fold predictions of a seed",
        },
        "holdout": Value::Object(holdout),
        "cross_validation": {
            "per_fold": per_fold,
            "baseline": summary(results.get("baseline").map_or(&[][..], |v| v.as_slice())),
            "svm_title_weight": summary(results.get("svm_title_weight").map_or(&[][..], |v| v.as_slice())),
            "model": summary(results.get("model").map_or(&[][..], |v| v.as_slice())),
            "ece_pooled_over_all_495_predictions_per_seed": Value::Object(pooled_ece.clone()),
            "paired_model_minus_baseline": model_vs_baseline,
            "paired_title_weight_minus_baseline": comparison(&diffs[1]),
            "paired_model_minus_title_weight (the catalogue prior's contribution)": comparison(&diffs[2]),
            "note": "corrected_t is the Nadeau-Bengio corrected resampled t statistic (variance × (1/J + n_test/n_train)): folds of repeated CV share training rows, so the naive t overstates significance. Critical value 2.145 (t, 14 df, two-sided 5 %).",
            "verdict": verdict,
        },
        "default_params": describe(&default_params),
        "selection_on_all_495": {
            "selected": candidates[best_all].0,
            "equals_default_params": candidates[best_all].1 == default_params,
            "cv": table_all,
        },
        "final_model_on_all_495": {
            "classes": final_model.classes().iter().map(|c| c.to_string()).collect::<Vec<_>>(),
            "features": final_model.features(),
            "size_bytes": bytes.len(),
            "size_gzip_bytes": gz,
            "baseline_features": baseline_model.features(),
            "info": serde_json::to_value(final_model.info()).map_err(|e| e.to_string())?,
        },
        "timings_host_release": {
            "train_495_rows_s": train_495,
            "train_495_rows_baseline_s": train_495_baseline,
            "train_5000_synthetic_rows_s": train_5000,
            "train_5000_synthetic_rows_without_calibration_s": train_5000_uncalibrated,
            "train_5000_model_size_bytes": big_model.to_bytes().len(),
            "train_includes": "catalogue prior, feature extraction, the calibration folds (until 1,000 rows have out-of-fold scores: all 5 folds at 495 rows, 1 fold at 5,000) and the final fit",
            "decode_model_ms": decode_ms,
            "inference_per_ticket_us": { "mean": mean_us, "p50": pct(0.5), "p99": pct(0.99), "max": pct(1.0) },
            "inference_note": format!("suggest(top 3) on each of the 495 messages × {reps}, one at a time, after decoding; the longest description has {longest} characters"),
            "build_note": "host x86-64, release profile: the shared crate gets the workspace's opt-level \"z\" (as in the Worker), xtask opt-level 2; the machine was shared with other builds, so expect ±30 %",
        },
        "larger_data": {
            "built": false,
            "reason": "No other labelled free text is available. baltimore_311_sample_10k.csv has no free-text field: its only text-like field, SRType, is the label (and its prefix encodes Agency), so training on it would measure a lookup, not text classification. The replies (120) and likes (30) files carry message text but no category; labelling them ourselves would not be ground truth. The 5,000-row set above is synthesised from the 495 for timing only and is never scored.",
        },
        "wall_s": started_all.elapsed().as_secs_f64(),
    });
    let _ = sink;
    let dir = root().join("target/bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join("classifier.json");
    let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
    std::fs::write(&path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;

    let b = &report["cross_validation"]["baseline"];
    let a = &report["cross_validation"]["svm_title_weight"];
    let m = &report["cross_validation"]["model"];
    let f = |v: &Value| format!("{:.4} ± {:.4}", v["mean"].as_f64().unwrap_or(0.0), v["std"].as_f64().unwrap_or(0.0));
    println!();
    println!("{:<22} {:>18} {:>18} {:>18}", "nested CV", "accuracy", "macro-F1", "ECE");
    println!(
        "{:<22} {:>18} {:>18} {:>18}",
        "baseline (SVM)",
        f(&b["accuracy"]),
        f(&b["macro_f1"]),
        f(&b["ece_10_bins"])
    );
    println!(
        "{:<22} {:>18} {:>18} {:>18}",
        "svm + title×4",
        f(&a["accuracy"]),
        f(&a["macro_f1"]),
        f(&a["ece_10_bins"])
    );
    println!("{:<22} {:>18} {:>18} {:>18}", "model", f(&m["accuracy"]), f(&m["macro_f1"]), f(&m["ece_10_bins"]));
    println!(
        "paired diff           acc {:+.4} ± {:.4} (t {:.2})   F1 {:+.4} ± {:.4} (t {:.2})",
        mean_std(&diff_acc).0,
        mean_std(&diff_acc).1,
        t_acc,
        mean_std(&diff_f1).0,
        mean_std(&diff_f1).1,
        t_f1
    );
    for (method, v) in &pooled_ece {
        println!(
            "pooled ECE {method:<17} {:.4} (a perfectly calibrated model: {:.4})",
            v["mean"].as_f64().unwrap_or(0.0),
            v["perfectly_calibrated_would_score"].as_f64().unwrap_or(0.0)
        );
    }
    println!("verdict: {verdict}");
    println!(
        "model: {} bytes ({} gzip), {} features; train 495 rows {:.3}s, 5000 rows {:.3}s; inference {:.0} µs/ticket (p99 {:.0})",
        bytes.len(),
        gz,
        final_model.features(),
        train_495,
        train_5000,
        mean_us,
        pct(0.99)
    );
    println!("wrote {}", path.display());
    Ok(())
}

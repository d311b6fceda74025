//! Evaluation helpers shared by training (its internal cross-validation) and `cargo xtask eval`.

use super::learn::Rng;

/// Assign each item to one of `k` folds so every class is spread evenly: each class's items are shuffled (seeded)
/// and dealt round-robin, continuing where the previous class stopped so fold sizes stay balanced.
pub fn stratified_folds(labels: &[usize], k: usize, seed: u64) -> Vec<usize> {
    let k = k.max(1);
    let mut rng = Rng::new(seed);
    let classes = labels.iter().copied().max().map_or(0, |m| m + 1);
    let mut fold = vec![0usize; labels.len()];
    let mut next = 0usize;
    for class in 0..classes {
        let mut members: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        rng.shuffle(&mut members);
        for i in members {
            fold[i] = next % k;
            next += 1;
        }
    }
    fold
}

pub fn accuracy(truth: &[usize], predicted: &[usize]) -> f64 {
    if truth.is_empty() {
        return 0.0;
    }
    truth.iter().zip(predicted).filter(|(a, b)| a == b).count() as f64 / truth.len() as f64
}

/// F1 of every class `0..classes`; `None` for a class that is neither in `truth` nor predicted.
pub fn per_class_f1(truth: &[usize], predicted: &[usize], classes: usize) -> Vec<Option<f64>> {
    let mut tp = vec![0usize; classes];
    let mut fp = vec![0usize; classes];
    let mut fn_ = vec![0usize; classes];
    for (&t, &p) in truth.iter().zip(predicted) {
        if t == p {
            if let Some(v) = tp.get_mut(t) {
                *v += 1;
            }
        } else {
            if let Some(v) = fp.get_mut(p) {
                *v += 1;
            }
            if let Some(v) = fn_.get_mut(t) {
                *v += 1;
            }
        }
    }
    (0..classes)
        .map(|k| {
            let denom = 2 * tp[k] + fp[k] + fn_[k];
            (denom > 0).then(|| 2.0 * tp[k] as f64 / denom as f64)
        })
        .collect()
}

/// Unweighted mean of the per-class F1 over the classes present in `truth` or the predictions
/// (scikit-learn's `f1_score(average="macro")`).
pub fn macro_f1(truth: &[usize], predicted: &[usize], classes: usize) -> f64 {
    let f1: Vec<f64> = per_class_f1(truth, predicted, classes).into_iter().flatten().collect();
    if f1.is_empty() {
        0.0
    } else {
        f1.iter().sum::<f64>() / f1.len() as f64
    }
}

/// Expected calibration error of the top prediction with `bins` equal-width confidence bins:
/// `Σ_b (n_b / n) · |accuracy_b − mean confidence_b|`. 0 means "when the model says 80 %, it is right 80 % of the
/// time"; 0.05 means that on average the stated confidence is 5 points away from the observed hit rate.
pub fn expected_calibration_error(confidence: &[f32], correct: &[bool], bins: usize) -> f64 {
    let bins = bins.max(1);
    let mut count = vec![0usize; bins];
    let mut conf_sum = vec![0.0f64; bins];
    let mut hits = vec![0usize; bins];
    for (&c, &ok) in confidence.iter().zip(correct) {
        let c = f64::from(c).clamp(0.0, 1.0);
        let b = ((c * bins as f64) as usize).min(bins - 1);
        count[b] += 1;
        conf_sum[b] += c;
        hits[b] += usize::from(ok);
    }
    let n = confidence.len().min(correct.len());
    if n == 0 {
        return 0.0;
    }
    (0..bins)
        .filter(|&b| count[b] > 0)
        .map(|b| {
            (count[b] as f64 / n as f64) * (hits[b] as f64 / count[b] as f64 - conf_sum[b] / count[b] as f64).abs()
        })
        .sum()
}

/// Mean negative log-likelihood of the true class.
pub fn log_loss(probabilities: &[Vec<f32>], truth: &[usize]) -> f64 {
    if truth.is_empty() {
        return 0.0;
    }
    let total: f64 = probabilities
        .iter()
        .zip(truth)
        .map(|(p, &t)| -f64::from(p.get(t).copied().unwrap_or(0.0)).max(1e-12).ln())
        .sum();
    total / truth.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_are_stratified_and_balanced() {
        let labels: Vec<usize> = (0..100).map(|i| if i < 80 { 0 } else { 1 }).collect();
        let folds = stratified_folds(&labels, 5, 3);
        for f in 0..5 {
            assert_eq!(folds.iter().filter(|&&x| x == f).count(), 20);
            assert_eq!((80..100).filter(|&i| folds[i] == f).count(), 4);
        }
        assert_eq!(folds, stratified_folds(&labels, 5, 3));
        assert_ne!(folds, stratified_folds(&labels, 5, 4));
    }

    #[test]
    fn scores() {
        let t = [0, 0, 1, 1, 2];
        let p = [0, 1, 1, 1, 0];
        assert!((accuracy(&t, &p) - 0.6).abs() < 1e-9);
        let f1 = per_class_f1(&t, &p, 4);
        assert_eq!(f1[3], None);
        assert_eq!(f1[2], Some(0.0));
        assert!((macro_f1(&t, &p, 4) - (0.5 + 0.8 + 0.0) / 3.0).abs() < 1e-9);
        // Perfectly calibrated: 50 % confidence, half right.
        assert!(expected_calibration_error(&[0.5, 0.5], &[true, false], 10) < 1e-9);
        assert!((expected_calibration_error(&[1.0, 1.0], &[true, false], 10) - 0.5).abs() < 1e-9);
    }
}

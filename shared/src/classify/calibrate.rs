//! Calibration: temperature scaling, generalised to a non-negative weighted sum of several scorers.
//!
//! Given out-of-fold scores `s_m(x)` of members `m = 1..M` (each a vector over the classes, from models that did not
//! see `x`), find `a_m ≥ 0` minimising the mean negative log-likelihood of `softmax(Σ_m a_m s_m(x))` at the true class.
//! With one member this is exactly temperature scaling (`a = 1/T`, Guo et al. 2017). The objective is convex in `a`
//! (a log-sum-exp of linear functions minus a linear function), so cyclic coordinate descent with an exact line search
//! (golden section on a bracket found by doubling) reaches the optimum.

/// Mean NLL of `softmax(Σ a_m s_m)`.
fn nll(oof: &[Vec<Vec<f32>>], y: &[usize], a: &[f64], z: &mut [f64]) -> f64 {
    let n = y.len();
    if n == 0 {
        return 0.0;
    }
    let mut total = 0.0;
    for (i, &yi) in y.iter().enumerate() {
        z.iter_mut().for_each(|v| *v = 0.0);
        for (m, &am) in a.iter().enumerate() {
            if am != 0.0 {
                for (zk, &s) in z.iter_mut().zip(&oof[m][i]) {
                    *zk += am * f64::from(s);
                }
            }
        }
        let max = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let lse = max + z.iter().map(|v| (v - max).exp()).sum::<f64>().ln();
        total += lse - z[yi];
    }
    total / n as f64
}

/// Minimise a convex `f` on `[0, ∞)`.
fn minimise_nonneg(mut f: impl FnMut(f64) -> f64, start: f64) -> f64 {
    let f0 = f(0.0);
    let mut hi = start.max(1e-3);
    let mut f_hi = f(hi);
    // Grow until the function turns up (or we give up far away).
    let mut grown = 0;
    while f_hi <= f0 && grown < 60 {
        let next = hi * 2.0;
        let f_next = f(next);
        if f_next > f_hi {
            hi = next;
            break;
        }
        hi = next;
        f_hi = f_next;
        grown += 1;
    }
    let (mut lo, mut up) = (0.0f64, hi);
    let g = 0.5 * (5f64.sqrt() - 1.0);
    let mut x1 = up - g * (up - lo);
    let mut x2 = lo + g * (up - lo);
    let (mut f1, mut f2) = (f(x1), f(x2));
    for _ in 0..80 {
        if f1 <= f2 {
            up = x2;
            x2 = x1;
            f2 = f1;
            x1 = up - g * (up - lo);
            f1 = f(x1);
        } else {
            lo = x1;
            x1 = x2;
            f1 = f2;
            x2 = lo + g * (up - lo);
            f2 = f(x2);
        }
        if up - lo < 1e-6 * up.max(1e-9) {
            break;
        }
    }
    let best = 0.5 * (lo + up);
    if f0 <= f(best) {
        0.0
    } else {
        best
    }
}

/// The weights `a_m` (see the module documentation) and the NLL they reach.
pub(crate) fn fit_weights(oof: &[Vec<Vec<f32>>], y: &[usize], classes: usize) -> (Vec<f64>, f64) {
    let members = oof.len();
    let mut z = vec![0.0f64; classes];
    if members == 0 || y.is_empty() || classes < 2 {
        return (vec![1.0; members], 0.0);
    }
    // Start from each member's own temperature, split evenly.
    let mut a: Vec<f64> = (0..members)
        .map(|m| {
            let mut trial = vec![0.0; members];
            minimise_nonneg(
                |v| {
                    trial[m] = v;
                    nll(oof, y, &trial, &mut z)
                },
                1.0,
            ) / members as f64
        })
        .collect();
    let mut best = nll(oof, y, &a, &mut z);
    if members > 1 {
        for _ in 0..30 {
            let before = best;
            for m in 0..members {
                let mut trial = a.clone();
                let v = minimise_nonneg(
                    |v| {
                        trial[m] = v;
                        nll(oof, y, &trial, &mut z)
                    },
                    a[m].max(1e-3),
                );
                a[m] = v;
                best = nll(oof, y, &a, &mut z);
            }
            if before - best < 1e-7 {
                break;
            }
        }
    }
    (a, best)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temperature_recovers_the_right_sharpness() {
        // Scores (2, 0) where the first class is right 88 % of the time: softmax(a·2, 0) = 0.88 → a = ln(0.88/0.12)/2.
        let y: Vec<usize> = (0..100).map(|i| if i < 88 { 0 } else { 1 }).collect();
        let oof = vec![vec![vec![2.0f32, 0.0]; 100]];
        let (a, _) = fit_weights(&oof, &y, 2);
        let want = (0.88f64 / 0.12).ln() / 2.0;
        assert!((a[0] - want).abs() < 1e-3, "{a:?} vs {want}");
    }

    #[test]
    fn a_useless_member_gets_no_weight() {
        let y: Vec<usize> = (0..60).map(|i| i % 2).collect();
        let good: Vec<Vec<f32>> = y.iter().map(|&k| if k == 0 { vec![1.0, 0.0] } else { vec![0.0, 1.0] }).collect();
        let noise: Vec<Vec<f32>> = (0..60).map(|i| if i % 3 == 1 { vec![1.0, 0.0] } else { vec![0.0, 1.0] }).collect();
        let mut flipped = good.clone();
        flipped[0] = vec![0.0, 1.0];
        let (a, _) = fit_weights(&[flipped, noise], &y, 2);
        assert!(a[0] > 1.0 && a[1] < a[0] / 5.0, "{a:?}");
    }
}

//! The learners. Each one turns TF-IDF rows and class indices into a linear scorer
//! `score_k(x) = Σ_f x_f · w[f][k] + b_k`; they differ only in how `w` is found.

use super::features::Csr;

/// xorshift64*: small, fast, deterministic on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        // splitmix64 of the seed, so that 0 and small seeds are fine.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Self(if z == 0 { 0x2545_F491_4F6C_DD1D } else { z })
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (`n > 0`), by multiply-shift.
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// `Σ w[idx[j]] · val[j]`. Plain indexed loops: the Worker is built with `opt-level = "z"`, which does not inline
/// iterator adapters in hot loops (measured: 4× slower training with `zip().map().sum()`).
#[inline(always)]
fn sparse_dot(w: &[f32], idx: &[u32], val: &[f32]) -> f32 {
    let n = idx.len().min(val.len());
    let mut acc = 0.0f32;
    let mut j = 0;
    while j < n {
        acc += w[idx[j] as usize] * val[j];
        j += 1;
    }
    acc
}

/// `w[idx[j]] += a · val[j]`
#[inline(always)]
fn sparse_axpy(w: &mut [f32], a: f32, idx: &[u32], val: &[f32]) {
    let n = idx.len().min(val.len());
    let mut j = 0;
    while j < n {
        w[idx[j] as usize] += a * val[j];
        j += 1;
    }
}

/// A dense linear scorer over `features` inputs and `classes` outputs, feature-major.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Linear {
    pub features: usize,
    pub classes: usize,
    /// `w[f * classes + k]`
    pub w: Vec<f32>,
    pub b: Vec<f32>,
}

impl Linear {
    pub fn zeros(features: usize, classes: usize) -> Self {
        Self { features, classes, w: vec![0.0; features * classes], b: vec![0.0; classes] }
    }

    pub fn scores(&self, index: &[u32], value: &[f32], out: &mut [f32]) {
        let k = self.classes.min(out.len());
        out[..k].copy_from_slice(&self.b[..k]);
        for (&f, &x) in index.iter().zip(value) {
            let base = f as usize * self.classes;
            for (o, &w) in out[..k].iter_mut().zip(&self.w[base..base + k]) {
                *o += x * w;
            }
        }
    }

    /// `self += a · other`
    pub fn add_scaled(&mut self, a: f32, other: &Linear) {
        for (s, o) in self.w.iter_mut().zip(&other.w) {
            *s += a * o;
        }
        for (s, o) in self.b.iter_mut().zip(&other.b) {
            *s += a * o;
        }
    }
}

/// A training set: TF-IDF rows, their class indices and weights.
pub(crate) struct Problem<'a> {
    pub x: &'a Csr,
    pub y: &'a [usize],
    /// Per-row weight (a prior row may count less or more than a ticket).
    pub sw: &'a [f32],
    pub classes: usize,
    pub features: usize,
}

/// Which loss the SVM minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SvmLoss {
    /// `max(0, 1 - y·s)`: the classic SVM.
    Hinge,
    /// `max(0, 1 - y·s)²`: LIBLINEAR's and scikit-learn `LinearSVC`'s default.
    SquaredHinge,
}

/// One-vs-rest L2-regularised linear SVMs, each solved in the dual by coordinate descent
/// (Hsieh et al. 2008, the LIBLINEAR algorithm, with its shrinking heuristic). The bias is an extra constant feature of value 1
/// and is regularised, as in LIBLINEAR. `feature_scale[k]`, when given, multiplies every feature for class `k`'s
/// problem (NB-SVM); the returned weights already include it, so they apply to the unscaled features.
pub(crate) fn svm_ovr(p: &Problem, c: f32, loss: SvmLoss, feature_scale: Option<&[Vec<f32>]>, rng: &mut Rng) -> Linear {
    let (x, y, sw, classes, features) = (p.x, p.y, p.sw, p.classes, p.features);
    const MAX_EPOCHS: usize = 200;
    const EPS: f32 = 0.1;
    let n = x.rows();
    let mut model = Linear::zeros(features, classes);
    if n == 0 || classes < 2 {
        return model;
    }
    // Row i's penalty is c · sw[i]: the box bound (hinge) or the diagonal term (squared hinge) per row.
    let bounds: Vec<(f32, f32)> = (0..n)
        .map(|i| {
            let ci = (c * sw.get(i).copied().unwrap_or(1.0)).max(1e-12);
            match loss {
                SvmLoss::Hinge => (0.0, ci),
                SvmLoss::SquaredHinge => (0.5 / ci, f32::INFINITY),
            }
        })
        .collect();
    let mut w = vec![0.0f32; features];
    let mut alpha = vec![0.0f32; n];
    let mut order: Vec<usize> = (0..n).collect();
    let mut qii = vec![0.0f32; n];
    for k in 0..classes {
        let scale = feature_scale.map(|s| s[k].as_slice());
        w.iter_mut().for_each(|v| *v = 0.0);
        alpha.iter_mut().for_each(|v| *v = 0.0);
        let mut bias = 0.0f32;
        for (i, q) in qii.iter_mut().enumerate() {
            let (idx, val) = x.row(i);
            let sq: f32 = match scale {
                Some(s) => idx.iter().zip(val).map(|(&f, &v)| (v * s[f as usize]).powi(2)).sum(),
                None => val.iter().map(|v| v * v).sum(),
            };
            *q = sq + 1.0 + bounds[i].0;
        }
        // LIBLINEAR's shrinking: a row whose α sits at a bound and whose gradient pushes it further out is dropped
        // from the active set; at convergence on the active set, every row is checked once more.
        let mut active = n;
        for (s, o) in order.iter_mut().enumerate() {
            *o = s;
        }
        let (mut pg_max_old, mut pg_min_old) = (f32::INFINITY, f32::NEG_INFINITY);
        let mut epoch = 0;
        while epoch < MAX_EPOCHS {
            rng.shuffle(&mut order[..active]);
            let (mut pg_max, mut pg_min) = (f32::NEG_INFINITY, f32::INFINITY);
            let mut s = 0;
            while s < active {
                let i = order[s];
                let yi = if y[i] == k { 1.0 } else { -1.0 };
                let (idx, val) = x.row(i);
                let dot: f32 = match scale {
                    Some(sc) => idx.iter().zip(val).map(|(&f, &v)| w[f as usize] * v * sc[f as usize]).sum(),
                    None => sparse_dot(&w, idx, val),
                };
                let (diag, upper) = bounds[i];
                let g = yi * (dot + bias) - 1.0 + diag * alpha[i];
                let at_lower = alpha[i] == 0.0;
                let at_upper = !at_lower && alpha[i] >= upper;
                if (at_lower && g > pg_max_old) || (at_upper && g < pg_min_old) {
                    active -= 1;
                    order.swap(s, active);
                    continue;
                }
                let pg = if at_lower {
                    g.min(0.0)
                } else if at_upper {
                    g.max(0.0)
                } else {
                    g
                };
                pg_max = pg_max.max(pg);
                pg_min = pg_min.min(pg);
                if pg.abs() > 1e-12 {
                    let old = alpha[i];
                    alpha[i] = (old - g / qii[i]).clamp(0.0, upper);
                    let d = (alpha[i] - old) * yi;
                    if d != 0.0 {
                        match scale {
                            Some(sc) => {
                                idx.iter().zip(val).for_each(|(&f, &v)| w[f as usize] += d * v * sc[f as usize])
                            }
                            None => sparse_axpy(&mut w, d, idx, val),
                        }
                        bias += d;
                    }
                }
                s += 1;
            }
            epoch += 1;
            if pg_max - pg_min <= EPS {
                if active == n {
                    break;
                }
                active = n;
                pg_max_old = f32::INFINITY;
                pg_min_old = f32::NEG_INFINITY;
                continue;
            }
            pg_max_old = if pg_max <= 0.0 { f32::INFINITY } else { pg_max };
            pg_min_old = if pg_min >= 0.0 { f32::NEG_INFINITY } else { pg_min };
        }
        for (f, &wf) in w.iter().enumerate() {
            let s = scale.map_or(1.0, |s| s[f]);
            model.w[f * classes + k] = wf * s;
        }
        model.b[k] = bias;
    }
    model
}

/// Multinomial logistic regression (softmax), L2-regularised, by stochastic gradient descent.
///
/// Minimises `λ/2 ‖W‖² + (1/n) Σ −ln softmax(W x_i + b)_{y_i}` with the step `η_t = η₀ / (1 + λ η₀ t)`; the
/// regularisation is applied by scaling the whole matrix (`W = s · V`), so each step costs only the ticket's non-zero
/// features times the number of classes. The bias is not regularised.
pub(crate) fn softmax_sgd(p: &Problem, lambda: f32, epochs: usize, rng: &mut Rng) -> Linear {
    let (x, y, sw, classes, features) = (p.x, p.y, p.sw, p.classes, p.features);
    let n = x.rows();
    let mut model = Linear::zeros(features, classes);
    if n == 0 || classes < 2 {
        return model;
    }
    let eta0 = 0.5f64;
    let lambda = f64::from(lambda.max(1e-9));
    let mut scale = 1.0f64;
    let mut order: Vec<usize> = (0..n).collect();
    let mut z = vec![0.0f32; classes];
    let mut t = 0.0f64;
    for _ in 0..epochs.max(1) {
        rng.shuffle(&mut order);
        for &i in &order {
            let eta = eta0 / (1.0 + lambda * eta0 * t);
            t += 1.0;
            let (idx, val) = x.row(i);
            model.scores(idx, val, &mut z);
            // z holds V x + b; the true scores are s·(V x) + b.
            for (zk, bk) in z.iter_mut().zip(&model.b) {
                *zk = (scale as f32) * (*zk - bk) + bk;
            }
            softmax_in_place(&mut z);
            z[y[i]] -= 1.0;
            let wi = sw.get(i).copied().unwrap_or(1.0);
            z.iter_mut().for_each(|g| *g *= wi);
            scale *= 1.0 - eta * lambda;
            if scale < 1e-6 {
                let s = scale as f32;
                model.w.iter_mut().for_each(|v| *v *= s);
                scale = 1.0;
            }
            let step = (eta / scale) as f32;
            for (&f, &v) in idx.iter().zip(val) {
                let row = &mut model.w[f as usize * classes..(f as usize + 1) * classes];
                for (wk, gk) in row.iter_mut().zip(&z) {
                    *wk -= step * gk * v;
                }
            }
            for (bk, gk) in model.b.iter_mut().zip(&z) {
                *bk -= (eta as f32) * gk;
            }
        }
    }
    let s = scale as f32;
    model.w.iter_mut().for_each(|v| *v *= s);
    model
}

/// Complement naive Bayes (Rennie et al. 2003) with weight normalisation: for class `c`,
/// `θ_cf = (α + Σ_{i ∉ c} x_if) / (α F + Σ_{i ∉ c} Σ_f x_if)`, `w_cf = ln θ_cf / Σ_f |ln θ_cf|`, and the score is
/// `−x · w_c` (a ticket looks like class `c` when it looks *unlike* everything else).
pub(crate) fn complement_nb(p: &Problem, alpha: f32) -> Linear {
    let (x, classes, features) = (p.x, p.classes, p.features);
    let mut model = Linear::zeros(features, classes);
    if x.rows() == 0 || classes < 2 {
        return model;
    }
    let per_class = class_feature_sums(p);
    let mut total = vec![0.0f64; features];
    for f in 0..features {
        total[f] = (0..classes).map(|k| per_class[f * classes + k]).sum();
    }
    let alpha = f64::from(alpha.max(1e-6));
    for k in 0..classes {
        let comp: Vec<f64> = (0..features).map(|f| total[f] - per_class[f * classes + k] + alpha).collect();
        let denom: f64 = comp.iter().sum();
        let logs: Vec<f64> = comp.iter().map(|v| (v / denom).ln()).collect();
        let norm: f64 = logs.iter().map(|v| v.abs()).sum::<f64>().max(1e-12);
        for (f, l) in logs.iter().enumerate() {
            model.w[f * classes + k] = (-l / norm) as f32;
        }
    }
    model
}

/// `sums[f * classes + k] = Σ_{i: y_i = k} sw_i · x_if`
pub(crate) fn class_feature_sums(p: &Problem) -> Vec<f64> {
    let (x, y, sw, classes, features) = (p.x, p.y, p.sw, p.classes, p.features);
    let mut sums = vec![0.0f64; features * classes];
    for (i, &k) in y.iter().enumerate().take(x.rows()) {
        let (idx, val) = x.row(i);
        let wi = f64::from(sw.get(i).copied().unwrap_or(1.0));
        for (&f, &v) in idx.iter().zip(val) {
            sums[f as usize * classes + k] += wi * f64::from(v);
        }
    }
    sums
}

/// NB-SVM feature scales (after Wang & Manning 2012), one-vs-rest: for class `k`,
/// `r_kf = ln((p_f / ‖p‖₁) / (q_f / ‖q‖₁))` with `p` the smoothed feature sums over class `k` and `q` over the other
/// classes, clipped to `[-3, 3]`; the SVM for `k` then sees feature `f` scaled by `1 + |r_kf|`, so features that
/// separate `k` from the rest are amplified (less regularised) and uninformative ones are left as they are.
pub(crate) fn nb_scales(p: &Problem, alpha: f32) -> Vec<Vec<f32>> {
    let (classes, features) = (p.classes, p.features);
    let sums = class_feature_sums(p);
    let alpha = f64::from(alpha.max(1e-6));
    let class_tot: Vec<f64> = (0..classes).map(|k| (0..features).map(|f| sums[f * classes + k]).sum()).collect();
    let all_tot: f64 = class_tot.iter().sum();
    let row_tot: Vec<f64> = (0..features).map(|f| sums[f * classes..(f + 1) * classes].iter().sum()).collect();
    (0..classes)
        .map(|k| {
            let p_norm = class_tot[k] + alpha * features as f64;
            let q_norm = all_tot - class_tot[k] + alpha * features as f64;
            (0..features)
                .map(|f| {
                    let p = sums[f * classes + k] + alpha;
                    let q = row_tot[f] - sums[f * classes + k] + alpha;
                    let r = ((p / p_norm) / (q / q_norm)).ln().clamp(-3.0, 3.0);
                    (1.0 + r.abs()) as f32
                })
                .collect()
        })
        .collect()
}

pub(crate) fn softmax_in_place(z: &mut [f32]) {
    let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if !max.is_finite() {
        let u = 1.0 / z.len().max(1) as f32;
        z.iter_mut().for_each(|v| *v = u);
        return;
    }
    let mut sum = 0.0f32;
    for v in z.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    z.iter_mut().for_each(|v| *v /= sum);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> (Csr, Vec<usize>) {
        // Feature 0 → class 0, feature 1 → class 1, feature 2 → class 2; feature 3 is noise.
        let rows = (0..30).map(|i| {
            let k = i % 3;
            let mut r = vec![(k as u32, 0.9f32), (3, 0.43)];
            r.sort_by_key(|p| p.0);
            r
        });
        (Csr::from_rows(rows), (0..30).map(|i| i % 3).collect())
    }

    fn argmax(m: &Linear, x: &Csr, i: usize) -> usize {
        let mut s = vec![0.0; m.classes];
        let (idx, val) = x.row(i);
        m.scores(idx, val, &mut s);
        (0..s.len()).max_by(|&a, &b| s[a].total_cmp(&s[b])).unwrap_or(0)
    }

    #[test]
    fn every_learner_fits_a_separable_toy() {
        let (x, y) = toy();
        let mut rng = Rng::new(7);
        let sw = vec![1.0; 30];
        let p = Problem { x: &x, y: &y, sw: &sw, classes: 3, features: 4 };
        let scales = nb_scales(&p, 1.0);
        let models = [
            svm_ovr(&p, 1.0, SvmLoss::SquaredHinge, None, &mut rng),
            svm_ovr(&p, 1.0, SvmLoss::Hinge, None, &mut rng),
            svm_ovr(&p, 1.0, SvmLoss::SquaredHinge, Some(&scales), &mut rng),
            softmax_sgd(&p, 1e-3, 20, &mut rng),
            complement_nb(&p, 1.0),
        ];
        for m in &models {
            for (i, &want) in y.iter().enumerate() {
                assert_eq!(argmax(m, &x, i), want);
            }
        }
    }

    #[test]
    fn rng_is_deterministic_and_in_range() {
        let mut a = Rng::new(1);
        let mut b = Rng::new(1);
        for _ in 0..100 {
            let v = a.below(10);
            assert_eq!(v, b.below(10));
            assert!(v < 10);
        }
        assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    }
}

//! The interval arithmetic calibration needs: Wilson intervals for shares, score
//! intervals for Poisson counts over an exposure, and the normal density the lognormal
//! likelihood integrates.

/// Two-sided 95% normal quantile.
pub const Z95: f64 = 1.959_964;

/// A fitted share: `k` of `n`, with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Share {
    /// Contacts showing the trait.
    pub k: u64,
    /// Contacts observed.
    pub n: u64,
}

impl Share {
    /// The point estimate k / n (0 when n is 0).
    pub fn estimate(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.k as f64 / self.n as f64
        }
    }

    /// The Wilson score interval at 95%.
    pub fn interval(&self) -> (f64, f64) {
        if self.n == 0 {
            return (0.0, 1.0);
        }
        let (z, n, p) = (Z95, self.n as f64, self.estimate());
        let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
        let half = z / (1.0 + z * z / n) * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt();
        ((centre - half).max(0.0), (centre + half).min(1.0))
    }
}

/// A count of events over an exposure (the expected count per unit of the parameter):
/// the estimate is `count / exposure`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Events seen (may be fractional when it sums posterior weights).
    pub count: f64,
    /// What the count would be if the parameter were 1.
    pub exposure: f64,
}

impl Rate {
    /// The moment estimate, capped at 1 (these are shares).
    pub fn estimate(&self) -> f64 {
        if self.exposure <= 0.0 {
            0.0
        } else {
            (self.count / self.exposure).min(1.0)
        }
    }

    /// The 95% score interval of a Poisson mean, divided by the exposure. A count near
    /// its exposure is binomial rather than Poisson, so the Poisson interval is the wider,
    /// safe side.
    pub fn interval(&self) -> (f64, f64) {
        if self.exposure <= 0.0 {
            return (0.0, 1.0);
        }
        let (z, k) = (Z95, self.count);
        let root = z * (k + z * z / 4.0).sqrt();
        let lo = (k + z * z / 2.0 - root) / self.exposure;
        let hi = (k + z * z / 2.0 + root) / self.exposure;
        (lo.max(0.0), hi.min(1.0))
    }
}

/// The standard normal density.
pub fn phi(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_interval_matches_a_hand_computed_case() {
        // 10 of 100: centre (0.1 + 0.019208) / 1.038415 = 0.114799; half-width
        // 1.959964 / 1.038415 × sqrt(0.0009 + 0.00009604) = 0.059579.
        let (lo, hi) = Share { k: 10, n: 100 }.interval();
        assert!((lo - 0.055_22).abs() < 1e-4, "{lo}");
        assert!((hi - 0.174_38).abs() < 1e-4, "{hi}");
        assert_eq!(Share { k: 0, n: 0 }.interval(), (0.0, 1.0));
    }

    #[test]
    fn poisson_score_interval_matches_a_hand_computed_case() {
        // 9 events over exposure 100: 9 + 1.9208 ± 1.96 × sqrt(9.9604) = 10.9208 ± 6.1857.
        let (lo, hi) = Rate {
            count: 9.0,
            exposure: 100.0,
        }
        .interval();
        assert!((lo - 0.047_35).abs() < 1e-4, "{lo}");
        assert!((hi - 0.171_07).abs() < 1e-4, "{hi}");
    }
}

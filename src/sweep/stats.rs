//! Replication statistics: the mean and the 95% confidence half-width (Student t with
//! n − 1 degrees of freedom), computed serially in a fixed order so that the result does
//! not depend on thread timing.

/// Two-sided 95% quantiles t(0.975, df) for df = 1..=30.
const T975: [f64; 30] = [
    12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157,
    2.228139, 2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922,
    2.093024, 2.085963, 2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831,
    2.048407, 2.045230, 2.042272,
];

/// The standard normal 0.975 quantile.
const Z975: f64 = 1.959_963_984_540_054;

/// The Student t quantile t(0.975, df): a table up to 30 degrees of freedom, then the
/// Cornish-Fisher expansion in 1/df (Abramowitz and Stegun 26.7.5), whose error there is
/// below 1e-6.
pub fn t975(df: u64) -> f64 {
    assert!(
        df >= 1,
        "the t distribution needs at least one degree of freedom"
    );
    if df <= 30 {
        return T975[df as usize - 1];
    }
    let (z, v) = (Z975, df as f64);
    let z2 = z * z;
    let g1 = (z2 + 1.0) * z / 4.0;
    let g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
    let g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
    let g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0;
    z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v)
}

/// Mean and 95% half-width of a sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The mean, if the sample is not empty.
    pub mean: Option<f64>,
    /// The half-width, if the sample has at least two values.
    pub ci95: Option<f64>,
}

/// Estimates the mean of the defined values, in order; `None`s are skipped.
pub fn estimate(values: impl IntoIterator<Item = Option<f64>>) -> Estimate {
    let xs: Vec<f64> = values.into_iter().flatten().collect();
    let n = xs.len();
    if n == 0 {
        return Estimate {
            mean: None,
            ci95: None,
        };
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    let ci95 = (n >= 2).then(|| {
        let ss: f64 = xs.iter().map(|x| (x - mean) * (x - mean)).sum();
        let sd = (ss / (n - 1) as f64).sqrt();
        t975(n as u64 - 1) * sd / (n as f64).sqrt()
    });
    Estimate {
        mean: Some(mean),
        ci95,
    }
}

/// Estimates the mean paired difference `a[r] - b[r]` over replications where both exist.
pub fn paired_difference(a: &[Option<f64>], b: &[Option<f64>]) -> Estimate {
    estimate(a.iter().zip(b).map(|(x, y)| Some((*x)? - (*y)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-4
    }

    #[test]
    fn t_quantiles_match_published_tables() {
        for (df, t) in [
            (1, 12.7062),
            (4, 2.7764),
            (9, 2.2622),
            (30, 2.0423),
            (31, 2.0395),
            (40, 2.0211),
            (60, 2.0003),
            (120, 1.9799),
        ] {
            assert!(close(t975(df), t), "df={df}: {} vs {t}", t975(df));
        }
        assert!(close(t975(1_000_000), Z975));
    }

    #[test]
    fn mean_and_half_width_of_a_small_sample() {
        // 2, 4, 6, 8: mean 5, sd sqrt(20/3), half-width t(3) * sd / 2.
        let e = estimate([2.0, 4.0, 6.0, 8.0].map(Some));
        assert_eq!(e.mean, Some(5.0));
        let expected = 3.182446 * (20.0f64 / 3.0).sqrt() / 2.0;
        assert!(close(e.ci95.unwrap(), expected));
        assert!(close(expected, 4.1085));
    }

    #[test]
    fn missing_values_are_skipped_and_one_value_has_no_interval() {
        let e = estimate([Some(3.0), None]);
        assert_eq!(e.mean, Some(3.0));
        assert_eq!(e.ci95, None);
        assert_eq!(estimate([None]).mean, None);
    }

    #[test]
    fn differences_are_paired_by_replication() {
        let a = [Some(5.0), Some(7.0), None];
        let b = [Some(4.0), Some(6.0), Some(1.0)];
        let d = paired_difference(&a, &b);
        assert_eq!(d.mean, Some(1.0));
        assert_eq!(d.ci95, Some(0.0));
    }
}

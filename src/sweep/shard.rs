//! `--shard K/N`: the deterministic subset of points one machine of a split sweep runs,
//! point numbers `i` with `i % N == K - 1` (K from 1).
//!
//! `--shard auto` reads the batch scheduler's environment:
//!
//! - Slurm job arrays: `SLURM_ARRAY_TASK_ID` and `SLURM_ARRAY_TASK_COUNT`, with
//!   `SLURM_ARRAY_TASK_MIN` (default 0) subtracted from the id, so `--array=0-3` and
//!   `--array=1-4` both give shards 1/4 to 4/4.
//! - Kubernetes indexed jobs: `JOB_COMPLETION_INDEX` (from 0) and `RETRYSIM_SHARD_COUNT`,
//!   which the job spec sets to its `completions`.

use super::SweepError;
/// One shard of N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// The shard, 1..=count.
    pub k: usize,
    /// The number of shards.
    pub count: usize,
}

impl Shard {
    /// The whole sweep.
    pub const ALL: Shard = Shard { k: 1, count: 1 };

    /// Parses `K/N` or `auto` (`env` reads an environment variable).
    pub fn parse(text: &str, env: impl Fn(&str) -> Option<String>) -> Result<Shard, SweepError> {
        if text == "auto" {
            return Shard::from_env(env);
        }
        let bad = || format!("--shard expects K/N with 1 <= K <= N, or auto; got {text:?}");
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let k: usize = k.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if k == 0 || k > count {
            return Err(bad().into());
        }
        Ok(Shard { k, count })
    }

    fn from_env(env: impl Fn(&str) -> Option<String>) -> Result<Shard, SweepError> {
        let number = |name: &str| -> Result<Option<usize>, SweepError> {
            env(name)
                .map(|v| {
                    v.trim()
                        .parse::<usize>()
                        .map_err(|_| format!("{name} must be a whole number, got {v:?}").into())
                })
                .transpose()
        };
        let (index, count) = if let Some(id) = number("SLURM_ARRAY_TASK_ID")? {
            let min = number("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let count =
                number("SLURM_ARRAY_TASK_COUNT")?.ok_or("SLURM_ARRAY_TASK_COUNT is not set")?;
            (
                id.checked_sub(min)
                    .ok_or("SLURM_ARRAY_TASK_ID is below SLURM_ARRAY_TASK_MIN")?,
                count,
            )
        } else if let Some(index) = number("JOB_COMPLETION_INDEX")? {
            let count = number("RETRYSIM_SHARD_COUNT")?
                .ok_or("JOB_COMPLETION_INDEX is set but RETRYSIM_SHARD_COUNT is not")?;
            (index, count)
        } else {
            return Err(
                "--shard auto: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set".into(),
            );
        };
        if index >= count {
            return Err(
                format!("--shard auto: task index {index} is not below the count {count}").into(),
            );
        }
        Ok(Shard {
            k: index + 1,
            count,
        })
    }

    /// Whether point `index` belongs to this shard.
    pub fn contains(self, index: usize) -> bool {
        index % self.count == self.k - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn shards_split_points_by_remainder() {
        let s = Shard::parse("2/3", env(&[])).unwrap();
        let mine: Vec<usize> = (0..8).filter(|&i| s.contains(i)).collect();
        assert_eq!(mine, [1, 4, 7]);
        assert!(Shard::parse("0/3", env(&[])).is_err());
        assert!(Shard::parse("4/3", env(&[])).is_err());
        assert!(Shard::parse("x", env(&[])).is_err());
    }

    #[test]
    fn auto_reads_slurm_or_kubernetes() {
        let slurm = [
            ("SLURM_ARRAY_TASK_ID", "4"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ];
        assert_eq!(
            Shard::parse("auto", env(&slurm)).unwrap(),
            Shard { k: 4, count: 4 }
        );
        let k8s = [("JOB_COMPLETION_INDEX", "0"), ("RETRYSIM_SHARD_COUNT", "2")];
        assert_eq!(
            Shard::parse("auto", env(&k8s)).unwrap(),
            Shard { k: 1, count: 2 }
        );
        assert!(Shard::parse("auto", env(&[("JOB_COMPLETION_INDEX", "0")])).is_err());
        assert!(Shard::parse("auto", env(&[])).is_err());
    }
}

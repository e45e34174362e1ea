//! A test split across instances with k6's execution segments, as the k6-operator
//! splits it: instance `i` of `n` runs with `--execution-segment=(i-1)/n:i/n`,
//! `--execution-segment-sequence=0,1/n,...,1` and `--tag instance_id=i`.
//!
//! Each instance works out its own share from its segment alone. k6 scales every
//! count (VUs, iterations, arrival-rate start times) with *striped* rational
//! arithmetic, so that the shares add up exactly to the whole: this module is that
//! arithmetic (k6's `lib/execution_segment.go`: the sequence's least common
//! denominator, each segment's striped offsets, `ScaleInt64`), so that k6dsl can
//! say before k6 runs what each instance will do (see
//! [`crate::validate::check_split`]).
//!
//! ```
//! use k6dsl::model::split::Split;
//! let split = Split::equal(3);
//! assert_eq!(
//!     split.instance_args(2),
//!     [
//!         "--execution-segment=1/3:2/3",
//!         "--execution-segment-sequence=0,1/3,2/3,1",
//!         "--tag",
//!         "instance_id=2",
//!     ]
//! );
//! // 10 VUs over 3 instances: 4, 3 and 3.
//! assert_eq!(split.scale_all(10), [4, 3, 3]);
//! ```

use std::fmt;

/// How a test is split: the weights of its instances' segments (equal weights are
/// the k6-operator's split).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    weights: Vec<u32>,
}

impl Split {
    /// `n` equal segments, as the k6-operator gives its `parallelism` runners.
    /// `n` of 0 is taken as 1.
    pub fn equal(n: u32) -> Split {
        Split {
            weights: vec![1; n.max(1) as usize],
        }
    }

    /// Segments in proportion to `weights` (`[2, 1, 1]`: one half, two quarters),
    /// in instance order. Weights of 0 are dropped; no weight at all is one
    /// instance.
    ///
    /// ```
    /// use k6dsl::model::split::Split;
    /// let split = Split::weighted([2, 1, 1]);
    /// assert_eq!(split.segment(1).to_string(), "0:1/2");
    /// assert_eq!(split.sequence(), "0,1/2,3/4,1");
    /// ```
    pub fn weighted(weights: impl IntoIterator<Item = u32>) -> Split {
        let weights: Vec<u32> = weights.into_iter().filter(|w| *w > 0).collect();
        if weights.is_empty() {
            return Split::equal(1);
        }
        Split { weights }
    }

    /// How many instances.
    pub fn instances(&self) -> u32 {
        self.weights.len() as u32
    }

    /// The segment of instance `i` (from 1).
    ///
    /// # Panics
    ///
    /// When `i` is 0 or above [`instances`](Split::instances).
    pub fn segment(&self, i: u32) -> Segment {
        assert!(
            (1..=self.instances()).contains(&i),
            "instance {i} of {}",
            self.instances()
        );
        let total: u64 = self.weights.iter().map(|w| u64::from(*w)).sum();
        let before: u64 = self.weights[..(i - 1) as usize]
            .iter()
            .map(|w| u64::from(*w))
            .sum();
        let own = u64::from(self.weights[(i - 1) as usize]);
        Segment {
            from: Ratio::new(before, total),
            to: Ratio::new(before + own, total),
        }
    }

    /// `0,1/3,2/3,1`: every segment's bounds, as `--execution-segment-sequence`.
    pub fn sequence(&self) -> String {
        let mut points = vec!["0".to_owned()];
        points.extend((1..=self.instances()).map(|i| self.segment(i).to.to_string()));
        points.join(",")
    }

    /// The `k6 run` arguments of instance `i` (from 1): its segment, the sequence
    /// and the `instance_id` tag, as the k6-operator passes them. A test of one
    /// instance is not segmented, so only the tag remains.
    pub fn instance_args(&self, i: u32) -> Vec<String> {
        let mut args = Vec::new();
        if self.instances() > 1 {
            args.push(format!("--execution-segment={}", self.segment(i)));
            args.push(format!("--execution-segment-sequence={}", self.sequence()));
        }
        args.push("--tag".to_owned());
        args.push(format!("instance_id={i}"));
        args
    }

    /// k6's share of `value` (VUs, iterations) for instance `i` (from 1): k6's
    /// `ExecutionTuple.ScaleInt64`.
    pub fn scale(&self, i: u32, value: u64) -> u64 {
        Striping::of(&self.segments()).scale((i - 1) as usize, value)
    }

    /// [`scale`](Split::scale) for every instance, in order; they add up to `value`.
    pub fn scale_all(&self, value: u64) -> Vec<u64> {
        let striping = Striping::of(&self.segments());
        (0..self.weights.len())
            .map(|i| striping.scale(i, value))
            .collect()
    }

    /// The shares of `iterations` that instances get of a pool divided by `vus`
    /// (shared-iterations): k6 first re-segments the test by the VUs, so an
    /// instance without a VU gets no iteration (`GetNewExecutionTupleFromValue`).
    pub fn scale_all_by(&self, vus: u64, iterations: u64) -> Vec<u64> {
        let segments = self.segments();
        let striping = Striping::of(&segments);
        if vus == 0 {
            return vec![0; segments.len()];
        }
        if vus.is_multiple_of(striping.lcd) {
            return (0..segments.len())
                .map(|i| striping.scale(i, iterations))
                .collect();
        }
        // The VUs' own split, instances without a VU left out.
        let shares: Vec<u64> = (0..segments.len())
            .map(|i| striping.scale(i, vus))
            .collect();
        let mut rebased = Vec::new();
        let mut start = 0;
        for share in shares.iter().filter(|s| **s > 0) {
            rebased.push(Segment {
                from: Ratio::new(start, vus),
                to: Ratio::new(start + share, vus),
            });
            start += share;
        }
        let striping = Striping::of(&rebased);
        let mut position = 0;
        shares
            .iter()
            .map(|share| {
                if *share == 0 {
                    return 0;
                }
                position += 1;
                striping.scale(position - 1, iterations)
            })
            .collect()
    }

    fn segments(&self) -> Vec<Segment> {
        (1..=self.instances()).map(|i| self.segment(i)).collect()
    }
}

/// An execution segment `(from, to]` of the whole test, in k6's notation
/// (`1/3:2/3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    /// Where it starts.
    pub from: Ratio,
    /// Where it ends.
    pub to: Ratio,
}

impl Segment {
    fn length(&self) -> Ratio {
        // Both share no denominator in general: a/b - c/d.
        Ratio::new(
            self.to.num * self.from.den - self.from.num * self.to.den,
            self.to.den * self.from.den,
        )
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.from, self.to)
    }
}

/// A fraction in lowest terms, written as Go's `big.Rat.RatString` does
/// (`0`, `1`, `2/3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ratio {
    num: u64,
    den: u64,
}

impl Ratio {
    fn new(num: u64, den: u64) -> Ratio {
        let g = gcd(num, den).max(1);
        Ratio {
            num: num / g,
            den: den / g,
        }
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den == 1 {
            write!(f, "{}", self.num)
        } else {
            write!(f, "{}/{}", self.num, self.den)
        }
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// k6's `ExecutionSegmentSequenceWrapper`: over each run of `lcd` units, which
/// units each segment takes. Segments are served in order of size, largest first,
/// each taking the next unit whenever it is behind its share, so every segment's
/// units are spread evenly and the first unit goes to the largest segment.
struct Striping {
    lcd: u64,
    /// Per segment: the first unit it takes, then the gaps between its units
    /// (the last gap wraps around to the next run's first unit).
    offsets: Vec<Vec<u64>>,
}

impl Striping {
    fn of(segments: &[Segment]) -> Striping {
        let lengths: Vec<Ratio> = segments.iter().map(Segment::length).collect();
        let lcd = lengths
            .iter()
            .fold(1, |acc, r| acc / gcd(acc, r.den) * r.den);
        let numerators: Vec<u64> = lengths.iter().map(|r| r.num * (lcd / r.den)).collect();
        let mut order: Vec<usize> = (0..segments.len()).collect();
        // Stable: equal segments keep their order.
        order.sort_by(|a, b| numerators[*b].cmp(&numerators[*a]));
        let mut offsets: Vec<Vec<u64>> = vec![Vec::new(); segments.len()];
        let mut previous = vec![0; segments.len()];
        let mut chosen = vec![0u64; segments.len()];
        for unit in 0..lcd {
            for (rank, &index) in order.iter().enumerate() {
                let num = chosen[rank] * lcd;
                let den = numerators[index];
                if unit > num / den || (unit == num / den && num.is_multiple_of(den)) {
                    chosen[rank] += 1;
                    offsets[index].push(unit - previous[index]);
                    previous[index] = unit;
                    if offsets[index].len() as u64 == den {
                        let wrap = offsets[index][0] + lcd - unit;
                        offsets[index].push(wrap);
                    }
                    break;
                }
            }
        }
        Striping { lcd, offsets }
    }

    /// k6's `ScaleInt64`: how many of `value` units segment `index` takes.
    fn scale(&self, index: usize, value: u64) -> u64 {
        if self.offsets.len() == 1 {
            return value;
        }
        let start = self.offsets[index][0];
        let gaps = &self.offsets[index][1..];
        let mut result = (value / self.lcd) * gaps.len() as u64;
        let (mut unit, mut gap) = (start, 0);
        while unit < value % self.lcd {
            result += 1;
            unit += gaps[gap];
            gap += 1;
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up_to_the_whole() {
        for split in [
            Split::equal(1),
            Split::equal(2),
            Split::equal(3),
            Split::equal(7),
            Split::weighted([3, 1, 1]),
            Split::weighted([1, 2, 3, 4]),
        ] {
            for value in 0..200 {
                let shares = split.scale_all(value);
                assert_eq!(shares.iter().sum::<u64>(), value, "{split:?} {value}");
                let max = shares.iter().max().unwrap();
                let min = shares.iter().min().unwrap();
                if split.weights.iter().all(|w| *w == 1) {
                    assert!(max - min <= 1, "{split:?} {value}: {shares:?}");
                }
            }
            for vus in 1..20 {
                for iterations in 0..60 {
                    let shares = split.scale_all_by(vus, iterations);
                    assert_eq!(shares.iter().sum::<u64>(), iterations, "{split:?}");
                    for (vu_share, share) in split.scale_all(vus).iter().zip(&shares) {
                        if *vu_share == 0 {
                            assert_eq!(*share, 0);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn k6s_striping_of_unequal_segments() {
        // k6's own example (execution_segment_test.go): 0,1/3,2/3,1 with 1..5 VUs.
        let thirds = Split::equal(3);
        assert_eq!(thirds.scale_all(1), [1, 0, 0]);
        assert_eq!(thirds.scale_all(2), [1, 1, 0]);
        assert_eq!(thirds.scale_all(4), [2, 1, 1]);
        // The largest segment takes the first unit.
        let split = Split::weighted([1, 2]);
        assert_eq!(split.scale_all(1), [0, 1]);
        assert_eq!(split.sequence(), "0,1/3,1");
        assert_eq!(split.segment(2).to_string(), "1/3:1");
    }

    #[test]
    fn one_instance_is_not_segmented() {
        assert_eq!(Split::equal(1).instance_args(1), ["--tag", "instance_id=1"]);
        assert_eq!(Split::equal(0).instances(), 1);
        assert_eq!(Split::weighted([0, 0]).instances(), 1);
    }
}

//! Two decimals for the verdict's reasons, without `format!`'s float machinery.
//!
//! Every verdict's reasons carry scores and weights with two decimals, and the n-gram stage
//! adds a line of them to every text: formatting floats with `format!("{:.2}")` was a visible
//! share of a corpus run. [`push_fixed2`] writes the same characters.

use std::fmt::Write;

/// Appends `x` with two decimals, exactly as `format!("{x:.2}")` writes it.
///
/// For a finite, non-negative `x` below 10^9, `x * 100` is exact in `f64` (24 bits of
/// mantissa times a 7-bit integer), so rounding it to an integer, ties to even, is the decimal
/// rounding that `{:.2}` does; other values go through `format!`. A property test compares the two.
pub(crate) fn push_fixed2(out: &mut String, x: f32) {
    if !(x.is_finite() && x.is_sign_positive() && x < 1e9) {
        let _ = write!(out, "{x:.2}");
        return;
    }
    let k = (f64::from(x) * 100.0).round_ties_even() as u64;
    // integers print without the float machinery
    let _ = write!(out, "{}.{:02}", k / 100, k % 100);
}

#[cfg(test)]
mod tests {
    use super::push_fixed2;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5000))]

        #[test]
        fn push_fixed2_writes_what_format_writes(
            bits in proptest::prelude::any::<u32>(),
            unit in 0.0f32..1.0,
            cents in 0u32..100_000,
        ) {
            // any f32, a probability, and values near the ties (k/100 and k/100 + 1/200)
            let near = [cents as f32 / 100.0, (cents as f32 + 0.5) / 100.0];
            for x in [f32::from_bits(bits), unit, near[0], near[1]] {
                let mut s = String::new();
                push_fixed2(&mut s, x);
                proptest::prop_assert_eq!(s, format!("{x:.2}"));
            }
        }
    }

    #[test]
    fn ties_and_edges_round_as_format_does() {
        for x in [
            0.0f32, -0.0, 0.005, 0.125, 0.375, 0.995, 1.0, 0.59, 999.995, 1e9, -1.0,
        ] {
            let mut s = String::new();
            push_fixed2(&mut s, x);
            assert_eq!(s, format!("{x:.2}"), "{x}");
        }
    }
}

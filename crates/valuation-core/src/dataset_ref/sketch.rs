//! 128-bit SimHash of a unit embedding: one bit per fixed random hyperplane, the sign of the
//! embedding's projection on it. The Hamming distance between two sketches estimates the angle
//! between the embeddings (each bit differs with probability angle/π), so "said the same thing"
//! becomes "few bits apart" — comparable without the vectors, and without the text.

use crate::rng::splitmix64;

/// Bits per sketch: 16 bytes per accepted unit in the reference.
pub const SKETCH_BITS: u32 = 128;

/// Two 64-bit words, bit i of the sketch in word i / 64.
pub type Sketch = [u64; 2];

/// Random-hyperplane signs from a fixed generator (SplitMix64): the same on every platform and
/// run. The first 128 hyperplanes of format 1's 256-bit sketches, so its sketches read as these.
///
/// All 128 projections advance together over the embedding (a matrix–vector product with a
/// ±1 table, which vectorises); each one still adds its ±x in dimension order, so every bit is
/// the one [`tests::reference`] gives.
pub fn simhash(embedding: &[f32]) -> Sketch {
    static MODEL_WIDTH: std::sync::OnceLock<Vec<f32>> = std::sync::OnceLock::new();
    let owned;
    let table: &[f32] = if embedding.len() == 384 {
        MODEL_WIDTH.get_or_init(|| sign_table(384))
    } else {
        owned = sign_table(embedding.len());
        &owned
    };
    let mut acc = [0f32; SKETCH_BITS as usize];
    for (&x, row) in embedding
        .iter()
        .zip(table.chunks_exact(SKETCH_BITS as usize))
    {
        for (a, s) in acc.iter_mut().zip(row) {
            *a += x * s;
        }
    }
    let mut out = [0u64; 2];
    for (bit, a) in acc.iter().enumerate() {
        if *a > 0.0 {
            out[bit / 64] |= 1 << (bit % 64);
        }
    }
    out
}

/// `width × 128` signs, dimension-major: entry `d · 128 + bit` is +1 where hyperplane `bit` has
/// its sign bit set for dimension `d`. Drawn in the order format 1 drew them: per hyperplane,
/// one 64-bit word per 64 dimensions.
fn sign_table(width: usize) -> Vec<f32> {
    let mut next = splitmix64(0x5e_ed0f_da7a_u64);
    let bits = SKETCH_BITS as usize;
    let mut table = vec![0f32; width * bits];
    for bit in 0..bits {
        let mut signs = 0u64;
        for d in 0..width {
            if d % 64 == 0 {
                signs = next();
            }
            table[d * bits + bit] = if signs >> (d % 64) & 1 == 1 {
                1.0
            } else {
                -1.0
            };
        }
    }
    table
}

/// The sketch of `embedding − center` (no centring when `center` is empty or of another width).
/// Centring on the dataset's own mean removes what all its units share (the topic), so what is
/// left is what a unit says: on fresh same-topic text, false matches at the calibrated radius
/// fall from 15 % to 2 % (`tests/novelty_calibration.rs`).
pub fn simhash_centered(embedding: &[f32], center: &[f32]) -> Sketch {
    if center.len() != embedding.len() {
        return simhash(embedding);
    }
    let d: Vec<f32> = embedding.iter().zip(center).map(|(x, c)| x - c).collect();
    simhash(&d)
}

pub fn hamming(a: &Sketch, b: &Sketch) -> u32 {
    (a[0] ^ b[0]).count_ones() + (a[1] ^ b[1]).count_ones()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain definition: one hyperplane at a time, its signs drawn as it goes.
    pub fn reference(embedding: &[f32]) -> Sketch {
        let mut next = splitmix64(0x5e_ed0f_da7a_u64);
        let mut out = [0u64; 2];
        for bit in 0..SKETCH_BITS as usize {
            let mut dot = 0f32;
            let mut signs = 0u64;
            for (d, x) in embedding.iter().enumerate() {
                if d % 64 == 0 {
                    signs = next();
                }
                dot += if signs >> (d % 64) & 1 == 1 { *x } else { -*x };
            }
            if dot > 0.0 {
                out[bit / 64] |= 1 << (bit % 64);
            }
        }
        out
    }

    #[test]
    fn the_table_gives_the_reference_bits() {
        for width in [1, 7, 64, 100, 384, 768] {
            for seed in 0..40u32 {
                let v: Vec<f32> = (0..width)
                    .map(|i| ((seed * 31 + i as u32) as f32 * 0.37).sin() * (1.0 + seed as f32))
                    .collect();
                assert_eq!(simhash(&v), reference(&v), "width {width} seed {seed}");
            }
        }
        assert_eq!(simhash(&[]), [0, 0]);
    }

    fn unit(v: Vec<f32>) -> Vec<f32> {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.into_iter().map(|x| x / n).collect()
    }

    #[test]
    fn distance_tracks_angle() {
        let a = unit((0..384).map(|i| (i as f32).sin()).collect());
        let near = unit(
            a.iter()
                .enumerate()
                .map(|(i, x)| x + 0.01 * (i as f32).cos())
                .collect(),
        );
        let far = unit((0..384).map(|i| (i as f32 * 0.7).cos()).collect());
        assert_eq!(hamming(&simhash(&a), &simhash(&a)), 0);
        assert!(hamming(&simhash(&a), &simhash(&near)) < 15);
        assert!(hamming(&simhash(&a), &simhash(&far)) > 40);
        let opposite: Vec<f32> = a.iter().map(|x| -x).collect();
        assert_eq!(hamming(&simhash(&a), &simhash(&opposite)), SKETCH_BITS);
    }
}

//! XXH3-64 with a seed, bit for bit the `xxhash-rust` crate's `xxh3_64_with_seed`, written out
//! here for inputs up to 240 bytes: table rows, cells and most units, hashed millions of times
//! per file. XXH3 folds a 64×64 → 128-bit product; Rust spells that as `u128` arithmetic, which
//! wasm32 has no instruction for, so the crate's build calls `__multi3`, a general 128×128
//! multiply in compiler-builtins. Here the product is four 32×32 → 64-bit multiplies, inline
//! ([`mul128_fold64_by_halves`]); natively it stays one `mul`. Longer inputs go to the crate.
//! [`check_xxh3`] holds it to the crate, natively and in the browser.

use xxhash_rust::xxh3::xxh3_64_with_seed;

/// XXH3's default secret, the first 136 of its 192 bytes (all that inputs ≤ 240 bytes read).
const SECRET: [u8; 136] = [
    0xb8, 0xfe, 0x6c, 0x39, 0x23, 0xa4, 0x4b, 0xbe, 0x7c, 0x01, 0x81, 0x2c, 0xf7, 0x21, 0xad, 0x1c,
    0xde, 0xd4, 0x6d, 0xe9, 0x83, 0x90, 0x97, 0xdb, 0x72, 0x40, 0xa4, 0xa4, 0xb7, 0xb3, 0x67, 0x1f,
    0xcb, 0x79, 0xe6, 0x4e, 0xcc, 0xc0, 0xe5, 0x78, 0x82, 0x5a, 0xd0, 0x7d, 0xcc, 0xff, 0x72, 0x21,
    0xb8, 0x08, 0x46, 0x74, 0xf7, 0x43, 0x24, 0x8e, 0xe0, 0x35, 0x90, 0xe6, 0x81, 0x3a, 0x26, 0x4c,
    0x3c, 0x28, 0x52, 0xbb, 0x91, 0xc3, 0x00, 0xcb, 0x88, 0xd0, 0x65, 0x8b, 0x1b, 0x53, 0x2e, 0xa3,
    0x71, 0x64, 0x48, 0x97, 0xa2, 0x0d, 0xf9, 0x4e, 0x38, 0x19, 0xef, 0x46, 0xa9, 0xde, 0xac, 0xd8,
    0xa8, 0xfa, 0x76, 0x3f, 0xe3, 0x9c, 0x34, 0x3f, 0xf9, 0xdc, 0xbb, 0xc7, 0xc7, 0x0b, 0x4f, 0x1d,
    0x8a, 0x51, 0xe0, 0x4b, 0xcd, 0xb4, 0x59, 0x31, 0xc8, 0x9f, 0x7e, 0xc9, 0xd9, 0x78, 0x73, 0x64,
    0xea, 0xc5, 0xac, 0x83, 0x34, 0xd3, 0xeb, 0xc3,
];
const PRIME64_1: u64 = 0x9E37_79B1_85EB_CA87;
const PRIME64_2: u64 = 0xC2B2_AE3D_27D4_EB4F;
const PRIME64_3: u64 = 0x1656_67B1_9E37_79F9;

/// XXH3-64 of `input` under `seed`.
#[inline]
pub fn xxh3_64(input: &[u8], seed: u64) -> u64 {
    let len = input.len();
    match len {
        0 => xxh64_avalanche(seed ^ (read64(&SECRET, 56) ^ read64(&SECRET, 64))),
        1..=3 => {
            let (c1, c2, c3) = (input[0], input[len >> 1], input[len - 1]);
            let combo =
                u32::from(c1) << 16 | u32::from(c2) << 24 | u32::from(c3) | (len as u32) << 8;
            let flip = u64::from(read32(&SECRET, 0) ^ read32(&SECRET, 4)).wrapping_add(seed);
            xxh64_avalanche(u64::from(combo) ^ flip)
        }
        4..=8 => {
            let seed = seed ^ u64::from((seed as u32).swap_bytes()) << 32;
            let (in1, in2) = (read32(input, 0), read32(input, len - 4));
            let flip = (read64(&SECRET, 8) ^ read64(&SECRET, 16)).wrapping_sub(seed);
            let keyed = u64::from(in2).wrapping_add(u64::from(in1) << 32) ^ flip;
            rrmxmx(keyed, len as u64)
        }
        9..=16 => {
            let flip1 = (read64(&SECRET, 24) ^ read64(&SECRET, 32)).wrapping_add(seed);
            let flip2 = (read64(&SECRET, 40) ^ read64(&SECRET, 48)).wrapping_sub(seed);
            let lo = read64(input, 0) ^ flip1;
            let hi = read64(input, len - 8) ^ flip2;
            let acc = (len as u64)
                .wrapping_add(lo.swap_bytes())
                .wrapping_add(hi)
                .wrapping_add(mul128_fold64(lo, hi));
            avalanche(acc)
        }
        17..=128 => {
            let mix = |at: usize, secret: usize| mix16(input, at, secret, seed);
            let mut acc = (len as u64).wrapping_mul(PRIME64_1);
            if len > 32 {
                if len > 64 {
                    if len > 96 {
                        acc = acc
                            .wrapping_add(mix(48, 96))
                            .wrapping_add(mix(len - 64, 112));
                    }
                    acc = acc
                        .wrapping_add(mix(32, 64))
                        .wrapping_add(mix(len - 48, 80));
                }
                acc = acc
                    .wrapping_add(mix(16, 32))
                    .wrapping_add(mix(len - 32, 48));
            }
            acc = acc.wrapping_add(mix(0, 0)).wrapping_add(mix(len - 16, 16));
            avalanche(acc)
        }
        129..=240 => {
            let mix = |at: usize, secret: usize| mix16(input, at, secret, seed);
            let mut acc = (len as u64).wrapping_mul(PRIME64_1);
            for i in 0..8 {
                acc = acc.wrapping_add(mix(16 * i, 16 * i));
            }
            acc = avalanche(acc);
            for i in 8..len / 16 {
                acc = acc.wrapping_add(mix(16 * i, 16 * (i - 8) + 3));
            }
            // The secret's last 17 bytes of its minimum 136.
            avalanche(acc.wrapping_add(mix(len - 16, 136 - 17)))
        }
        _ => xxh3_64_with_seed(input, seed),
    }
}

#[inline(always)]
fn mix16(input: &[u8], at: usize, secret: usize, seed: u64) -> u64 {
    let lo = read64(input, at) ^ read64(&SECRET, secret).wrapping_add(seed);
    let hi = read64(input, at + 8) ^ read64(&SECRET, secret + 8).wrapping_sub(seed);
    mul128_fold64(lo, hi)
}

/// The low and high halves of the 128-bit product, xor-ed.
#[inline(always)]
fn mul128_fold64(a: u64, b: u64) -> u64 {
    #[cfg(target_arch = "wasm32")]
    return mul128_fold64_by_halves(a, b);
    #[cfg(not(target_arch = "wasm32"))]
    {
        let product = u128::from(a) * u128::from(b);
        product as u64 ^ (product >> 64) as u64
    }
}

/// [`mul128_fold64`] from four 32×32 → 64-bit products (the wasm path). The order of the sums
/// matters: LLVM recognises the textbook ladder (cross terms summed, then shifted) as a 128-bit
/// multiply and turns it back into the `__multi3` call; this one (each carry added to the next
/// product as soon as it exists) it leaves alone. No sum overflows: each is below 2^64.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
#[inline(always)]
fn mul128_fold64_by_halves(a: u64, b: u64) -> u64 {
    const LOW32: u64 = 0xffff_ffff;
    let (a_lo, a_hi, b_lo, b_hi) = (a & LOW32, a >> 32, b & LOW32, b >> 32);
    let lo_lo = a_lo * b_lo;
    let t = a_hi * b_lo + (lo_lo >> 32);
    let u = (t & LOW32) + a_lo * b_hi;
    let high = a_hi * b_hi + (t >> 32) + (u >> 32);
    let low = u << 32 | lo_lo & LOW32;
    low ^ high
}

#[inline(always)]
fn avalanche(mut h: u64) -> u64 {
    h ^= h >> 37;
    h = h.wrapping_mul(0x1656_6791_9E37_79F9);
    h ^ h >> 32
}

#[inline(always)]
fn xxh64_avalanche(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(PRIME64_2);
    h ^= h >> 29;
    h = h.wrapping_mul(PRIME64_3);
    h ^ h >> 32
}

#[inline(always)]
fn rrmxmx(mut h: u64, len: u64) -> u64 {
    h ^= h.rotate_left(49) ^ h.rotate_left(24);
    h = h.wrapping_mul(0x9FB2_1C65_1E98_DF25);
    h ^= (h >> 35).wrapping_add(len);
    h = h.wrapping_mul(0x9FB2_1C65_1E98_DF25);
    h ^ h >> 28
}

#[inline(always)]
fn read64(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

#[inline(always)]
fn read32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}

/// [`xxh3_64`] against the crate's `xxh3_64_with_seed` on every length up to 600, at two
/// alignments and five seeds. Run by the native tests and, through valuation-wasm's browser
/// tests (`kernels::check`), by the wasm build, where the product by halves is the one compiled.
pub fn check_xxh3() -> Result<(), String> {
    let mut next = crate::rng::splitmix64(0x1234_5678_9abc_def0);
    let bytes: Vec<u8> = (0..603).map(|_| next() as u8).collect();
    for seed in [0, 1, u64::MAX, 0x6461_7461_756e_696f, 0x8000_0000_ffff_ffff] {
        for len in 0..=600 {
            for at in [0, 3] {
                let input = &bytes[at..at + len];
                if xxh3_64(input, seed) != xxh3_64_with_seed(input, seed) {
                    return Err(format!("xxh3_64: {len} bytes at {at}, seed {seed}"));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_as_the_crate() {
        check_xxh3().unwrap();
    }

    #[test]
    fn both_folds_are_the_128_bit_product() {
        let mut cases = vec![0, 1, 0xffff_ffff, 0x1_0000_0000, u64::MAX, PRIME64_1];
        cases.extend((0..60).map({
            let mut next = crate::rng::splitmix64(7);
            move |_| next()
        }));
        for &a in &cases {
            for &b in &cases {
                let p = u128::from(a) * u128::from(b);
                let want = p as u64 ^ (p >> 64) as u64;
                assert_eq!(mul128_fold64_by_halves(a, b), want, "{a} × {b}");
                assert_eq!(mul128_fold64(a, b), want, "{a} × {b}");
            }
        }
    }
}

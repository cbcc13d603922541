//! SplitMix64 (Steele, Lea, Flood 2014): the one fixed generator behind every "random" choice
//! the core makes (quantiser calibration tokens, SimHash hyperplanes, a reference's bounded
//! subset), so each is the same on every platform and run.

const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// SplitMix64's output function: a bijective mix of one word.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator from `seed`: each call advances by the golden gamma and mixes.
pub(crate) fn splitmix64(mut state: u64) -> impl FnMut() -> u64 {
    move || {
        state = state.wrapping_add(GAMMA);
        mix64(state)
    }
}

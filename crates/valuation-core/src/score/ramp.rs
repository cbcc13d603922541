//! Soft thresholds. A peer's hard limit `t` becomes a ramp that is 0.5 at `t`, so the peer's
//! drop line stays the midpoint, and a document just past it loses points rather than everything.

/// 0 at or below `bad`, 1 at or above `good` (`bad < good`), linear between.
pub fn up(x: f64, bad: f64, good: f64) -> f64 {
    ((x - bad) / (good - bad)).clamp(0.0, 1.0)
}

/// 1 at or below `good`, 0 at or above `bad` (`good < bad`).
pub fn down(x: f64, good: f64, bad: f64) -> f64 {
    ((bad - x) / (bad - good)).clamp(0.0, 1.0)
}

/// For a peer maximum `t`: 1 at t/2, 0.5 at t, 0 at 1.5 t.
pub fn below(x: f64, t: f64) -> f64 {
    down(x, t / 2.0, 1.5 * t)
}

/// How one rule turns its measurement into a 0–1 share: a rule is written once as its name,
/// limit, measurement and ramp, so the measurement is not restated for the ramp.
#[derive(Debug, Clone, Copy)]
pub enum Ramp {
    /// `Up(bad, good)`, [`up`]: 0 at or below `bad`, 1 at or above `good`.
    Up(f64, f64),
    /// `Down(good, bad)`, [`down`]: 1 at or below `good`, 0 at or above `bad`.
    Down(f64, f64),
    /// [`below`] a peer maximum.
    Below(f64),
    /// A yes/no measurement (1 or 0): this share when it is 1, else 1.
    IfSet(f64),
}

impl Ramp {
    pub fn share(self, x: f64) -> f64 {
        match self {
            Ramp::Up(bad, good) => up(x, bad, good),
            Ramp::Down(good, bad) => down(x, good, bad),
            Ramp::Below(t) => below(x, t),
            Ramp::IfSet(when_set) => {
                if x == 0.0 {
                    1.0
                } else {
                    when_set
                }
            }
        }
    }
}

/// Rounds to `1e-4`, the precision reports carry: equal inputs give equal JSON on every platform.
pub fn q4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// Rounds a 0–1 share to a 0–100 integer score.
pub fn pct(x: f64) -> u8 {
    (x.clamp(0.0, 1.0) * 100.0).round() as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramps_put_the_peer_line_at_half() {
        assert_eq!(below(0.3, 0.3), 0.5);
        assert_eq!(below(0.1, 0.3), 1.0);
        assert_eq!(below(0.5, 0.3), 0.0);
        assert_eq!(up(50.0, 25.0, 75.0), 0.5);
        assert_eq!(pct(0.505), 51);
        assert_eq!(q4(0.123456), 0.1235);
    }
}

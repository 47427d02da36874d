//! What a render costs: the per-second rates real accounts were charged (the "Credits"
//! table of `SEEDANCE_API.md`), so that clients' estimates, spend guards and project
//! budgets are proved against the prices people pay. Where no charge was observed
//! (mini 1080p, 1080p-plus, 4k) the rate is carried over from the observed ones. An
//! account's own factor (accounts without an annual plan pay more) scales every price.

/// Credits charged for a render, at `factor_permille` thousandths of the table's rates.
pub fn cost(quality_tier: &str, resolution: &str, duration_secs: u32, factor_permille: u32) -> u64 {
    // Tenths of a credit per second.
    let p1080: u64 = match quality_tier {
        "mini" => 53,
        "pro" => 240,
        _ => 145,
    };
    let rate = match (quality_tier, resolution) {
        ("mini", "720p") => 22,
        ("pro", "720p") => 110,
        (_, "720p") => 60,
        (_, "1080p") => p1080,
        (_, "1080p-plus") => (p1080 * 4).div_ceil(3),
        _ => (p1080 * 8).div_ceil(3),
    };
    let at_rates = (rate * u64::from(duration_secs)).div_ceil(10);
    (at_rates * u64::from(factor_permille)).div_ceil(1000)
}

#[cfg(test)]
mod tests {
    use super::cost;

    #[test]
    fn the_published_price_point() {
        assert_eq!(cost("standard", "720p", 5, 1000), 30);
    }

    #[test]
    fn the_charges_of_the_published_log() {
        assert_eq!(cost("mini", "720p", 10, 1000), 22);
        assert_eq!(cost("standard", "1080p", 10, 1000), 145);
        assert_eq!(cost("pro", "720p", 5, 1000), 55);
        assert_eq!(cost("pro", "720p", 10, 1000), 110);
        assert_eq!(cost("pro", "1080p", 5, 1000), 120);
        assert_eq!(cost("pro", "1080p", 10, 1000), 240);
    }

    #[test]
    fn grows_with_tier_resolution_duration_and_the_account() {
        assert!(cost("pro", "1080p", 5, 1000) < cost("pro", "1080p-plus", 5, 1000));
        assert!(cost("pro", "1080p-plus", 5, 1000) < cost("pro", "4k", 5, 1000));
        assert!(cost("standard", "720p", 4, 1000) < cost("standard", "720p", 15, 1000));
        assert_eq!(cost("pro", "4k", 15, 1000), 960);
        assert_eq!(cost("standard", "720p", 5, 1500), 45);
    }
}

//! What a render costs. The contract publishes one price point (standard tier, 5 s, 720p =
//! 30 credits); the rest of the table grows with tier, resolution and duration so that
//! clients' estimates and spend guards have something realistic to work against.

/// Credits charged for a render.
pub fn cost(quality_tier: &str, resolution: &str, duration_secs: u32) -> u64 {
    // Factors in halves, to stay in integers: mini ×0.5, standard ×1, pro ×2.
    let tier = match quality_tier {
        "mini" => 1,
        "pro" => 4,
        _ => 2,
    };
    // 720p ×1, 1080p ×1.5, 1080p-plus ×2, 4k ×4.
    let res = match resolution {
        "1080p" => 3,
        "1080p-plus" => 4,
        "4k" => 8,
        _ => 2,
    };
    // 6 credits a second at standard/720p.
    (6 * u64::from(duration_secs) * tier * res).div_ceil(4)
}

#[cfg(test)]
mod tests {
    use super::cost;

    #[test]
    fn the_published_price_point() {
        assert_eq!(cost("standard", "720p", 5), 30);
    }

    #[test]
    fn grows_with_tier_resolution_and_duration() {
        assert!(cost("mini", "720p", 5) < cost("standard", "720p", 5));
        assert!(cost("standard", "720p", 5) < cost("pro", "720p", 5));
        assert!(cost("pro", "1080p", 5) < cost("pro", "1080p-plus", 5));
        assert!(cost("pro", "1080p-plus", 5) < cost("pro", "4k", 5));
        assert!(cost("standard", "720p", 4) < cost("standard", "720p", 15));
        assert_eq!(cost("pro", "4k", 15), 720);
        assert_eq!(cost("mini", "720p", 5), 15);
    }
}

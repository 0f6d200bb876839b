//! Colours that stay distinguishable for readers with colour-vision deficiencies.
//!
//! Categorical series use the Okabe–Ito palette; the heatmap uses a viridis-like ramp,
//! whose lightness rises steadily so the order of values survives greyscale printing.

use plotters::style::RGBColor;

/// Okabe–Ito colours ordered for lines on white: yellow comes last because it is the
/// hardest to see against a white background.
pub const OKABE_ITO: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0x00, 0x00, 0x00), // black
    RGBColor(0xF0, 0xE4, 0x42), // yellow
];

/// A neutral grey for context that should not draw the eye (e.g. dominated points).
pub const MUTED: RGBColor = RGBColor(0x99, 0x99, 0x99);

/// Colour of the `index`-th series, cycling when there are more series than colours.
pub fn series(index: usize) -> RGBColor {
    OKABE_ITO[index % OKABE_ITO.len()]
}

/// Anchors of the viridis ramp, from low to high.
const VIRIDIS: [(u8, u8, u8); 5] = [
    (0x44, 0x01, 0x54),
    (0x3B, 0x52, 0x8B),
    (0x21, 0x90, 0x8C),
    (0x5D, 0xC8, 0x63),
    (0xFD, 0xE7, 0x25),
];

/// Colour for `t` in [0, 1] on the sequential ramp (clamped outside it).
pub fn sequential(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let scaled = t * (VIRIDIS.len() - 1) as f64;
    let low = (scaled.floor() as usize).min(VIRIDIS.len() - 2);
    let frac = scaled - low as f64;
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * frac).round() as u8;
    let (a, b) = (VIRIDIS[low], VIRIDIS[low + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Black or white, whichever reads better on `background`.
pub fn text_on(background: RGBColor) -> RGBColor {
    let RGBColor(r, g, b) = background;
    let luminance = 0.299 * r as f64 + 0.587 * g as f64 + 0.114 * b as f64;
    if luminance > 140.0 {
        RGBColor(0, 0, 0)
    } else {
        RGBColor(255, 255, 255)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_ends_match_its_anchors_and_text_contrasts() {
        assert_eq!(sequential(0.0), RGBColor(0x44, 0x01, 0x54));
        assert_eq!(sequential(1.0), RGBColor(0xFD, 0xE7, 0x25));
        assert_eq!(text_on(sequential(0.0)), RGBColor(255, 255, 255));
        assert_eq!(text_on(sequential(1.0)), RGBColor(0, 0, 0));
        assert_eq!(series(8), series(0));
    }
}

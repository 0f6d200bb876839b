//! The embedded font that every chart's text is drawn with.
//!
//! Plotters is built without its system-font support (which would pull in fontconfig
//! and freetype), so text only renders once a font is registered under the family name
//! the charts ask for. DejaVu Sans ships in `assets/fonts/` with its license.

use std::sync::OnceLock;

use plotters::style::{FontStyle, register_font};

/// The family name charts request; matches plotters' `FontFamily::SansSerif`.
pub const FAMILY: &str = "sans-serif";

static DEJAVU_SANS: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/fonts/DejaVuSans.ttf"
));

/// Registers the embedded font with plotters; later calls only report the first result.
pub fn ensure_registered() -> anyhow::Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok =
        *REGISTERED.get_or_init(|| register_font(FAMILY, FontStyle::Normal, DEJAVU_SANS).is_ok());
    anyhow::ensure!(ok, "the embedded DejaVu Sans font could not be loaded");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registering_twice_is_harmless() {
        ensure_registered().unwrap();
        ensure_registered().unwrap();
    }
}

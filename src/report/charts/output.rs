//! Drawing chart files through the one output writer ([`crate::report::atomic`]): the SVG
//! is drawn into memory and written atomically; the PNG encoder needs a path, so it draws
//! into an exclusive temporary file beside the target, which is then synced and renamed.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::report::atomic;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Width and height of every chart in pixels.
pub const SIZE: (u32, u32) = (1200, 800);

/// A chart that can draw itself on any plotters backend.
pub trait Chart {
    /// Draws the whole chart onto `root`, which covers [`SIZE`].
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
    where
        DB::ErrorType: 'static;
}

/// Draws `chart` as `<name>.svg` and `<name>.png` in `dir`; returns both paths.
pub fn render(dir: &Path, name: &str, chart: &impl Chart) -> anyhow::Result<Vec<PathBuf>> {
    let svg_path = dir.join(format!("{name}.svg"));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        chart.draw(&root)?;
        root.present()?;
    }
    atomic::write_bytes(&svg_path, svg.as_bytes())?;

    let png_path = dir.join(format!("{name}.png"));
    // The bitmap backend picks its encoder from the extension, so the temporary name
    // must still end in `.png`.
    let temp = atomic::temp_in(&png_path, ".png")?;
    {
        let root = BitMapBackend::new(temp.path(), SIZE).into_drawing_area();
        chart
            .draw(&root)
            .and_then(|()| Ok(root.present()?))
            .with_context(|| format!("could not draw '{}'", png_path.display()))?;
    }
    atomic::persist(temp, &png_path)?;
    Ok(vec![png_path, svg_path])
}

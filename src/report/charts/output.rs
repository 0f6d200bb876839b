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

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    /// Paints the background, then fails on the `fail_on`-th drawing (1 = the SVG,
    /// 2 = the PNG), so a failure strikes after part of a picture already exists.
    struct Failing {
        fail_on: u32,
        drawn: Cell<u32>,
    }

    impl Chart for Failing {
        fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> anyhow::Result<()>
        where
            DB::ErrorType: 'static,
        {
            root.fill(&WHITE)?;
            self.drawn.set(self.drawn.get() + 1);
            if self.drawn.get() == self.fail_on {
                anyhow::bail!("drawing number {} fails", self.fail_on);
            }
            Ok(())
        }
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn failing(fail_on: u32) -> Failing {
        Failing {
            fail_on,
            drawn: Cell::new(0),
        }
    }

    #[test]
    fn a_failed_svg_drawing_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        assert!(render(dir.path(), "chart", &failing(1)).is_err());
        assert!(
            names_in(dir.path()).is_empty(),
            "{:?}",
            names_in(dir.path())
        );
    }

    #[test]
    fn a_failed_png_drawing_leaves_no_png_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let err = render(dir.path(), "chart", &failing(2)).unwrap_err();
        assert!(format!("{err:#}").contains("chart.png"), "{err:#}");
        // The SVG was complete and renamed before the PNG began; nothing else is left.
        assert_eq!(names_in(dir.path()), ["chart.svg"]);
        let svg = std::fs::read_to_string(dir.path().join("chart.svg")).unwrap();
        assert!(svg.trim_end().ends_with("</svg>"), "{svg}");
    }

    #[test]
    fn a_drawn_chart_is_two_files_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let written = render(dir.path(), "chart", &failing(0)).unwrap();
        assert_eq!(
            written,
            [dir.path().join("chart.png"), dir.path().join("chart.svg")]
        );
        assert_eq!(names_in(dir.path()), ["chart.png", "chart.svg"]);
    }
}

//! Writing chart files so that an interrupted run never leaves half a file behind.
//!
//! Each file is first written under a hidden temporary name in the target directory and
//! then renamed over the final name, which is atomic on the same file system.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
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

/// Writes `bytes` to `path` through a temporary file in the same directory.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let temp = temp_path(path, "tmp");
    std::fs::write(&temp, bytes)
        .with_context(|| format!("could not write '{}'", temp.display()))?;
    rename_into_place(&temp, path)
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
    write_atomically(&svg_path, svg.as_bytes())?;

    let png_path = dir.join(format!("{name}.png"));
    // The bitmap backend picks its encoder from the extension, so the temporary name
    // must still end in `.png`.
    let temp = temp_path(&png_path, "tmp.png");
    {
        let root = BitMapBackend::new(&temp, SIZE).into_drawing_area();
        let drawn = chart.draw(&root).and_then(|()| Ok(root.present()?));
        if let Err(error) = drawn {
            let _ = std::fs::remove_file(&temp);
            return Err(error.context(format!("could not draw '{}'", png_path.display())));
        }
    }
    rename_into_place(&temp, &png_path)?;
    Ok(vec![png_path, svg_path])
}

fn temp_path(path: &Path, suffix: &str) -> PathBuf {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("output");
    path.with_file_name(format!(".{stem}.{suffix}"))
}

fn rename_into_place(temp: &Path, path: &Path) -> anyhow::Result<()> {
    std::fs::rename(temp, path).with_context(|| {
        let _ = std::fs::remove_file(temp);
        format!(
            "could not move '{}' to '{}'",
            temp.display(),
            path.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_leaves_only_the_final_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.html");
        write_atomically(&path, b"hello").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"hello");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}

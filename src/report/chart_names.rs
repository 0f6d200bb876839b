//! The base names of the charts, in report order. They live outside `charts` so that
//! `report.html` can list whichever chart files a folder holds even when the library is
//! built without the `charts` feature (and so without plotters).

/// Base names of every chart `charts` can draw, in report order.
pub const CHART_NAMES: [&str; 8] = [
    "summary",
    "decision",
    "delivery_rate",
    "suppressions",
    "heatmap",
    "ttd_cdf",
    "pareto",
    "paired",
];

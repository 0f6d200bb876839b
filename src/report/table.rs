//! A small in-memory CSV table addressed by column name.
//!
//! Report code must survive columns being added or reordered by later versions of the
//! writers, so every lookup goes through the header row instead of a position.

use std::path::Path;

use anyhow::Context as _;

/// A CSV file held in memory: its header row and its records as strings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// Column names in file order.
    pub headers: Vec<String>,
    /// Records, each as long as `headers` (short records are padded with empty cells).
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Reads a CSV file with a header row.
    pub fn load(path: &Path) -> anyhow::Result<Table> {
        let file = std::fs::File::open(path)
            .with_context(|| format!("could not open '{}'", path.display()))?;
        Self::from_reader(file).with_context(|| format!("could not read '{}'", path.display()))
    }

    /// Reads a CSV file if it exists; `Ok(None)` when it does not.
    pub fn load_optional(path: &Path) -> anyhow::Result<Option<Table>> {
        if path.is_file() {
            Self::load(path).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Parses CSV text with a header row from any reader.
    pub fn from_reader(reader: impl std::io::Read) -> anyhow::Result<Table> {
        let mut csv = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
        let headers: Vec<String> = csv.headers()?.iter().map(|h| h.trim().to_owned()).collect();
        let mut rows = Vec::new();
        for (index, record) in csv.records().enumerate() {
            let record = record.with_context(|| format!("record {}", index + 1))?;
            let mut row: Vec<String> = record.iter().map(|c| c.trim().to_owned()).collect();
            row.resize(headers.len(), String::new());
            rows.push(row);
        }
        Ok(Table { headers, rows })
    }

    /// Index of the column called `name`, if the file has one.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h == name)
    }

    /// The cell of `row` in column `name`; `None` when the column is absent.
    pub fn cell<'a>(&'a self, row: &'a [String], name: &str) -> Option<&'a str> {
        self.column(name)
            .and_then(|i| row.get(i))
            .map(String::as_str)
    }

    /// The cell of `row` in column `name` as a number; `None` when absent, empty or not
    /// a finite number.
    pub fn f64(&self, row: &[String], name: &str) -> Option<f64> {
        self.cell(row, name).and_then(parse_f64)
    }

    /// Mean of the numeric cells of column `name`, ignoring empty ones.
    pub fn mean(&self, name: &str) -> Option<f64> {
        let values: Vec<f64> = self.rows.iter().filter_map(|r| self.f64(r, name)).collect();
        (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
    }

    /// Swept parameter columns: by convention exactly those whose name holds a dot,
    /// because they are named by the scenario key's dotted path.
    pub fn swept_keys(&self) -> Vec<String> {
        self.headers
            .iter()
            .filter(|h| h.contains('.'))
            .cloned()
            .collect()
    }
}

/// Parses a cell as a finite number; empty cells mean "not available".
pub fn parse_f64(cell: &str) -> Option<f64> {
    cell.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        Table::from_reader(text.as_bytes()).unwrap()
    }

    #[test]
    fn columns_are_found_by_name_whatever_their_position() {
        let t = table("b,a,policy.x\n2,1,6h\n");
        assert_eq!(t.column("a"), Some(1));
        assert_eq!(t.f64(&t.rows[0], "b"), Some(2.0));
        assert_eq!(t.cell(&t.rows[0], "policy.x"), Some("6h"));
        assert_eq!(t.cell(&t.rows[0], "missing"), None);
    }

    #[test]
    fn empty_and_short_cells_read_as_not_available() {
        let t = table("a,b\n,\n3\n");
        assert_eq!(t.f64(&t.rows[0], "a"), None);
        assert_eq!(t.f64(&t.rows[1], "b"), None);
        assert_eq!(t.mean("a"), Some(3.0));
        assert_eq!(t.mean("b"), None);
    }

    #[test]
    fn swept_keys_are_the_dotted_columns_in_file_order() {
        let t = table("point,policy.retry_period,delivered,policy.soft_bounce_threshold\n");
        assert_eq!(
            t.swept_keys(),
            ["policy.retry_period", "policy.soft_bounce_threshold"]
        );
    }

    #[test]
    fn a_missing_optional_file_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            Table::load_optional(&dir.path().join("nope.csv"))
                .unwrap()
                .is_none()
        );
    }
}

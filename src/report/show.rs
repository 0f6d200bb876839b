//! A result file as an aligned text table, for `retrysim show`.
//!
//! The documentation quotes results only through command transcripts that a test reruns
//! (tests/docs.rs), so a CSV file needs a way onto stdout: every column, or the ones
//! named. By default the cells are written for people (src/report/human.rs: durations,
//! percentages, grouped thousands); `raw` prints them exactly as the file holds them,
//! with decimals optionally rounded.

use super::human;
use super::table::{Table, parse_f64};
use crate::error::MessageError;

/// Which columns to print and how to write their numbers.
#[derive(Debug, Clone, Default)]
pub struct ShowOptions {
    /// Column names in the order to print; empty means every column in file order.
    pub columns: Vec<String>,
    /// Round every number that has a fractional part to this many decimals.
    pub decimals: Option<usize>,
    /// Print the values as the file holds them instead of for people.
    pub raw: bool,
}

/// Renders `table` as right-aligned columns separated by two spaces, header first.
///
/// A column name the file does not have is an error that lists the names it does have,
/// since a typo would otherwise print a silently shorter table.
pub fn render(table: &Table, options: &ShowOptions) -> Result<String, MessageError> {
    let picked = pick_columns(table, &options.columns)?;
    let mut grid: Vec<Vec<String>> =
        vec![picked.iter().map(|&i| table.headers[i].clone()).collect()];
    for row in &table.rows {
        grid.push(
            picked
                .iter()
                .map(|&i| {
                    if options.raw {
                        format_cell(&row[i], options.decimals)
                    } else {
                        human::cell(&table.headers[i], &row[i], options.decimals)
                    }
                })
                .collect(),
        );
    }
    Ok(align(&grid))
}

/// Positions of the requested columns, or of every column when none is named.
fn pick_columns(table: &Table, names: &[String]) -> Result<Vec<usize>, MessageError> {
    if names.is_empty() {
        return Ok((0..table.headers.len()).collect());
    }
    names
        .iter()
        .map(|name| {
            table.column(name).ok_or_else(|| {
                MessageError::from(format!(
                    "no column '{name}'; the file has: {}",
                    table.headers.join(", ")
                ))
            })
        })
        .collect()
}

/// Rounds a decimal number when asked; integers, text and empty cells pass unchanged,
/// so that counts never gain a spurious ".000".
fn format_cell(cell: &str, decimals: Option<usize>) -> String {
    match (decimals, parse_f64(cell)) {
        (Some(places), Some(value)) if cell.contains('.') || cell.contains('e') => {
            let text = format!("{value:.places$}");
            // "-0.000" says less than "0.000": a rounded-away sign is noise.
            if text
                .trim_start_matches('-')
                .chars()
                .all(|c| c == '0' || c == '.')
            {
                text.trim_start_matches('-').to_owned()
            } else {
                text
            }
        }
        _ => cell.to_owned(),
    }
}

/// Pads every column to its widest cell, right-aligned, without trailing spaces.
fn align(grid: &[Vec<String>]) -> String {
    let columns = grid.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| grid.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in grid {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, &width)| format!("{cell:>width$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        Table::from_reader(text.as_bytes()).unwrap()
    }

    #[test]
    fn every_column_is_right_aligned_under_its_header() {
        let t = table("point,delivered,policy.retry_period\n0,12,6h\n10,3,84h\n");
        let text = render(&t, &ShowOptions::default()).unwrap();
        assert_eq!(
            text,
            "point  delivered  policy.retry_period\n    0         12                   6h\n   10          3                  84h\n"
        );
    }

    #[test]
    fn named_columns_come_in_the_order_asked() {
        let t = table("a,b,c\n1,2,3\n");
        let options = ShowOptions {
            columns: vec!["c".into(), "a".into()],
            decimals: None,
            raw: false,
        };
        assert_eq!(render(&t, &options).unwrap(), "c  a\n3  1\n");
    }

    #[test]
    fn decimals_round_fractions_but_leave_counts_and_text_alone() {
        let t = table("rate,count,key\n0.96674,441706,6h\n-0.00001,2,x\n");
        let options = ShowOptions {
            columns: Vec::new(),
            decimals: Some(3),
            raw: true,
        };
        assert_eq!(
            render(&t, &options).unwrap(),
            " rate   count  key\n0.967  441706   6h\n0.000       2    x\n"
        );
    }

    #[test]
    fn by_default_cells_are_written_for_people() {
        let t = table(
            "point,policy.retry_period,delivery_rate_mean,attempts_to_dead_mean\n11,301996s,0.96314,422.5\n",
        );
        let text = render(&t, &ShowOptions::default()).unwrap();
        assert_eq!(
            text,
            "point  policy.retry_period  delivery_rate_mean  attempts_to_dead_mean\n   11       3d 11h 53m 16s              96.31%                  422.5\n"
        );
    }

    #[test]
    fn an_unknown_column_is_an_error_listing_the_real_ones() {
        let t = table("a,b\n1,2\n");
        let options = ShowOptions {
            columns: vec!["z".into()],
            decimals: None,
            raw: false,
        };
        assert_eq!(
            render(&t, &options).unwrap_err().to_string(),
            "no column 'z'; the file has: a, b"
        );
    }
}

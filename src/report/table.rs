//! Aligned text tables: the plan and `dev runs` share one layout.

/// Rows padded to their columns' widths, two spaces apart, header first; each line trimmed.
/// `style(row, column, cell)` wraps a padded cell (row 0 is the header).
pub fn render_table<const N: usize>(
    header: [&str; N],
    rows: &[[String; N]],
    style: impl Fn(usize, usize, &str) -> String,
) -> Vec<String> {
    let header = header.map(String::from);
    let widths: Vec<usize> = (0..N)
        .map(|c| {
            rows.iter()
                .chain([&header])
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    [&header]
        .into_iter()
        .chain(rows)
        .enumerate()
        .map(|(i, row)| {
            let line: String = row
                .iter()
                .enumerate()
                .map(|(c, cell)| {
                    let padded = format!("{cell:<w$}  ", w = widths[c]);
                    style(i, c, &padded)
                })
                .collect();
            line.trim_end().to_string()
        })
        .collect()
}

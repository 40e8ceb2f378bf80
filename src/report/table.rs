//! Aligned text tables: the plan and `dev runs` share one layout. Widths are display widths
//! (a CJK character takes two columns, a combining mark none), as a terminal draws them.

use unicode_width::UnicodeWidthStr;

/// `text` padded with spaces to `width` terminal columns (never cut).
pub fn pad(text: &str, width: usize) -> String {
    let fill = width.saturating_sub(text.width());
    format!("{text}{}", " ".repeat(fill))
}

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
                .map(|r| r[c].width())
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
                    let padded = format!("{}  ", pad(cell, widths[c]));
                    style(i, c, &padded)
                })
                .collect();
            line.trim_end().to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_and_combining_characters_take_the_columns_a_terminal_gives_them() {
        let rows = [
            ["日本語の長いパック名.gtpack".to_string(), "x".to_string()],
            ["cafe\u{301}.gtpack".to_string(), "y".to_string()],
            ["plain.gtpack".to_string(), "z".to_string()],
        ];
        let lines = render_table(["FILE", "V"], &rows, |_, _, cell| cell.to_string());
        // The second column starts at the same terminal column on every line.
        let column = |line: &str| {
            let cut = line.rfind(' ').unwrap();
            line[..=cut].width()
        };
        let first = column(&lines[0]);
        assert!(lines.iter().all(|l| column(l) == first), "{lines:#?}");
        assert_eq!(first, "日本語の長いパック名.gtpack".width() + 2);
    }
}

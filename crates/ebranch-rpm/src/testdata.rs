//! Test helper: reads the upstream rpm test-vector tables at test time.

use std::path::PathBuf;

/// One data row of a TSV table, with its 1-based line number in the file.
pub(crate) struct Row {
    /// 1-based line number in the file.
    pub line: usize,
    /// The row's columns, padded with empty strings to the header's width.
    pub cols: Vec<String>,
}

/// Reads `name` from the shared test-vector directory, checks that its header
/// line equals `header`, and returns the data rows (blank lines skipped).
pub(crate) fn read_table(name: &str, header: &[&str]) -> Vec<Row> {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "../../../shared/data/rpm-test-vectors",
        name,
    ]
    .iter()
    .collect();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut lines = text.lines().enumerate();
    let (_, first) = lines.next().expect("table has a header line");
    let got: Vec<&str> = first.split('\t').collect();
    assert_eq!(got, header, "{name}: unexpected header line");
    lines
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let mut cols: Vec<String> = l.split('\t').map(str::to_owned).collect();
            assert!(
                cols.len() <= header.len(),
                "{name} line {}: too many columns",
                i + 1
            );
            cols.resize(header.len(), String::new());
            Row { line: i + 1, cols }
        })
        .collect()
}

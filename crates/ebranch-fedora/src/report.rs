//! The report file, as the flows use it: the one model of `ebranch-report`.

pub use ebranch_report::{Class, Entry, Report, ReportError, ReportFile, UNKNOWN};

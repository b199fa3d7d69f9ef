//! Download progress on stderr: bars on a terminal, one summary line per repository
//! otherwise.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use ebranch_fetch::{FetchedRepo, Reporter, Transfer, TransferEnd};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};

use crate::output::printable;

/// Reports downloads to stderr.
pub struct FetchProgress {
    bars: Option<MultiProgress>,
    active: Mutex<Vec<(u64, ProgressBar)>>,
}

impl FetchProgress {
    /// Bars when stderr is a terminal, plain lines otherwise.
    pub fn new() -> FetchProgress {
        let bars = std::io::stderr().is_terminal().then(MultiProgress::new);
        FetchProgress {
            bars,
            active: Mutex::new(Vec::new()),
        }
    }

    /// Removes any bars left.
    pub fn finish(&self) {
        if let Some(bars) = &self.bars {
            let _ = bars.clear();
        }
    }

    /// One line on stderr, above the bars when there are any.
    fn say(&self, line: String) {
        let line = printable(&line).into_owned();
        match &self.bars {
            Some(bars) => {
                let _ = bars.println(line);
            }
            None => eprintln!("{line}"),
        }
    }

    fn bar(&self, id: u64) -> Option<ProgressBar> {
        let active = self.active.lock().unwrap_or_else(|e| e.into_inner());
        active
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, b)| b.clone())
    }
}

impl Reporter for FetchProgress {
    fn start(&self, transfer: &Transfer<'_>) {
        let Some(bars) = &self.bars else { return };
        let bar = bars.add(ProgressBar::new(transfer.size.unwrap_or(0)));
        bar.set_style(
            ProgressStyle::with_template("{prefix:>24} {wide_bar} {bytes}/{total_bytes}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        let prefix = format!("{} {}", transfer.repo, short(transfer.file));
        bar.set_prefix(printable(&prefix).into_owned());
        self.active
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((transfer.id, bar));
    }

    fn progress(&self, transfer: &Transfer<'_>, bytes: u64) {
        if let Some(bar) = self.bar(transfer.id) {
            bar.set_position(bytes);
        }
    }

    fn finish(&self, transfer: &Transfer<'_>, end: &TransferEnd<'_>) {
        if let Some(bar) = self.bar(transfer.id) {
            bar.finish_and_clear();
        }
        if let TransferEnd::Failed(err) = end {
            self.say(format!(
                "warning: {err} (trying another mirror or retrying)"
            ));
        }
    }

    fn waiting_for_lock(&self, repo: &str, lock: &Path, timeout: Duration) {
        self.say(format!(
            "waiting for another ebranch run to release the cache of repo {repo} ({}); giving up after {} s",
            lock.display(),
            timeout.as_secs()
        ));
    }

    fn repo_done(&self, repo: &FetchedRepo) {
        if repo.stats.requests == 0 {
            return;
        }
        self.say(format!("fetched {}: {}", repo.repo.id, repo.stats));
    }
}

fn short(file: &str) -> &str {
    file.rsplit('/').next().unwrap_or(file)
}

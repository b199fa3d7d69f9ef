//! Turning a `--repo` argument into a [`RepoSource`].

use std::path::PathBuf;

use crate::release::RepoSource;
use crate::url::is_http;

/// Interprets a `--repo` argument:
/// - `file:///dir` or a plain path: a local repo directory, read in place;
/// - an http(s) URL containing `metalink?`: a MirrorManager metalink;
/// - an http(s) URL whose path contains `/mirrorlist`: a mirrorlist;
/// - any other http(s) URL: a repo base URL (the folder holding `repodata/`).
pub fn repo_from_arg(arg: &str) -> RepoSource {
    if let Some(rest) = arg.strip_prefix("file://") {
        let path = rest.strip_prefix("localhost").unwrap_or(rest);
        return RepoSource::Local(PathBuf::from(path));
    }
    if is_http(arg) {
        if arg.contains("metalink?") {
            return RepoSource::Metalink(arg.to_string());
        }
        let path = arg.split('?').next().unwrap_or(arg);
        if path.contains("/mirrorlist") {
            return RepoSource::Mirrorlist(arg.to_string());
        }
        return RepoSource::Baseurl(vec![arg.to_string()]);
    }
    RepoSource::Local(PathBuf::from(arg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_arguments() {
        assert_eq!(
            repo_from_arg("/srv/repo"),
            RepoSource::Local("/srv/repo".into())
        );
        assert_eq!(
            repo_from_arg("rel/dir"),
            RepoSource::Local("rel/dir".into())
        );
        assert_eq!(
            repo_from_arg("file:///srv/r"),
            RepoSource::Local("/srv/r".into())
        );
        assert_eq!(
            repo_from_arg("file://localhost/srv/r"),
            RepoSource::Local("/srv/r".into())
        );
        assert_eq!(
            repo_from_arg("https://mirrors.fedoraproject.org/metalink?repo=epel-9&arch=x86_64"),
            RepoSource::Metalink(
                "https://mirrors.fedoraproject.org/metalink?repo=epel-9&arch=x86_64".into()
            )
        );
        assert_eq!(
            repo_from_arg("https://mirrors.almalinux.org/mirrorlist/9/baseos"),
            RepoSource::Mirrorlist("https://mirrors.almalinux.org/mirrorlist/9/baseos".into())
        );
        assert_eq!(
            repo_from_arg("http://127.0.0.1:8000/os/"),
            RepoSource::Baseurl(vec!["http://127.0.0.1:8000/os/".into()])
        );
    }
}

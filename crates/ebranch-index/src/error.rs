//! Errors of building the index.

/// Building the pool failed.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// A rich dependency of a package could not be parsed.
    #[error("unparsable dependency of `{package}` in repository `{repo}`")]
    BadDependency {
        /// The repository's label (its path or URL).
        repo: String,
        /// The package carrying the dependency.
        package: String,
        /// The dependency text.
        dep: String,
        /// What the parser said.
        #[source]
        source: Box<ebranch_rpm::ParseDepError>,
    },
    /// The repositories hold more of something than the pool's ids can number.
    #[error("too many {0} for one pool")]
    TooLarge(&'static str),
}

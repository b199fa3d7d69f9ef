//! Errors of reading a report into a build graph.

/// A report could not be read as a build graph; each variant names the offending key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The report is not a JSON object keyed by source package.
    #[error("report is not a JSON object keyed by source package")]
    NotAnObject,
    /// A package's entry is not a JSON object.
    #[error("entry `{package}` is not a JSON object")]
    EntryNotObject {
        /// The top-level key.
        package: String,
    },
    /// A package's `build` or `install` field is not an object of providers.
    #[error("`{package}`.`{field}` is not an object keyed by provider source package")]
    FieldNotObject {
        /// The top-level key.
        package: String,
        /// `build` or `install`.
        field: String,
    },
    /// A provider's dependency list is not an array of strings.
    #[error("`{package}`.`{field}`.`{provider}` is not an array of dependency strings")]
    DepsNotStrings {
        /// The top-level key.
        package: String,
        /// `build` or `install`.
        field: String,
        /// The provider key inside the field.
        provider: String,
    },
    /// A package's `skip` field is not a boolean.
    #[error("`{package}`.`skip` is not a boolean")]
    SkipNotBool {
        /// The top-level key.
        package: String,
    },
    /// A top-level key is the reserved provider name `UNKNOWN`.
    #[error("`UNKNOWN` is reserved for unresolvable dependencies and cannot be a package")]
    ReservedName,
}

//! Which architectures may provide dependencies.

/// The set of binary architectures whose packages count as providers.
///
/// Mirrors libsolv's arch policy: `noarch` is always in; `src`/`nosrc` never are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArchSet {
    arches: Vec<String>,
}

/// 32-bit x86 arches accepted when i686 (multilib) is enabled.
const X86_32: &[&str] = &["i686", "i586", "i486", "i386", "athlon"];

impl ArchSet {
    /// The arches of `basearch` (`x86_64`, `aarch64`, `ppc64le`, `s390x`, `i686`, ...) plus
    /// `noarch`.
    pub fn for_basearch(basearch: &str) -> ArchSet {
        let mut arches = vec!["noarch".to_owned()];
        match basearch {
            "x86_64" | "amd64" => arches.extend(["x86_64", "amd64"].map(String::from)),
            "i686" | "i386" | "i586" | "i486" => {
                arches.extend(X86_32.iter().map(|a| (*a).to_owned()))
            }
            other => arches.push(other.to_owned()),
        }
        ArchSet { arches }
    }

    /// The union of several basearches (e.g. `x86_64` and `i686` for multilib).
    pub fn for_basearches<'a>(basearches: impl IntoIterator<Item = &'a str>) -> ArchSet {
        let mut set = ArchSet { arches: Vec::new() };
        for base in basearches {
            for a in ArchSet::for_basearch(base).arches {
                if !set.arches.contains(&a) {
                    set.arches.push(a);
                }
            }
        }
        if set.arches.is_empty() {
            set.arches.push("noarch".to_owned());
        }
        set
    }

    /// The basearch of the machine running us, as rpm names it.
    pub fn machine_basearch() -> &'static str {
        match std::env::consts::ARCH {
            "x86_64" => "x86_64",
            "aarch64" => "aarch64",
            "powerpc64" => "ppc64le",
            "s390x" => "s390x",
            "x86" => "i686",
            other => other,
        }
    }

    /// Whether packages of `arch` may provide.
    pub fn accepts(&self, arch: &str) -> bool {
        self.arches.iter().any(|a| a == arch)
    }

    /// The accepted arch names.
    pub fn arches(&self) -> &[String] {
        &self.arches
    }
}

impl Default for ArchSet {
    fn default() -> Self {
        ArchSet::for_basearch(ArchSet::machine_basearch())
    }
}

/// Whether `arch` is a source arch (`src`, `nosrc`).
pub(crate) fn is_source_arch(arch: &str) -> bool {
    arch == "src" || arch == "nosrc"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x86_64_with_multilib() {
        let set = ArchSet::for_basearches(["x86_64", "i686"]);
        assert!(set.accepts("x86_64") && set.accepts("i686") && set.accepts("noarch"));
        assert!(!set.accepts("src") && !set.accepts("aarch64"));
        let plain = ArchSet::for_basearch("x86_64");
        assert!(!plain.accepts("i686"));
    }
}

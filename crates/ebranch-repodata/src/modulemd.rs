//! `modules.yaml` (repomd record `modules`): the module streams and defaults of a
//! modular repository (EL8/EL9 AppStream), as dnf reads them to hide packages.
//!
//! Only what module filtering needs is kept: per stream document (`modulemd` v1/v2) its
//! name, stream, version, context, arch, runtime module requires, RPM artifacts and
//! demodularized names; per `modulemd-defaults` document the default stream. Other
//! documents (`modulemd-obsoletes`, `modulemd-translations`, …) are skipped, and so are
//! the parts of a stream that filtering never reads (descriptions, components, `xmd`).
//!
//! The input is hostile until proven otherwise: the decompressed text is capped at
//! [`MAX_MODULES_BYTES`], nesting at [`MAX_DEPTH`], every document at [`MAX_NODES`] kept
//! nodes, and YAML aliases are refused; each limit is a one-line error naming the file and
//! the line. A document that is valid YAML but not a usable modulemd document (no name,
//! a version that is not a number) is skipped and listed in [`ModuleMetadata::problems`],
//! as libmodulemd skips failing subdocuments.

use std::io::Read;
use std::path::{Path, PathBuf};

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::Marker;

use crate::compression::{Compression, open_decompressed};
use crate::error::{RepodataError, one_line};
use crate::read::checked_file;
use crate::repomd::Repomd;

/// The largest decompressed `modules.yaml` read (EL8 AppStream's is a few tens of MiB).
pub const MAX_MODULES_BYTES: u64 = 256 << 20;
/// The deepest nesting of YAML collections accepted (modulemd needs 6).
pub const MAX_DEPTH: usize = 64;
/// The most YAML nodes kept for one document (after skipping unread parts).
pub const MAX_NODES: usize = 1 << 20;

/// One `modulemd` document: a build of one module stream.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleStream {
    /// Module name (`nodejs`).
    pub name: String,
    /// Stream name (`20`).
    pub stream: String,
    /// Build version (a number; higher is newer).
    pub version: u64,
    /// Context (`rhel9`, `9`, a hash).
    pub context: String,
    /// Architecture (empty when the document names none).
    pub arch: String,
    /// `static_context: true`.
    pub static_context: bool,
    /// Runtime module requires, one list per `dependencies` entry: module name → the
    /// streams accepted (empty: any stream; a stream starting with `-` excludes it).
    pub requires: Vec<Vec<(String, Vec<String>)>>,
    /// RPM artifacts, as `name-epoch:version-release.arch`.
    pub artifacts: Vec<String>,
    /// Names of RPMs that left the module (`demodularized.rpms`).
    pub demodularized: Vec<String>,
}

/// One `modulemd-defaults` document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleDefaults {
    /// Module name.
    pub module: String,
    /// The default stream, if the module has one.
    pub stream: Option<String>,
}

/// The parts of a `modules.yaml` that module filtering reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleMetadata {
    /// Stream documents, in file order.
    pub streams: Vec<ModuleStream>,
    /// Defaults documents, in file order.
    pub defaults: Vec<ModuleDefaults>,
    /// Documents skipped as unusable, each `line N: why`.
    pub problems: Vec<String>,
}

/// Reads the `modules` record of the repository rooted at `dir`, if repomd.xml lists one
/// (any compression; checksum verified like every other record).
pub fn read_modules(dir: &Path, repomd: &Repomd) -> Result<Option<ModuleMetadata>, RepodataError> {
    let Some(record) = repomd.record("modules") else {
        return Ok(None);
    };
    let path = checked_file(dir, repomd, record)?;
    let mut head = [0u8; 8];
    let n = std::fs::File::open(&path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| RepodataError::io(&path, e))?;
    // Compressed by magic bytes; anything else is read as plain YAML text.
    let mut reader: Box<dyn Read> = match Compression::detect(&head[..n]) {
        Some(Compression::None) | None => {
            Box::new(std::fs::File::open(&path).map_err(|e| RepodataError::io(&path, e))?)
        }
        Some(_) => Box::new(open_decompressed(&path)?.reader),
    };
    let mut bytes = Vec::new();
    reader
        .by_ref()
        .take(MAX_MODULES_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| RepodataError::io(&path, e))?;
    if bytes.len() as u64 > MAX_MODULES_BYTES {
        return Err(modules_error(
            &path,
            0,
            format!("larger than {} MiB decompressed", MAX_MODULES_BYTES >> 20),
        ));
    }
    let text = String::from_utf8(bytes)
        .map_err(|e| modules_error(&path, 0, format!("not UTF-8 ({e})")))?;
    parse_modules(&path, &text).map(Some)
}

/// Parses the text of a `modules.yaml` (`path` names it in errors).
pub fn parse_modules(path: &Path, text: &str) -> Result<ModuleMetadata, RepodataError> {
    let mut parser = Parser::new_from_str(text);
    let mut out = ModuleMetadata::default();
    loop {
        let (event, mark) = next(&mut parser, path)?;
        match event {
            Event::StreamEnd => return Ok(out),
            Event::DocumentStart => {
                let line = mark.line();
                let (event, mark) = next(&mut parser, path)?;
                let root = Builder::new(path).node(&mut parser, event, mark, &mut Vec::new())?;
                if let Err(why) = add_document(&mut out, root) {
                    out.problems.push(format!("line {line}: {why}"));
                }
            }
            _ => {}
        }
    }
}

fn next(
    parser: &mut Parser<std::str::Chars<'_>>,
    path: &Path,
) -> Result<(Event, Marker), RepodataError> {
    parser.next_token().map_err(|e| {
        let mark = e.marker();
        modules_error(path, mark.line(), one_line(e.info()))
    })
}

fn modules_error(path: &Path, line: usize, message: String) -> RepodataError {
    RepodataError::Modules {
        path: PathBuf::from(path),
        line,
        message,
    }
}

/// A YAML node as kept: scalars as written, mappings in order.
#[derive(Debug)]
enum Node {
    Scalar(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
    /// A part filtering never reads, not kept.
    Skipped,
}

impl Node {
    fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn text(&self) -> Option<&str> {
        match self {
            Node::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// A list of scalars (a lone scalar counts as a list of one).
    fn strings(&self) -> Vec<String> {
        match self {
            Node::Scalar(s) if s.is_empty() => Vec::new(),
            Node::Scalar(s) => vec![s.clone()],
            Node::Seq(items) => items
                .iter()
                .filter_map(|n| n.text().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Whether the node at `path` (mapping keys from the document root) is kept.
fn kept(path: &[String]) -> bool {
    let p: Vec<&str> = path.iter().map(String::as_str).collect();
    match p.as_slice() {
        [] | ["document" | "version" | "data"] => true,
        ["data", key] => matches!(
            *key,
            "name"
                | "stream"
                | "version"
                | "context"
                | "arch"
                | "static_context"
                | "dependencies"
                | "artifacts"
                | "demodularized"
                | "module"
        ),
        ["data", "artifacts", key] | ["data", "demodularized", key] => *key == "rpms",
        ["data", "artifacts" | "demodularized", "rpms", ..] | ["data", "dependencies", ..] => true,
        _ => false,
    }
}

/// Builds one document's tree from events, without recursion deeper than [`MAX_DEPTH`].
struct Builder<'a> {
    path: &'a Path,
    nodes: usize,
}

impl<'a> Builder<'a> {
    fn new(path: &'a Path) -> Builder<'a> {
        Builder { path, nodes: 0 }
    }

    fn node(
        &mut self,
        parser: &mut Parser<std::str::Chars<'_>>,
        event: Event,
        mark: Marker,
        keys: &mut Vec<String>,
    ) -> Result<Node, RepodataError> {
        if keys.len() > MAX_DEPTH {
            return Err(modules_error(
                self.path,
                mark.line(),
                format!("nested deeper than {MAX_DEPTH} levels"),
            ));
        }
        if !kept(keys) {
            self.skip(parser, event, mark, keys.len())?;
            return Ok(Node::Skipped);
        }
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(modules_error(
                self.path,
                mark.line(),
                format!("a document has more than {MAX_NODES} entries"),
            ));
        }
        match event {
            Event::Scalar(value, ..) => Ok(Node::Scalar(value)),
            Event::Alias(_) => Err(modules_error(
                self.path,
                mark.line(),
                "YAML aliases are not accepted in modulemd".into(),
            )),
            Event::SequenceStart(..) => {
                let mut items = Vec::new();
                loop {
                    let (event, mark) = next(parser, self.path)?;
                    if event == Event::SequenceEnd {
                        return Ok(Node::Seq(items));
                    }
                    // Items count as one level below their sequence.
                    keys.push("[]".into());
                    let item = self.node(parser, event, mark, keys);
                    keys.pop();
                    items.push(item?);
                }
            }
            Event::MappingStart(..) => {
                let mut entries = Vec::new();
                loop {
                    let (event, mark) = next(parser, self.path)?;
                    let key = match event {
                        Event::MappingEnd => return Ok(Node::Map(entries)),
                        Event::Scalar(key, ..) => key,
                        _ => {
                            return Err(modules_error(
                                self.path,
                                mark.line(),
                                "a mapping key is not a plain value".into(),
                            ));
                        }
                    };
                    let (event, mark) = next(parser, self.path)?;
                    keys.push(key.clone());
                    let value = self.node(parser, event, mark, keys);
                    keys.pop();
                    entries.push((key, value?));
                }
            }
            other => Err(modules_error(
                self.path,
                mark.line(),
                format!("unexpected YAML event {other:?}"),
            )),
        }
    }

    /// Consumes the events of a node that is not kept, tracking only the depth.
    fn skip(
        &mut self,
        parser: &mut Parser<std::str::Chars<'_>>,
        event: Event,
        mark: Marker,
        depth: usize,
    ) -> Result<(), RepodataError> {
        let mut open = match event {
            Event::SequenceStart(..) | Event::MappingStart(..) => 1usize,
            _ => return Ok(()),
        };
        let mut line = mark.line();
        while open > 0 {
            if depth + open > MAX_DEPTH {
                return Err(modules_error(
                    self.path,
                    line,
                    format!("nested deeper than {MAX_DEPTH} levels"),
                ));
            }
            let (event, mark) = next(parser, self.path)?;
            line = mark.line();
            match event {
                Event::SequenceStart(..) | Event::MappingStart(..) => open += 1,
                Event::SequenceEnd | Event::MappingEnd => open -= 1,
                Event::StreamEnd => break,
                _ => {}
            }
        }
        Ok(())
    }
}

/// Adds one document to `out`, or says why it is unusable.
fn add_document(out: &mut ModuleMetadata, root: Node) -> Result<(), String> {
    let kind = root.get("document").and_then(Node::text).unwrap_or("");
    let data = root.get("data");
    match kind {
        "modulemd" => {
            let data = data.ok_or("modulemd document without `data`")?;
            out.streams.push(stream(data)?);
        }
        "modulemd-defaults" => {
            let data = data.ok_or("modulemd-defaults document without `data`")?;
            let module = data
                .get("module")
                .and_then(Node::text)
                .filter(|m| !m.is_empty())
                .ok_or("modulemd-defaults document without `module`")?;
            out.defaults.push(ModuleDefaults {
                module: module.to_owned(),
                stream: data
                    .get("stream")
                    .and_then(Node::text)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
            });
        }
        _ => {}
    }
    Ok(())
}

fn stream(data: &Node) -> Result<ModuleStream, String> {
    let text = |key: &str| data.get(key).and_then(Node::text).unwrap_or("").to_owned();
    let name = text("name");
    let stream = text("stream");
    if name.is_empty() || stream.is_empty() {
        return Err("modulemd document without `name` or `stream`".into());
    }
    let version = match data.get("version").and_then(Node::text) {
        None => 0,
        Some(v) => v
            .parse()
            .map_err(|_| format!("module {name}:{stream} has version `{v}`, not a number"))?,
    };
    let requires = match data.get("dependencies") {
        // modulemd v2: a list of {buildrequires, requires} entries.
        Some(Node::Seq(entries)) => entries.iter().map(runtime_requires).collect(),
        // modulemd v1: one {buildrequires, requires} mapping.
        Some(entry @ Node::Map(_)) => vec![runtime_requires(entry)],
        _ => Vec::new(),
    };
    let list = |outer: &str| {
        data.get(outer)
            .and_then(|n| n.get("rpms"))
            .map(Node::strings)
            .unwrap_or_default()
    };
    let artifacts = list("artifacts");
    if let Some(bad) = artifacts.iter().find(|a| !is_nevra(a)) {
        return Err(format!(
            "module {name}:{stream} lists artifact `{bad}`, not in N-E:V-R.A form"
        ));
    }
    Ok(ModuleStream {
        version,
        context: text("context"),
        arch: text("arch"),
        static_context: data.get("static_context").and_then(Node::text) == Some("true"),
        requires,
        artifacts,
        demodularized: list("demodularized"),
        name,
        stream,
    })
}

/// Whether `text` is `name-epoch:version-release.arch` with a numeric epoch, the form
/// libmodulemd requires of artifacts (a document with another form is invalid).
fn is_nevra(text: &str) -> bool {
    let Some((rest, arch)) = text.rsplit_once('.') else {
        return false;
    };
    let Some((rest, _release)) = rest.rsplit_once('-') else {
        return false;
    };
    let Some((name_epoch, _version)) = rest.rsplit_once(':') else {
        return false;
    };
    let Some((name, epoch)) = name_epoch.rsplit_once('-') else {
        return false;
    };
    let digits = epoch.strip_prefix(['-', '+']).unwrap_or(epoch);
    !name.is_empty()
        && !arch.is_empty()
        && digits.bytes().next().is_some_and(|b| b.is_ascii_digit())
}

fn runtime_requires(entry: &Node) -> Vec<(String, Vec<String>)> {
    match entry.get("requires") {
        Some(Node::Map(modules)) => modules
            .iter()
            .map(|(module, streams)| (module.clone(), streams.strings()))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ModuleMetadata, RepodataError> {
        parse_modules(Path::new("modules.yaml"), text)
    }

    const SAMPLE: &str = r#"---
document: modulemd-defaults
version: 1
data:
  module: nodejs
  stream: "18"
  profiles:
    18: [common]
...
---
document: modulemd
version: 2
data:
  name: nodejs
  stream: "18"
  version: 8060020220523160029
  context: ad008a3a
  arch: x86_64
  summary: Javascript runtime
  description: >-
    long text
  xmd: {a: {b: [1, 2, {c: d}]}}
  dependencies:
  - buildrequires:
      platform: [el8.6.0]
    requires:
      platform: [el8]
      perl: []
  - requires:
      platform: [-f28]
  artifacts:
    rpms:
    - nodejs-1:18.2.0-1.module_el8.6.0+1.x86_64
    - nodejs-1:18.2.0-1.module_el8.6.0+1.src
    rpm-map:
      sha256:
        abc: {name: nodejs}
  demodularized:
    rpms: [npm]
...
---
document: modulemd-obsoletes
version: 1
data: {module: nodejs, stream: "10"}
...
"#;

    #[test]
    fn reads_streams_defaults_and_requires() {
        let md = parse(SAMPLE).unwrap();
        assert_eq!(
            md.defaults,
            vec![ModuleDefaults {
                module: "nodejs".into(),
                stream: Some("18".into())
            }]
        );
        let s = &md.streams[0];
        assert_eq!((s.name.as_str(), s.stream.as_str()), ("nodejs", "18"));
        assert_eq!(s.version, 8060020220523160029);
        assert_eq!(
            (s.context.as_str(), s.arch.as_str()),
            ("ad008a3a", "x86_64")
        );
        assert!(!s.static_context);
        assert_eq!(
            s.requires,
            vec![
                vec![
                    ("platform".to_owned(), vec!["el8".to_owned()]),
                    ("perl".to_owned(), vec![])
                ],
                vec![("platform".to_owned(), vec!["-f28".to_owned()])],
            ]
        );
        assert_eq!(s.artifacts.len(), 2);
        assert_eq!(s.demodularized, vec!["npm".to_owned()]);
        assert!(md.problems.is_empty());
    }

    #[test]
    fn artifacts_must_carry_an_epoch() {
        assert!(is_nevra("nodejs-1:18.2.0-1.module_el8+1.x86_64"));
        assert!(is_nevra("a-b-0:1-2.src"));
        assert!(!is_nevra("foo-1.0-1.x86_64"));
        assert!(!is_nevra("foo-x:1.0-1.x86_64"));
        assert!(!is_nevra("nonsense"));
        let md = parse("document: modulemd\nversion: 2\ndata:\n  name: a\n  stream: b\n  artifacts: {rpms: [foo-1.0-1.x86_64]}\n").unwrap();
        assert!(md.streams.is_empty());
        assert!(
            md.problems[0].contains("foo-1.0-1.x86_64"),
            "{:?}",
            md.problems
        );
    }

    #[test]
    fn unquoted_numeric_streams_stay_as_written() {
        let md = parse("document: modulemd\nversion: 2\ndata: {name: python, stream: 3.10, version: 1, static_context: true}\n").unwrap();
        assert_eq!(md.streams[0].stream, "3.10");
        assert!(md.streams[0].static_context);
    }

    #[test]
    fn modulemd_v1_dependencies_are_one_block() {
        let md = parse("document: modulemd\nversion: 1\ndata:\n  name: a\n  stream: b\n  dependencies:\n    requires: {platform: f28, base: x}\n").unwrap();
        assert_eq!(
            md.streams[0].requires,
            vec![vec![
                ("platform".to_owned(), vec!["f28".to_owned()]),
                ("base".to_owned(), vec!["x".to_owned()])
            ]]
        );
    }

    #[test]
    fn unusable_documents_are_skipped_and_listed() {
        let md = parse("---\ndocument: modulemd\nversion: 2\ndata: {name: a, stream: b, version: x1}\n---\ndocument: modulemd\nversion: 2\ndata: {stream: b}\n---\ndocument: modulemd\nversion: 2\ndata: {name: ok, stream: s}\n").unwrap();
        assert_eq!(md.streams.len(), 1);
        assert_eq!(md.problems.len(), 2, "{:?}", md.problems);
        assert!(md.problems[0].contains("not a number"), "{:?}", md.problems);
    }

    #[test]
    fn deep_nesting_is_a_bounded_error() {
        for (depth, kept) in [(10_000, false), (10_000, true)] {
            let inner = "[".repeat(depth) + &"]".repeat(depth);
            let text = if kept {
                format!("document: modulemd\ndata:\n  dependencies: {inner}\n")
            } else {
                format!("document: modulemd\ndata:\n  xmd: {inner}\n")
            };
            let err = parse(&text).unwrap_err().to_string();
            assert!(err.starts_with("modules.yaml"), "{err}");
            assert!(!err.contains('\n'), "{err}");
        }
    }

    #[test]
    fn aliases_and_syntax_errors_name_file_and_line() {
        let err = parse("document: modulemd\ndata:\n  name: &a x\n  stream: *a\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("aliases") && err.contains("line 4"), "{err}");
        let err = parse("document: modulemd\ndata: {name: [\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("modules.yaml: line"), "{err}");
    }

    #[test]
    fn huge_unread_parts_are_not_kept() {
        let mut text =
            String::from("document: modulemd\nversion: 2\ndata:\n  name: a\n  stream: b\n  xmd:\n");
        for i in 0..(MAX_NODES + 10) {
            text.push_str(&format!("    - {i}\n"));
        }
        let md = parse(&text).unwrap();
        assert_eq!(md.streams.len(), 1);
    }
}

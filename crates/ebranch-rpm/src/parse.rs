//! Parsing dependency text: plain dependencies and rpm's rich (boolean)
//! dependencies, following rpm's `rpmrichParse` grammar and checks.

use crate::dep::{Dep, Requirement, RichOp};
use crate::error::{ParseDepError, ParseDepErrorKind};
use crate::flags::Flags;

/// Where a rich dependency is used, for rpm's build-time nesting checks
/// ([`parse_rich_for_tag`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RichContext {
    /// An and-like tag, where every dependency must hold: Requires,
    /// Recommends, Suggests, BuildRequires. A top-level `unless` is illegal.
    Requires,
    /// An or-like tag, where any match is a hit: Conflicts, Supplements,
    /// Enhances, BuildConflicts. A top-level `if` is illegal.
    Conflicts,
}

/// Parses one dependency: a plain `name [op evr]` (`foo`, `foo >= 1.2`,
/// `python3dist(foo) >= 1:1.2-3`, `/usr/bin/sh`) or a rich dependency in
/// parentheses (`(a >= 1 with a < 2)`, `(a if b else c)`, nested to any
/// depth). Whitespace (and, as in rpm, `,`) around tokens is free; the name,
/// operator and version must be separated by whitespace.
///
/// Rich text is checked like rpm's install-time parser (`rpmrichParse`):
/// parentheses, operator words, same-operator chains, `else` only after
/// `if`/`unless`, and no `and`/`if`/`unless` inside `with`/`without`. The
/// context rules of rpmbuild (no `if` in or-like and no `unless` in
/// and-like contexts) are only checked by [`parse_rich_for_tag`].
///
/// A plain dependency keeps its EVR text as written. Inside rich text, a
/// leading `0:` epoch is dropped from operand versions, as libsolv does
/// when it reads rich dependencies (so rendering matches libsolv).
pub fn parse_requirement(text: &str) -> Result<Requirement, ParseDepError> {
    let mut p = Parser::new(text, false);
    p.skip_ws();
    match p.peek() {
        None => Err(p.err(p.pos, ParseDepErrorKind::Empty)),
        Some(b'(') => p.rich_top(None),
        Some(_) => p.simple_top().map(Requirement::Simple),
    }
}

/// Parses a rich dependency: the text (after optional whitespace) must start
/// with `(`, as the `name` attribute of an rpm-md entry without flags does.
/// Same rules as [`parse_requirement`]; a parenthesised plain dependency
/// `(foo >= 1)` gives `Requirement::Simple`.
pub fn parse_rich(text: &str) -> Result<Requirement, ParseDepError> {
    parse_rich_checked(text, false, None)
}

/// Parses a rich dependency like [`parse_rich`] and also applies rpmbuild's
/// context checks (`rpmrichParseForTag`): `if` may not appear in an or-like
/// context (an operand of `or` or of the then-part of `unless`, or the top
/// of a Conflicts-like tag), and `unless` may not appear in an and-like
/// context (an operand of `and` or of the then-part of `if`, or the top of
/// a Requires-like tag). Operands after `if`/`unless` (the condition) are
/// exempt, and an `and`/`or` chain resets the context for what it contains.
///
/// rpm applies these rules only when building packages; use this to
/// validate text destined for a spec file, not to read repository metadata.
pub fn parse_rich_for_tag(text: &str, context: RichContext) -> Result<Requirement, ParseDepError> {
    parse_rich_checked(text, true, Some(context))
}

/// Same as [`parse_requirement`].
impl std::str::FromStr for Requirement {
    type Err = ParseDepError;

    fn from_str(s: &str) -> Result<Requirement, ParseDepError> {
        parse_requirement(s)
    }
}

fn parse_rich_checked(
    text: &str,
    strict: bool,
    context: Option<RichContext>,
) -> Result<Requirement, ParseDepError> {
    let mut p = Parser::new(text, strict);
    p.skip_ws();
    match p.peek() {
        None => Err(p.err(p.pos, ParseDepErrorKind::Empty)),
        Some(b'(') => p.rich_top(context),
        Some(_) => Err(p.err(p.pos, ParseDepErrorKind::NotRich)),
    }
}

/// The deepest nesting of parentheses accepted in a rich dependency. Real ones nest a few
/// levels; the bound keeps the parser, and every recursive walk of the tree it builds
/// (evaluation, rendering, drop), far from the end of the stack.
pub const MAX_RICH_DEPTH: usize = 256;

/// rpm's separators between tokens: C `isspace` plus `,`.
#[inline]
fn is_sep(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' | b',')
}

/// What a finished group forbids in the groups around it (rpm's
/// `RICHPARSE_NO_*` bits), with the position and operator that caused it.
#[derive(Clone, Copy, Default)]
struct Taint {
    /// An `and`/`if`/`unless` somewhere inside: illegal under `with`/`without`.
    no_with: Option<(usize, RichOp)>,
    /// An `unless` in and-like position: illegal under `and`/`if`.
    no_and: Option<usize>,
    /// An `if` in or-like position: illegal under `or`/`unless`.
    no_or: Option<usize>,
}

impl Taint {
    fn merge(&mut self, other: Taint) {
        self.no_with = self.no_with.or(other.no_with);
        self.no_and = self.no_and.or(other.no_and);
        self.no_or = self.no_or.or(other.no_or);
    }
}

struct Parser<'a> {
    input: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// Apply rpmbuild's if/unless context checks.
    strict: bool,
}

impl<'a> Parser<'a> {
    fn new(input: &'a str, strict: bool) -> Self {
        Parser {
            input,
            bytes: input.as_bytes(),
            pos: 0,
            strict,
        }
    }

    fn err(&self, position: usize, kind: ParseDepErrorKind) -> ParseDepError {
        ParseDepError {
            input: self.input.to_owned(),
            position,
            kind,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(is_sep) {
            self.pos += 1;
        }
    }

    /// End of the word starting at `from`: up to a separator or an
    /// unbalanced `)`; parentheses inside the word nest (`perl(Foo::Bar)`).
    fn word_end(&self, from: usize) -> usize {
        let mut depth = 0usize;
        let mut i = from;
        while let Some(&c) = self.bytes.get(i) {
            if is_sep(c) {
                break;
            }
            if c == b')' {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            } else if c == b'(' {
                depth += 1;
            }
            i += 1;
        }
        i
    }

    /// End of an operator keyword starting at `from`: up to whitespace or `)`.
    fn keyword_end(&self, from: usize) -> usize {
        let rest = &self.bytes[from..];
        from + rest
            .iter()
            .position(|&c| c.is_ascii_whitespace() || c == b'\x0b' || c == b')')
            .unwrap_or(rest.len())
    }

    /// Error for leftover text at the current position.
    fn trailing(&self) -> ParseDepError {
        let kind = if self.peek() == Some(b')') {
            ParseDepErrorKind::UnbalancedCloseParen
        } else {
            ParseDepErrorKind::TrailingGarbage
        };
        self.err(self.pos, kind)
    }

    /// `name [op evr]`. In rich text a leading `0:` is dropped from the EVR,
    /// as libsolv does.
    fn simple_dep(&mut self, in_rich: bool) -> Result<Dep, ParseDepError> {
        let start = self.pos;
        let end = self.word_end(start);
        if end == start {
            let kind = if self.peek() == Some(b')') {
                ParseDepErrorKind::UnbalancedCloseParen
            } else {
                ParseDepErrorKind::ExpectedName
            };
            return Err(self.err(start, kind));
        }
        let name = &self.input[start..end];
        self.pos = end;

        // Look ahead for a comparison operator; leave it alone if absent.
        let after_name = self.pos;
        self.skip_ws();
        let op_start = self.pos;
        let op_end = self.word_end(op_start);
        let operator = &self.input[op_start..op_end];
        let Some(flags) = Flags::from_operator(operator) else {
            self.pos = after_name;
            return Ok(Dep::new(name));
        };
        self.pos = op_end;
        self.skip_ws();
        let evr_start = self.pos;
        let evr_end = self.word_end(evr_start);
        if evr_end == evr_start {
            return Err(self.err(
                evr_start,
                ParseDepErrorKind::ExpectedVersion {
                    operator: operator.to_owned(),
                },
            ));
        }
        let mut evr = &self.input[evr_start..evr_end];
        if in_rich && evr.len() > 2 && evr.starts_with("0:") {
            evr = &evr[2..];
        }
        self.pos = evr_end;
        Ok(Dep::versioned(name, flags, evr))
    }

    /// A whole text holding one plain dependency.
    fn simple_top(&mut self) -> Result<Dep, ParseDepError> {
        let dep = self.simple_dep(false)?;
        self.skip_ws();
        if self.peek().is_none() {
            return Ok(dep);
        }
        if dep.evr.is_none() && self.peek() != Some(b')') {
            let end = self.word_end(self.pos);
            let found = self.input[self.pos..end].to_owned();
            return Err(self.err(self.pos, ParseDepErrorKind::ExpectedComparison { found }));
        }
        Err(self.trailing())
    }

    /// A whole text holding one rich dependency; `context` adds the
    /// top-level check of `rpmrichParseForTag`.
    fn rich_top(&mut self, context: Option<RichContext>) -> Result<Requirement, ParseDepError> {
        let (req, taint) = self.group(1)?;
        self.skip_ws();
        if self.peek().is_some() {
            return Err(self.trailing());
        }
        match context {
            Some(RichContext::Requires) => {
                if let Some(p) = taint.no_and {
                    return Err(self.err(p, ParseDepErrorKind::UnlessInAndContext));
                }
            }
            Some(RichContext::Conflicts) => {
                if let Some(p) = taint.no_or {
                    return Err(self.err(p, ParseDepErrorKind::IfInOrContext));
                }
            }
            None => {}
        }
        Ok(req)
    }

    /// One parenthesised group, at `(`, nested `depth` groups deep (the outermost is 1).
    fn group(&mut self, depth: usize) -> Result<(Requirement, Taint), ParseDepError> {
        use ParseDepErrorKind as K;
        let open = self.pos;
        debug_assert_eq!(self.peek(), Some(b'('));
        if depth > MAX_RICH_DEPTH {
            return Err(self.err(
                open,
                K::TooDeep {
                    limit: MAX_RICH_DEPTH,
                },
            ));
        }
        self.pos += 1;

        let mut operands: Vec<Requirement> = Vec::new();
        let mut ops: Vec<(RichOp, usize)> = Vec::new();
        let mut chain: Option<RichOp> = None;
        let mut taint = Taint::default();
        loop {
            // An operand.
            self.skip_ws();
            match self.peek() {
                None | Some(b')') => {
                    let kind = match (ops.last(), self.peek()) {
                        (Some(&(after, _)), _) => K::MissingOperand { after },
                        (None, None) => K::Unterminated { open },
                        (None, Some(_)) => K::EmptyRich,
                    };
                    return Err(self.err(self.pos, kind));
                }
                Some(b'(') => {
                    let (req, mut sub) = self.group(depth + 1)?;
                    if self.strict && matches!(ops.last(), Some((RichOp::If | RichOp::Unless, _))) {
                        // The condition of if/unless may hold anything.
                        sub.no_and = None;
                        sub.no_or = None;
                    }
                    taint.merge(sub);
                    operands.push(req);
                }
                Some(_) => operands.push(Requirement::Simple(self.simple_dep(true)?)),
            }

            // The closing parenthesis or an operator.
            self.skip_ws();
            match self.peek() {
                None => return Err(self.err(self.pos, K::Unterminated { open })),
                Some(b')') => {
                    self.pos += 1;
                    break;
                }
                Some(_) => {}
            }
            let start = self.pos;
            let end = self.keyword_end(start);
            let word = &self.input[start..end];
            let Some(op) = RichOp::from_keyword(word) else {
                return Err(self.err(
                    start,
                    K::UnknownRichOperator {
                        found: word.to_owned(),
                    },
                ));
            };
            if op == RichOp::Else {
                match chain {
                    Some(RichOp::If | RichOp::Unless) => chain = None,
                    Some(RichOp::Else) => return Err(self.err(start, K::NotChainable { op })),
                    _ => return Err(self.err(start, K::ElseWithoutCondition)),
                }
            }
            if let Some(first) = chain {
                if op != first {
                    return Err(self.err(start, K::MixedOperators { first, second: op }));
                }
                if !matches!(op, RichOp::And | RichOp::Or | RichOp::With) {
                    return Err(self.err(start, K::NotChainable { op }));
                }
            }
            chain = Some(op);
            ops.push((op, start));
            self.pos = end;
        }

        let Some(&(first_op, first_pos)) = ops.first() else {
            // `(dep)`: the parentheses add nothing.
            let req = operands.pop().expect("a group has at least one operand");
            return Ok((req, taint));
        };
        let last_op = ops.last().map_or(first_op, |o| o.0);

        // rpm's rpmrichParseCheck for this group.
        if matches!(first_op, RichOp::With | RichOp::Without)
            && let Some((p, inner)) = taint.no_with
        {
            return Err(self.err(
                p,
                K::IllegalInWith {
                    outer: first_op,
                    inner,
                },
            ));
        }
        if self.strict {
            if matches!(first_op, RichOp::And | RichOp::If)
                && let Some(p) = taint.no_and
            {
                return Err(self.err(p, K::UnlessInAndContext));
            }
            if matches!(first_op, RichOp::Or | RichOp::Unless)
                && let Some(p) = taint.no_or
            {
                return Err(self.err(p, K::IfInOrContext));
            }
        }

        // What this group forbids around it.
        match first_op {
            RichOp::If => taint.no_or = taint.no_or.or(Some(first_pos)),
            RichOp::Unless => taint.no_and = taint.no_and.or(Some(first_pos)),
            _ => {}
        }
        if matches!(last_op, RichOp::And | RichOp::Or) {
            taint.no_and = None;
            taint.no_or = None;
        }
        if matches!(
            last_op,
            RichOp::And | RichOp::If | RichOp::Unless | RichOp::Else
        ) {
            taint.no_with = taint.no_with.or(Some((first_pos, first_op)));
        }

        Ok((build(first_op, operands), taint))
    }
}

/// Builds the tree for a checked group: `operands` has two items (three for
/// `if`/`unless` with `else`) or, for chains, two or more.
fn build(op: RichOp, operands: Vec<Requirement>) -> Requirement {
    match op {
        RichOp::And | RichOp::Or | RichOp::With => {
            let mut flat = Vec::with_capacity(operands.len());
            for r in operands {
                match (op, r) {
                    (RichOp::And, Requirement::And(v))
                    | (RichOp::Or, Requirement::Or(v))
                    | (RichOp::With, Requirement::With(v)) => flat.extend(v),
                    (_, r) => flat.push(r),
                }
            }
            match op {
                RichOp::And => Requirement::And(flat),
                RichOp::Or => Requirement::Or(flat),
                _ => Requirement::With(flat),
            }
        }
        RichOp::Without | RichOp::If | RichOp::Unless => {
            let mut it = operands.into_iter().map(Box::new);
            let (Some(a), Some(b)) = (it.next(), it.next()) else {
                unreachable!("binary operators always have two operands");
            };
            let otherwise = it.next();
            match op {
                RichOp::Without => Requirement::Without(a, b),
                RichOp::If => Requirement::If {
                    then: a,
                    cond: b,
                    otherwise,
                },
                _ => Requirement::Unless {
                    then: a,
                    cond: b,
                    otherwise,
                },
            }
        }
        RichOp::Else => unreachable!("'else' never starts a group"),
    }
}

#[cfg(test)]
mod tests;

//! Text rendering of dependencies, identical to libsolv's `pool_dep2str`
//! for rpm pools.

use std::fmt::{self, Write};

use crate::dep::{Dep, Requirement, RichOp};

/// Writes `name`, or `name OP EVR` with single spaces and the EVR as stored.
impl fmt::Display for Dep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)?;
        match &self.evr {
            Some(evr) if self.flags.is_versioned() => {
                write!(f, " {} {evr}", self.flags.operator())
            }
            _ => Ok(()),
        }
    }
}

/// Writes the requirement like libsolv: a rich requirement in parentheses,
/// chains flat (`(a or b or c)`), and every rich operand in its own
/// parentheses (`(a or (b and c))`, `(a if b else c)`).
///
/// A chain nested directly in a chain of the same operator prints flat, as
/// libsolv prints it. One deliberate difference: libsolv prints a `without`
/// nested in a `without` without parentheses (which rpm cannot re-parse);
/// this writes the parentheses.
impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_req(f, self, None)
    }
}

fn write_req(f: &mut fmt::Formatter<'_>, req: &Requirement, parent: Option<RichOp>) -> fmt::Result {
    let op = match (req, req.op()) {
        (Requirement::Simple(d), _) => return fmt::Display::fmt(d, f),
        (_, Some(op)) => op,
        (_, None) => unreachable!("only Simple has no operator"),
    };
    let flat = parent == Some(op) && matches!(op, RichOp::And | RichOp::Or | RichOp::With);
    if !flat {
        f.write_char('(')?;
    }
    match req {
        Requirement::Simple(_) => unreachable!("handled above"),
        Requirement::And(v) | Requirement::Or(v) | Requirement::With(v) => {
            for (i, r) in v.iter().enumerate() {
                if i > 0 {
                    write!(f, " {op} ")?;
                }
                write_req(f, r, Some(op))?;
            }
        }
        Requirement::Without(a, b) => {
            write_req(f, a, Some(op))?;
            write!(f, " {op} ")?;
            write_req(f, b, Some(op))?;
        }
        Requirement::If {
            then,
            cond,
            otherwise,
        }
        | Requirement::Unless {
            then,
            cond,
            otherwise,
        } => {
            write_req(f, then, Some(op))?;
            write!(f, " {op} ")?;
            write_req(f, cond, Some(op))?;
            if let Some(o) = otherwise {
                f.write_str(" else ")?;
                write_req(f, o, Some(RichOp::Else))?;
            }
        }
    }
    if !flat {
        // rpm reads a token up to a space, or up to a ')' that closes no '(' of its own:
        // a last token with an open '(' would swallow this ')' (`(a or b(c )`).
        if ends_open(req) {
            f.write_char(' ')?;
        }
        f.write_char(')')?;
    }
    Ok(())
}

/// Whether `req`'s rendering ends in a token with a '(' it does not close.
fn ends_open(req: &Requirement) -> bool {
    let last = match req {
        Requirement::Simple(d) => {
            let token = match &d.evr {
                Some(evr) if d.flags.is_versioned() => evr.as_str(),
                _ => d.name.as_str(),
            };
            let mut open = 0usize;
            for c in token.chars() {
                match c {
                    '(' => open += 1,
                    ')' => open = open.saturating_sub(1),
                    _ => {}
                }
            }
            return open > 0;
        }
        Requirement::And(v) | Requirement::Or(v) | Requirement::With(v) => v.last(),
        Requirement::Without(_, b) => Some(&**b),
        Requirement::If {
            cond, otherwise, ..
        }
        | Requirement::Unless {
            cond, otherwise, ..
        } => otherwise.as_deref().or(Some(&**cond)),
    };
    // A nested group prints its own parentheses, except a chain flattened into its parent.
    let flat = |r: &Requirement| {
        r.op() == req.op() && matches!(r.op(), Some(RichOp::And | RichOp::Or | RichOp::With))
    };
    last.is_some_and(|r| (matches!(r, Requirement::Simple(_)) || flat(r)) && ends_open(r))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flags::Flags;

    fn s(name: &str) -> Requirement {
        Requirement::Simple(Dep::new(name))
    }

    #[test]
    fn a_last_token_with_an_open_parenthesis_keeps_its_space_before_the_close() {
        // Found by the fuzz smoke run: `byacc(bison` is one token to rpm (it ends at the
        // space), and without the space the group's ')' became part of it.
        for text in [
            "(a or byacc(bison )",
            "(a or b >= 1.0( )",
            "(x and (a or b( ))",
        ] {
            let req = crate::parse::parse_requirement(text).unwrap();
            let shown = req.to_string();
            assert_eq!(
                crate::parse::parse_requirement(&shown).unwrap(),
                req,
                "{shown}"
            );
        }
        let plain = crate::parse::parse_requirement("(a or perl(Foo))").unwrap();
        assert_eq!(plain.to_string(), "(a or perl(Foo))");
    }

    #[test]
    fn simple() {
        assert_eq!(Dep::new("/usr/bin/sh").to_string(), "/usr/bin/sh");
        assert_eq!(
            Dep::versioned("python3dist(foo)", Flags::GE, "1:1.2-3").to_string(),
            "python3dist(foo) >= 1:1.2-3"
        );
        assert_eq!(Dep::versioned("a", Flags::NE, "1").to_string(), "a <> 1");
        assert_eq!(s("foo").to_string(), "foo");
    }

    #[test]
    fn built_by_hand() {
        let r = Requirement::Or(vec![
            s("a"),
            Requirement::And(vec![s("b"), s("c")]),
            Requirement::Without(Box::new(s("d")), Box::new(s("e"))),
        ]);
        assert_eq!(r.to_string(), "(a or (b and c) or (d without e))");
        // Same-operator nesting prints flat, like libsolv.
        let r = Requirement::And(vec![Requirement::And(vec![s("a"), s("b")]), s("c")]);
        assert_eq!(r.to_string(), "(a and b and c)");
        let r = Requirement::Unless {
            then: Box::new(Requirement::If {
                then: Box::new(s("a")),
                cond: Box::new(s("b")),
                otherwise: None,
            }),
            cond: Box::new(s("c")),
            otherwise: Some(Box::new(Requirement::Or(vec![s("d"), s("e")]))),
        };
        assert_eq!(r.to_string(), "((a if b) unless c else (d or e))");
    }
}

use super::*;
use crate::error::ParseDepErrorKind as K;

fn s(name: &str) -> Requirement {
    Requirement::Simple(Dep::new(name))
}

fn v(name: &str, op: &str, evr: &str) -> Requirement {
    Requirement::Simple(Dep::versioned(name, Flags::from_operator(op).unwrap(), evr))
}

fn parse(text: &str) -> Requirement {
    parse_requirement(text).unwrap_or_else(|e| panic!("{e}"))
}

/// Parses `text`, checks it renders as `rendered`, and that the rendering
/// parses back to the same value.
fn check(text: &str, rendered: &str) -> Requirement {
    let r = parse(text);
    assert_eq!(r.to_string(), rendered, "rendering of {text:?}");
    assert_eq!(parse(rendered), r, "round trip of {text:?}");
    r
}

fn err(text: &str) -> (usize, ParseDepErrorKind) {
    match parse_requirement(text) {
        Ok(r) => panic!("{text:?} parsed as {r:?}"),
        Err(e) => {
            assert_eq!(e.input, text);
            (e.position, e.kind)
        }
    }
}

fn strict_err(text: &str, ctx: RichContext) -> (usize, ParseDepErrorKind) {
    match parse_rich_for_tag(text, ctx) {
        Ok(r) => panic!("{text:?} parsed as {r:?}"),
        Err(e) => (e.position, e.kind),
    }
}

#[test]
fn plain_dependencies() {
    assert_eq!(check("foo", "foo"), s("foo"));
    assert_eq!(check("foo >= 1.2", "foo >= 1.2"), v("foo", ">=", "1.2"));
    assert_eq!(
        check("python3dist(foo) >= 1:1.2-3", "python3dist(foo) >= 1:1.2-3"),
        v("python3dist(foo)", ">=", "1:1.2-3")
    );
    assert_eq!(check("/usr/bin/sh", "/usr/bin/sh"), s("/usr/bin/sh"));
    assert_eq!(
        check(
            "  libc.so.6(GLIBC_2.38)(64bit)\t",
            "libc.so.6(GLIBC_2.38)(64bit)"
        ),
        s("libc.so.6(GLIBC_2.38)(64bit)")
    );
    assert_eq!(check("foo\t=\t1", "foo = 1"), v("foo", "=", "1"));
    assert_eq!(check("foo == 1", "foo = 1"), v("foo", "=", "1"));
    assert_eq!(check("foo => 1", "foo >= 1"), v("foo", ">=", "1"));
    assert_eq!(check("foo =< 1", "foo <= 1"), v("foo", "<=", "1"));
    assert_eq!(check("foo < 1", "foo < 1"), v("foo", "<", "1"));
    assert_eq!(check("foo > 1", "foo > 1"), v("foo", ">", "1"));
    assert_eq!(check("foo <> 1", "foo <> 1"), v("foo", "<>", "1"));
    // A plain dependency keeps a zero epoch as written.
    assert_eq!(check("foo >= 0:1", "foo >= 0:1"), v("foo", ">=", "0:1"));
    // Without whitespace the operator is part of the name, as in rpm.
    assert_eq!(check("foo>=1", "foo>=1"), s("foo>=1"));
    // rpm treats ',' like whitespace.
    assert_eq!(check("foo >= 1,", "foo >= 1"), v("foo", ">=", "1"));
}

#[test]
fn every_operator() {
    assert_eq!(
        check("(a and b)", "(a and b)"),
        Requirement::And(vec![s("a"), s("b")])
    );
    assert_eq!(
        check("(a or b)", "(a or b)"),
        Requirement::Or(vec![s("a"), s("b")])
    );
    assert_eq!(
        check("(a with b)", "(a with b)"),
        Requirement::With(vec![s("a"), s("b")])
    );
    assert_eq!(
        check("(a without b)", "(a without b)"),
        Requirement::Without(Box::new(s("a")), Box::new(s("b")))
    );
    assert_eq!(
        check("(a if b)", "(a if b)"),
        Requirement::If {
            then: Box::new(s("a")),
            cond: Box::new(s("b")),
            otherwise: None
        }
    );
    assert_eq!(
        check("(a if b else c)", "(a if b else c)"),
        Requirement::If {
            then: Box::new(s("a")),
            cond: Box::new(s("b")),
            otherwise: Some(Box::new(s("c")))
        }
    );
    assert_eq!(
        check("(a unless b)", "(a unless b)"),
        Requirement::Unless {
            then: Box::new(s("a")),
            cond: Box::new(s("b")),
            otherwise: None
        }
    );
    assert_eq!(
        check("(a unless b else c)", "(a unless b else c)"),
        Requirement::Unless {
            then: Box::new(s("a")),
            cond: Box::new(s("b")),
            otherwise: Some(Box::new(s("c")))
        }
    );
}

#[test]
fn chains_and_nesting() {
    assert_eq!(
        check("(a or b or c)", "(a or b or c)"),
        Requirement::Or(vec![s("a"), s("b"), s("c")])
    );
    assert_eq!(
        check("(a with b with c)", "(a with b with c)"),
        Requirement::With(vec![s("a"), s("b"), s("c")])
    );
    assert_eq!(
        check("((a and b) or c)", "((a and b) or c)"),
        Requirement::Or(vec![Requirement::And(vec![s("a"), s("b")]), s("c")])
    );
    assert_eq!(
        check("(a or (b and c))", "(a or (b and c))"),
        Requirement::Or(vec![s("a"), Requirement::And(vec![s("b"), s("c")])])
    );
    // Same-operator nesting is flattened, as libsolv prints it.
    assert_eq!(
        check(
            "((a and b) and (c and d) and e)",
            "(a and b and c and d and e)"
        ),
        Requirement::And(vec![s("a"), s("b"), s("c"), s("d"), s("e")])
    );
    assert_eq!(
        check("(a with (b with c))", "(a with b with c)"),
        Requirement::With(vec![s("a"), s("b"), s("c")])
    );
    // Parentheses around a plain dependency add nothing (libsolv agrees).
    assert_eq!(check("(a >= 1)", "a >= 1"), v("a", ">=", "1"));
    assert_eq!(check("(((a)))", "a"), s("a"));
    assert_eq!(
        check("((a) or (b))", "(a or b)"),
        Requirement::Or(vec![s("a"), s("b")])
    );
    // Deeper nesting, every rich operand in its own parentheses.
    check(
        "((myPkg-langCZ and (font1-langCZ or font2-langCZ)) if langsupportCZ)",
        "((myPkg-langCZ and (font1-langCZ or font2-langCZ)) if langsupportCZ)",
    );
    check(
        "((pkgA with capB) or (pkgB without capA))",
        "((pkgA with capB) or (pkgB without capA))",
    );
    check(
        "((driverA and driverA-tools) unless driverB)",
        "((driverA and driverA-tools) unless driverB)",
    );
    check(
        "(a if (b or c) else (d if e else (f unless g)))",
        "(a if (b or c) else (d if e else (f unless g)))",
    );
    check("((a if b) if c)", "((a if b) if c)");
    check("(a if (b if c))", "(a if (b if c))");
    check("(a without (b without c))", "(a without (b without c))");
    check("((a without b) without c)", "((a without b) without c)");
}

#[test]
fn libsolv_examples() {
    let r = check(
        "(libboost-atomic-dev >= 1.90 or libboost-atomic1.88-dev)",
        "(libboost-atomic-dev >= 1.90 or libboost-atomic1.88-dev)",
    );
    assert_eq!(
        r,
        Requirement::Or(vec![
            v("libboost-atomic-dev", ">=", "1.90"),
            s("libboost-atomic1.88-dev")
        ])
    );
    check(
        "(golang-1.24-go or golang-1.23-go or golang-1.22-go)",
        "(golang-1.24-go or golang-1.23-go or golang-1.22-go)",
    );
    let r = check(
        "(crate(serde/default) >= 1.0.0 with crate(serde/default) < 2.0.0~)",
        "(crate(serde/default) >= 1.0.0 with crate(serde/default) < 2.0.0~)",
    );
    assert_eq!(
        r,
        Requirement::With(vec![
            v("crate(serde/default)", ">=", "1.0.0"),
            v("crate(serde/default)", "<", "2.0.0~")
        ])
    );
}

#[test]
fn flexible_whitespace() {
    let want = Requirement::Or(vec![
        v("a", ">=", "1"),
        Requirement::And(vec![s("b"), s("c")]),
    ]);
    for text in [
        "(a >= 1 or (b and c))",
        "  (  a   >=  1  or  ( b and c )  )  ",
        "(a\t>=\t1\nor\n(b and c))",
        "(a >= 1, or (b, and c))",
    ] {
        assert_eq!(parse(text), want, "{text:?}");
        assert_eq!(parse_rich(text).unwrap(), want, "{text:?}");
    }
}

#[test]
fn names_and_versions_with_parentheses() {
    assert_eq!(
        check(
            "(perl(Foo::Bar) >= 1.0 or perl(Baz))",
            "(perl(Foo::Bar) >= 1.0 or perl(Baz))"
        ),
        Requirement::Or(vec![v("perl(Foo::Bar)", ">=", "1.0"), s("perl(Baz)")])
    );
    assert_eq!(
        check("(a(b(c)) and d)", "(a(b(c)) and d)"),
        Requirement::And(vec![s("a(b(c))"), s("d")])
    );
}

#[test]
fn zero_epoch_dropped_inside_rich_text() {
    assert_eq!(
        check("(a >= 0:1.2 with a < 0:2)", "(a >= 1.2 with a < 2)"),
        Requirement::With(vec![v("a", ">=", "1.2"), v("a", "<", "2")])
    );
    assert_eq!(check("(a >= 1:1.2)", "a >= 1:1.2"), v("a", ">=", "1:1.2"));
    assert_eq!(check("(a >= 00:1)", "a >= 00:1"), v("a", ">=", "00:1"));
}

#[test]
fn with_operands() {
    // rpm allows `or` and nested `with`/`without` inside `with`/`without`...
    assert_eq!(
        check("(a with (b or c))", "(a with (b or c))"),
        Requirement::With(vec![s("a"), Requirement::Or(vec![s("b"), s("c")])])
    );
    check("(a without (b or c))", "(a without (b or c))");
    check(
        "((a or b) with (c without d))",
        "((a or b) with (c without d))",
    );
    // ...but not `and`, `if` or `unless`, at any depth.
    assert_eq!(
        err("(a with (b and c))"),
        (
            11,
            K::IllegalInWith {
                outer: RichOp::With,
                inner: RichOp::And
            }
        )
    );
    assert_eq!(
        err("(a without (b if c))"),
        (
            14,
            K::IllegalInWith {
                outer: RichOp::Without,
                inner: RichOp::If
            }
        )
    );
    assert_eq!(
        err("(a with (b unless c else d))").1,
        K::IllegalInWith {
            outer: RichOp::With,
            inner: RichOp::Unless
        }
    );
    assert_eq!(
        err("(a with ((b and c) or d))").1,
        K::IllegalInWith {
            outer: RichOp::With,
            inner: RichOp::And
        }
    );
    assert_eq!(
        err("((b and c) without a)").1,
        K::IllegalInWith {
            outer: RichOp::Without,
            inner: RichOp::And
        }
    );
    // `with` inside `and` is fine.
    check("((a with b) and c)", "((a with b) and c)");
}

#[test]
fn syntax_errors_with_positions() {
    assert_eq!(err(""), (0, K::Empty));
    assert_eq!(err("   "), (3, K::Empty));
    assert_eq!(err("()"), (1, K::EmptyRich));
    assert_eq!(err("( )"), (2, K::EmptyRich));
    assert_eq!(err("("), (1, K::Unterminated { open: 0 }));
    assert_eq!(err("(a or b"), (7, K::Unterminated { open: 0 }));
    assert_eq!(err("((a or b) and c"), (15, K::Unterminated { open: 0 }));
    assert_eq!(err("(a and (b or c)"), (15, K::Unterminated { open: 0 }));
    assert_eq!(err("(a and (b"), (9, K::Unterminated { open: 7 }));
    assert_eq!(err("(a or b))"), (8, K::UnbalancedCloseParen));
    assert_eq!(err("foo)"), (3, K::UnbalancedCloseParen));
    assert_eq!(err(")"), (0, K::UnbalancedCloseParen));
    assert_eq!(err("(a or b) c"), (9, K::TrailingGarbage));
    assert_eq!(err("foo >= 1 bar"), (9, K::TrailingGarbage));
    assert_eq!(
        err("(a and )"),
        (7, K::MissingOperand { after: RichOp::And })
    );
    assert_eq!(err("(a and"), (6, K::MissingOperand { after: RichOp::And }));
    assert_eq!(
        err("(a if b else)"),
        (
            12,
            K::MissingOperand {
                after: RichOp::Else
            }
        )
    );
    assert_eq!(
        err("(a nand b)"),
        (
            3,
            K::UnknownRichOperator {
                found: "nand".into()
            }
        )
    );
    assert_eq!(
        err("(a AND b)"),
        (
            3,
            K::UnknownRichOperator {
                found: "AND".into()
            }
        )
    );
    assert_eq!(
        err("(a b)"),
        (3, K::UnknownRichOperator { found: "b".into() })
    );
    // rpm needs whitespace after the operator.
    assert_eq!(
        err("(a >=1)"),
        (
            3,
            K::UnknownRichOperator {
                found: ">=1".into()
            }
        )
    );
    assert_eq!(
        err("(a and b or c)"),
        (
            9,
            K::MixedOperators {
                first: RichOp::And,
                second: RichOp::Or
            }
        )
    );
    assert_eq!(
        err("(a with b and c)").1,
        K::MixedOperators {
            first: RichOp::With,
            second: RichOp::And
        }
    );
    assert_eq!(
        err("(a without b without c)"),
        (
            13,
            K::NotChainable {
                op: RichOp::Without
            }
        )
    );
    assert_eq!(
        err("(a if b if c)"),
        (8, K::NotChainable { op: RichOp::If })
    );
    assert_eq!(
        err("(a unless b unless c)").1,
        K::NotChainable { op: RichOp::Unless }
    );
    assert_eq!(
        err("(a if b else c else d)"),
        (15, K::NotChainable { op: RichOp::Else })
    );
    assert_eq!(
        err("(a if b unless c)").1,
        K::MixedOperators {
            first: RichOp::If,
            second: RichOp::Unless
        }
    );
    assert_eq!(err("(a else b)"), (3, K::ElseWithoutCondition));
    assert_eq!(err("(a and b else c)"), (9, K::ElseWithoutCondition));
    assert_eq!(
        err("foo >="),
        (
            6,
            K::ExpectedVersion {
                operator: ">=".into()
            }
        )
    );
    assert_eq!(
        err("(a >= )"),
        (
            6,
            K::ExpectedVersion {
                operator: ">=".into()
            }
        )
    );
    assert_eq!(
        err("(a = or b)").1,
        K::UnknownRichOperator { found: "b".into() },
        "like rpm, the word after an operator is taken as the version"
    );
    assert_eq!(
        err("foo bar"),
        (
            4,
            K::ExpectedComparison {
                found: "bar".into()
            }
        )
    );
    assert_eq!(
        err("foo >> 1"),
        (4, K::ExpectedComparison { found: ">>".into() })
    );
}

#[test]
fn parse_rich_requires_parenthesis() {
    let e = parse_rich("foo >= 1").unwrap_err();
    assert_eq!((e.position, e.kind), (0, K::NotRich));
    let e = parse_rich("  foo").unwrap_err();
    assert_eq!((e.position, e.kind), (2, K::NotRich));
    let e = parse_rich("").unwrap_err();
    assert_eq!(e.kind, K::Empty);
    assert_eq!(
        parse_rich("(a or b)").unwrap(),
        Requirement::Or(vec![s("a"), s("b")])
    );
}

#[test]
fn error_display_is_one_line() {
    let e = parse_requirement("(a and\nb or c)").unwrap_err();
    let msg = e.to_string();
    assert!(!msg.contains('\n'), "{msg}");
    assert_eq!(
        msg,
        r#"invalid dependency "(a and\nb or c)": at byte 9: cannot chain 'or' after 'and' in one pair of parentheses; add parentheses"#
    );
    let e = parse_requirement("foo >=").unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"invalid dependency "foo >=": at byte 6: expected a version after '>='"#
    );
}

#[test]
fn build_time_context_rules() {
    use RichContext::{Conflicts, Requires};
    let ok = |text: &str, ctx| {
        parse_rich_for_tag(text, ctx).unwrap_or_else(|e| panic!("{e}"));
    };
    // The examples of rpm's boolean_dependencies.md.
    ok("(pkgA >= 3.2 or pkgB)", Requires);
    ok("(myPkg-langCZ if langsupportCZ)", Requires);
    ok("(myPkg-backend-mariaDB if mariaDB else sqlite)", Requires);
    ok("(myPkg-driverA unless driverB)", Conflicts);
    ok(
        "(myPkg-backend-SDL1 unless myPkg-backend-SDL2 else SDL2)",
        Conflicts,
    );
    ok("(foo and (lang-support-cz or lang-support-all))", Conflicts);
    ok("((driverA and driverA-tools) unless driverB)", Conflicts);
    ok(
        "((myPkg-langCZ and (font1-langCZ or font2-langCZ)) if langsupportCZ)",
        Requires,
    );
    // Top level: `unless` is or-like, `if` is and-like.
    assert_eq!(
        strict_err("(a unless b)", Requires),
        (3, K::UnlessInAndContext)
    );
    assert_eq!(strict_err("(a if b)", Conflicts), (3, K::IfInOrContext));
    // Nested.
    assert_eq!(
        strict_err("(a or (b if c))", Requires),
        (9, K::IfInOrContext)
    );
    assert_eq!(
        strict_err("((a if b) or c or d)", Requires),
        (4, K::IfInOrContext)
    );
    assert_eq!(
        strict_err("((a unless b) and c)", Conflicts),
        (4, K::UnlessInAndContext)
    );
    assert_eq!(
        strict_err("((a if b) unless c)", Conflicts),
        (4, K::IfInOrContext)
    );
    assert_eq!(
        strict_err("((a unless b) if c)", Requires),
        (4, K::UnlessInAndContext)
    );
    // An and/or chain resets the context for what it contains.
    ok("((a if b) and c)", Conflicts);
    ok("((a unless b) or c)", Requires);
    // The condition of if/unless is exempt.
    ok("(a if (b unless c))", Requires);
    ok("(c unless (a if b))", Conflicts);
    // But the else branch is not.
    assert_eq!(
        strict_err("(a unless b else (c if d))", Conflicts),
        (20, K::IfInOrContext)
    );
    // The with rule still applies.
    assert_eq!(
        strict_err("(a with (b and c))", Requires).1,
        K::IllegalInWith {
            outer: RichOp::With,
            inner: RichOp::And
        }
    );
    // The install-time parser accepts all of these.
    for text in [
        "(a unless b)",
        "(a or (b if c))",
        "((a unless b) and c)",
        "((a if b) unless c)",
    ] {
        parse(text);
    }
}

#[test]
fn round_trip_corpus() {
    let corpus = [
        "foo",
        "foo >= 1.2",
        "(a or b)",
        "(a >= 1 with a < 2)",
        "((a and b) or c)",
        "(a or (b and (c with d)))",
        "(a if b else (c unless d else e))",
        "((a if b) unless (c or d) else (e without f))",
        "(a without (b without (c without d)))",
        "(((a without b) without c) without d)",
        "((a with b) and (c or d) and (e if f))",
        "(python3dist(x) >= 1:2.3-4 with python3dist(x) < 3~~ with python3dist(x) <> 2.5)",
    ];
    for text in corpus {
        let r = parse(text);
        let rendered = r.to_string();
        assert_eq!(rendered, text, "canonical text renders unchanged");
        assert_eq!(parse(&rendered), r);
    }
}

#[test]
fn deep_nesting() {
    let depth = 200;
    let mut text = String::from("x");
    for i in 0..depth {
        text = format!("(d{i} or {text})");
    }
    let r = parse(&text);
    assert_eq!(r.deps().len(), depth + 1);
    // Every level is `or`, so the nesting flattens into one chain.
    assert_eq!(r.operands().len(), depth + 1);
    let names: Vec<String> = r.deps().iter().map(|d| d.name.clone()).collect();
    assert_eq!(r.to_string(), format!("({})", names.join(" or ")));
    assert_eq!(parse(&r.to_string()), r);
    let mut text = String::from("x");
    for i in 0..depth {
        text = format!("(d{i} if {text})");
    }
    assert_eq!(parse(&text).to_string(), text);
}

/// `depth` nested `if` groups around `x`: a tree `depth` levels deep (no flattening).
fn nested_if(depth: usize) -> String {
    let mut text = String::from("x");
    for i in 0..depth {
        text = format!("(d{i} if {text})");
    }
    text
}

#[test]
fn rich_nesting_past_the_limit_is_an_error_not_a_stack_overflow() {
    let at_limit = parse(&nested_if(MAX_RICH_DEPTH));
    assert_eq!(at_limit.to_string(), nested_if(MAX_RICH_DEPTH));
    let too_deep = nested_if(MAX_RICH_DEPTH + 1);
    let innermost = too_deep.rfind('(').unwrap();
    assert_eq!(
        err(&too_deep),
        (
            innermost,
            K::TooDeep {
                limit: MAX_RICH_DEPTH
            }
        )
    );
    // 20,000 levels, as a hostile primary.xml or command line may hold: one error, no crash.
    for text in [
        nested_if(20_000),
        format!("{}x{}", "(".repeat(20_000), ")".repeat(20_000)),
    ] {
        let e = parse_requirement(&text).unwrap_err();
        assert!(matches!(e.kind, K::TooDeep { .. }), "{e}");
        let shown = e.to_string();
        assert!(
            shown.len() < 400,
            "the message abbreviates the input: {shown}"
        );
        assert!(shown.contains("nested deeper than 256 levels"), "{shown}");
    }
    let strict = parse_rich_for_tag(&nested_if(20_000), RichContext::Requires).unwrap_err();
    assert!(matches!(strict.kind, K::TooDeep { .. }), "{strict}");
}

/// A small deterministic generator (xorshift) for the round-trip property.
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// A random normalized requirement that rpm accepts: chains have two or more
/// operands and no direct child of the same operator; below `with`/`without`
/// only plain deps, `or`, `with` and `without` appear.
fn random_req(rng: &mut Rng, depth: u32, in_with: bool, parent: Option<RichOp>) -> Requirement {
    if depth == 0 || rng.next(3) == 0 {
        let name = format!("n{}", rng.next(50));
        return match rng.next(3) {
            0 => Requirement::Simple(Dep::new(name)),
            _ => {
                let ops = ["=", "<", "<=", ">", ">=", "<>"];
                let op = ops[rng.next(ops.len() as u64) as usize];
                let evr = ["1", "1.2-3", "2:0.1~rc1", "1^git2", "3.fc40"][rng.next(5) as usize];
                v(&name, op, evr)
            }
        };
    }
    let choices: &[RichOp] = if in_with {
        &[RichOp::Or, RichOp::With, RichOp::Without]
    } else {
        &[
            RichOp::And,
            RichOp::Or,
            RichOp::With,
            RichOp::Without,
            RichOp::If,
            RichOp::Unless,
        ]
    };
    let mut op = choices[rng.next(choices.len() as u64) as usize];
    if Some(op) == parent && matches!(op, RichOp::And | RichOp::Or | RichOp::With) {
        op = RichOp::Without;
    }
    let sub_with = in_with || matches!(op, RichOp::With | RichOp::Without);
    let sub = |rng: &mut Rng| random_req(rng, depth - 1, sub_with, Some(op));
    match op {
        RichOp::And | RichOp::Or | RichOp::With => {
            let n = 2 + rng.next(3);
            let items = (0..n).map(|_| sub(rng)).collect();
            match op {
                RichOp::And => Requirement::And(items),
                RichOp::Or => Requirement::Or(items),
                _ => Requirement::With(items),
            }
        }
        RichOp::Without => Requirement::Without(Box::new(sub(rng)), Box::new(sub(rng))),
        _ => {
            let then = Box::new(sub(rng));
            let cond = Box::new(sub(rng));
            let otherwise = (rng.next(2) == 0).then(|| Box::new(sub(rng)));
            if op == RichOp::If {
                Requirement::If {
                    then,
                    cond,
                    otherwise,
                }
            } else {
                Requirement::Unless {
                    then,
                    cond,
                    otherwise,
                }
            }
        }
    }
}

#[test]
fn round_trip_random_trees() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..2000 {
        let r = random_req(&mut rng, 4, false, None);
        let text = r.to_string();
        let back = parse_requirement(&text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, r, "{text}");
        assert_eq!(back.to_string(), text);
    }
}

#[test]
fn from_str() {
    let r: Requirement = "(a or b)".parse().unwrap();
    assert_eq!(r, Requirement::Or(vec![s("a"), s("b")]));
    assert!("(a or".parse::<Requirement>().is_err());
}

//! Errors from parsing dependency text.

use crate::dep::RichOp;

/// A dependency text that could not be parsed.
///
/// Displays as one line naming the input, the byte position and what was
/// expected there.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid dependency {}: at byte {position}: {kind}", shown(input))]
pub struct ParseDepError {
    /// The whole text that was being parsed.
    pub input: String,
    /// Byte offset in `input` where the problem was found.
    pub position: usize,
    /// What went wrong.
    pub kind: ParseDepErrorKind,
}

/// The input as shown in messages: quoted, and abbreviated when long.
fn shown(input: &str) -> String {
    const SHOWN: usize = 120;
    if input.len() <= 2 * SHOWN {
        return format!("{input:?}");
    }
    let mut end = SHOWN;
    while !input.is_char_boundary(end) {
        end -= 1;
    }
    format!("{:?}… ({} bytes)", &input[..end], input.len())
}

/// What went wrong in a [`ParseDepError`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseDepErrorKind {
    /// The text is empty or only whitespace.
    #[error("expected a dependency, found nothing")]
    Empty,
    /// A rich dependency was required but the text does not start with `(`.
    #[error("expected '(' to start a rich dependency")]
    NotRich,
    /// A dependency name was expected (e.g. at the end of the text).
    #[error("expected a dependency name")]
    ExpectedName,
    /// A comparison operator was not followed by a version.
    #[error("expected a version after '{operator}'")]
    ExpectedVersion {
        /// The operator as written.
        operator: String,
    },
    /// After a plain dependency's name came a word that is not a comparison
    /// operator.
    #[error("expected a comparison operator (=, <, <=, >, >=) or the end, found '{found}'")]
    ExpectedComparison {
        /// The word found.
        found: String,
    },
    /// Inside parentheses, a word that is not a rich operator came where one
    /// was expected.
    #[error(
        "expected 'and', 'or', 'if', 'unless', 'else', 'with', 'without' or ')', found '{found}'"
    )]
    UnknownRichOperator {
        /// The word found.
        found: String,
    },
    /// `()`.
    #[error("expected a dependency inside '()'")]
    EmptyRich,
    /// An operator had no operand after it: `(a and )`.
    #[error("expected an operand after '{after}'")]
    MissingOperand {
        /// The operator that lacks its right operand.
        after: RichOp,
    },
    /// The text ended inside parentheses.
    #[error("expected ')' to close the '(' at byte {open}")]
    Unterminated {
        /// Byte offset of the unclosed `(`.
        open: usize,
    },
    /// A `)` with no matching `(`.
    #[error("unbalanced ')'")]
    UnbalancedCloseParen,
    /// Text after a complete dependency.
    #[error("expected the end of the dependency, found more text")]
    TrailingGarbage,
    /// Different operators in one pair of parentheses: `(a and b or c)`.
    #[error("cannot chain '{second}' after '{first}' in one pair of parentheses; add parentheses")]
    MixedOperators {
        /// The operator already in the chain.
        first: RichOp,
        /// The different operator found.
        second: RichOp,
    },
    /// A repeated operator that cannot be chained: `(a without b without c)`,
    /// `(a if b if c)`, `(a if b else c else d)`. Only `and`, `or` and
    /// `with` chain.
    #[error("'{op}' cannot be chained (only 'and', 'or' and 'with' can); add parentheses")]
    NotChainable {
        /// The repeated operator.
        op: RichOp,
    },
    /// `else` that does not follow an `if` or `unless` operand.
    #[error("'else' must follow an 'if' or 'unless' clause")]
    ElseWithoutCondition,
    /// A `with`/`without` operand uses `and`, `if` or `unless` (rpm: "Illegal
    /// ops in with/without"); only plain dependencies, `or` and nested
    /// `with`/`without` may appear there, since one package must satisfy them.
    #[error("'{inner}' cannot be used inside a '{outer}' operand (one package must match it)")]
    IllegalInWith {
        /// The `with` or `without` group.
        outer: RichOp,
        /// The operator that is not allowed inside it.
        inner: RichOp,
    },
    /// `if` in an or-like context (an `or`/`unless` operand, or the top of a
    /// Conflicts-like tag); only checked by `parse_rich_for_tag` (rpm:
    /// "Illegal context for 'if', please use 'and' instead").
    #[error("'if' is not allowed in an 'or'-like context; use 'and' instead")]
    IfInOrContext,
    /// `unless` in an and-like context (an `and`/`if` operand, or the top of
    /// a Requires-like tag); only checked by `parse_rich_for_tag` (rpm:
    /// "Illegal context for 'unless', please use 'or' instead").
    #[error("'unless' is not allowed in an 'and'-like context; use 'or' instead")]
    UnlessInAndContext,
    /// Parentheses nested deeper than [`MAX_RICH_DEPTH`](crate::MAX_RICH_DEPTH).
    #[error("rich dependency nested deeper than {limit} levels")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
}

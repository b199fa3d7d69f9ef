//! dnf-style variable substitution: `$name` and `${name}`.

/// Replaces `$name` / `${name}` with values from `vars`. A `$` not followed
/// by a name is kept. Returns the first unknown variable name as the error.
pub(crate) fn substitute(template: &str, vars: &[(&str, &str)]) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        let (name, consumed) = if let Some(braced) = after.strip_prefix('{') {
            match braced.find('}') {
                Some(end) => (&braced[..end], end + 2),
                None => ("", 0),
            }
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], end)
        };
        if name.is_empty() {
            out.push('$');
            rest = after;
            continue;
        }
        match vars.iter().find(|(k, _)| *k == name) {
            Some((_, value)) => out.push_str(value),
            None => return Err(name.to_string()),
        }
        rest = &after[consumed..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::substitute;

    #[test]
    fn substitutes_both_forms() {
        let vars = [("basearch", "x86_64"), ("releasever", "9")];
        assert_eq!(
            substitute("repo=epel-$releasever&arch=$basearch", &vars).unwrap(),
            "repo=epel-9&arch=x86_64"
        );
        assert_eq!(substitute("a/${basearch}/b", &vars).unwrap(), "a/x86_64/b");
        assert_eq!(substitute("cost $ 5 ${", &vars).unwrap(), "cost $ 5 ${");
        assert_eq!(substitute("$stream", &vars).unwrap_err(), "stream");
    }
}

//! Quoting for the text formats synthesis writes around the templates: one function per
//! format, so every value that reaches `deploy.sh` or a command in `RUNBOOK.md` goes through
//! exactly one place. Names are validated at load as well (see `model::names`); quoting is the
//! second wall, so a value that slipped past validation still cannot become code.

/// A POSIX shell word that expands to exactly `s`: single-quoted, with each `'` written as
/// `'\''`. Safe in bash and sh, inside or outside double quotes' reach, for any input
/// (`$(...)`, backticks, `;`, newlines, globs).
pub fn shell(s: &str) -> String {
    if !s.is_empty()
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/' | b':' | b'=' | b',')
        })
    {
        // Plain words stay readable; none of these bytes is special to the shell.
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// Text for a shell comment: a line break would end the comment and start a command, so every
/// control character becomes a space.
pub fn shell_comment(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Markdown inline code that shows exactly `s`: a backtick fence longer than any run of
/// backticks inside, padded when `s` starts or ends with a backtick; line breaks become spaces
/// (inline code cannot hold them).
pub fn markdown_code(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    if s.starts_with('`') || s.ends_with('`') || s.is_empty() {
        format!("{fence} {s} {fence}")
    } else {
        format!("{fence}{s}{fence}")
    }
}

/// A file or folder name that is safe anywhere a path is built from it: only letters, digits,
/// `.`, `-` and `_` (others become `_`), at most 100 characters, and a `_` in front of a name
/// that is empty or starts with a dot, so it is never `..`, hidden, absolute or a drive.
pub fn file_name(s: &str) -> String {
    let mut p: String = s
        .chars()
        .take(100)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if p.is_empty() || p.starts_with('.') {
        p.insert(0, '_');
    }
    p
}

/// A path inside a zip archive, `folder/file`, that extracts inside the folder it is unzipped
/// into whatever the names hold (both parts through [`file_name`]).
pub fn zip_path(folder: &str, file: &str) -> String {
    format!("{}/{}", file_name(folder), file_name(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_literal() {
        assert_eq!(shell("trading-prod"), "trading-prod");
        assert_eq!(shell(""), "''");
        assert_eq!(shell("t$(touch /tmp/x)"), "'t$(touch /tmp/x)'");
        assert_eq!(shell("a'b"), "'a'\\''b'");
        assert_eq!(shell("`id`"), "'`id`'");
        assert_eq!(shell("a b;c"), "'a b;c'");
    }

    #[test]
    fn zip_paths_stay_inside_their_folder() {
        assert_eq!(
            zip_path("trading-prod", "deploy.sh"),
            "trading-prod/deploy.sh"
        );
        assert_eq!(
            zip_path("../../evil-prod", "x.json"),
            "_.._.._evil-prod/x.json"
        );
        assert_eq!(zip_path("..", ".."), "_../_..");
        assert_eq!(zip_path("/etc", "C:\\x"), "_etc/C__x");
        assert_eq!(zip_path("", ""), "_/_");
    }

    #[test]
    fn comments_stay_one_line() {
        assert_eq!(shell_comment("a\nrm -rf /"), "a rm -rf /");
    }

    #[test]
    fn markdown_code_fences_outgrow_backticks() {
        assert_eq!(markdown_code("plain"), "`plain`");
        assert_eq!(markdown_code("a`b"), "``a`b``");
        assert_eq!(markdown_code("`x"), "`` `x ``");
        assert_eq!(markdown_code("a\nb"), "`a b`");
    }
}

//! `.dockerignore`, with Docker's semantics: patterns, `!` exceptions, the
//! last matching rule wins, a matched directory covers what is below it.

use anyhow::Result;

use crate::i18n::Msg;
use crate::msg;

/// `.dockerignore` rules, matched as Docker does: the last matching rule
/// wins, `!` re-includes, and a rule that matches a directory covers
/// everything below it.
#[derive(Debug, Default)]
pub(super) struct IgnoreRules {
    pub(super) rules: Vec<IgnoreRule>,
}

#[derive(Debug)]
pub(super) struct IgnoreRule {
    pub(super) exception: bool,
    pub(super) glob: Glob,
}

impl IgnoreRules {
    pub(super) fn parse(text: &str) -> Result<IgnoreRules, Msg> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut rules = Vec::new();
        for line in text.lines() {
            // As in docker, a comment starts the line: `#` after spaces is a
            // pattern.
            if line.starts_with('#') {
                continue;
            }
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let (exception, pattern) = match line.strip_prefix('!') {
                Some(rest) => (true, rest.trim()),
                None => (false, line),
            };
            if pattern.is_empty() {
                return Err(msg!("ignore-bare-bang"));
            }
            let pattern = clean_path(pattern);
            let glob =
                Glob::compile(&pattern).map_err(|e| msg!("ignore-bad-pattern", pattern = &pattern, error = e))?;
            rules.push(IgnoreRule { exception, glob });
        }
        Ok(IgnoreRules { rules })
    }

    /// Whether the path (relative to the context, `/`-separated) stays out.
    pub(super) fn excludes(&self, path: &str) -> bool {
        let mut excluded = false;
        for rule in &self.rules {
            // Only a rule that would flip the verdict needs matching.
            if rule.exception != excluded {
                continue;
            }
            if rule.glob.matches_path_or_parent(path) {
                excluded = !rule.exception;
            }
        }
        excluded
    }

    /// Whether an exception could re-include something below the directory.
    pub(super) fn may_include_below(&self, dir: &str) -> bool {
        let below = format!("{dir}/");
        self.rules
            .iter()
            .any(|rule| rule.exception && rule.glob.may_match_below(&below))
    }

    /// Makes sure the path is sent, with an exception appended when a rule
    /// excludes it (what the docker CLI does for the Dockerfile).
    pub(super) fn always_send(&mut self, path: &str) {
        if self.excludes(path) {
            self.rules.push(IgnoreRule {
                exception: true,
                glob: Glob::literal(path),
            });
        }
    }
}

/// Docker's pattern cleaning (`filepath.Clean`, then no leading `/`):
/// `./a//b/` -> `a/b`, `/build` -> `build`.
pub(super) fn clean_path(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            part => parts.push(part),
        }
    }
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// One `.dockerignore` pattern. `*`, `?` and `[...]` stay within a path
/// segment; `**/` matches any number of whole directories (even none) and
/// any other `**` anything at all; `\` escapes the next character.
#[derive(Debug)]
pub(super) struct Glob {
    pub(super) tokens: Vec<Token>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Token {
    Char(char),
    /// `?`
    AnyChar,
    /// `*`
    Star,
    /// `**/`
    AnyDirs,
    /// `**` not followed by `/`
    AnyString,
    /// `[a-z]`, `[^0-9]`
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

impl Glob {
    pub(super) fn compile(pattern: &str) -> Result<Glob, Msg> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut tokens = Vec::new();
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            i += 1;
            let token = match c {
                '*' if chars.get(i) == Some(&'*') => {
                    i += 1;
                    if chars.get(i) == Some(&'/') {
                        i += 1;
                        Token::AnyDirs
                    } else {
                        Token::AnyString
                    }
                }
                '*' => Token::Star,
                '?' => Token::AnyChar,
                '[' => {
                    let (class, next) = parse_class(&chars, i)?;
                    i = next;
                    class
                }
                '\\' => match chars.get(i) {
                    Some(&escaped) => {
                        i += 1;
                        Token::Char(escaped)
                    }
                    None => Token::Char('\\'),
                },
                c => Token::Char(c),
            };
            tokens.push(token);
        }
        Ok(Glob { tokens })
    }

    /// A pattern that matches exactly this path.
    pub(super) fn literal(path: &str) -> Glob {
        Glob {
            tokens: path.chars().map(Token::Char).collect(),
        }
    }

    pub(super) fn matches(&self, path: &str) -> bool {
        let text: Vec<char> = path.chars().collect();
        match_tokens(&self.tokens, &text, false)
    }

    /// A pattern matching a directory matches everything below it.
    pub(super) fn matches_path_or_parent(&self, path: &str) -> bool {
        self.matches(path) || path.match_indices('/').any(|(slash, _)| self.matches(&path[..slash]))
    }

    /// Whether some path starting with `prefix` could match.
    pub(super) fn may_match_below(&self, prefix: &str) -> bool {
        let text: Vec<char> = prefix.chars().collect();
        match_tokens(&self.tokens, &text, true)
    }
}

/// Parses the body of a `[...]` class starting at `start` (after the `[`);
/// returns the class and the index after its `]`.
pub(super) fn parse_class(chars: &[char], start: usize) -> Result<(Token, usize), Msg> {
    let unclosed = || msg!("ignore-unclosed-class");
    let mut i = start;
    let negated = chars.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let body_start = i;
    let mut ranges = Vec::new();
    loop {
        let c = *chars.get(i).ok_or_else(unclosed)?;
        // A `]` right after the `[` is a member, as in Go's regexps.
        if c == ']' && i > body_start {
            return Ok((Token::Class { negated, ranges }, i + 1));
        }
        i += 1;
        let mut low = c;
        if low == '\\' {
            low = *chars.get(i).ok_or_else(unclosed)?;
            i += 1;
        }
        let mut high = low;
        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|&next| next != ']') {
            i += 1;
            high = *chars.get(i).ok_or_else(unclosed)?;
            i += 1;
            if high == '\\' {
                high = *chars.get(i).ok_or_else(unclosed)?;
                i += 1;
            }
            if high < low {
                return Err(msg!(
                    "ignore-range-order",
                    low = low.to_string(),
                    high = high.to_string()
                ));
            }
        }
        ranges.push((low, high));
    }
}

/// Whether `tokens` match all of `text`; with `open_end`, whether they could
/// match some text that starts with `text`.
pub(super) fn match_tokens(tokens: &[Token], text: &[char], open_end: bool) -> bool {
    if open_end && text.is_empty() {
        return true;
    }
    let Some((token, rest)) = tokens.split_first() else {
        return text.is_empty();
    };
    let one_char = |accepts: &dyn Fn(char) -> bool| match text.split_first() {
        Some((&c, after)) if c != '/' && accepts(c) => match_tokens(rest, after, open_end),
        _ => false,
    };
    match token {
        Token::Char('/') => match text.split_first() {
            Some(('/', after)) => match_tokens(rest, after, open_end),
            _ => false,
        },
        Token::Char(want) => one_char(&|c| c == *want),
        Token::AnyChar => one_char(&|_| true),
        Token::Class { negated, ranges } => {
            one_char(&|c| ranges.iter().any(|&(low, high)| low <= c && c <= high) != *negated)
        }
        Token::Star => {
            let segment_end = text.iter().position(|&c| c == '/').unwrap_or(text.len());
            (0..=segment_end).any(|n| match_tokens(rest, &text[n..], open_end))
        }
        Token::AnyDirs => {
            match_tokens(rest, text, open_end)
                || text
                    .iter()
                    .enumerate()
                    .filter(|&(_, &c)| c == '/')
                    .any(|(slash, _)| match_tokens(rest, &text[slash + 1..], open_end))
        }
        Token::AnyString => (0..=text.len()).any(|n| match_tokens(rest, &text[n..], open_end)),
    }
}

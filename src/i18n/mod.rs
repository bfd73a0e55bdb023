//! Human output in English or Russian (Fluent). Only what people read is
//! translated: JSON, event actions and stored statuses, exit codes and
//! error codes stay English, so pipelines never see a translation.
//!
//! Every translated message is a [`Msg`]: an id of `en.ftl`/`ru.ftl` and
//! its arguments. [`Msg::english`] is the text for JSON and the store,
//! [`Msg::localized`] the text for a person. The `t!` macro builds and
//! localizes one in place; `msg!` builds one to keep.
//!
//! The language: `BERTH_LANG`, then `LC_ALL`, `LC_MESSAGES`, `LANG` (the
//! first one set and non-empty); `ru*` means Russian, anything else
//! (`C`, `POSIX`, unknown) English. Russian also needs a UTF-8 terminal:
//! the character set (`LC_ALL`, `LC_CTYPE`, `LANG`; none set means C) must
//! name UTF-8, or Cyrillic would reach the terminal as mojibake.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// The English messages, the reference every other language must match.
pub const EN_FTL: &str = include_str!("en.ftl");
/// The Russian messages.
pub const RU_FTL: &str = include_str!("ru.ftl");

/// A language berth speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ru,
}

static LANG: OnceLock<Lang> = OnceLock::new();

/// Picks the language from the process environment, once; later calls
/// keep the first choice.
pub fn init() -> Lang {
    *LANG.get_or_init(|| detect(|name| std::env::var(name).ok()))
}

/// The language of human output ([`init`] decides; English before it).
pub fn lang() -> Lang {
    LANG.get().copied().unwrap_or(Lang::En)
}

/// The language the variables `var` gives (see the module docs).
pub fn detect(var: impl Fn(&str) -> Option<String>) -> Lang {
    let get = |name: &str| var(name).filter(|v| !v.trim().is_empty());
    let explicit = get("BERTH_LANG");
    let Some(chosen) = explicit
        .clone()
        .or_else(|| ["LC_ALL", "LC_MESSAGES", "LANG"].into_iter().find_map(get))
    else {
        return Lang::En;
    };
    let language = chosen.trim().to_ascii_lowercase();
    if language.split(['_', '-', '.', '@']).next() != Some("ru") {
        return Lang::En;
    }
    let charset = ["LC_ALL", "LC_CTYPE", "LANG"].into_iter().find_map(get);
    let utf8 = match (charset, explicit.is_some()) {
        (Some(ctype), _) => names_utf8(&ctype),
        // `BERTH_LANG=ru` with no locale at all: the operator asked.
        (None, true) => true,
        // Only LC_MESSAGES names a locale: the character set is then the
        // POSIX default, C (not UTF-8).
        (None, false) => false,
    };
    if utf8 { Lang::Ru } else { Lang::En }
}

/// Whether a locale name (`ru_RU.UTF-8`, `en_US.utf8@euro`, `C.UTF-8`)
/// names the UTF-8 character set.
fn names_utf8(locale: &str) -> bool {
    let lower = locale.to_ascii_lowercase();
    let codeset = lower
        .split_once('.')
        .map(|(_, rest)| rest.split('@').next().unwrap_or(rest));
    matches!(codeset, Some("utf-8" | "utf8"))
}

/// The text of message `id` (no arguments) in the language of human
/// output, English where that language lacks it; None when English lacks
/// it too. For ids made at run time (clap's help); code that names a
/// message uses [`Msg`].
pub fn text(id: &str) -> Option<String> {
    text_in(id, lang()).or_else(|| text_in(id, Lang::En))
}

/// The environment berth gives the child processes whose output it reads
/// or passes on (compose, nginx, ssh): `LC_ALL=C`, so their messages are
/// the English ones berth parses, whatever the operator's locale (issue 16:
/// a localized tool must not translate what it then parses). The editor of
/// `workload edit` keeps the operator's locale.
pub const CHILD_LOCALE: [(&str, &str); 1] = [("LC_ALL", "C")];

/// The groups of values berth shows in human table columns, each with
/// the values it has words for: `value-<group>-<value>` in both languages.
pub const VALUE_WORDS: &[(&str, &[&str])] = &[
    // Docker's container states, then a Swarm service's update states.
    (
        "state",
        &[
            "created",
            "restarting",
            "running",
            "removing",
            "paused",
            "exited",
            "dead",
            "updating",
            "rollback_started",
            "rollback_paused",
            "rollback_completed",
        ],
    ),
    // Docker's health statuses.
    ("health", &["starting", "healthy", "unhealthy", "none"]),
    ("severity", &["info", "warning", "error"]),
    // A deploy's outcome (`DeployStatus`).
    ("outcome", &["running", "succeeded", "failed", "abandoned"]),
];

/// A value shown in a human table column (a Docker state, a health, an
/// event's severity, a deploy's outcome; groups in [`VALUE_WORDS`]) in the
/// language of human output: the message `value-<group>-<value>`, else the
/// value as it is (a state a newer Docker adds). JSON output keeps the value.
pub fn value_text(group: &str, value: &str) -> String {
    text(&format!("value-{group}-{value}")).unwrap_or_else(|| value.to_owned())
}

/// How a child process ended (the editor, nginx), for a human line:
/// English is Rust's own `ExitStatus` text as it always was (`exit status:
/// 1`, `signal: 9 (SIGKILL)`), other languages say the code or the signal.
pub fn exit_status(status: std::process::ExitStatus) -> Msg {
    let display = status.to_string();
    if let Some(code) = status.code() {
        return Msg::new("exit-status-code").arg("code", code);
    }
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return Msg::new("exit-status-signal")
            .arg("signal", signal)
            .arg("display", display);
    }
    Msg::new("exit-status-other").arg("display", display)
}

/// [`text`] in `lang`, without the English fallback.
pub fn text_in(id: &str, lang: Lang) -> Option<String> {
    render(bundle(lang), id, &FluentArgs::new())
}

/// One argument of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Str(String),
    Num(i64),
    /// A message of its own, formatted in the same language (`a number`).
    Msg(Box<Msg>),
    /// An error chain: its English text and the one people read (berth's
    /// own messages in it localized, foreign errors as they are).
    Error {
        english: String,
        localized: String,
    },
    /// A value of a [`VALUE_WORDS`] group: the value itself in English
    /// (JSON and the store keep it), its word in other languages.
    Value {
        group: &'static str,
        value: String,
    },
}

/// A value of a [`VALUE_WORDS`] group as a message argument: English keeps
/// the value (`failed`), other languages show its word ([`value_text`]).
pub fn value_arg(group: &'static str, value: &str) -> Arg {
    Arg::Value {
        group,
        value: value.to_owned(),
    }
}

impl From<&anyhow::Error> for Arg {
    fn from(e: &anyhow::Error) -> Self {
        Arg::Error {
            english: format!("{e:#}"),
            localized: crate::error::human_chain(e),
        }
    }
}

impl From<Msg> for Arg {
    fn from(m: Msg) -> Self {
        Arg::Msg(Box::new(m))
    }
}

impl From<&Msg> for Arg {
    fn from(m: &Msg) -> Self {
        Arg::Msg(Box::new(m.clone()))
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Str(s.to_owned())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Str(s)
    }
}
impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Arg::Str(s.clone())
    }
}
impl From<usize> for Arg {
    fn from(n: usize) -> Self {
        Arg::Num(i64::try_from(n).unwrap_or(i64::MAX))
    }
}
impl From<u64> for Arg {
    fn from(n: u64) -> Self {
        Arg::Num(i64::try_from(n).unwrap_or(i64::MAX))
    }
}
impl From<u16> for Arg {
    fn from(n: u16) -> Self {
        Arg::Num(i64::from(n))
    }
}
impl From<u32> for Arg {
    fn from(n: u32) -> Self {
        Arg::Num(i64::from(n))
    }
}
impl From<i32> for Arg {
    fn from(n: i32) -> Self {
        Arg::Num(i64::from(n))
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Num(n)
    }
}

/// A message to show a person: its id and arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    id: &'static str,
    args: Vec<(&'static str, Arg)>,
}

impl Msg {
    pub fn new(id: &'static str) -> Msg {
        Msg { id, args: Vec::new() }
    }

    /// The message with one more argument.
    pub fn arg(mut self, name: &'static str, value: impl Into<Arg>) -> Msg {
        self.args.push((name, value.into()));
        self
    }

    /// `source` as the cause of this message: an error whose Display is
    /// `english: source`, shown to people as `localized: source`.
    pub fn wrap(self, source: impl Into<anyhow::Error>) -> anyhow::Error {
        anyhow::Error::new(MsgContext {
            msg: self,
            source: source.into(),
        })
    }

    pub fn id(&self) -> &'static str {
        self.id
    }

    /// The English text: for JSON, events and the store.
    pub fn english(&self) -> String {
        self.format(Lang::En)
    }

    /// The text in the language of human output.
    pub fn localized(&self) -> String {
        self.format(lang())
    }

    /// The text in `lang`; English where `lang` lacks the message, and the
    /// id itself only if English lacks it too (a test rules that out).
    pub fn format(&self, lang: Lang) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in &self.args {
            match value {
                Arg::Str(s) => args.set(*name, FluentValue::from(s.as_str())),
                Arg::Num(n) => args.set(*name, FluentValue::from(*n)),
                Arg::Msg(m) => args.set(*name, FluentValue::from(m.format(lang))),
                Arg::Error { english, localized } => {
                    let text = if lang == Lang::En { english } else { localized };
                    args.set(*name, FluentValue::from(text.as_str()));
                }
                Arg::Value { group, value } => {
                    let text = match lang {
                        Lang::En => None,
                        _ => text_in(&format!("value-{group}-{value}"), lang),
                    };
                    args.set(*name, FluentValue::from(text.unwrap_or_else(|| value.clone())));
                }
            }
        }
        [lang, Lang::En]
            .into_iter()
            .find_map(|l| render(bundle(l), self.id, &args))
            .unwrap_or_else(|| self.id.to_owned())
    }
}

/// JSON gets the English text: pipelines never see a translation.
impl serde::Serialize for Msg {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.english())
    }
}

impl std::fmt::Display for Msg {
    /// English: Display feeds logs, JSON and `anyhow` chains.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.english())
    }
}

/// A `Msg` is an error of its own: `bail!(msg!(..))` keeps it findable in
/// the chain, so people read it localized and JSON and the store English.
impl std::error::Error for Msg {}

/// An error wrapped in a translatable message: what `.context()` is for
/// English strings. Display is English; [`crate::error::human_chain`]
/// shows the message localized, then the wrapped causes.
#[derive(Debug)]
pub struct MsgContext {
    msg: Msg,
    source: anyhow::Error,
}

impl MsgContext {
    pub fn msg(&self) -> &Msg {
        &self.msg
    }
}

impl std::fmt::Display for MsgContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.msg, f)
    }
}

impl std::error::Error for MsgContext {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        let source: &(dyn std::error::Error + Send + Sync + 'static) = &*self.source;
        Some(source)
    }
}

/// `.context()` with a translatable message.
pub trait Context<T> {
    fn context_msg(self, msg: Msg) -> anyhow::Result<T>;
    fn with_context_msg(self, msg: impl FnOnce() -> Msg) -> anyhow::Result<T>;
}

impl<T, E: Into<anyhow::Error>> Context<T> for Result<T, E> {
    fn context_msg(self, msg: Msg) -> anyhow::Result<T> {
        self.with_context_msg(|| msg)
    }

    fn with_context_msg(self, msg: impl FnOnce() -> Msg) -> anyhow::Result<T> {
        self.map_err(|e| msg().wrap(e))
    }
}

impl<T> Context<T> for Option<T> {
    fn context_msg(self, msg: Msg) -> anyhow::Result<T> {
        self.ok_or_else(|| anyhow::Error::new(msg))
    }

    fn with_context_msg(self, msg: impl FnOnce() -> Msg) -> anyhow::Result<T> {
        self.ok_or_else(|| anyhow::Error::new(msg()))
    }
}

/// Builds a [`Msg`]: `msg!("deploy-summary", workload = name, ms = 12)`.
#[macro_export]
macro_rules! msg {
    ($id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::Msg::new($id)$(.arg(stringify!($name), $value))*
    };
}

/// Builds a [`Msg`] and localizes it: the text for a person.
#[macro_export]
macro_rules! t {
    ($($tokens:tt)*) => {
        $crate::msg!($($tokens)*).localized()
    };
}

fn render(bundle: &FluentBundle<FluentResource>, id: &str, args: &FluentArgs<'_>) -> Option<String> {
    let pattern = bundle.get_message(id)?.value()?;
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(args), &mut errors);
    errors.is_empty().then(|| text.into_owned())
}

fn bundle(lang: Lang) -> &'static FluentBundle<FluentResource> {
    static EN: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
    static RU: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
    let (cell, tag, source) = match lang {
        Lang::En => (&EN, "en", EN_FTL),
        Lang::Ru => (&RU, "ru", RU_FTL),
    };
    cell.get_or_init(|| {
        let langid: unic_langid::LanguageIdentifier = tag.parse().unwrap_or_default();
        let mut bundle = FluentBundle::new_concurrent(vec![langid]);
        // No Unicode isolation marks: terminals print them as garbage.
        bundle.set_use_isolating(false);
        // A resource that does not parse keeps the messages that do; the
        // tests below fail on any parse error.
        let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(partial, _)| partial);
        let _ = bundle.add_resource(resource);
        bundle
    })
}

/// The message ids of a Fluent source.
pub fn message_ids(source: &str) -> Result<Vec<String>, String> {
    let resource = FluentResource::try_new(source.to_owned()).map_err(|(_, errors)| format!("{errors:?}"))?;
    Ok(resource
        .entries()
        .filter_map(|entry| match entry {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
            _ => None,
        })
        .collect())
}

#[cfg(test)]
mod tests;

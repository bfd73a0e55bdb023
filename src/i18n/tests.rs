//! Parity of the languages, ids used by the code, and the language choice.

use std::collections::BTreeSet;
use std::path::Path;

use super::*;

fn ids(source: &str) -> BTreeSet<String> {
    match message_ids(source) {
        Ok(ids) => ids.into_iter().collect(),
        Err(e) => panic!("a Fluent file does not parse: {e}"),
    }
}

#[test]
fn every_message_exists_in_english_and_russian() {
    let en = ids(EN_FTL);
    let ru = ids(RU_FTL);
    let only_en: Vec<_> = en.difference(&ru).collect();
    let only_ru: Vec<_> = ru.difference(&en).collect();
    assert!(
        only_en.is_empty() && only_ru.is_empty(),
        "missing in ru.ftl: {only_en:?}; missing in en.ftl: {only_ru:?}"
    );
    assert!(en.len() > 20, "{en:?}");
}

#[test]
fn every_table_value_has_a_word_in_both_languages() {
    let en = ids(EN_FTL);
    let words = |group: &str| -> Vec<&str> {
        VALUE_WORDS
            .iter()
            .find(|(g, _)| *g == group)
            .map(|(_, values)| values.to_vec())
            .unwrap_or_default()
    };
    // Every value berth itself writes is listed.
    for status in crate::store::DeployStatus::ALL {
        assert!(words("outcome").contains(&status.as_str()), "{status:?}");
    }
    for severity in [
        crate::events::Severity::Info,
        crate::events::Severity::Warning,
        crate::events::Severity::Error,
    ] {
        assert!(words("severity").contains(&severity.as_str()), "{severity:?}");
    }
    let missing: Vec<String> = VALUE_WORDS
        .iter()
        .flat_map(|(group, values)| values.iter().map(move |v| format!("value-{group}-{v}")))
        .filter(|id| !en.contains(id))
        .collect();
    assert!(missing.is_empty(), "no message for {missing:?}");
    assert_eq!(text_in("value-outcome-failed", Lang::Ru).as_deref(), Some("неудача"));
    // A value berth has no word for is shown as it is, never as an id.
    assert_eq!(
        value_text("state", "a-state-from-a-newer-docker"),
        "a-state-from-a-newer-docker"
    );
}

/// The ids the code names in `msg!`/`t!`, found by reading the sources.
fn ids_used_by_the_code() -> BTreeSet<String> {
    fn walk(dir: &Path, found: &mut BTreeSet<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            panic!("cannot read {}", dir.display());
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                // Table columns are named by id in arrays: `"column-..."`.
                for (marker, prefix) in [
                    ("msg!(\"", ""),
                    ("t!(\"", ""),
                    ("Msg::new(\"", ""),
                    ("\"column-", "column-"),
                ] {
                    for (at, _) in text.match_indices(marker) {
                        let rest = &text[at + marker.len()..];
                        let tail: String = rest
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                            .collect();
                        let id = format!("{prefix}{tail}");
                        if rest[tail.len()..].starts_with('"') && !tail.is_empty() && id != "id" {
                            found.insert(id);
                        }
                    }
                }
            }
        }
    }
    let mut found = BTreeSet::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
    found
}

#[test]
fn every_id_the_code_uses_exists() {
    let en = ids(EN_FTL);
    let used = ids_used_by_the_code();
    assert!(used.len() > 20, "the scan found too little: {used:?}");
    let missing: Vec<_> = used.difference(&en).collect();
    assert!(missing.is_empty(), "used by the code but not in en.ftl: {missing:?}");
}

#[test]
fn messages_format_in_both_languages_with_russian_plurals() {
    let msg = |n: usize| Msg::new("invalid-config").arg("workload", "web").arg("count", n);
    assert_eq!(msg(1).english(), "invalid config for workload `web`: 1 error");
    assert_eq!(msg(3).english(), "invalid config for workload `web`: 3 errors");
    assert_eq!(
        msg(1).format(Lang::Ru),
        "неверная конфигурация нагрузки `web`: 1 ошибка"
    );
    assert_eq!(
        msg(3).format(Lang::Ru),
        "неверная конфигурация нагрузки `web`: 3 ошибки"
    );
    assert_eq!(
        msg(5).format(Lang::Ru),
        "неверная конфигурация нагрузки `web`: 5 ошибок"
    );
    // No Unicode isolation marks around arguments.
    assert!(!msg(1).format(Lang::Ru).contains('\u{2068}'));
    // Numbers print as they are: no digit grouping in milliseconds or ports.
    let drain = Msg::new("deploy-draining").arg("container", "web").arg("ms", 60000u64);
    assert_eq!(drain.english(), "draining web for 60000 ms");
    assert_eq!(drain.format(Lang::Ru), "дренаж web, 60000 мс");
    // An unknown id shows as itself, never as an empty line.
    let unknown: &'static str = "no-such-id";
    assert_eq!(Msg::new(unknown).english(), unknown);
}

fn detect_with(vars: &[(&str, &str)]) -> Lang {
    detect(|name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned()))
}

#[test]
fn the_language_follows_berth_lang_then_lc_all_lc_messages_lang() {
    assert_eq!(detect_with(&[]), Lang::En);
    assert_eq!(detect_with(&[("LANG", "ru_RU.UTF-8")]), Lang::Ru);
    assert_eq!(detect_with(&[("LANG", "ru_RU.utf8")]), Lang::Ru);
    assert_eq!(detect_with(&[("LANG", "en_US.UTF-8")]), Lang::En);
    // LC_ALL wins over LANG, LC_MESSAGES over LANG.
    assert_eq!(detect_with(&[("LC_ALL", "C"), ("LANG", "ru_RU.UTF-8")]), Lang::En);
    // The language from LC_MESSAGES, the character set from LANG.
    assert_eq!(
        detect_with(&[("LC_MESSAGES", "ru_RU.UTF-8"), ("LANG", "en_GB.UTF-8")]),
        Lang::Ru
    );
    assert_eq!(
        detect_with(&[("LC_MESSAGES", "en_US.UTF-8"), ("LANG", "ru_RU.UTF-8")]),
        Lang::En
    );
    // BERTH_LANG wins over everything, empty values are skipped.
    assert_eq!(
        detect_with(&[("BERTH_LANG", "ru"), ("LC_ALL", "en_US.UTF-8")]),
        Lang::Ru
    );
    assert_eq!(detect_with(&[("BERTH_LANG", "en"), ("LANG", "ru_RU.UTF-8")]), Lang::En);
    assert_eq!(detect_with(&[("BERTH_LANG", ""), ("LANG", "ru_RU.UTF-8")]), Lang::Ru);
    assert_eq!(detect_with(&[("BERTH_LANG", "ru")]), Lang::Ru);
    // C, POSIX and unknown locales mean English.
    for locale in ["C", "POSIX", "C.UTF-8", "xx_YY.UTF-8", "rubbish.UTF-8"] {
        assert_eq!(detect_with(&[("LANG", locale)]), Lang::En, "{locale}");
    }
    assert_eq!(detect_with(&[("LANG", "ru.UTF-8")]), Lang::Ru);
    assert_eq!(detect_with(&[("LANG", "ru_UA.UTF-8@euro")]), Lang::Ru);
}

#[test]
fn russian_needs_a_utf8_terminal() {
    // LC_MESSAGES alone: the character set is POSIX's default, C.
    assert_eq!(detect_with(&[("LC_MESSAGES", "ru_RU.UTF-8")]), Lang::En);
    assert_eq!(
        detect_with(&[("LC_MESSAGES", "ru_RU.UTF-8"), ("LC_CTYPE", "C.UTF-8")]),
        Lang::Ru
    );
    assert_eq!(detect_with(&[("LANG", "ru_RU.KOI8-R")]), Lang::En);
    assert_eq!(detect_with(&[("LANG", "ru_RU")]), Lang::En, "ru_RU alone is ISO-8859-5");
    assert_eq!(detect_with(&[("BERTH_LANG", "ru"), ("LC_ALL", "C")]), Lang::En);
    assert_eq!(
        detect_with(&[("BERTH_LANG", "ru"), ("LC_CTYPE", "ru_RU.CP1251")]),
        Lang::En
    );
    assert_eq!(detect_with(&[("BERTH_LANG", "ru"), ("LC_CTYPE", "C.UTF-8")]), Lang::Ru);
}

#[test]
fn every_command_and_argument_has_help_in_both_languages_and_the_english_matches_clap() {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, path: &str, problems: &mut Vec<String>) {
        let mut check = |id: String, clap_text: String| match (text_in(&id, Lang::En), text_in(&id, Lang::Ru)) {
            (Some(en), Some(ru)) if en == clap_text && ru != en => {}
            (Some(en), Some(_)) if en != clap_text => problems.push(format!("{id} = {clap_text}  (en.ftl says: {en})")),
            (Some(_), Some(_)) => problems.push(format!("{id}: the Russian is the English")),
            _ => problems.push(format!("{id} = {clap_text}")),
        };
        let about = cmd.get_about().map(ToString::to_string).unwrap_or_default();
        check(crate::cli::help_id(path), about);
        if let Some(long) = cmd.get_long_about() {
            check(format!("{}-long", crate::cli::help_id(path)), long.to_string());
        }
        for arg in cmd.get_arguments() {
            let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
            // Global arguments are checked once, where they are declared.
            if path.is_empty() || !arg.is_global_set() {
                let id = crate::cli::arg_help_id(path, arg);
                // A possible value's help (a ValueEnum variant's doc comment).
                for value in arg.get_possible_values() {
                    if let Some(help) = value.get_help() {
                        check(crate::cli::value_help_id(&id, value.get_name()), help.to_string());
                    }
                }
                check(id, help);
            }
        }
        for sub in cmd.get_subcommands() {
            let child = if path.is_empty() {
                sub.get_name().to_owned()
            } else {
                format!("{path}-{}", sub.get_name())
            };
            walk(sub, &child, problems);
        }
    }
    let mut problems = Vec::new();
    walk(&crate::cli::Cli::command(), "", &mut problems);
    assert!(
        problems.is_empty(),
        "help messages missing or stale:\n{}",
        problems.join("\n")
    );
}

/// Where human text is made: errors, their context, status lines,
/// warnings, diagnostics and progress. A string literal with English prose
/// inside one of these is a message that skipped Fluent.
const HUMAN_OUTLETS: &[&str] = &[
    "bail!(",
    "anyhow!(",
    "anyhow::anyhow!(",
    ".context(",
    ".with_context(",
    ".status(",
    ".warn(",
    ".data(",
    ".diagnostic(",
    ".set_message(",
    "eprintln!(",
    "println!(",
    "eprint!(",
    "print!(",
    "panic_any(",
    "Error::other(",
];

/// Literals that stay English on purpose, each with its reason: (file,
/// a piece of the literal).
const STAYS_ENGLISH: &[(&str, &str, &str)] = &[
    // An io error of the SSH transport's channel (a spawn without pipes
    // cannot happen): bollard reads it, berth's translated error wraps it.
    (
        "src/docker/ssh.rs",
        "ssh without pipes",
        "transport io error, read by bollard",
    ),
    // Debug builds only: the crash-safety tests' abort, read by them.
    (
        "src/deploy/faults.rs",
        "fault point",
        "a test hook, never in a release build",
    ),
    // /proc vocabulary inside the localized drain-connections-unreadable.
    (
        "src/deploy/drain.rs",
        "no Tcp PassiveOpens",
        "names the kernel's own counter",
    ),
    // Errors of the streamed build context body: the daemon reads them,
    // then berth's own translated build error wraps the outcome.
    (
        "src/docker/build/context.rs",
        "the build context could not be read",
        "body stream error, read by the daemon",
    ),
    (
        "src/docker/build/context.rs",
        "the build context was abandoned",
        "body stream error, read by the daemon",
    ),
];

/// The text of a call's arguments from `open` (just after its `(`) to the
/// matching `)`, string literals skipped whole.
fn call_arguments(text: &str, open: usize) -> &str {
    let bytes = text.as_bytes();
    let (mut depth, mut i, mut in_string) = (1usize, open, false);
    while i < bytes.len() {
        match (in_string, bytes[i]) {
            (true, b'\\') => i += 1,
            (true, b'"') => in_string = false,
            (false, b'"') => in_string = true,
            (false, b'(' | b'[' | b'{') => depth += 1,
            (false, b')' | b']' | b'}') => {
                depth -= 1;
                if depth == 0 {
                    return &text[open..i];
                }
            }
            _ => {}
        }
        i += 1;
    }
    &text[open..]
}

/// The string literals of `code` (escapes kept as written).
fn literals(code: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let bytes = code.as_bytes();
    let mut start = None;
    let mut i = 0;
    while i < bytes.len() {
        match (start, bytes[i]) {
            (Some(_), b'\\') => i += 1,
            (Some(s), b'"') => {
                found.push(&code[s..i]);
                start = None;
            }
            (None, b'"') => start = Some(i + 1),
            _ => {}
        }
        i += 1;
    }
    found
}

/// Whether a literal reads as English prose: two words of letters in a row
/// (`"could not open"`), not a format string (`"{}: {msg}"`), an id
/// (`"deploy-summary"`) or a path.
fn is_prose(literal: &str) -> bool {
    let words: Vec<&str> = literal.split([' ', '\n']).collect();
    words.windows(2).any(|pair| {
        pair.iter()
            .all(|w| w.len() >= 2 && w.chars().all(|c| c.is_ascii_alphabetic() || c == '\''))
    })
}

/// The English prose handed straight to a human outlet in `source`: the
/// non-test code before `#[cfg(test)]`, comments left out.
fn hard_coded_prose(source: &str) -> Vec<String> {
    let code = source.split("#[cfg(test)]").next().unwrap_or_default();
    let code: String = code
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = Vec::new();
    for outlet in HUMAN_OUTLETS {
        for (at, _) in code.match_indices(outlet) {
            let args = call_arguments(&code, at + outlet.len());
            for literal in literals(args) {
                // `println!(` is also inside `eprintln!(`: once is enough.
                if is_prose(literal) && !found.iter().any(|f| f == literal) {
                    found.push(literal.to_owned());
                }
            }
        }
    }
    found
}

#[test]
fn the_scan_for_hard_coded_english_finds_it() {
    let flagged = |code: &str| hard_coded_prose(code);
    assert_eq!(
        flagged(r#"bail!("could not open the store {}", path);"#),
        ["could not open the store {}"]
    );
    assert_eq!(
        flagged(r#"x.with_context(|| format!("workload `{w}`: pull failed"))?;"#),
        ["workload `{w}`: pull failed"]
    );
    assert_eq!(flagged(r#"printer.warn(&format!("{name}: kept it anyway"));"#).len(), 1);
    assert!(flagged(r#"bail!(msg!("store-too-new", path = p));"#).is_empty());
    assert!(flagged(r#"p.status(&t!("deploy-starting", container = &name));"#).is_empty());
    assert!(flagged(r#"p.warn(&format!("{}: {msg}", self.name()));"#).is_empty());
    assert!(flagged("// bail!(\"in a comment\")\n").is_empty());
    assert!(
        flagged("#[cfg(test)]\nmod tests { fn t() { panic!(\"only a test\"); bail!(\"a test helper\") } }").is_empty()
    );
}

#[test]
fn no_human_message_is_hard_coded_english() {
    fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            panic!("cannot read {}", dir.display());
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if path.is_dir() {
                // The i18n module holds the messages themselves.
                if name != "i18n" {
                    walk(&path, out);
                }
            } else if name.ends_with(".rs") && name != "tests.rs" {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let root = Path::new(env!("CARGO_MANIFEST_DIR"));
                let shown = path.strip_prefix(root).unwrap_or(&path).display().to_string();
                for literal in hard_coded_prose(&text) {
                    out.push((shown.clone(), literal));
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut found);
    let allowed = |(file, literal): &(String, String)| {
        STAYS_ENGLISH
            .iter()
            .any(|(f, piece, _)| file == f && literal.contains(piece))
    };
    let offending: Vec<_> = found.iter().filter(|f| !allowed(f)).collect();
    assert!(
        offending.is_empty(),
        "English written straight to people; give each a message id in en.ftl and ru.ftl and use msg!/t! \
         (or, when it must stay English, add it to STAYS_ENGLISH with the reason):\n{offending:#?}"
    );
    // Every allowlisted literal still exists: a stale entry would hide nothing
    // today and something tomorrow.
    for (file, piece, _) in STAYS_ENGLISH {
        assert!(
            found.iter().any(|(f, l)| f == file && l.contains(piece)),
            "STAYS_ENGLISH entry ({file}, {piece}) matches nothing: remove it"
        );
    }
}

#[cfg(unix)]
#[test]
fn an_exit_status_keeps_rusts_english_and_is_localized() {
    use std::os::unix::process::ExitStatusExt;
    let code = std::process::ExitStatus::from_raw(1 << 8);
    assert_eq!(exit_status(code).english(), code.to_string());
    assert_eq!(exit_status(code).format(Lang::Ru), "код выхода 1");
    let killed = std::process::ExitStatus::from_raw(9);
    assert_eq!(exit_status(killed).english(), killed.to_string());
    assert_eq!(exit_status(killed).format(Lang::Ru), "сигнал 9");
    let editor = Msg::new("workload-editor-failed")
        .arg("editor", "false")
        .arg("status", exit_status(code));
    assert_eq!(
        editor.english(),
        "the editor `false` exited with exit status: 1; the stored config is unchanged"
    );
    assert!(
        !editor.format(Lang::Ru).contains("exit status"),
        "{}",
        editor.format(Lang::Ru)
    );
}

#[test]
fn a_status_in_a_sentence_is_english_in_english_and_a_word_in_russian() {
    let m = Msg::new("rollback-deploy-did-not-succeed")
        .arg("workload", "web")
        .arg("id", 1)
        .arg("status", value_arg("outcome", "failed"));
    assert_eq!(
        m.english(),
        "deploy 1 of `web` did not succeed (failed); roll back to a successful one"
    );
    let ru = m.format(Lang::Ru);
    assert!(ru.contains("неудача") && !ru.contains("failed"), "{ru}");
    // A value with no word stays as it is.
    let other = Msg::new("rollback-deploy-did-not-succeed")
        .arg("workload", "web")
        .arg("id", 1)
        .arg("status", value_arg("outcome", "unheard-of"));
    assert!(other.format(Lang::Ru).contains("unheard-of"));
}

#[test]
fn russian_sections_and_types_agree_in_case() {
    let section = || Msg::new("config-section-workload").arg("kind", "static");
    let other = Msg::new("config-field-of-other-kind")
        .arg("key", "image")
        .arg("section", section())
        .arg("owner", "image");
    assert!(
        other.format(Lang::Ru).contains("не поле для нагрузки вида static"),
        "{}",
        other.format(Lang::Ru)
    );
    let fields = Msg::new("config-fields-are")
        .arg("section", Msg::new("config-section-secret-reference"))
        .arg("fields", "from_env, from_file");
    assert_eq!(fields.format(Lang::Ru), "поля ссылки на секрет: from_env, from_file");
    let unknown = Msg::new("config-unknown-field")
        .arg("key", "x")
        .arg("section", section());
    assert_eq!(
        unknown.format(Lang::Ru),
        "неизвестное поле `x` для нагрузки вида static"
    );
    // The type that came is named in the nominative after a colon: no
    // `а не строка`, no `а получено массив`.
    for id in [
        "config-must-be-string",
        "config-must-be-bool",
        "config-not-an-object",
        "config-cpus-type",
    ] {
        let m = Msg::new(id).arg("got", Msg::new("json-array"));
        let ru = m.format(Lang::Ru);
        assert!(ru.contains("получено: массив"), "{id}: {ru}");
    }
    let fleet = Msg::new("deploy-fleet-failed").arg("failed", 2).arg("total", 3);
    assert_eq!(fleet.english(), "2 of 3 deploys failed");
    assert_eq!(fleet.format(Lang::Ru), "не удалось развернуть 2 из 3");
}

#[test]
fn russian_help_has_no_english_from_clap_annotations() {
    let mut command = crate::cli::Cli::command_in(Lang::Ru);
    let root = command.render_long_help().to_string();
    assert!(root.contains("berth хранит конфигурации"), "{root}");
    let Some(proxy) = command.find_subcommand_mut("proxy") else {
        panic!("no proxy command");
    };
    let Some(set) = proxy.find_subcommand_mut("set") else {
        panic!("no proxy set command");
    };
    let long = set.render_long_help().to_string();
    let short = set.render_help().to_string();
    for help in [&long, &short] {
        for english in [
            "Possible values",
            "[possible values",
            "[default:",
            "[env:",
            "through its API",
            "The container name",
        ] {
            assert!(!help.contains(english), "{english} in:\n{help}");
        }
    }
    assert!(long.contains("Возможные значения:"), "{long}");
    assert!(long.contains("- npm:   Nginx Proxy Manager через его API"), "{long}");
    assert!(long.contains("[по умолчанию: human]"), "{long}");
    assert!(long.contains("[переменная окружения: BERTH_DB"), "{long}");
    assert!(short.contains("[возможные значения: name, ip]"), "{short}");
}

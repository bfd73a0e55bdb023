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
fn every_command_has_help_in_both_languages_and_the_english_matches_clap() {
    use clap::CommandFactory;
    let command = crate::cli::Cli::command();
    let about = |c: &clap::Command| c.get_about().map(ToString::to_string).unwrap_or_default();
    assert_eq!(Msg::new("help-berth").english(), about(&command));
    for sub in command.get_subcommands() {
        let Some(id) = crate::cli::help_id(sub.get_name()) else {
            panic!("`berth {}` has no help message id", sub.get_name());
        };
        assert_eq!(Msg::new(id).english(), about(sub), "{id}");
        assert_ne!(
            Msg::new(id).format(Lang::Ru),
            Msg::new(id).english(),
            "{id} is not translated"
        );
    }
}

//! Deploy strategy: which flow a deploy runs (DESIGN §3), and the one shared
//! check of the `deploy_strategy` field.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::hints::{did_you_mean, json_type_msg};
use super::{ConfigIssue, Kind};
use crate::i18n::Msg;
use crate::msg;

/// How a deploy replaces the running container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// Stop the old container, then start the new one under the stable name.
    Recreate,
    /// Start green beside blue, gate it, switch the route, then remove blue.
    BlueGreen,
}

impl Strategy {
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Recreate => "recreate",
            Strategy::BlueGreen => "blue-green",
        }
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Strategy {
    type Err = Msg;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "recreate" => Ok(Strategy::Recreate),
            "blue-green" => Ok(Strategy::BlueGreen),
            other => Err(msg!("strategy-unknown", value = other)),
        }
    }
}

/// The strategy a deploy will actually run, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EffectiveStrategy {
    pub strategy: Strategy,
    /// True when the operator asked for blue-green and berth overrode it.
    pub forced: bool,
    /// Plain words for `validate`, the deploy output and the event metadata
    /// (English there and in JSON; localized for people).
    pub reason: Msg,
}

/// The rule of DESIGN §3 on plain values: [`super::validate`] resolves it
/// once, on the raw JSON it checks, and carries the result in
/// [`super::Validated::strategy`] for deploys and commands to read.
///
/// `requested` is the `deploy_strategy` value; anything but `"recreate"` and
/// `"blue-green"` counts as the default. `storage_volume` is the volume of a
/// storage-backed static site.
pub(super) fn resolve(kind: Kind, requested: &str, storage_volume: Option<&str>) -> EffectiveStrategy {
    let explicit = requested.parse::<Strategy>().ok();
    if let Some(volume) = storage_volume {
        // Two containers writing one volume would corrupt it: never blue-green.
        return match explicit {
            Some(Strategy::BlueGreen) => EffectiveStrategy {
                strategy: Strategy::Recreate,
                forced: true,
                reason: msg!("strategy-forced-storage", volume = volume),
            },
            Some(Strategy::Recreate) => set_in_config(Strategy::Recreate),
            None => EffectiveStrategy {
                strategy: Strategy::Recreate,
                forced: false,
                reason: msg!("strategy-default-storage", volume = volume),
            },
        };
    }
    match (kind, explicit) {
        // Validation refuses this; should a config slip through, a stack
        // cannot run twice side by side, so say so instead of pretending.
        (Kind::Compose, Some(Strategy::BlueGreen)) => EffectiveStrategy {
            strategy: Strategy::Recreate,
            forced: true,
            reason: msg!("strategy-forced-compose"),
        },
        (_, Some(strategy)) => set_in_config(strategy),
        (Kind::Image, None) => EffectiveStrategy {
            strategy: Strategy::BlueGreen,
            forced: false,
            reason: msg!("strategy-default-for", kind = Kind::Image.as_str()),
        },
        (kind, None) => EffectiveStrategy {
            strategy: Strategy::Recreate,
            forced: false,
            reason: msg!("strategy-default-for", kind = kind.as_str()),
        },
    }
}

fn set_in_config(strategy: Strategy) -> EffectiveStrategy {
    EffectiveStrategy {
        strategy,
        forced: false,
        reason: msg!("strategy-set-in-config"),
    }
}

/// The one check of `deploy_strategy`, shared by every kind. `raw` is the
/// value of the key, `None` when the key is absent (which means `""`).
pub fn validate_strategy(workload: &str, kind: Kind, raw: Option<&serde_json::Value>) -> Result<(), ConfigIssue> {
    let issue = |message: Msg, suggestion: Option<Msg>| {
        ConfigIssue::localizable(workload, "deploy_strategy", message, suggestion)
    };
    let Some(raw) = raw else {
        return Ok(());
    };
    let Some(value) = raw.as_str() else {
        return Err(issue(
            msg!(
                "strategy-not-a-string",
                got = json_type_msg(raw),
                allowed = msg!("strategy-allowed")
            ),
            None,
        ));
    };
    match value {
        "" | "recreate" => Ok(()),
        "blue-green" if kind == Kind::Compose => Err(issue(
            msg!("strategy-compose-blue-green"),
            Some(msg!("strategy-use-recreate-or-default")),
        )),
        "blue-green" => Ok(()),
        other => Err(issue(
            msg!(
                "strategy-not-a-strategy",
                value = other,
                allowed = msg!("strategy-allowed")
            ),
            strategy_suggestion(kind, other),
        )),
    }
}

/// A did-you-mean for a mistyped strategy: `bluegreen`, `Blue-Green`,
/// `blue_green`, `recreat`, or blanks that mean the default.
fn strategy_suggestion(kind: Kind, value: &str) -> Option<Msg> {
    if value.trim().is_empty() {
        return Some(msg!("strategy-use-empty-for-default"));
    }
    let candidates: &[&str] = if kind == Kind::Compose {
        &["recreate"]
    } else {
        &["recreate", "blue-green"]
    };
    let squash = |s: &str| {
        s.trim()
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let squashed = squash(value);
    let found = candidates
        .iter()
        .copied()
        .find(|c| squash(c) == squashed)
        .or_else(|| did_you_mean(&value.to_lowercase(), candidates));
    match found {
        Some(candidate) => Some(msg!("config-did-you-mean-value", candidate = candidate)),
        None if kind == Kind::Compose && squashed == "bluegreen" => Some(msg!("strategy-compose-uses-recreate")),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn check(kind: Kind, value: Option<Value>) -> Result<(), ConfigIssue> {
        validate_strategy("web", kind, value.as_ref())
    }

    #[test]
    fn validate_strategy_accepts_the_three_values_for_every_kind_but_compose_blue_green() {
        for kind in Kind::ALL {
            for value in [None, Some(json!("")), Some(json!("recreate"))] {
                assert_eq!(check(kind, value.clone()), Ok(()), "{kind} {value:?}");
            }
            let blue_green = check(kind, Some(json!("blue-green")));
            if kind == Kind::Compose {
                let issue = blue_green.expect_err("compose + blue-green must be refused");
                assert_eq!(issue.path, "deploy_strategy");
                assert_eq!(issue.workload, "web");
                assert!(issue.message.contains("stack"), "{}", issue.message);
                assert!(issue.message.contains("side by side"), "{}", issue.message);
            } else {
                assert_eq!(blue_green, Ok(()), "{kind}");
            }
        }
    }

    #[test]
    fn validate_strategy_refuses_other_values_for_every_kind() {
        let invalid = [
            json!("bluegreen"),
            json!("Blue-Green"),
            json!(" "),
            json!("rolling"),
            json!(1),
            json!(true),
            Value::Null,
            json!(["recreate"]),
        ];
        for kind in Kind::ALL {
            for value in &invalid {
                let issue = check(kind, Some(value.clone())).expect_err(&format!("{kind} must refuse {value}"));
                assert_eq!(issue.workload, "web");
                assert_eq!(issue.path, "deploy_strategy");
                assert!(issue.message.contains("\"recreate\""), "{}", issue.message);
                assert!(issue.message.contains("\"blue-green\""), "{}", issue.message);
                if !value.is_string() {
                    assert!(issue.message.contains("must be a string"), "{}", issue.message);
                }
            }
        }
    }

    #[test]
    fn validate_strategy_suggests_the_close_value() {
        let suggestion = |kind, value: &str| {
            check(kind, Some(json!(value)))
                .expect_err("invalid")
                .suggestion
                .unwrap_or_default()
        };
        for value in ["bluegreen", "Blue-Green", "blue_green", "BLUE GREEN", "blue-gren"] {
            assert_eq!(
                suggestion(Kind::Image, value),
                "did you mean \"blue-green\"?",
                "{value}"
            );
        }
        for value in ["Recreate", "recreat", "re-create"] {
            assert_eq!(
                suggestion(Kind::Dockerfile, value),
                "did you mean \"recreate\"?",
                "{value}"
            );
        }
        assert!(suggestion(Kind::Static, " ").contains("default"));
        assert!(!suggestion(Kind::Compose, "bluegreen").contains("blue-green"));
        assert!(
            check(Kind::Image, Some(json!("rolling")))
                .expect_err("invalid")
                .suggestion
                .is_none()
        );
    }

    #[test]
    fn default_strategy_is_blue_green_for_image_and_recreate_for_the_rest() {
        for kind in Kind::ALL {
            let effective = resolve(kind, "", None);
            let expected = if kind == Kind::Image {
                Strategy::BlueGreen
            } else {
                Strategy::Recreate
            };
            assert_eq!(effective.strategy, expected, "{kind}");
            assert!(!effective.forced);
            assert_eq!(effective.reason.english(), format!("default for {kind} workloads"));
        }
    }

    #[test]
    fn explicit_strategy_is_honoured() {
        for kind in [Kind::Image, Kind::Dockerfile, Kind::Static] {
            for strategy in [Strategy::Recreate, Strategy::BlueGreen] {
                let effective = resolve(kind, strategy.as_str(), None);
                assert_eq!(effective.strategy, strategy);
                assert!(!effective.forced);
                assert_eq!(effective.reason.english(), "set in deploy_strategy");
            }
        }
    }

    #[test]
    fn storage_backed_static_is_forced_to_recreate() {
        let forced = resolve(Kind::Static, "blue-green", Some("data"));
        assert_eq!(forced.strategy, Strategy::Recreate);
        assert!(forced.forced);
        assert!(forced.reason.english().contains("volume `data`"), "{}", forced.reason);

        for requested in ["", "recreate"] {
            let effective = resolve(Kind::Static, requested, Some("data"));
            assert_eq!(effective.strategy, Strategy::Recreate);
            assert!(!effective.forced, "{requested:?} asked for nothing to override");
        }
    }

    #[test]
    fn strategy_serializes_and_parses_as_in_the_config() {
        for strategy in [Strategy::Recreate, Strategy::BlueGreen] {
            let json = serde_json::to_value(strategy).expect("serialize");
            assert_eq!(json, json!(strategy.as_str()));
            assert_eq!(strategy.to_string().parse::<Strategy>(), Ok(strategy));
        }
        assert!("".parse::<Strategy>().is_err());
    }
}

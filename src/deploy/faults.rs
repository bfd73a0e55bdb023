//! Named fault points between the steps of both flows. A test sets
//! `BERTH_FAULT_POINT=<name>` and the process dies right there, with no
//! cleanup and no destructors, like a power cut. Compiled in debug builds
//! only: a release berth never reads the variable.

use std::fmt;

/// Declares [`FaultPoint`] from one list of variants and their names, so
/// the enum, [`FaultPoint::ALL`] and [`FaultPoint::as_str`] cannot drift.
macro_rules! fault_points {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)+) => {
        /// A place in a deploy flow where `BERTH_FAULT_POINT` can kill berth
        /// (the crash tests in `tests/it/` name them through this type).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum FaultPoint {
            $($(#[$doc])* $variant,)+
        }

        impl FaultPoint {
            /// Every point, in the order the flows reach them.
            pub const ALL: &'static [FaultPoint] = &[$(FaultPoint::$variant,)+];

            /// The name `BERTH_FAULT_POINT` takes.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(FaultPoint::$variant => $name,)+
                }
            }
        }
    };
}

fault_points! {
    /// The artifact is prepared and recorded on the deploy row; nothing of
    /// the new version runs yet.
    AfterPrepare = "after_prepare",
    /// Blue-green: green is created, not started.
    AfterGreenCreate = "after_green_create",
    /// Blue-green: green is started, not gated.
    AfterGreenStart = "after_green_start",
    /// Recreate: the new container is created, not started.
    AfterNewCreate = "after_new_create",
    /// Recreate: the new container is started, not gated.
    AfterNewStart = "after_new_start",
    /// The readiness gate passed.
    AfterGate = "after_gate",
    /// The route names the new container.
    AfterRouteWrite = "after_route_write",
    /// The state row names the new container.
    AfterStatePersist = "after_state_persist",
    /// Blue-green: blue's drain ended.
    AfterDrain = "after_drain",
    /// The old container is stopped (recreate: before the new one is
    /// created; blue-green: during the reap).
    AfterBlueStop = "after_blue_stop",
    /// The old container is reaped.
    AfterBlueRemove = "after_blue_remove",
    /// Blue-green's rollback after the switch: the route is back on blue.
    AfterRollbackRoute = "after_rollback_route",
    /// A rollback after the switch: the state row names the old container
    /// again.
    AfterRollbackPersist = "after_rollback_persist",
    /// Recreate's restore: what the deploy created is stopped and off the
    /// old container's name.
    AfterRestorePark = "after_restore_park",
    /// Recreate's restore: the old container is started again.
    AfterRestoreStart = "after_restore_start",
    /// Swarm: the service update is sent; Swarm carries it on.
    AfterServiceUpdate = "after_service_update",
}

impl fmt::Display for FaultPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Aborts the process when `BERTH_FAULT_POINT` names this point.
pub fn fault_point(point: FaultPoint) {
    #[cfg(debug_assertions)]
    if std::env::var("BERTH_FAULT_POINT").is_ok_and(|p| p == point.as_str()) {
        eprintln!("berth: fault point `{point}` reached: aborting");
        std::process::abort();
    }
    #[cfg(not(debug_assertions))]
    let _ = point;
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::path::Path;

    use super::FaultPoint;

    #[test]
    fn names_are_unique() {
        let mut seen = HashSet::new();
        for p in FaultPoint::ALL {
            assert!(seen.insert(p.as_str()), "{p} is listed twice");
            assert!(p.as_str().starts_with("after_"), "{p}");
        }
    }

    /// Each point has a `fault_point(FaultPoint::X)` call in the sources
    /// (read as text, like the i18n id scan): a point no flow reaches
    /// would make its crash test pass without crashing.
    #[test]
    fn every_point_has_a_call_site() {
        fn walk(dir: &Path, text: &mut String) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, text);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("deploy/faults.rs") {
                    text.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
                }
            }
        }
        let mut text = String::new();
        walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut text);
        for p in FaultPoint::ALL {
            assert!(
                text.contains(&format!("fault_point(FaultPoint::{p:?})")),
                "no call site reaches {p}"
            );
        }
    }
}

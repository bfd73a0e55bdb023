//! Named fault points between the steps of both flows. A test sets
//! `BERTH_FAULT_POINT=<name>` and the process dies right there, with no
//! cleanup and no destructors, like a power cut. Compiled in debug builds
//! only: a release berth never reads the variable.

/// Aborts the process when `BERTH_FAULT_POINT` names this point.
pub fn fault_point(name: &str) {
    #[cfg(debug_assertions)]
    if std::env::var("BERTH_FAULT_POINT").is_ok_and(|p| p == name) {
        eprintln!("berth: fault point `{name}` reached: aborting");
        std::process::abort();
    }
    #[cfg(not(debug_assertions))]
    let _ = name;
}

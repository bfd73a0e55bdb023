//! The steps of a deploy, one list per flow, in the order the flow runs
//! them (DESIGN §3; issue 15). The flows record each step as they take it
//! ([`Deployment::step`](super::Deployment::step)), the flow tests check
//! that what they recorded is their flow's list, and `deploy --dry-run`
//! ([`plan`](super::plan())) walks the same list to say what a deploy would
//! do: the plan cannot describe steps the flows no longer take.

use crate::config::{KindConfig, SourceConfig, Strategy};

/// One step of a deploy. The numbers are DESIGN §3's, as the flows'
/// comments name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Resolve the `env` and `build_args` references, before any lock is
    /// taken ([`deploy`](super::deploy())).
    ResolveSecrets,
    /// Step 1: repair what an interrupted deploy left, under the locks
    /// ([`reconcile`](super::reconcile)).
    Reconcile,
    /// Take over the workload's container (or Swarm service) that another
    /// store created, as blue ([`adopt`](super::adopt), issue 18).
    Adopt,
    /// Step 2: the route pre-flight, before any container is touched.
    Preflight,
    /// Step 3: pull, build or package the artifact ([`crate::source`]).
    Prepare,
    /// compose: `docker compose up`, in place of steps 3 and 4 (compose
    /// pulls, builds and replaces the stack's containers itself).
    ComposeUp,
    /// Recreate's step 4: stop blue and park it under another name.
    StopBlue,
    /// Create and start the new container: blue-green's steps 4-5 (green,
    /// beside blue), recreate's step 5 (under the stable name).
    Start,
    /// Step 5: the readiness gate ([`gate`](super::gate)).
    Gate,
    /// Step 6: point the route at the new container (or service).
    Route,
    /// Step 7 (recreate: 6): the state row names the new container (or
    /// service), before blue is touched.
    Persist,
    /// Blue-green's step 8: drain blue while green is watched, then stop
    /// and remove blue ([`drain`](super::drain)).
    DrainBlue,
    /// Recreate's step 7: watch the new container, then remove the parked
    /// blue.
    RemoveBlue,
    /// Swarm: create the service, or update its spec (docs/clusters.md §2).
    Service,
    /// Swarm: follow the update (or the creation) until Swarm says how it
    /// ended.
    Follow,
}

/// When a step is taken; a step of a flow's list with none is always taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// The config has secret references to resolve.
    SecretRefs,
    /// The daemon runs the workload from another store and this one has no
    /// record of it: known only once the deploy runs.
    Foreign,
    /// The workload has domains (a route).
    Routed,
    /// The state row names an existing container (blue).
    Blue,
    /// compose: the config names the routed `service`.
    ComposeService,
    /// Swarm: the service is new or its spec changed (an unchanged spec is
    /// not updated): known only once the deploy runs.
    Changed,
}

/// One step of a flow's list and when it is taken (all of `when` hold).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub step: Step,
    pub when: &'static [When],
}

const fn always(step: Step) -> Entry {
    Entry { step, when: &[] }
}

const fn when(step: Step, when: &'static [When]) -> Entry {
    Entry { step, when }
}

/// The flow a deploy runs, chosen by [`Flow::of`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    BlueGreen,
    Recreate,
    Swarm,
    Compose,
}

/// Steps 1-3, which [`run`](super::run) takes before it hands over to the
/// flow: the start of every flow but compose's.
pub const START: &[Entry] = &[
    when(Step::ResolveSecrets, &[When::SecretRefs]),
    always(Step::Reconcile),
    when(Step::Adopt, &[When::Foreign]),
    when(Step::Preflight, &[When::Routed]),
    always(Step::Prepare),
];

/// [`blue_green`](super::blue_green), after [`START`]: steps 4-8.
pub const BLUE_GREEN: &[Entry] = &[
    always(Step::Start),
    always(Step::Gate),
    when(Step::Route, &[When::Routed]),
    always(Step::Persist),
    when(Step::DrainBlue, &[When::Blue]),
];

/// [`recreate`](super::recreate), after [`START`]: steps 4-7.
pub const RECREATE: &[Entry] = &[
    when(Step::StopBlue, &[When::Blue]),
    always(Step::Start),
    always(Step::Gate),
    when(Step::Route, &[When::Routed]),
    always(Step::Persist),
    when(Step::RemoveBlue, &[When::Blue]),
];

/// [`swarm`](super::swarm), creating or updating the service, after
/// [`START`] (whose adoption takes over the service).
pub const SWARM: &[Entry] = &[
    always(Step::Service),
    when(Step::Follow, &[When::Changed]),
    when(Step::Route, &[When::Routed]),
    always(Step::Persist),
];

/// A compose stack, all of it: [`run`](super::run)'s start without
/// adoption (compose's containers carry no berth labels) or prepare (`up`
/// pulls and builds), then [`compose`](super::compose), whose deploy ends
/// after `up` without a `service`.
pub const COMPOSE: &[Entry] = &[
    when(Step::ResolveSecrets, &[When::SecretRefs]),
    always(Step::Reconcile),
    when(Step::Preflight, &[When::Routed]),
    always(Step::ComposeUp),
    when(Step::Gate, &[When::ComposeService]),
    when(Step::Route, &[When::ComposeService, When::Routed]),
    when(Step::Persist, &[When::ComposeService]),
];

impl Flow {
    /// The flow a deploy of `config` with `strategy` runs (DESIGN §3): a
    /// compose stack's, a Swarm service's, else the strategy's.
    pub fn of(config: &SourceConfig, strategy: Strategy) -> Flow {
        match (&config.source, &config.common.swarm, strategy) {
            (KindConfig::Compose(_), _, _) => Flow::Compose,
            (_, Some(_), _) => Flow::Swarm,
            (_, None, Strategy::BlueGreen) => Flow::BlueGreen,
            (_, None, Strategy::Recreate) => Flow::Recreate,
        }
    }

    /// The flow's steps in order, the conditional ones included.
    pub fn entries(self) -> impl Iterator<Item = &'static Entry> {
        let (start, own) = match self {
            Flow::BlueGreen => (START, BLUE_GREEN),
            Flow::Recreate => (START, RECREATE),
            Flow::Swarm => (START, SWARM),
            Flow::Compose => (&[][..], COMPOSE),
        };
        start.iter().chain(own)
    }

    /// The steps a deploy takes where `holds` says which conditions hold.
    pub fn steps_where(self, holds: impl Fn(When) -> bool) -> impl Iterator<Item = Step> {
        self.entries()
            .filter(move |e| e.when.iter().all(|w| holds(*w)))
            .map(|e| e.step)
    }
}

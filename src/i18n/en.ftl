# berth's human output, English: the reference. Every message here must
# exist in ru.ftl too (a test enforces it). JSON, event actions, stored
# statuses, exit codes and error codes are never translated.

## Labels

label-error = error
label-warning = warning

## Errors

invalid-config = invalid config for workload `{ $workload }`: { $count ->
    [one] 1 error
   *[other] { $count } errors
}
no-such-workload = no workload named `{ $workload }` (see `berth workload list`)
lock-deploy-busy = workload `{ $workload }` is being deployed by another berth (pid { $pid }, since { $since }); wait for it, or pass --wait to queue behind it

## Deploy progress (one line each, prefixed with the workload)

deploy-starting-green = starting green { $container }
deploy-starting = starting { $container }
deploy-stopping = stopping { $container }
deploy-gate-waiting-green = gate: waiting for green to be ready
deploy-gate-waiting-new = gate: waiting for the new container to be ready
deploy-gate-passed = gate passed: { $why }
deploy-draining-blue = draining blue { $container } for { $ms } ms, watching green
deploy-draining = draining { $container } for { $ms } ms

## Deploy summary

deploy-deployed = deployed
deploy-unchanged = unchanged
deploy-summary = { $workload } -> { $container } ({ $strategy }, { $ms } ms)
deploy-summary-forced = { $workload } -> { $container } ({ $strategy }, forced, { $ms } ms)
deploy-fleet-failed = { $failed } of { $total } deploys failed
deploy-fleet-succeeded = succeeded
deploy-fleet-failed-row = failed
column-workload = WORKLOAD
column-status = STATUS
column-container = CONTAINER
column-duration = DURATION
column-time = TIME
column-severity = SEVERITY
column-action = ACTION
column-id = ID
column-started = STARTED
column-strategy = STRATEGY
column-image = IMAGE
column-outcome = OUTCOME
column-kind = KIND
column-host = HOST
column-state = STATE
column-health = HEALTH
column-since = SINCE
column-running-from = RUNNING FROM
column-route = ROUTE
column-url = URL
column-on = ON
column-signed = SIGNED
column-name = NAME
column-domains = DOMAINS
column-updated = UPDATED

## Workloads

workload-added = added workload `{ $workload }` ({ $kind }, strategy: { $strategy })
workload-updated = updated workload `{ $workload }` (strategy: { $strategy }, { $reason })
workload-updated-short = updated workload `{ $workload }`

## Config validation (path and value are shown beside these)

config-must-be-string = must be a string, got { $got }
config-must-not-be-empty = must not be empty
config-must-be-object = must be an object like { $like }, got { $got }
config-must-be-array = must be an array like { $like }, got { $got }
config-must-be-bool = must be true or false, got { $got }
config-not-one-of = `{ $value }` is not one of { $allowed }
config-did-you-mean-value = did you mean "{ $candidate }"?
config-did-you-mean-key = did you mean `{ $candidate }`?
config-unknown-field = unknown field `{ $key }` in { $section }
config-fields-are = the fields of { $section } are: { $fields }
config-is-required = is required: { $what }
config-add-example = add e.g. { $example }
config-range-at-least = at least { $min }
config-range-between = between { $min } and { $max }
config-must-be-integer = must be an integer { $range }, got { $got }
config-must-be-in-range = must be { $range }
config-must-be-in-range-not-negative = must be { $range }, not negative
config-must-be-whole-in-range = must be a whole number { $range } (no decimal point)
json-null = null
json-boolean = a boolean
json-number = a number
json-string = a string
json-array = an array
json-object = an object
config-section-secret-reference = a secret reference
config-section-workload = { $kind ->
    [image] an image workload
    [dockerfile] a dockerfile workload
    [static] a static workload
   *[compose] a compose workload
}
config-port-required-domains-healthcheck = is required because `domains` and `healthcheck` are set: the container port the route and the probe use
config-port-required-domains = is required because `domains` is set: the container port the route and the probe use
config-port-required-healthcheck = is required because `healthcheck` is set: the container port the route and the probe use
config-path-must-start-with-slash = `{ $path }` must start with `/`
config-use = use { $value }

## Secrets by reference

secret-value-type = the value must be a string or a reference, got { $got }
secret-value-type-hint = quote numbers and booleans; write it as { $like }
secret-empty-ref = an empty reference names no source
secret-write-as = write it as { $like }
secret-both-sources = a reference names exactly one source, `from_env` or `from_file`, not both
secret-keep-one = keep one of them
secret-name-the-variable = name the variable, e.g. "DB_PASSWORD"
secret-file-not-absolute = `{ $file }` must be an absolute path
secret-file-example = e.g. "/run/secrets/db_password"
secret-env-unset = environment variable `{ $var }` is not set in berth's environment
secret-env-unset-hint = export { $var } before `berth deploy`; in CI, map the secret to `{ $var }`
secret-env-nul = environment variable `{ $var }` holds a NUL character
secret-env-nul-hint = set `{ $var }` to a value without NUL
secret-env-not-utf8 = environment variable `{ $var }` is not valid UTF-8
secret-env-not-utf8-hint = set `{ $var }` to a UTF-8 value
secret-file-not-utf8 = file `{ $file }` is not valid UTF-8
secret-file-text-hint = store the secret as UTF-8 text (base64 for binary)
secret-file-nul = file `{ $file }` holds a NUL character
secret-file-unreadable = file `{ $file }` cannot be read: { $reason }
secret-file-unreadable-hint = create it on the deploying host, readable by the user running berth

## Logs and exec

logs-now-following = { $workload }: now following { $container } ({ $previous } stopped)
logs-running-again = { $workload }: { $container } is running again
logs-waiting = { $workload }: { $container } stopped; waiting for the next container of the workload
exec-no-running-container = workload `{ $workload }` has no running container: nothing was run (deploy it with `berth deploy { $workload }`, or see `berth status { $workload }`)

## Status, workloads, events

status-owner-this = this store
status-owner-none = none
status-owner-store = store { $store } ({ $container })
status-owner-older = older berth ({ $container })
status-not-deployed = not deployed
deploy-dry-run-done = dry run: nothing was changed
workload-none-yet = no workloads yet: add one with `berth workload add NAME --kind KIND --config FILE`
workload-removed-container = removed container { $container }
workload-removed = removed workload `{ $workload }`
workload-removed-route-note = note: berth never deletes NPM proxy hosts; remove the route by hand if it is no longer wanted
events-none = no events
events-next-page = next page: { $command }

## Help (`berth --help`; the English must equal the clap doc comments, a test checks)

help-berth = Deploy workloads to a Docker host with zero-downtime swaps
help-workload = Add, change, list, show and remove workloads
help-validate = Check workload configs without saving or deploying anything
help-deploy = Deploy workloads: prepare, start, gate, route, persist, reap
help-history = List a workload's deploys, newest first
help-rollback = Redeploy an earlier artifact with the current config
help-status = Show what is deployed and whether it is running
help-reconcile = Repair what an interrupted deploy left behind
help-proxy = Configure the router (Nginx Proxy Manager, nginx or Caddy) that routes workload domains
help-events = Show the event history, newest first
help-logs = Print the live container's logs (stdout and stderr kept apart; NDJSON with --output json)
help-exec = Run a command in the live container; its exit code becomes berth's
help-webhook = POST matching events to a URL
help-completions = Print a shell completion script
help-man = Print the berth(1) man page
status-host-unreachable = unreachable

# Swarm (issue 13)
config-swarm-kind = a Swarm service runs an image: kinds image and dockerfile only, not { $kind }
config-swarm-kind-fix = remove `swarm`, or deploy the app as an image or dockerfile workload
config-swarm-ports = host ports are not published with `swarm`: the route forwards to the service on its overlay network
config-swarm-ports-fix = remove `ports` and route through `domains`
config-swarm-network = a Swarm service attaches to the overlay network `swarm.network`, not `network`
config-swarm-network-fix = move the name to `swarm.network` (default "berth-swarm")
config-swarm-placement = `{ $value }` is not a placement constraint
config-swarm-placement-fix = write it as "node.role==worker" or "node.labels.zone!=eu"
config-swarm-monitor-short = { $monitor } ms is shorter than healthcheck start_period_ms + interval_ms × { $retries } + one interval ({ $needed } ms): Swarm would call an update complete before a failing health check shows
config-swarm-monitor-fix = set monitor_ms to at least { $needed }, or remove it (berth then uses { $needed })
swarm-creating = creating service { $service } ({ $replicas } replicas)
swarm-updating = updating service { $service } ({ $order })
swarm-unchanged = service { $service } already runs this artifact and config: nothing to update

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
config-example-relative-path = { $example } (relative paths are resolved at `workload add`/`set`)
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
secret-value-forms = { $string }, { $env } or { $file }
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
secret-file-not-regular = `{ $file }` is not a regular file (a directory, a device or a pipe)
secret-file-not-regular-hint = point `from_file` at a file that holds the secret
secret-file-too-large = file `{ $file }` is larger than { $max } bytes, the most a secret file may hold

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
workload-removed-route-note = note: the Nginx Proxy Manager proxy host is kept (berth never deletes one: it may hold your certificate and settings); delete it in NPM if it is no longer wanted
workload-route-removed = route removed: { $route }
workload-route-kept-shared = { $workload }: route kept, since another store's container of this workload still runs and serves it
workload-route-not-removed = { $workload }: the route could not be removed ({ $reason }); remove it by hand
events-none = no events
events-next-page = next page: { $command }

## Help (`berth --help`; the English must equal the clap doc comments, a test checks)

help-berth = Deploy workloads to a Docker host with zero-downtime swaps
help-berth-long = berth keeps workload configs in a local SQLite store and deploys them to Docker (the local daemon, or each workload's own host over SSH or TCP) with `recreate` or `blue-green`, gating new containers on readiness, repointing routes in place (Nginx Proxy Manager, nginx or Caddy) and recording a queryable event history.
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
status-host-local = local
status-host-unreachable = unreachable

## Commands: deploy, history, rollback, proxy, reconcile

deploy-interrupted = deploy interrupted (SIGINT)
deploy-terminated = deploy terminated (SIGTERM)
deploy-completed-after-signal = { $signal } after the new container was recorded: the deploy completed
dry-run-plan = { $workload }: { $strategy } deploy ({ $reason })
dry-run-plan-forced = { $workload }: { $strategy } deploy ({ $reason }, forced)
usage-invalid-duration = invalid duration `{ $text }`: use a number with s, m, h or d, like 30s, 15m, 2h, 7d
history-not-deployed-yet = `{ $workload }` has not been deployed yet
rollback-no-such-deploy = `{ $workload }` has no deploy { $id } (see `berth history { $workload }`)
rollback-deploy-did-not-succeed = deploy { $id } of `{ $workload }` did not succeed ({ $status }); roll back to a successful one
rollback-nothing-earlier = `{ $workload }` has no earlier successful deploy with another artifact to roll back to
rollback-no-artifact = deploy { $id } of `{ $workload }` recorded no artifact to roll back to
rollback-rolling-back = { $workload }: rolling back to deploy { $id } ({ $image })
proxy-nothing-to-set = nothing to set: pass --router and/or its settings (--url, --email, --forward-by for npm; --nginx-* for nginx; --caddy-* for caddy)
proxy-nginx-dir-not-absolute = --nginx-dir `{ $dir }` must be an absolute path
proxy-caddy-admin-not-http = --caddy-admin `{ $url }` must be an http:// URL, e.g. http://127.0.0.1:2019
proxy-url-invalid = --url `{ $url }` is not a URL ({ $reason }); e.g. http://npm:81
proxy-url-not-http = --url `{ $url }` must be http:// or https://
proxy-url-credentials = --url must not carry credentials: use --email and BERTH_NPM_PASSWORD
proxy-saved-npm = saved (the password is never stored: export BERTH_NPM_PASSWORD, or BERTH_NPM_TOKEN)
proxy-saved = saved
proxy-set-from = set ({ $var })
proxy-not-set = not set
proxy-source-env = environment
proxy-source-store = store
proxy-source-default = default
proxy-source-unset = unset
# The labels of `proxy show`: the setting names themselves.
proxy-show-router = router
proxy-show-dir = dir
proxy-show-conf = conf
proxy-show-bin = bin
proxy-show-reload = reload
proxy-show-listen = listen
proxy-show-admin = admin
proxy-show-server = server
proxy-show-url = url
proxy-show-email = email
proxy-show-forward-by = forward_by
proxy-show-password = password
proxy-show-token = token
reconcile-nothing = { $workload }: nothing to repair
reconcile-marked-abandoned = { $workload }: marked deploy { $id } abandoned
reconcile-started-again = { $workload }: started { $container } again
reconcile-removed-leftover = { $workload }: removed leftover container { $container }

## Validate and webhooks

validate-invalid-configs = { $configs ->
    [one] 1 invalid config
   *[other] { $configs } invalid configs
} ({ $count ->
    [one] 1 error
   *[other] { $count } errors
})
validate-file-one-name = with --file, give at most one NAME (the workload name used in messages)
validate-nothing = no workloads to validate
validate-ok = ok
validate-valid = ({ $kind }, strategy { $strategy }: { $reason })
validate-health-interval-too-long = workload `{ $workload }`: image `{ $image }` runs its Docker health check every { $interval } ms, no sooner than the gate's { $deadline } ms deadline, so the gate can fail before Docker probes once: set `healthcheck: {"{"}"mode": "docker", "deadline_ms": N{"}"}` above the interval, or shorten the image's HEALTHCHECK --interval
validate-compose-health-interval-too-long = workload `{ $workload }`: service `{ $service }` in `{ $file }` runs its Docker health check every { $interval } ms, no sooner than the gate's { $deadline } ms deadline, so the gate can fail before Docker probes once: set `healthcheck: {"{"}"mode": "docker", "deadline_ms": N{"}"}` above the interval, or shorten `healthcheck.interval` in the compose file
validate-docker-mode-no-check = workload `{ $workload }`: `healthcheck.mode` is "docker" but image `{ $image }` has no HEALTHCHECK, so the gate would fail: add a HEALTHCHECK to the image, or probe over HTTP (`healthcheck: {"{"}"path": "/healthz"{"}"}`)
webhook-not-a-url = `{ $url }` is not a URL: { $reason }
webhook-not-http = webhook URLs must be http:// or https://, not { $scheme }://
webhook-secret-env-not-a-name = --secret-env takes the NAME of an environment variable (like WEBHOOK_SECRET), not `{ $var }`
webhook-failed-never-delivered = `{ $action }` events are never delivered (a failing hook would feed itself)
webhook-unknown-action = unknown action `{ $action }` for --on: one of { $allowed }
webhook-added = added webhook { $id } -> { $url }
webhook-unsigned = no
webhook-signed-with = yes (${ $var })
webhook-removed = removed webhook { $id }

## Workloads: add, set, edit, show, rm

workload-invalid-name = invalid workload name `{ $workload }`: { $reason }
workload-name-empty = a workload name must not be empty
workload-name-too-long = workload name `{ $workload }` is { $length } characters long; at most { $max } are allowed (leaving room for the 7-character green suffix within Docker's and DNS's 63)
workload-name-bad-character = workload name `{ $workload }` contains `{ $character }`: use lowercase letters, digits and hyphens
workload-name-bad-start = workload name `{ $workload }` must start with a lowercase letter or a digit
workload-nothing-to-change = nothing to change: pass --config FILE and/or --strategy ""|recreate|blue-green (or edit interactively with `berth workload edit { $workload }`)
workload-edit-tempfile-create = could not create a temporary file to edit
workload-edit-tempfile-write = could not write the temporary file to edit
workload-edit-read = could not read the edited file
workload-unchanged = workload `{ $workload }` unchanged
workload-edit-header = berth: this config is invalid and was not saved. Fix it, or
    empty the file to cancel. Lines starting with // are ignored.
workload-edit-cancelled = edit of `{ $workload }` cancelled; config unchanged
workload-edit-reopening = the edited config is invalid; reopening the editor
workload-edit-not-saved = edit of `{ $workload }` not saved; the stored config is unchanged
workload-rm-deployed = workload `{ $workload }` is deployed; `berth workload rm { $workload } --purge` also removes its containers (or service) and runtime state, and its route with nginx or Caddy (berth never deletes an NPM proxy host: remove that by hand if you want it gone)
workload-not-removed = workload `{ $workload }` was not removed
workload-compose-down = took compose project { $project } down
workload-kept-foreign-container = { $workload }: kept `{ $container }`: another berth store created it
workload-show-name = name
workload-show-kind = kind
workload-show-strategy = strategy
workload-show-updated = updated
workload-show-config = config
cwd-unreadable = could not read the current directory
workload-config-stdin-unreadable = could not read the config from stdin
workload-config-file-unreadable = could not read config file { $file }: { $reason }
config-not-json = not valid JSON (line { $line }, column { $column }): { $reason }
workload-no-editor = no editor: set VISUAL or EDITOR, or use `berth workload set NAME --config FILE`
workload-editor-empty = empty editor command
workload-editor-not-started = could not start the editor `{ $editor }`
workload-editor-failed = the editor `{ $editor }` exited with { $status }; the stored config is unchanged

## Logs and exec, continued

live-compose-needs-service = workload `{ $workload }` is a compose stack without a routed `service`: pass --service SERVICE
live-service-not-compose = --service is for compose workloads; `{ $workload }` is a { $kind } workload
live-no-container = workload `{ $workload }` has no container on this Docker daemon (deploy it with `berth deploy { $workload }`)
live-unknown-service = workload `{ $workload }`: compose project `{ $project }` has no service `{ $service }`; its services: { $services }
exec-could-not-run = could not run the command in `{ $container }` (workload `{ $workload }`): { $reason }
exec-detached = the daemon started the command detached
exec-exit-code-unreadable = could not read the command's exit code
exec-still-running = the command's output ended but the daemon still reports it running
logs-unreadable = could not read the logs of container { $container }
logs-stdout-unwritable = could not write to stdout

## Store

store-deploy-unrecorded = could not record the deploy in the store
store-deploy-end-unrecorded = could not record the end of the deploy in the store
store-deploy-unreadable = could not read the deploy from the store
store-deploys-unreadable = could not read deploys
deploy-status-unknown = unknown deploy status `{ $value }`: expected running, succeeded, failed or abandoned
lock-named-busy = lock `{ $name }` held by pid { $pid }
store-unopenable = could not open the store { $path }
store-id-unreadable = could not read the store id of { $path }
store-too-new = the store { $path } was written by a newer berth (schema version { $version }; this berth knows up to { $known }); upgrade berth, or point --db at another store. The store was not changed.
store-upgrade-failed = could not upgrade the store { $path }
store-migration-failed = migration { $version } failed
store-no-home = neither XDG_DATA_HOME nor HOME is set: pass --db PATH or set BERTH_DB
store-dir-uncreatable = could not create the store directory { $path }
store-not-a-store = { $path } is not a berth store (or is damaged)
store-no-wal = could not switch the store { $path } to WAL mode (got { $mode })
store-setting-unreadable = could not read setting `{ $key }`
store-setting-unsaved = could not save setting `{ $key }`
store-state-unreadable = could not read the runtime state from the store
store-state-unwritten = could not write the runtime state to the store
store-webhook-unsaved = could not save the webhook
store-webhooks-unreadable = could not read webhooks
webhook-not-found = no webhook with id { $id } (see `berth webhook list`)
config-stored-unreadable = the stored config cannot be read ({ $reason }); replace it with `berth workload set { $workload } --config FILE`
workload-exists = workload `{ $workload }` already exists: change it with `berth workload set { $workload } --config FILE` or `berth workload edit { $workload }`
store-workload-unreadable = could not read workload `{ $workload }` from the store
store-workloads-unreadable = could not read workloads from the store

## Deploy: adoption, daemon lock, compose

adopt-refused = workload `{ $workload }` already runs on this Docker daemon as container `{ $container }`, created by { $owner }; --no-adopt refuses to take it over: deploy from that store, or deploy without --no-adopt to replace it (blue-green: no downtime)
adopt-adopting = { $workload }: adopting `{ $container }` (created by { $owner }) as the live container: this store had no record of it
daemon-lock-failed = workload `{ $workload }`: could not take its deploy lock `{ $lock }` on the Docker daemon
daemon-lock-took-over = took over the deploy lock of a berth that died holding it (store { $store }, host { $host }, pid { $pid }, since { $since })
daemon-lock-foreign-container = workload `{ $workload }` cannot be locked on this Docker daemon: a container named `{ $lock }` exists that is not a berth lock; remove it (`docker rm { $lock }`) if nothing uses it
daemon-lock-busy = workload `{ $workload }` is being deployed by another berth (store { $store }, host { $host }, pid { $pid }, since { $since }); wait for it, or pass --wait to queue behind it
daemon-lock-busy-this-store = workload `{ $workload }` is being deployed by another berth (this store { $store }, host { $host }, pid { $pid }, since { $since }); wait for it, or pass --wait to queue behind it
daemon-lock-busy-elsewhere = workload `{ $workload }` is being deployed by another berth (store { $store }, host { $host }, pid { $pid }, since { $since }); wait for it, or pass --wait to queue behind it. berth cannot see processes on another machine, so it never takes that lock over: if that berth is gone (its machine or CI job died), remove the lock with `docker rm { $lock }`
daemon-lock-busy-this-store-elsewhere = workload `{ $workload }` is being deployed by another berth (this store { $store }, host { $host }, pid { $pid }, since { $since }); wait for it, or pass --wait to queue behind it. berth cannot see processes on another machine, so it never takes that lock over: if that berth is gone (its machine or CI job died), remove the lock with `docker rm { $lock }`
compose-empty-command = empty compose command
compose-could-not-run = could not run compose
compose-failed = docker compose { $verb } failed (exit { $code })
compose-not-installed = neither `docker compose` nor `docker-compose` is installed (Debian: apt-get install docker-compose)
compose-not-compose = not a compose workload
compose-service-not-ready = service `{ $service }` of stack `{ $project }` is not ready
compose-replaced-unrecorded = compose replaced the old container, and recording the new one failed ({ $reason })
compose-replaced-unrouted = compose replaced the old container; the state now names `{ $container }`, but the route could not be pointed at it ({ $reason }): run `berth reconcile { $workload }` once the proxy answers
compose-replaced-not-ready = compose had already replaced the old container: the state and the route now name `{ $container }`, which is not ready; fix the stack and deploy again
compose-no-service-container = stack `{ $project }` has no container for service `{ $service }`
compose-service-container-gone = the container of service `{ $service }` disappeared

## Owners (after "created by")

owner-store = store { $store }
owner-older-berth = an older berth (no store id)

## Readiness gate

gate-no-port = healthcheck set but no `port` to probe
gate-deadline-configured = healthcheck.deadline_ms
gate-deadline-default = the default deadline
gate-docker-mode-without-health-check = `healthcheck.mode` is "docker" but the container has no Docker health check (none in the image, the compose file or the run options): add one, or probe over HTTP with `healthcheck.path`
gate-unhealthy = the container's Docker health check reports unhealthy
gate-port-stopped-accepting = port { $port } stopped accepting connections ({ $tries } tries in a row)
gate-probes-failed = { $count ->
    [one] 1 probe
   *[other] { $count } probes
} in a row failed: { $why }
gate-container-disappeared = the container disappeared
gate-container-disappeared-during = the container disappeared during the readiness gate
gate-oom-killed = the container was killed for running out of memory (OOM, exit code { $code }): raise `memory` or fix the leak
gate-restarted = the container restarted { $restarts ->
    [one] once
   *[other] { $restarts } times
}: it crashes after starting
gate-restarted-with-code = the container restarted { $restarts ->
    [one] once
   *[other] { $restarts } times
} (last exit code { $code }): it crashes after starting
gate-restarted-sigkill = the container restarted { $restarts ->
    [one] once
   *[other] { $restarts } times
} (last exit code 137: killed by SIGKILL, as the kernel's OOM killer does): it crashes after starting
gate-restarting = the container is restarting (last exit code { $code })
gate-exited = the container exited with code { $code }
gate-exited-with-error = the container exited with code { $code }: { $error }
gate-no-address = the container has no address on network `{ $network }`
gate-answered = { $url } answered { $status }
gate-probe-error-remote-tcp = { $url }: { $error } (the daemon { $host } is remote over tcp: its containers are probed at their address from this machine, which must route there; else use an ssh:// daemon or `healthcheck.mode: "docker"`)
gate-cannot-reach = cannot reach { $address } on { $host }: { $error }
gate-probe-error = { $url }: { $error }
gate-http-deadline = not ready after { $ms } ms (healthcheck.deadline_ms): last probe: { $last }
gate-progress-http = gate: { $last }, { $elapsed } s of { $total } s
gate-health-interval-too-long = the container's Docker health check runs every { $interval } ms, no sooner than the gate's { $deadline } ms deadline ({ $from }): it can fail before Docker probes even once; set `healthcheck: {"{"}"mode": "docker", "deadline_ms": ...{"}"}` above the interval, or shorten the interval (HEALTHCHECK --interval, or --start-interval)
gate-healthy = Docker's health check reports healthy
gate-health-deadline = the container's Docker health check did not report healthy within { $ms } ms ({ $from }; still `{ $status }`)
gate-progress-health = gate: health: { $status }, { $elapsed } s of { $total } s
gate-no-address-port-unchecked = the container has no address on network `{ $network }`: port { $port } cannot be checked, only that it keeps running
gate-tcp-ready = { $addr } accepts connections and the container ran for { $ms } ms (liveness_window_ms)
gate-tcp-deadline = nothing listens on port { $port } ({ $addr }) after { $ms } ms: with no `healthcheck`, berth waits for the port to accept TCP connections; check `port`, and that the app listens on all addresses (0.0.0.0), not on 127.0.0.1 only; or set `healthcheck`
gate-progress-listening = gate: port { $port } listening, { $elapsed } s of { $total } s
gate-progress-not-listening = gate: port { $port } not listening yet, { $elapsed } s of { $total } s
gate-liveness-ready = running for { $ms } ms (liveness_window_ms)

## Blue-green

bg-green-gate-failed = green `{ $container }` failed its readiness gate; { $removed }; { $kept }
bg-green-not-gated = green `{ $container }` could not be gated; { $removed }; { $kept }
deploy-removed-it = removed it
deploy-could-not-remove-it = could not remove it (the next deploy or `berth reconcile` does)
bg-blue-keeps-serving = blue keeps serving
bg-nothing-routed-to-it = nothing was routed to it
bg-green-disappeared = green `{ $container }` disappeared after its gate
bg-green-removed = green removed
bg-green-not-removed = green could not be removed (the next deploy or `berth reconcile` does)
bg-route-still-on-blue = the route and the state still name blue, which keeps serving
bg-nothing-routed = nothing was routed
bg-switch-never-took-effect = the route switch never took effect, so the route was not changed; { $removed }; { $kept }
bg-first-route-failed = routing to `{ $container }` failed; there is no earlier container to route back to, so `{ $container }` is left running (not recorded) in case the route reached it: fix the proxy and deploy again
bg-switch-failed-restored = route switch to green failed; route restored to blue, green removed
bg-switch-failed-not-restored = route switch to green failed AND the route could not be confirmed back on blue ({ $reason }); green `{ $container }` is left running so the route never points at a removed container: fix the proxy, then run `berth reconcile { $workload }`
bg-rolling-back = green { $container } failed during the drain ({ $reason }); rolling back to blue
bg-rollback-state-failed = green `{ $container }` failed during the drain, and blue could not be written back into the state ({ $reason }); both run: run `berth reconcile { $workload }` or deploy again
bg-rollback-route-failed = green `{ $container }` failed during the drain; the state names blue `{ $blue }` again, but the route could not be confirmed back on it ({ $reason }): fix the proxy, then run `berth reconcile { $workload }`
bg-rolled-back = green `{ $container }` failed during the drain after the route switch: { $reason }; rolled back: blue `{ $blue }` serves again and the state names it; { $removed }

## Recreate

recreate-first-route-failed = route switch to `{ $container }` failed; there is no earlier container to route back to, so it is left running (not recorded): fix the proxy and deploy again
recreate-route-failed = route switch failed
recreate-watching = watching the new { $container } for { $ms } ms before removing the old container ({ $old }, stopped)
recreate-gate-failed = `{ $container }` failed its readiness gate
recreate-not-gated = `{ $container }` could not be gated
recreate-disappeared = `{ $container }` disappeared after its gate
recreate-rolling-back = { $container } failed after the switch ({ $reason }); bringing { $old } back
recreate-rollback-state-failed = `{ $container }` failed after the switch, and `{ $old }` could not be written back into the state ({ $reason }); run `berth reconcile { $workload }` or deploy again
recreate-failed-in-watch = `{ $container }` failed within its watch window after the switch: { $reason }; rolled back
deploy-rolled-back = { $detail }
recreate-could-not-stop-new = { $workload }: could not stop the new container `{ $container }`: { $reason }
recreate-could-not-move-new = { $workload }: could not move the new container off the name `{ $container }`: { $reason }
recreate-could-not-rename-old = { $workload }: could not rename the old container back to `{ $container }`: { $reason }
recreate-old-started-route-unconfirmed = the old container `{ $container }` was started again, BUT the route could not be confirmed back on it ({ $reason }): it may still point at the new container, which is kept (stopped); fix the proxy, then run `berth reconcile { $workload }`
recreate-old-started = the old container `{ $container }` was started again
recreate-old-not-started = the old container `{ $container }` could not be started again ({ $reason }); run `berth reconcile { $workload }`

## Deploy: drain, reap, rollback

gate-container-disappeared-after = the container disappeared after its gate
deploy-gate-passed-watching = gate passed ({ $why }); watching it for { $ms } ms: nothing to fall back to
drain-no-port = the workload has no `port`
deploy-draining-until-idle = draining { $container } until it is idle for { $quiet } ms (at most { $ms } ms)
drain-connections-unseen = cannot see the connections of `{ $container }`: { $why }; draining for the fixed drain_ms ({ $ms } ms) instead of until it is idle
drain-open-connections-left = { $workload }: `{ $container }` still had { $open ->
    [one] 1 open connection
   *[other] { $open } open connections
} when the drain reached drain_ms ({ $ms } ms): stopping it cuts them (long requests, WebSocket or SSE streams; clients reconnect to the new container)
deploy-reap-failed = { $workload }: the new container is live, but removing the old one `{ $container }` failed ({ $reason }); the next deploy or `berth reconcile { $workload }` removes it
deploy-remove-new-failed = { $workload }: could not remove { $container } ({ $reason }); the next deploy or `berth reconcile` removes it
deploy-last-log-lines = { $workload }: last log lines of the new container
route-no-port = workload `{ $workload }` has domains but no `port`
route-no-ip = container `{ $container }` has no IP on network `{ $network }`
rollback-compose = workload `{ $workload }`: compose stacks cannot be rolled back by berth (compose manages their images); deploy an earlier compose file instead
deploy-prune-failed = { $workload }: could not prune { $image }: { $reason }
rollback-image-gone = workload `{ $workload }`: the image { $image } ({ $id }) is no longer on this host (pruned or removed); pick another deploy from `berth history { $workload }`
rollback-to-image = { $workload }: rolling back to { $image } ({ $id })

## Drain

drain-remote-host = the Docker daemon ({ $host }) is another host's: its containers' connections cannot be read from here
drain-remote-daemon = the Docker daemon is remote (DOCKER_HOST)
drain-no-pid = it has no process (Docker reports pid 0)
drain-cgroup-unreadable = cannot read /proc/{ $pid }/cgroup ({ $reason })
drain-other-pid-namespace = pid { $pid } is not the container's process here (the daemon sees another pid namespace)
drain-connections-unreadable = cannot read its connections ({ $reason })
drain-nothing-listens = nothing listens on port { $port } in its network namespace

## Reconcile

reconcile-moved-off = the containers the route moved off
reconcile-foreign-container = { $workload }: container `{ $container }` ({ $state }) was created by { $owner }: left alone (reconcile only removes this store's containers; a deploy from this store adopts it while it runs)
reconcile-rename-failed = { $workload }: could not give the live container its name `{ $container }` back: { $reason }

## Dry-run plan (steps are English in JSON)

verbatim = { $text }
plan-ip-of = the IP of { $container } on network `{ $network }`
plan-resolve-secrets = resolve the secret references (checked now: all resolve): { $references }
plan-reconcile = reconcile `{ $workload }` under its deploy lock (this store's and the Docker daemon's)
plan-adopt = if the daemon runs `{ $workload }` from another store and this one has no record of it, adopt that container as the current one (unless --no-adopt)
plan-preflight-npm = route pre-flight: log in to NPM, find the proxy host for { $domains }
plan-preflight-npm-host = route pre-flight: log in to NPM, find the proxy host for { $domains } (#{ $id })
plan-preflight-nginx = route pre-flight: `nginx -T` passes and includes berth-{ $workload }.conf; no other server block serves { $domains }; nginx runs
plan-preflight-caddy = route pre-flight: Caddy's admin API answers; no other route matches { $domains }; at most one route has @id berth-{ $workload }
plan-pull = pull { $image }
plan-pull-missing = pull { $image } unless present
plan-build = build { $context }/{ $dockerfile } as berth/{ $workload }:<deploy id>
plan-package = package { $root } into { $image } at { $path }
plan-storage = use { $image } with volume `{ $volume }` at /data
plan-gate-http = gate: GET { $path } until { $count ->
    [one] 1 answer
   *[other] { $count } answers
} 2xx/3xx (deadline { $ms } ms)
plan-gate-docker-or-liveness = gate: the image's Docker HEALTHCHECK, else running for { $ms } ms
plan-how-npm-put = PUT in place
plan-how-npm-put-or-post = PUT in place, or POST a new proxy host
plan-how-nginx = write berth-{ $workload }.conf atomically, nginx -T, reload, confirm new workers
plan-how-caddy = PATCH the @id route in place, or insert it once; read it back
plan-route = point the route for { $domains } at { $host }:{ $port } ({ $how })
plan-persist = persist `{ $container }` as the live container
plan-record-service = record the service container in the runtime state
plan-nothing = (nothing)
plan-start-green = create and start green `{ $container }` beside { $beside }
plan-drain = drain `{ $container }` until it is idle for { $quiet } ms (at most { $bound } ms; a fixed { $fixed } ms where its connections cannot be seen) while the new container is watched until it has run { $watch } ms (watch_ms), stop it ({ $grace } s grace), remove it
plan-stop-park = stop `{ $container }` ({ $grace } s grace) and park it
plan-start = create and start `{ $container }`
plan-watch-remove = watch the new container for { $watch } ms (watch_ms), then remove `{ $container }`

## Strategy

strategy-allowed = "" (the kind's default), "recreate" or "blue-green"
strategy-unknown = unknown deploy strategy `{ $value }`: expected "recreate" or "blue-green"
strategy-forced-storage = forced: storage-backed static site (volume `{ $volume }` must not be mounted by two containers)
strategy-default-storage = default for storage-backed static sites (volume `{ $volume }` must not be mounted by two containers)
strategy-forced-compose = forced: compose stacks are stack-managed and cannot run side by side
strategy-default-for = default for { $kind } workloads
strategy-set-in-config = set in deploy_strategy
strategy-not-a-string = must be a string, got { $got }: use { $allowed }
strategy-compose-blue-green = compose workloads cannot deploy blue-green: berth runs `docker compose up` for the whole stack and never runs two stacks side by side
strategy-use-recreate-or-default = use "recreate" or "" (the default)
strategy-not-a-strategy = `{ $value }` is not a deploy strategy: use { $allowed }
strategy-use-empty-for-default = use "" (or leave `deploy_strategy` out) for the default
strategy-compose-uses-recreate = compose workloads deploy with "recreate"

## Docker

docker-inspect-network = could not inspect network `{ $name }`
docker-create-network = could not create network `{ $name }`
docker-inspect-image = could not inspect image `{ $image }`
docker-pull = could not pull `{ $image }`
docker-create-container = could not create container `{ $container }`
docker-import-empty = could not import the empty image `{ $image }`
docker-start = could not start container { $container }
docker-stop = could not stop container { $container }
docker-rename = could not rename container { $container } to `{ $name }`
docker-remove = could not remove container { $container }
docker-remove-image = could not remove image `{ $image }`
docker-inspect-container = could not inspect container { $container }
docker-bad-host = cannot use DOCKER_HOST `{ $host }`
docker-pulled-not-listed = pulled `{ $image }` but the daemon does not list it
docker-bad-port-mapping = port mapping `{ $mapping }` is not HOST:CONTAINER
docker-said = { $doing }: Docker said ({ $status }): { $message }
docker-failed = { $doing }: { $error } (is the Docker daemon still running?)
docker-permission-denied = permission denied on the Docker socket ({ $host }): run berth as root or add your user to the `docker` group
docker-unreachable = cannot reach the Docker daemon at { $host }: { $error }. Is dockerd running? (`sudo systemctl start docker`, or `sudo scripts/ensure-docker.sh` in berth's repo)
docker-no-answer-within = cannot reach the Docker daemon at { $host }: no answer within { $seconds } s
docker-tls-file-missing = the Docker daemon at { $host } needs TLS, but { $file } is missing (DOCKER_CERT_PATH, or the context's TLS material)
docker-bad-address = cannot use the Docker daemon address { $host }
docker-remote-unreachable = cannot reach the Docker daemon at { $host }: { $error }
docker-no-answer = the Docker daemon at { $host } did not answer: { $error }

## Docker build

build-writer-crashed = the build context writer crashed
build-image-not-listed = the build of `{ $image }` finished but the daemon does not list the image
build-refused = the daemon refused the build
build-could-not-build = could not build image `{ $image }`
build-failed-exit = docker build failed (exit { $code })
build-failed = docker build failed
build-last-lines = last lines of build output
build-context-not-dir = build context `{ $path }` is not a directory
build-context-missing = build context `{ $path }` does not exist
build-context-unreadable = cannot read build context `{ $path }`
build-ignore-invalid = `{ $path }`: { $error }
build-unreadable = cannot read `{ $path }`
build-dockerfile-missing = Dockerfile `{ $dockerfile }` not found in build context `{ $path }`
build-context-unsent = could not send the build context to the daemon
build-context-unfinished = could not finish the build context
build-cannot-add = cannot add `{ $path }` to the build context
build-cannot-add-generated = cannot add the generated `{ $name }` to the build context
build-link-unreadable = cannot read link `{ $path }`
build-dir-unreadable = cannot read directory `{ $path }`
build-file-unreadable = cannot read `{ $path }` in the build context
docker-list-containers = could not list containers

## Routers: NPM

proxy-never-sent = { $error } (unreachable: nothing was sent)
proxy-not-written = { $error } (failed before the route was written: nothing changed)
proxy-lock-task-failed = the { $name } lock task failed
proxy-not-configured = workload `{ $workload }` has domains ({ $domains }) but no Nginx Proxy Manager is configured: run `berth proxy set --url http://npm:81 --email EMAIL` and export BERTH_NPM_PASSWORD (or BERTH_NPM_TOKEN), or choose another router (`berth proxy set --router nginx --nginx-dir DIR`, or `--router caddy`), or remove `domains`
proxy-unknown-router = router `{ $router }` (BERTH_ROUTER or `berth proxy set --router`) is not one of npm, nginx, caddy
npm-bad-forward-by = forward_by `{ $value }` is not `name` or `ip`
npm-error = Nginx Proxy Manager at { $api }: { $what }: { $detail }
npm-unreachable = cannot reach it
npm-no-credentials = Nginx Proxy Manager at { $api }: berth cannot log in: set BERTH_NPM_EMAIL (or `berth proxy set --email`) and BERTH_NPM_PASSWORD, or give a valid token in BERTH_NPM_TOKEN
npm-2fa = Nginx Proxy Manager at { $api }: the account { $email } uses two-factor authentication, which berth cannot answer; log in once yourself and give berth the token in BERTH_NPM_TOKEN
npm-login-failed = login as { $email } failed ({ $status })
npm-login = login
npm-no-token-in-answer = the answer has no token
npm-no-token = no NPM token
npm-token-expired = Nginx Proxy Manager at { $api }: the token in BERTH_NPM_TOKEN has expired; give a fresh one, or set BERTH_NPM_EMAIL and BERTH_NPM_PASSWORD so berth can log in
npm-token-refused = the token in BERTH_NPM_TOKEN was refused ({ $status })
npm-list-hosts-failed = listing proxy hosts failed ({ $status })
npm-list-failed = listing { $kind }s failed ({ $status })
npm-read-host-failed = reading proxy host #{ $id } failed ({ $status })
npm-after-write = after the write
npm-host-gone = proxy host #{ $id } is gone
npm-offline = Nginx Proxy Manager at { $api }: the route for { $domains } (proxy host #{ $id }) is offline: nginx rejected its config ({ $error }); traffic for these domains falls to NPM's default site
npm-host-disabled = workload `{ $workload }`: its Nginx Proxy Manager proxy host #{ $id } ({ $domains }) is disabled, so the route would not serve (NPM answers its default page): enable it in NPM (Hosts > Proxy Hosts > Enable) or with POST { $api }/nginx/proxy-hosts/{ $id }/enable, then deploy again
npm-domain-taken = workload `{ $workload }`: domain { $domain } is already used by Nginx Proxy Manager proxy host #{ $id } (forwarding to { $host }:{ $port }); remove it there or change `domains`
npm-domain-taken-other = workload `{ $workload }`: domain { $domain } is already used by Nginx Proxy Manager { $kind } #{ $id }; remove it there or change `domains`
npm-update-failed = updating proxy host #{ $id } for `{ $workload }` failed ({ $status })
npm-create-failed = creating the proxy host for `{ $workload }` failed ({ $status })
npm-creating = creating the proxy host
npm-no-id-in-answer = the answer has no id

## Routers: nginx

workload-prefix = workload `{ $workload }`: { $text }
workload-name = workload `{ $workload }`
nginx-no-dir = the nginx router needs the directory berth writes its server blocks into: `berth proxy set --router nginx --nginx-dir /etc/nginx/berth` (or BERTH_NGINX_DIR), and `include /etc/nginx/berth/*.conf;` inside http {"{}"} of your nginx config
nginx-dir-not-absolute = nginx directory `{ $dir }` must be an absolute path
nginx-test-failed = `{ $command }` failed: { $output }
nginx-reload-failed = the reload command `{ $command }` failed ({ $status }): { $output }
nginx-pid-file-unreadable = nginx is not running, or berth cannot read its pid file { $path } (start nginx, or run berth as a user that can read it)
nginx-pid-file-invalid = nginx's pid file { $path } holds `{ $text }`, not a pid
nginx-pid-gone = nginx is not running: its pid file { $path } names pid { $pid }, which does not exist (start nginx)
nginx-not-included = nginx's config{ $conf } does not include { $file }: add `include { $dir }/*.conf;` inside http {"{}"} (or fix the --nginx-dir setting), then deploy again
nginx-removing = removing { $path }
nginx-master-exited = the nginx master (pid { $pid }) exited during the reload
nginx-old-workers = nginx's old workers still accepted connections { $seconds } s after the reload
nginx-no-new-workers = nginx did not start new workers within { $seconds } s of the reload: the master rejected the new config (see nginx's error log, e.g. a listen address already in use)
nginx-foreign-file = workload `{ $workload }`: { $path } exists but berth did not write it (its first line is not `{ $marker } ...`); berth never touches files it did not write: move it away, then deploy again
nginx-reading = workload `{ $workload }`: reading { $path }
nginx-could-not-run = could not run `{ $command }`
nginx-timeout = `{ $command }` did not finish within { $seconds } s
nginx-no-parent = { $path } has no directory
nginx-writing = writing { $path } (through { $tmp })
nginx-config-fails-test = workload `{ $workload }`: nginx's config does not pass its test; fix it first
nginx-holder-berth = berth's route of another workload ({ $path }: { $route })
nginx-holder-foreign = a server block berth did not write ({ $path })
nginx-domain-taken = workload `{ $workload }`: domain { $domain } is already served by { $holder }; remove it there or change `domains`
nginx-restored = the previous file was restored
nginx-restore-failed-too = AND restoring the previous file failed ({ $reason })
nginx-refused-route = workload `{ $workload }`: nginx refused the new route in { $path } ({ $reason }); { $restored }, nginx was not reloaded
nginx-restored-reloaded = the previous file was restored and nginx reloaded
nginx-restored-reload-failed = the previous file was restored, but reloading it failed ({ $reason })
nginx-restore-failed = restoring the previous file failed ({ $reason })
nginx-not-removed = workload `{ $workload }`: removing { $path } did not take effect: { $reason }; { $restored }
nginx-not-live = workload `{ $workload }`: the route in { $path } did not go live: { $reason }; { $restored }

## Routers: Caddy

caddy-error = Caddy's admin API at { $admin }: { $what }: { $detail }
caddy-get-failed = GET { $path } failed ({ $status })
caddy-no-server = workload `{ $workload }`: Caddy has no HTTP server `{ $server }` (it has: { $servers }); fix `berth proxy set --caddy-server` (or BERTH_CADDY_SERVER)
caddy-many-servers = workload `{ $workload }`: Caddy has { $count } HTTP servers ({ $servers }): name the one for berth's routes with `berth proxy set --caddy-server NAME` (or BERTH_CADDY_SERVER)
caddy-domain-taken = workload `{ $workload }`: domain { $domain } is already routed by another route{ $id } of Caddy's server `{ $server }`; remove it there or change `domains`
caddy-duplicate-id = workload `{ $workload }`: Caddy holds { $count } routes with @id `{ $id }` (Caddy does not keep ids unique; something added a second one): delete all but one (DELETE { $admin }/id/{ $id } removes one), then deploy again
caddy-remove-failed = removing route @id { $id } of `{ $workload }` failed ({ $status })
caddy-replace-failed = replacing route @id { $id } for `{ $workload }` failed ({ $status })
caddy-add-failed = adding route @id { $id } for `{ $workload }` failed ({ $status })
caddy-reads-back-differently = after the write, route @id { $id } for `{ $workload }` reads back differently
caddy-route-missing = it is missing

## Artifacts: pull, build, package

source-compose-own-flow = compose workloads are deployed by their own flow
source-image-present = { $workload }: image { $image } present, not pulling (pull: missing)
source-password-env-unset = workload `{ $workload }`: registry_auth.password_env names the environment variable `{ $var }`, which is not set; export it before deploying
source-pulling = { $workload }: pulling { $image }
source-pull-failed = workload `{ $workload }`: pull failed
source-pull-failed-present = workload `{ $workload }`: pull failed; `{ $image }` is present on the daemon: set `"pull": "missing"` to deploy it without pulling
source-building = { $workload }: building { $image } from { $context }
source-build-failed = workload `{ $workload }`: build failed; nothing was stopped
source-pulling-server-image = { $workload }: pulling server image { $image }
source-server-image-missing = workload `{ $workload }`: server_image `{ $image }` is neither present nor pullable; pull or build it first, or set `server_image`
source-hash-interrupted = hashing the site was interrupted
source-site-unchanged = { $workload }: site unchanged, reusing { $image }
source-packaging = { $workload }: packaging { $root } into { $image }
source-package-failed = workload `{ $workload }`: packaging the site failed; nothing was stopped
source-site-dir-unreadable = could not read the site directory { $path }
source-unreadable = could not read { $path }

## Status, output, events

status-no-daemon = { $reason }; showing the store's view only
status-no-router = { $reason }; routes are not checked
status-route-stale-to = stale (forwards to { $target })
status-unknown = unknown
status-missing = missing
status-route-ok = ok
status-route-stale = stale
http-client-failed = could not build an HTTP client
output-json-failed = could not encode JSON output: { $reason }
runtime-failed = could not start the async runtime
event-unrecorded = could not record event `{ $action }` for `{ $workload }`
store-events-unreadable = could not read events from the store

## Config validation, continued

config-not-an-object = the config must be a JSON object, got { $got }
config-write-as-object = write it as {"{"} ... {"}"}, e.g. { $example }
config-unreadable-bug = the config passed validation but could not be read (this is a berth bug; please report it)
config-path-not-absolute = `{ $path }` must be an absolute path (berth resolves relative paths against the current directory at `workload add`/`set`)
config-not-a-directory = `{ $path }` is not a directory
config-not-a-file = `{ $path }` is not a file
config-directory-missing = directory `{ $path }` does not exist
config-file-missing = file `{ $path }` does not exist
config-path-unreadable = `{ $path }` cannot be read: { $reason }
config-field-of-other-kind = `{ $key }` is not a field of { $section } (it belongs to { $owner } workloads)
config-field-of-other-kind-hint = remove `{ $key }`, or add the workload with --kind { $owner }
config-too-many-domains = has { $count } names; one route takes at most { $max }
config-not-a-domain = `{ $domain }` is not a domain name: { $why }
config-duplicate-domain = `{ $domain }` repeats domains[{ $first }] (domain names are case-insensitive)
config-remove-duplicate = remove the duplicate
domain-empty = it is empty
domain-with-scheme = write the host name only, without scheme or path
domain-bare-wildcard = a wildcard needs a domain after `*.`
domain-too-long = it is longer than 253 characters
domain-empty-label = it has an empty label (a leading, trailing or double dot)
domain-label-too-long = a label is longer than 63 characters
domain-bad-characters = use letters, digits, hyphens and dots only, with an optional leading `*.`
domain-label-hyphen = a label must not start or end with a hyphen
config-not-a-port-mapping = `{ $mapping }` is not a port mapping: use "HOST:CONTAINER" with ports 1-65535, optionally ending in /tcp or /udp
config-port-mapping-example = e.g. "8080:80" or "5353:53/udp"
config-http-only-field = applies to the HTTP probe only, and `healthcheck.mode` is "docker" (the container's own HEALTHCHECK decides)
config-http-only-field-hint = remove `{ $key }`, or set "mode": "http"
what-probe-path = the HTTP path to probe
config-probe-path-spaces = must not contain spaces or control characters (percent-encode them)
env-name-empty = an environment variable name must not be empty
env-name-equals = an environment variable name cannot contain `=`
env-name-nul = an environment variable name cannot contain a NUL character
env-name-invalid = not a valid environment variable name: use letters, digits and underscores, not starting with a digit
config-not-a-docker-name = `{ $name }` is not a Docker { $what } name: start with a letter or digit, then use letters, digits, `_`, `.` or `-`
config-command-leave-out = leave `command` out to run the image's default command
config-label-key-empty = a label key must not be empty
config-label-reserved = keys starting with `berth.` are reserved: berth uses them to track its containers
config-label-other-prefix = use another prefix
config-memory-hint = use e.g. "512m", "1g" or a number of bytes
config-not-a-memory-size = `{ $size }` is not a memory size
config-memory-too-large = is too large
config-memory-whole-bytes = must be a whole number of bytes
config-memory-type = must be a size string or a number of bytes, got { $got }
config-memory-too-small = must be at least 6m (6 MiB), the least Docker accepts
config-cpus-range = must be more than 0 and at most { $max }, e.g. 0.5 or 2
config-cpus-type = must be a number of CPUs like 0.5 or 2, got { $got }
config-not-a-restart-policy = `{ $policy }` is not a restart policy: use "no", "always", "unless-stopped", "on-failure" or "on-failure:N"
what-image = the image to deploy
config-not-a-reference = `{ $reference }` is not an image reference: { $why }
config-reference-example = e.g. "nginx:1.27" or "ghcr.io/acme/web@sha256:<64 hex digits>"
reference-spaces = it must not contain spaces
reference-bad-digest = the digest after `@` must be `sha256:` and 64 lowercase hex digits
reference-bad-tag = the tag `{ $tag }` must be 1-128 letters, digits, `_`, `.` or `-`
reference-no-repository = it names no repository
reference-bad-host = `{ $host }` is not a registry host
reference-empty-part = the repository has an empty part (`//` or a trailing `/`)
reference-uppercase = repository names must be lowercase (`{ $segment }`)
reference-bad-segment = `{ $segment }` may contain only lowercase letters, digits, `.`, `_` and `-`, starting and ending with a letter or digit
config-no-registry-passwords = berth never stores registry passwords
config-no-registry-passwords-hint = remove `{ $key }`, put the password in an environment variable and name that variable in `password_env`
what-registry-user = the registry user
what-password-env = the name of the environment variable that holds the password
config-password-env-name = { $why } (it holds the variable's name, never the password itself)
config-password-env-example = e.g. "REGISTRY_PASSWORD"
what-build-context = the directory to build
config-target-spaces = a build stage name must not contain spaces
config-dockerfile-absolute = `{ $file }` must be relative to `context`
config-dockerfile-outside = `{ $file }` must stay inside the build context: remove `..`
config-dockerfile-missing = `{ $file }` is not a file in the build context `{ $context }`
config-build-arg-name = a build argument name must be non-empty, without `=` or NUL
what-static-root = the directory to serve (unless the site is storage-backed: `runtime: "deno"` with `storage`)
config-server-root-not-absolute = `{ $path }` must be an absolute path inside the container
config-server-root-example = e.g. "/usr/share/nginx/html"
what-compose-file = the compose file
config-not-a-project = `{ $project }` is not a compose project name: use lowercase letters, digits, `_` and `-`, starting with a letter or digit
config-forced-recreate = forced to recreate: blue-green would mount volume `{ $volume }` read-write into two containers at once
config-forced-recreate-hint = set deploy_strategy to "recreate" to say so in the config
config-drain-zero-no-watch = 0 turns off the drain and the watch after the route switch: a new container that crashes right after its readiness gate keeps the route, and the old one is already gone
config-drain-zero-no-watch-hint = leave drain_ms out (a drain until the old container is idle, at most 30000 ms, and a watch of at least 2000 ms), or set it to a few seconds
config-ports-blue-green = cannot publish host ports with blue-green ({ $reason }): two containers cannot bind one host port; use deploy_strategy "recreate" or remove `ports`

## Kinds

kind-unknown = unknown kind `{ $kind }`: expected one of image, dockerfile, static, compose

## Signals, reconcile, webhooks

signal-first = stopping at the next safe point (press Ctrl-C again to exit at once; reconcile repairs)
signal-second = second signal, exiting now; `berth reconcile` repairs what is left
reconcile-live-container-gone = { $workload }: the runtime state names container { $container } ({ $id }), which no longer exists; the next deploy replaces it
rollback-no-earlier-state = the state row named no container before this deploy
webhook-none = no webhooks

## Help: subcommands, arguments and clap's headings (the English equals the clap doc comments, a test checks)

help-heading-usage = Usage:
help-heading-commands = Commands:
help-heading-arguments = Arguments:
help-heading-options = Options:
help-heading-possible-values = Possible values:
# clap's annotations, written by berth outside English.
help-annotation-env = env:
help-annotation-default = default:
help-annotation-possible-values = possible values:
help-help-command = Print this message or the help of the given subcommand(s)
help-exec-after = Exit codes: the command's own; 69 when the workload has no running container (nothing ran); 125 when the daemon refused the command; 126 when the command cannot be run; 127 when it is not found; 141 when berth's stdout closed before the command ended.
help-workload-add = Add a workload (its config is validated; an invalid config is never saved)
help-workload-set = Replace a workload's config or switch its deploy strategy
help-workload-edit = Edit a workload's config in $VISUAL / $EDITOR
help-workload-list = List workloads
help-workload-show = Show one workload (env and build_args values are masked)
help-workload-rm = Remove a workload
help-proxy-set = Save the router and its settings in the store (never NPM's password: use BERTH_NPM_PASSWORD or BERTH_NPM_TOKEN)
help-proxy-show = Show the router and settings in effect and where each comes from
help-webhook-add = Add a webhook: matching events are POSTed as JSON
help-webhook-list = List webhooks (credentials in URLs are masked)
help-webhook-rm = Remove a webhook
arg-db = Path of the store [default: $XDG_DATA_HOME/berth/berth.db]
arg-output = Output format: `human` for people, `json` for pipelines (one document per command)
arg-quiet = Print only data and errors, no status lines
arg-no_color = Never color output (NO_COLOR is honoured too)
arg-help = Print help
arg-version = Print version
arg-workload-add-name = Workload name: lower-case letters, digits and `-`, at most 56 characters
arg-workload-add-kind = Kind of workload
arg-workload-add-config = Config file (JSON), or `-` for stdin [default: an empty config]
arg-workload-set-name = Workload name
arg-workload-set-config = New config file (JSON), or `-` for stdin; replaces the whole config
arg-workload-set-strategy = Set `deploy_strategy`: "" (the kind's default), recreate or blue-green
arg-workload-edit-name = Workload name
arg-workload-show-name = Workload name
arg-workload-show-show_secrets = Show env and build_args values instead of masking them
arg-workload-rm-name = Workload name
arg-workload-rm-purge = Also remove a deployed workload's containers (or service), runtime state and nginx/Caddy route
arg-validate-names = Stored workloads to validate [default: all]; with --file, the name used in messages
arg-validate-file = Validate a config file (JSON, or `-` for stdin) instead of stored workloads
arg-validate-kind = Kind of the config given with --file
arg-completions-shell = Shell to generate completions for
arg-deploy-names = Workloads to deploy
arg-deploy-all = Deploy every workload
arg-deploy-jobs = How many workloads to deploy at once
arg-deploy-dry_run = Print the plan (strategy and why, steps, container name, route change) without touching Docker or the router
arg-deploy-wait = Wait for another deploy of the same workload to finish instead of exiting 5
arg-deploy-no_adopt = Fail (exit 1) instead of adopting a running container of the workload that another berth store created
arg-history-name = Workload name
arg-history-limit = How many deploys to list
arg-rollback-name = Workload name
arg-rollback-to = Deploy id to go back to [default: the previous successful deploy]
arg-rollback-wait = Wait for another deploy of the same workload to finish instead of exiting 5
arg-status-name = Workload [default: all]
arg-reconcile-name = Workload [default: all]
arg-events-workload = Only events of this workload
arg-events-errors = Only errors (same as --severity errors)
arg-events-severity = Which events to show
arg-events-limit = How many events per page
arg-events-before = Only events older than this event id (the next page)
arg-events-since = Only events newer than this: 30s, 15m, 2h, 7d
arg-events-follow = Keep printing new events as they are written, until interrupted
arg-logs-name = Workload name
arg-logs-follow = Keep printing new lines; follows the workload to its next container when a deploy replaces it
arg-logs-since = Only lines newer than this: 30s, 10m, 2h, 7d
arg-logs-tail = Only the last N lines
arg-logs-timestamps = Show Docker's timestamp (RFC 3339, UTC) in front of each line
arg-logs-service = Compose workloads: this service instead of the routed one
arg-exec-name = Workload name
arg-exec-service = Compose workloads: this service instead of the routed one
arg-exec-command = The command and its arguments (after `--`)
arg-proxy-set-router = Which proxy routes the domains: npm (Nginx Proxy Manager), nginx (plain nginx), caddy (admin API)
arg-proxy-set-router-value-npm = Nginx Proxy Manager, through its API (the default)
arg-proxy-set-router-value-nginx = Plain nginx: one berth-written server block per workload
arg-proxy-set-router-value-caddy = Caddy 2, through its admin API: one route per workload
arg-proxy-set-nginx_dir = nginx: the directory berth writes one server block per workload into (your config includes DIR/*.conf)
arg-proxy-set-nginx_conf = nginx: your main config file, passed as `-c` to `nginx -T` and `nginx -s reload` [default: nginx's own]
arg-proxy-set-nginx_bin = nginx: the nginx binary [default: nginx]
arg-proxy-set-nginx_reload = nginx: a shell command that reloads nginx, e.g. "systemctl reload nginx" [default: nginx -s reload]
arg-proxy-set-nginx_listen = nginx: the `listen` parameters of berth's server blocks [default: 80]
arg-proxy-set-caddy_admin = caddy: the admin API address [default: http://127.0.0.1:2019]
arg-proxy-set-caddy_server = caddy: the HTTP server (apps.http.servers NAME) that gets berth's routes [default: the only one]
arg-proxy-set-url = NPM base URL, e.g. http://npm:81
arg-proxy-set-email = NPM login email
arg-proxy-set-forward_by = How NPM reaches containers: `name` (NPM in Docker on the workload network) or `ip`
arg-proxy-set-forward_by-value-name = The container name: NPM runs in Docker on the workload's network
arg-proxy-set-forward_by-value-ip = The container's IP on its network: NPM on the host, or no resolver
arg-webhook-add-url = http:// or https:// URL to POST to
arg-webhook-add-on = Only these actions (repeatable), e.g. --on deploy.failed [default: every action]
arg-webhook-add-workload = Only events of this workload
arg-webhook-add-secret_env = Sign bodies with the secret in this environment variable (X-Berth-Signature-256)
arg-webhook-rm-id = Webhook id (see `berth webhook list`)

## HTTP causes and .dockerignore patterns

http-timed-out = timed out
http-connection-failed = connection failed ({ $error })
build-daemon-error = the daemon reported an error
ignore-bare-bang = `!` alone is not a pattern
ignore-bad-pattern = invalid pattern `{ $pattern }`: { $error }
ignore-unclosed-class = unclosed `[`
ignore-range-order = range `{ $low }-{ $high }` is out of order

## NPM, continued

npm-no-detail = no detail

## Remote daemons (docker_host, docker_context, ssh)

endpoint-unix-not-absolute = `{ $host }`: a unix socket path must be absolute (unix:///var/run/docker.sock)
endpoint-tcp-no-port = `{ $host }`: a tcp daemon needs a port (tcp://HOST:2376)
endpoint-tcp-invalid = `{ $host }` is not tcp://HOST:PORT
endpoint-ssh-password = an ssh:// daemon address must not carry a password: use a key (ssh-agent or ~/.ssh/config), never a password in the config
endpoint-ssh-invalid = `{ $host }` is not ssh://[USER@]HOST[:PORT]
endpoint-ssh-bad-user = `{ $host }`: not a valid ssh user name
endpoint-unsupported = `{ $host }`: unsupported daemon address; use unix:///PATH, tcp://HOST:PORT or ssh://[USER@]HOST[:PORT]
endpoint-tls-unverified = DOCKER_TLS without DOCKER_TLS_VERIFY (TLS without verifying the daemon) is not supported: set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to the daemon's CA and your client certificate
endpoint-no-home = HOME is not set: cannot find the docker CLI config (~/.docker)
endpoint-config-unreadable = cannot read the docker CLI config { $path }
endpoint-config-invalid = the docker CLI config { $path } is not valid JSON
endpoint-context-missing = docker context `{ $name }` does not exist (looked for { $path }); create it with `docker context create { $name } --docker host=ssh://USER@HOST`, or list them with `docker context ls`
endpoint-context-unreadable = cannot read docker context `{ $name }` ({ $path })
endpoint-context-invalid = docker context `{ $name }`: { $path } is not valid JSON
endpoint-context-no-host = docker context `{ $name }` has no docker endpoint host ({ $path })
endpoint-context = docker context `{ $name }`
endpoint-context-skips-tls = docker context `{ $name }` skips TLS verification, which berth does not do: give it the daemon's CA (`docker context update { $name } --docker ca=...`)
ssh-no-dir = cannot create a directory for the ssh connection to { $host }
ssh-cannot-write = cannot write { $path }
ssh-not-runnable = cannot run `ssh` to reach { $host }: { $error } (install the OpenSSH client: apt-get install openssh-client)
ssh-login-timeout = cannot reach the Docker daemon at { $host }: ssh did not log in within { $seconds } s
ssh-client-setup = cannot set up the Docker client for { $host }
ssh-tunnel-port = cannot open a local port for a tunnel to { $address }
ssh-host-key = cannot reach the Docker daemon at { $host }: the host key of { $name } is unknown or has changed, and berth never accepts one silently. Check its fingerprint, then trust it explicitly: `{ $keyscan } >> ~/.ssh/known_hosts` (or connect once with `ssh`)
ssh-auth-refused = cannot reach the Docker daemon at { $host }: ssh authentication was refused ({ $detail }); berth logs in with keys only (ssh-agent or ~/.ssh/config), never a password
ssh-exited = ssh exited with code { $code }
ssh-no-remote-docker = the remote side of { $host } has no `docker` on its PATH (`docker system dial-stdio` failed: { $detail }); install the docker CLI there, or put it on the PATH of non-interactive ssh sessions
config-daemon-named-twice = `docker_host` and `docker_context` both name the daemon
config-daemon-named-twice-hint = keep one: a host URL (`ssh://deploy@web-1`) or a docker context name
config-docker-host-example = e.g. "ssh://deploy@web-1", "tcp://10.0.0.5:2376" or "unix:///var/run/docker.sock"
config-docker-context-invalid = `{ $name }` is not a docker context name
config-docker-context-hint = use the name `docker context ls` shows (letters, digits, `_`, `.`, `-`)
daemon-pool-poisoned = the daemon pool is poisoned (a berth bug)
deploy-not-deployed = workload `{ $workload }` was not deployed
deploy-engine-cannot-prepare = `{ $host }` is not a Docker daemon berth can pull or build on
reconcile-workload-skipped = { $workload }: not reconciled: { $reason }
reconcile-daemon-unreachable = { $count } workload(s) not reconciled, their daemon unreachable: { $workloads }
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
swarm-not-swarm = not a Swarm workload
swarm-creating = creating service { $service } ({ $replicas } replicas)
swarm-updating = updating service { $service } ({ $order })
swarm-unchanged = service { $service } already runs this artifact and config: nothing to update

## Swarm services

plan-swarm-service = create service `{ $service }` ({ $replicas } replicas, overlay network `{ $network }`, endpoint mode { $mode }), or update it: { $order }, parallelism { $parallelism }, delay { $delay } ms, monitor { $monitor } ms, failure_action rollback (nothing when the spec is unchanged)
plan-swarm-follow = follow the update until Swarm reports it completed (the old tasks stopped), paused or rolled back
plan-swarm-route = { $route }; written only when it changed
plan-swarm-persist = persist `{ $service }` as the live service
docker-create-network-driver = could not create { $driver } network `{ $name }`
docker-info = could not read the daemon's info
docker-inspect-service = could not inspect service `{ $service }`
docker-create-service = could not create service `{ $service }`
docker-service-no-id = the daemon created service `{ $service }` but returned no id
docker-service-version-too-big = service `{ $service }` has version { $version }, beyond what the Docker API takes
docker-update-service = could not update service `{ $service }`
docker-list-tasks = could not list the tasks of service `{ $service }`
docker-remove-service = could not remove service `{ $service }`
swarm-new-service-removed = the new service was removed
swarm-new-service-not-removed = removing the new service failed too ({ $reason }); remove it with `docker service rm { $service }`
swarm-not-ready = service `{ $service }` did not become ready; { $removed }
swarm-no-version = service `{ $service }` has no version to update
swarm-domains-no-port = workload `{ $workload }` has domains but no `port`
swarm-service-disappeared = service `{ $service }` disappeared after its update
swarm-service-foreign = workload `{ $workload }`: a service `{ $service }` exists that berth did not create for it (no label `berth.workload={ $workload }`); berth never updates a service it did not create: remove it (`docker service rm { $service }`) if nothing needs it, or give the workload another name
swarm-service-adopt-refused = workload `{ $workload }` already runs on this swarm as service `{ $service }`, created by { $owner }; --no-adopt refuses to take it over: deploy from that store, or deploy without --no-adopt to update it
swarm-service-adopting = { $workload }: taking over service `{ $service }` (created by { $owner }): this store had no record of it
swarm-service-removed-during = service `{ $service }` was removed during the deploy
swarm-paused = Swarm paused the update of `{ $service }`: { $message }{ $task }
swarm-rollback-completed = the previous tasks serve again
swarm-rollback-paused = the rollback paused: check `docker service ps` for the tasks that serve
swarm-rolled-back = Swarm rolled the update of `{ $service }` back ({ $how }): { $why }{ $task }
swarm-router-reload-failed = { $workload }: the router could not be reloaded after the update of `{ $service }` ({ $reason }); reload it by hand
swarm-tasks-line = tasks { $tasks }
swarm-tasks-failed = { $count } tasks of the new service `{ $service }` failed{ $task }
swarm-update-timeout = service `{ $service }` did not finish its update within { $seconds } s (Swarm's state: { $state }){ $pending }; Swarm goes on server-side: `docker service ps { $service }` shows it
reconcile-service-missing = { $workload }: the runtime state names service { $service }, which no longer exists; the next deploy creates it
swarm-not-in-swarm = the Docker daemon at { $host } is not part of a swarm (its node state is `{ $state }`): run `docker swarm init` there (or `docker swarm join` it to one), or remove `swarm` from the workload
swarm-worker-not-manager = the Docker daemon at { $host } is a swarm worker, not a manager: services are created and updated through a manager; point the workload's docker_host at one
swarm-network-not-overlay = network `{ $name }` exists with driver `{ $driver }`, and a Swarm service needs an overlay network: set `swarm.network` to another name (berth creates it) or to an existing overlay network
swarm-needs-daemon = a Swarm service needs a real Docker daemon (a swarm manager)

## Deploy timeline (phases as people read them; JSON keeps the English names)

timeline-phase = { $name } { $ms }ms
timeline-phase-ended = { $name } { $ms }ms ({ $ended })
timeline-phase-ended-open = { $name } { $ms }ms ({ $ended }, { $open } open)
phase-reconcile = reconcile
phase-prepare = prepare
phase-start = start
phase-stop = stop
phase-gate = gate
phase-route = route
phase-persist = persist
phase-drain = drain
phase-watch = watch
phase-reap = reap
phase-update = update
drain-ended-idle = idle
drain-ended-deadline = deadline
drain-ended-fixed = fixed

## Values in human table columns (JSON keeps them as they are)
value-state-created = created
value-state-restarting = restarting
value-state-running = running
value-state-removing = removing
value-state-paused = paused
value-state-exited = exited
value-state-dead = dead
value-state-updating = updating
value-state-rollback_started = rollback_started
value-state-rollback_paused = rollback_paused
value-state-rollback_completed = rollback_completed
value-health-starting = starting
value-health-healthy = healthy
value-health-unhealthy = unhealthy
value-health-none = none
value-severity-info = info
value-severity-warning = warning
value-severity-error = error
value-outcome-running = running
value-outcome-succeeded = succeeded
value-outcome-failed = failed
value-outcome-abandoned = abandoned
history-live = live
duration-ms = { $ms } ms
# How a child process ended: Rust's own wording in English.
exit-status-code = exit status: { $code }
exit-status-signal = { $display }
exit-status-other = { $display }


use builtin;
use str;

set edit:completion:arg-completer[berth] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'berth'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'berth'= {
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand workload 'Add, change, list, show and remove workloads'
            cand validate 'Check workload configs without saving or deploying anything'
            cand deploy 'Deploy workloads: prepare, start, gate, route, persist, reap'
            cand history 'List a workload''s deploys, newest first'
            cand rollback 'Redeploy an earlier artifact with the current config'
            cand status 'Show what is deployed and whether it is running'
            cand reconcile 'Repair what an interrupted deploy left behind'
            cand proxy 'Configure the router (Nginx Proxy Manager, nginx or Caddy) that routes workload domains'
            cand events 'Show the event history, newest first'
            cand logs 'Print the live container''s logs (stdout and stderr kept apart; NDJSON with --output json)'
            cand exec 'Run a command in the live container; its exit code becomes berth''s'
            cand webhook 'POST matching events to a URL'
            cand completions 'Print a shell completion script'
            cand man 'Print the berth(1) man page'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'berth;workload'= {
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add a workload (its config is validated; an invalid config is never saved)'
            cand set 'Replace a workload''s config or switch its deploy strategy'
            cand edit 'Edit a workload''s config in $VISUAL / $EDITOR'
            cand list 'List workloads'
            cand show 'Show one workload (env and build_args values are masked)'
            cand rm 'Remove a workload'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'berth;workload;add'= {
            cand --kind 'Kind of workload'
            cand --config 'Config file (JSON), or `-` for stdin [default: an empty config]'
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'berth;workload;set'= {
            cand --config 'New config file (JSON), or `-` for stdin; replaces the whole config'
            cand --strategy 'Set `deploy_strategy`: "" (the kind''s default), recreate or blue-green'
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'berth;workload;edit'= {
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'berth;workload;list'= {
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'berth;workload;show'= {
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand --show-secrets 'Show env and build_args values instead of masking them'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'berth;workload;rm'= {
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand --purge 'Also remove a deployed workload''s containers (or service), runtime state and nginx/Caddy route'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'berth;workload;help'= {
            cand add 'Add a workload (its config is validated; an invalid config is never saved)'
            cand set 'Replace a workload''s config or switch its deploy strategy'
            cand edit 'Edit a workload''s config in $VISUAL / $EDITOR'
            cand list 'List workloads'
            cand show 'Show one workload (env and build_args values are masked)'
            cand rm 'Remove a workload'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'berth;workload;help;add'= {
        }
        &'berth;workload;help;set'= {
        }
        &'berth;workload;help;edit'= {
        }
        &'berth;workload;help;list'= {
        }
        &'berth;workload;help;show'= {
        }
        &'berth;workload;help;rm'= {
        }
        &'berth;workload;help;help'= {
        }
        &'berth;validate'= {
            cand --file 'Validate a config file (JSON, or `-` for stdin) instead of stored workloads'
            cand --kind 'Kind of the config given with --file'
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'berth;deploy'= {
            cand -j 'How many workloads to deploy at once'
            cand --jobs 'How many workloads to deploy at once'
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand --all 'Deploy every workload'
            cand --dry-run 'Print the plan (strategy and why, steps, container name, route change) without touching Docker or the router'
            cand --wait 'Wait for another deploy of the same workload to finish instead of exiting 5'
            cand --no-adopt 'Fail (exit 1) instead of adopting a running container of the workload that another berth store created'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'berth;history'= {
            cand --limit 'How many deploys to list'
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'berth;rollback'= {
            cand --to 'Deploy id to go back to [default: the previous successful deploy]'
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand --wait 'Wait for another deploy of the same workload to finish instead of exiting 5'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'berth;status'= {
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'berth;reconcile'= {
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'berth;proxy'= {
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand set 'Save the router and its settings in the store (never NPM''s password: use BERTH_NPM_PASSWORD or BERTH_NPM_TOKEN)'
            cand show 'Show the router and settings in effect and where each comes from'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'berth;proxy;set'= {
            cand --router 'Which proxy routes the domains: npm (Nginx Proxy Manager), nginx (plain nginx), caddy (admin API)'
            cand --nginx-dir 'nginx: the directory berth writes one server block per workload into (your config includes DIR/*.conf)'
            cand --nginx-conf 'nginx: your main config file, passed as `-c` to `nginx -T` and `nginx -s reload` [default: nginx''s own]'
            cand --nginx-bin 'nginx: the nginx binary [default: nginx]'
            cand --nginx-reload 'nginx: a shell command that reloads nginx, e.g. "systemctl reload nginx" [default: nginx -s reload]'
            cand --nginx-listen 'nginx: the `listen` parameters of berth''s server blocks [default: 80]'
            cand --caddy-admin 'caddy: the admin API address [default: http://127.0.0.1:2019]'
            cand --caddy-server 'caddy: the HTTP server (apps.http.servers NAME) that gets berth''s routes [default: the only one]'
            cand --url 'NPM base URL, e.g. http://npm:81'
            cand --email 'NPM login email'
            cand --forward-by 'How NPM reaches containers: `name` (NPM in Docker on the workload network) or `ip`'
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'berth;proxy;show'= {
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'berth;proxy;help'= {
            cand set 'Save the router and its settings in the store (never NPM''s password: use BERTH_NPM_PASSWORD or BERTH_NPM_TOKEN)'
            cand show 'Show the router and settings in effect and where each comes from'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'berth;proxy;help;set'= {
        }
        &'berth;proxy;help;show'= {
        }
        &'berth;proxy;help;help'= {
        }
        &'berth;events'= {
            cand --severity 'Which events to show'
            cand --limit 'How many events per page'
            cand --before 'Only events older than this event id (the next page)'
            cand --since 'Only events newer than this: 30s, 15m, 2h, 7d'
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand --errors 'Only errors (same as --severity errors)'
            cand -f 'Keep printing new events as they are written, until interrupted'
            cand --follow 'Keep printing new events as they are written, until interrupted'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'berth;logs'= {
            cand --since 'Only lines newer than this: 30s, 10m, 2h, 7d'
            cand -n 'Only the last N lines'
            cand --tail 'Only the last N lines'
            cand --service 'Compose workloads: this service instead of the routed one'
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand -f 'Keep printing new lines; follows the workload to its next container when a deploy replaces it'
            cand --follow 'Keep printing new lines; follows the workload to its next container when a deploy replaces it'
            cand -t 'Show Docker''s timestamp (RFC 3339, UTC) in front of each line'
            cand --timestamps 'Show Docker''s timestamp (RFC 3339, UTC) in front of each line'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'berth;exec'= {
            cand --service 'Compose workloads: this service instead of the routed one'
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'berth;webhook'= {
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand add 'Add a webhook: matching events are POSTed as JSON'
            cand list 'List webhooks (credentials in URLs are masked)'
            cand rm 'Remove a webhook'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'berth;webhook;add'= {
            cand --on 'Only these actions (repeatable), e.g. --on deploy.failed [default: every action]'
            cand --workload 'Only events of this workload'
            cand --secret-env 'Sign bodies with the secret in this environment variable (X-Berth-Signature-256)'
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'berth;webhook;list'= {
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'berth;webhook;rm'= {
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'berth;webhook;help'= {
            cand add 'Add a webhook: matching events are POSTed as JSON'
            cand list 'List webhooks (credentials in URLs are masked)'
            cand rm 'Remove a webhook'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'berth;webhook;help;add'= {
        }
        &'berth;webhook;help;list'= {
        }
        &'berth;webhook;help;rm'= {
        }
        &'berth;webhook;help;help'= {
        }
        &'berth;completions'= {
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'berth;man'= {
            cand --db 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]'
            cand --output 'Output format: `human` for people, `json` for pipelines (one document per command)'
            cand -q 'Print only data and errors, no status lines'
            cand --quiet 'Print only data and errors, no status lines'
            cand --no-color 'Never color output (NO_COLOR is honoured too)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'berth;help'= {
            cand workload 'Add, change, list, show and remove workloads'
            cand validate 'Check workload configs without saving or deploying anything'
            cand deploy 'Deploy workloads: prepare, start, gate, route, persist, reap'
            cand history 'List a workload''s deploys, newest first'
            cand rollback 'Redeploy an earlier artifact with the current config'
            cand status 'Show what is deployed and whether it is running'
            cand reconcile 'Repair what an interrupted deploy left behind'
            cand proxy 'Configure the router (Nginx Proxy Manager, nginx or Caddy) that routes workload domains'
            cand events 'Show the event history, newest first'
            cand logs 'Print the live container''s logs (stdout and stderr kept apart; NDJSON with --output json)'
            cand exec 'Run a command in the live container; its exit code becomes berth''s'
            cand webhook 'POST matching events to a URL'
            cand completions 'Print a shell completion script'
            cand man 'Print the berth(1) man page'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'berth;help;workload'= {
            cand add 'Add a workload (its config is validated; an invalid config is never saved)'
            cand set 'Replace a workload''s config or switch its deploy strategy'
            cand edit 'Edit a workload''s config in $VISUAL / $EDITOR'
            cand list 'List workloads'
            cand show 'Show one workload (env and build_args values are masked)'
            cand rm 'Remove a workload'
        }
        &'berth;help;workload;add'= {
        }
        &'berth;help;workload;set'= {
        }
        &'berth;help;workload;edit'= {
        }
        &'berth;help;workload;list'= {
        }
        &'berth;help;workload;show'= {
        }
        &'berth;help;workload;rm'= {
        }
        &'berth;help;validate'= {
        }
        &'berth;help;deploy'= {
        }
        &'berth;help;history'= {
        }
        &'berth;help;rollback'= {
        }
        &'berth;help;status'= {
        }
        &'berth;help;reconcile'= {
        }
        &'berth;help;proxy'= {
            cand set 'Save the router and its settings in the store (never NPM''s password: use BERTH_NPM_PASSWORD or BERTH_NPM_TOKEN)'
            cand show 'Show the router and settings in effect and where each comes from'
        }
        &'berth;help;proxy;set'= {
        }
        &'berth;help;proxy;show'= {
        }
        &'berth;help;events'= {
        }
        &'berth;help;logs'= {
        }
        &'berth;help;exec'= {
        }
        &'berth;help;webhook'= {
            cand add 'Add a webhook: matching events are POSTed as JSON'
            cand list 'List webhooks (credentials in URLs are masked)'
            cand rm 'Remove a webhook'
        }
        &'berth;help;webhook;add'= {
        }
        &'berth;help;webhook;list'= {
        }
        &'berth;help;webhook;rm'= {
        }
        &'berth;help;completions'= {
        }
        &'berth;help;man'= {
        }
        &'berth;help;help'= {
        }
    ]
    $completions[$command]
}

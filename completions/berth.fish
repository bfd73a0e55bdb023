# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_berth_global_optspecs
    string join \n db= output= q/quiet no-color h/help V/version
end

function __fish_berth_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_berth_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_berth_using_subcommand
    set -l cmd (__fish_berth_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c berth -n "__fish_berth_needs_command" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_needs_command" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_needs_command" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_needs_command" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c berth -n "__fish_berth_needs_command" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_needs_command" -f -a "workload" -d 'Add, change, list, show and remove workloads'
complete -c berth -n "__fish_berth_needs_command" -f -a "validate" -d 'Check workload configs without saving or deploying anything'
complete -c berth -n "__fish_berth_needs_command" -f -a "deploy" -d 'Deploy workloads: prepare, start, gate, route, persist, reap'
complete -c berth -n "__fish_berth_needs_command" -f -a "history" -d 'List a workload\'s deploys, newest first'
complete -c berth -n "__fish_berth_needs_command" -f -a "rollback" -d 'Redeploy an earlier artifact with the current config'
complete -c berth -n "__fish_berth_needs_command" -f -a "status" -d 'Show what is deployed and whether it is running'
complete -c berth -n "__fish_berth_needs_command" -f -a "reconcile" -d 'Repair what an interrupted deploy left behind'
complete -c berth -n "__fish_berth_needs_command" -f -a "proxy" -d 'Configure the router (Nginx Proxy Manager, nginx or Caddy) that routes workload domains'
complete -c berth -n "__fish_berth_needs_command" -f -a "events" -d 'Show the event history, newest first'
complete -c berth -n "__fish_berth_needs_command" -f -a "logs" -d 'Print the live container\'s logs (stdout and stderr kept apart; NDJSON with --output json)'
complete -c berth -n "__fish_berth_needs_command" -f -a "exec" -d 'Run a command in the live container; its exit code becomes berth\'s'
complete -c berth -n "__fish_berth_needs_command" -f -a "webhook" -d 'POST matching events to a URL'
complete -c berth -n "__fish_berth_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c berth -n "__fish_berth_needs_command" -f -a "man" -d 'Print the berth(1) man page'
complete -c berth -n "__fish_berth_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand workload; and not __fish_seen_subcommand_from add set edit list show rm help" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand workload; and not __fish_seen_subcommand_from add set edit list show rm help" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand workload; and not __fish_seen_subcommand_from add set edit list show rm help" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand workload; and not __fish_seen_subcommand_from add set edit list show rm help" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand workload; and not __fish_seen_subcommand_from add set edit list show rm help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand workload; and not __fish_seen_subcommand_from add set edit list show rm help" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand workload; and not __fish_seen_subcommand_from add set edit list show rm help" -f -a "add" -d 'Add a workload (its config is validated; an invalid config is never saved)'
complete -c berth -n "__fish_berth_using_subcommand workload; and not __fish_seen_subcommand_from add set edit list show rm help" -f -a "set" -d 'Replace a workload\'s config or switch its deploy strategy'
complete -c berth -n "__fish_berth_using_subcommand workload; and not __fish_seen_subcommand_from add set edit list show rm help" -f -a "edit" -d 'Edit a workload\'s config in $VISUAL / $EDITOR'
complete -c berth -n "__fish_berth_using_subcommand workload; and not __fish_seen_subcommand_from add set edit list show rm help" -f -a "list" -d 'List workloads'
complete -c berth -n "__fish_berth_using_subcommand workload; and not __fish_seen_subcommand_from add set edit list show rm help" -f -a "show" -d 'Show one workload (env and build_args values are masked)'
complete -c berth -n "__fish_berth_using_subcommand workload; and not __fish_seen_subcommand_from add set edit list show rm help" -f -a "rm" -d 'Remove a workload'
complete -c berth -n "__fish_berth_using_subcommand workload; and not __fish_seen_subcommand_from add set edit list show rm help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from add" -l kind -d 'Kind of workload' -r -f -a "image\t''
dockerfile\t''
static\t''
compose\t''"
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from add" -l config -d 'Config file (JSON), or `-` for stdin [default: an empty config]' -r -F
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from add" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from add" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from add" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from set" -l config -d 'New config file (JSON), or `-` for stdin; replaces the whole config' -r -F
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from set" -l strategy -d 'Set `deploy_strategy`: "" (the kind\'s default), recreate or blue-green' -r
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from set" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from set" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from set" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from edit" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from edit" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from edit" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from edit" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from edit" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from edit" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from list" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from list" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from list" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from show" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from show" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from show" -l show-secrets -d 'Show env and build_args values instead of masking them'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from show" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from rm" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from rm" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from rm" -l purge -d 'Also remove a deployed workload\'s containers (or service), runtime state and nginx/Caddy route'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from rm" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a workload (its config is validated; an invalid config is never saved)'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from help" -f -a "set" -d 'Replace a workload\'s config or switch its deploy strategy'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from help" -f -a "edit" -d 'Edit a workload\'s config in $VISUAL / $EDITOR'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from help" -f -a "list" -d 'List workloads'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one workload (env and build_args values are masked)'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove a workload'
complete -c berth -n "__fish_berth_using_subcommand workload; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand validate" -l file -d 'Validate a config file (JSON, or `-` for stdin) instead of stored workloads' -r -F
complete -c berth -n "__fish_berth_using_subcommand validate" -l kind -d 'Kind of the config given with --file' -r -f -a "image\t''
dockerfile\t''
static\t''
compose\t''"
complete -c berth -n "__fish_berth_using_subcommand validate" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand validate" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand validate" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand validate" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand validate" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand validate" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand deploy" -s j -l jobs -d 'How many workloads to deploy at once' -r
complete -c berth -n "__fish_berth_using_subcommand deploy" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand deploy" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand deploy" -l all -d 'Deploy every workload'
complete -c berth -n "__fish_berth_using_subcommand deploy" -l dry-run -d 'Print the plan (strategy and why, steps, container name, route change) without touching Docker or the router'
complete -c berth -n "__fish_berth_using_subcommand deploy" -l wait -d 'Wait for another deploy of the same workload to finish instead of exiting 5'
complete -c berth -n "__fish_berth_using_subcommand deploy" -l no-adopt -d 'Fail (exit 1) instead of adopting a running container of the workload that another berth store created'
complete -c berth -n "__fish_berth_using_subcommand deploy" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand deploy" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand deploy" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand deploy" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand history" -l limit -d 'How many deploys to list' -r
complete -c berth -n "__fish_berth_using_subcommand history" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand history" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand history" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand history" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand history" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand history" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand rollback" -l to -d 'Deploy id to go back to [default: the previous successful deploy]' -r
complete -c berth -n "__fish_berth_using_subcommand rollback" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand rollback" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand rollback" -l wait -d 'Wait for another deploy of the same workload to finish instead of exiting 5'
complete -c berth -n "__fish_berth_using_subcommand rollback" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand rollback" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand rollback" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand rollback" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand status" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand status" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand status" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand status" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand status" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand status" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand reconcile" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand reconcile" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand reconcile" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand reconcile" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand reconcile" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand reconcile" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand proxy; and not __fish_seen_subcommand_from set show help" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand proxy; and not __fish_seen_subcommand_from set show help" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand proxy; and not __fish_seen_subcommand_from set show help" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand proxy; and not __fish_seen_subcommand_from set show help" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand proxy; and not __fish_seen_subcommand_from set show help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand proxy; and not __fish_seen_subcommand_from set show help" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand proxy; and not __fish_seen_subcommand_from set show help" -f -a "set" -d 'Save the router and its settings in the store (never NPM\'s password: use BERTH_NPM_PASSWORD or BERTH_NPM_TOKEN)'
complete -c berth -n "__fish_berth_using_subcommand proxy; and not __fish_seen_subcommand_from set show help" -f -a "show" -d 'Show the router and settings in effect and where each comes from'
complete -c berth -n "__fish_berth_using_subcommand proxy; and not __fish_seen_subcommand_from set show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from set" -l router -d 'Which proxy routes the domains: npm (Nginx Proxy Manager), nginx (plain nginx), caddy (admin API)' -r -f -a "npm\t'Nginx Proxy Manager, through its API (the default)'
nginx\t'Plain nginx: one berth-written server block per workload'
caddy\t'Caddy 2, through its admin API: one route per workload'"
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from set" -l nginx-dir -d 'nginx: the directory berth writes one server block per workload into (your config includes DIR/*.conf)' -r
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from set" -l nginx-conf -d 'nginx: your main config file, passed as `-c` to `nginx -T` and `nginx -s reload` [default: nginx\'s own]' -r
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from set" -l nginx-bin -d 'nginx: the nginx binary [default: nginx]' -r
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from set" -l nginx-reload -d 'nginx: a shell command that reloads nginx, e.g. "systemctl reload nginx" [default: nginx -s reload]' -r
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from set" -l nginx-listen -d 'nginx: the `listen` parameters of berth\'s server blocks [default: 80]' -r
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from set" -l caddy-admin -d 'caddy: the admin API address [default: http://127.0.0.1:2019]' -r
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from set" -l caddy-server -d 'caddy: the HTTP server (apps.http.servers NAME) that gets berth\'s routes [default: the only one]' -r
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from set" -l url -d 'NPM base URL, e.g. http://npm:81' -r
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from set" -l email -d 'NPM login email' -r
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from set" -l forward-by -d 'How NPM reaches containers: `name` (NPM in Docker on the workload network) or `ip`' -r -f -a "name\t'The container name: NPM runs in Docker on the workload\'s network'
ip\t'The container\'s IP on its network: NPM on the host, or no resolver'"
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from set" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from set" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from set" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from show" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from show" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from show" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from help" -f -a "set" -d 'Save the router and its settings in the store (never NPM\'s password: use BERTH_NPM_PASSWORD or BERTH_NPM_TOKEN)'
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show the router and settings in effect and where each comes from'
complete -c berth -n "__fish_berth_using_subcommand proxy; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand events" -l severity -d 'Which events to show' -r -f -a "all\t''
errors\t''"
complete -c berth -n "__fish_berth_using_subcommand events" -l limit -d 'How many events per page' -r
complete -c berth -n "__fish_berth_using_subcommand events" -l before -d 'Only events older than this event id (the next page)' -r
complete -c berth -n "__fish_berth_using_subcommand events" -l since -d 'Only events newer than this: 30s, 15m, 2h, 7d' -r
complete -c berth -n "__fish_berth_using_subcommand events" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand events" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand events" -l errors -d 'Only errors (same as --severity errors)'
complete -c berth -n "__fish_berth_using_subcommand events" -s f -l follow -d 'Keep printing new events as they are written, until interrupted'
complete -c berth -n "__fish_berth_using_subcommand events" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand events" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand events" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand events" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand logs" -l since -d 'Only lines newer than this: 30s, 10m, 2h, 7d' -r
complete -c berth -n "__fish_berth_using_subcommand logs" -s n -l tail -d 'Only the last N lines' -r
complete -c berth -n "__fish_berth_using_subcommand logs" -l service -d 'Compose workloads: this service instead of the routed one' -r
complete -c berth -n "__fish_berth_using_subcommand logs" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand logs" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand logs" -s f -l follow -d 'Keep printing new lines; follows the workload to its next container when a deploy replaces it'
complete -c berth -n "__fish_berth_using_subcommand logs" -s t -l timestamps -d 'Show Docker\'s timestamp (RFC 3339, UTC) in front of each line'
complete -c berth -n "__fish_berth_using_subcommand logs" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand logs" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand logs" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand logs" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand exec" -l service -d 'Compose workloads: this service instead of the routed one' -r
complete -c berth -n "__fish_berth_using_subcommand exec" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand exec" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand exec" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand exec" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand exec" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand exec" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand webhook; and not __fish_seen_subcommand_from add list rm help" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand webhook; and not __fish_seen_subcommand_from add list rm help" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand webhook; and not __fish_seen_subcommand_from add list rm help" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand webhook; and not __fish_seen_subcommand_from add list rm help" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand webhook; and not __fish_seen_subcommand_from add list rm help" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand webhook; and not __fish_seen_subcommand_from add list rm help" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand webhook; and not __fish_seen_subcommand_from add list rm help" -f -a "add" -d 'Add a webhook: matching events are POSTed as JSON'
complete -c berth -n "__fish_berth_using_subcommand webhook; and not __fish_seen_subcommand_from add list rm help" -f -a "list" -d 'List webhooks (credentials in URLs are masked)'
complete -c berth -n "__fish_berth_using_subcommand webhook; and not __fish_seen_subcommand_from add list rm help" -f -a "rm" -d 'Remove a webhook'
complete -c berth -n "__fish_berth_using_subcommand webhook; and not __fish_seen_subcommand_from add list rm help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from add" -l on -d 'Only these actions (repeatable), e.g. --on deploy.failed [default: every action]' -r
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from add" -l workload -d 'Only events of this workload' -r
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from add" -l secret-env -d 'Sign bodies with the secret in this environment variable (X-Berth-Signature-256)' -r
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from add" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from add" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from add" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from list" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from list" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from list" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from rm" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from rm" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from rm" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a webhook: matching events are POSTed as JSON'
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from help" -f -a "list" -d 'List webhooks (credentials in URLs are masked)'
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove a webhook'
complete -c berth -n "__fish_berth_using_subcommand webhook; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand completions" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand completions" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand completions" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand completions" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand completions" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand completions" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand man" -l db -d 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]' -r -F
complete -c berth -n "__fish_berth_using_subcommand man" -l output -d 'Output format: `human` for people, `json` for pipelines (one document per command)' -r -f -a "human\t''
json\t''"
complete -c berth -n "__fish_berth_using_subcommand man" -s q -l quiet -d 'Print only data and errors, no status lines'
complete -c berth -n "__fish_berth_using_subcommand man" -l no-color -d 'Never color output (NO_COLOR is honoured too)'
complete -c berth -n "__fish_berth_using_subcommand man" -s h -l help -d 'Print help'
complete -c berth -n "__fish_berth_using_subcommand man" -s V -l version -d 'Print version'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from workload validate deploy history rollback status reconcile proxy events logs exec webhook completions man help" -f -a "workload" -d 'Add, change, list, show and remove workloads'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from workload validate deploy history rollback status reconcile proxy events logs exec webhook completions man help" -f -a "validate" -d 'Check workload configs without saving or deploying anything'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from workload validate deploy history rollback status reconcile proxy events logs exec webhook completions man help" -f -a "deploy" -d 'Deploy workloads: prepare, start, gate, route, persist, reap'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from workload validate deploy history rollback status reconcile proxy events logs exec webhook completions man help" -f -a "history" -d 'List a workload\'s deploys, newest first'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from workload validate deploy history rollback status reconcile proxy events logs exec webhook completions man help" -f -a "rollback" -d 'Redeploy an earlier artifact with the current config'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from workload validate deploy history rollback status reconcile proxy events logs exec webhook completions man help" -f -a "status" -d 'Show what is deployed and whether it is running'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from workload validate deploy history rollback status reconcile proxy events logs exec webhook completions man help" -f -a "reconcile" -d 'Repair what an interrupted deploy left behind'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from workload validate deploy history rollback status reconcile proxy events logs exec webhook completions man help" -f -a "proxy" -d 'Configure the router (Nginx Proxy Manager, nginx or Caddy) that routes workload domains'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from workload validate deploy history rollback status reconcile proxy events logs exec webhook completions man help" -f -a "events" -d 'Show the event history, newest first'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from workload validate deploy history rollback status reconcile proxy events logs exec webhook completions man help" -f -a "logs" -d 'Print the live container\'s logs (stdout and stderr kept apart; NDJSON with --output json)'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from workload validate deploy history rollback status reconcile proxy events logs exec webhook completions man help" -f -a "exec" -d 'Run a command in the live container; its exit code becomes berth\'s'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from workload validate deploy history rollback status reconcile proxy events logs exec webhook completions man help" -f -a "webhook" -d 'POST matching events to a URL'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from workload validate deploy history rollback status reconcile proxy events logs exec webhook completions man help" -f -a "completions" -d 'Print a shell completion script'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from workload validate deploy history rollback status reconcile proxy events logs exec webhook completions man help" -f -a "man" -d 'Print the berth(1) man page'
complete -c berth -n "__fish_berth_using_subcommand help; and not __fish_seen_subcommand_from workload validate deploy history rollback status reconcile proxy events logs exec webhook completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from workload" -f -a "add" -d 'Add a workload (its config is validated; an invalid config is never saved)'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from workload" -f -a "set" -d 'Replace a workload\'s config or switch its deploy strategy'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from workload" -f -a "edit" -d 'Edit a workload\'s config in $VISUAL / $EDITOR'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from workload" -f -a "list" -d 'List workloads'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from workload" -f -a "show" -d 'Show one workload (env and build_args values are masked)'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from workload" -f -a "rm" -d 'Remove a workload'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from proxy" -f -a "set" -d 'Save the router and its settings in the store (never NPM\'s password: use BERTH_NPM_PASSWORD or BERTH_NPM_TOKEN)'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from proxy" -f -a "show" -d 'Show the router and settings in effect and where each comes from'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from webhook" -f -a "add" -d 'Add a webhook: matching events are POSTed as JSON'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from webhook" -f -a "list" -d 'List webhooks (credentials in URLs are masked)'
complete -c berth -n "__fish_berth_using_subcommand help; and __fish_seen_subcommand_from webhook" -f -a "rm" -d 'Remove a webhook'

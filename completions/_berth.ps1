
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'berth' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'berth'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'berth' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('workload', 'workload', [CompletionResultType]::ParameterValue, 'Add, change, list, show and remove workloads')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check workload configs without saving or deploying anything')
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Deploy workloads: prepare, start, gate, route, persist, reap')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'List a workload''s deploys, newest first')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Redeploy an earlier artifact with the current config')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show what is deployed and whether it is running')
            [CompletionResult]::new('reconcile', 'reconcile', [CompletionResultType]::ParameterValue, 'Repair what an interrupted deploy left behind')
            [CompletionResult]::new('proxy', 'proxy', [CompletionResultType]::ParameterValue, 'Configure the router (Nginx Proxy Manager, nginx or Caddy) that routes workload domains')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'Show the event history, newest first')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print the live container''s logs (stdout and stderr kept apart; NDJSON with --output json)')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command in the live container; its exit code becomes berth''s')
            [CompletionResult]::new('webhook', 'webhook', [CompletionResultType]::ParameterValue, 'POST matching events to a URL')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the berth(1) man page')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'berth;workload' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a workload (its config is validated; an invalid config is never saved)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Replace a workload''s config or switch its deploy strategy')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Edit a workload''s config in $VISUAL / $EDITOR')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List workloads')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one workload (env and build_args values are masked)')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a workload')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'berth;workload;add' {
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'Kind of workload')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (JSON), or `-` for stdin [default: an empty config]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'berth;workload;set' {
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'New config file (JSON), or `-` for stdin; replaces the whole config')
            [CompletionResult]::new('--strategy', '--strategy', [CompletionResultType]::ParameterName, 'Set `deploy_strategy`: "" (the kind''s default), recreate or blue-green')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'berth;workload;edit' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'berth;workload;list' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'berth;workload;show' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Show env and build_args values instead of masking them')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'berth;workload;rm' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('--purge', '--purge', [CompletionResultType]::ParameterName, 'Also remove a deployed workload''s containers (or service), runtime state and nginx/Caddy route')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'berth;workload;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a workload (its config is validated; an invalid config is never saved)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Replace a workload''s config or switch its deploy strategy')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Edit a workload''s config in $VISUAL / $EDITOR')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List workloads')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one workload (env and build_args values are masked)')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a workload')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'berth;workload;help;add' {
            break
        }
        'berth;workload;help;set' {
            break
        }
        'berth;workload;help;edit' {
            break
        }
        'berth;workload;help;list' {
            break
        }
        'berth;workload;help;show' {
            break
        }
        'berth;workload;help;rm' {
            break
        }
        'berth;workload;help;help' {
            break
        }
        'berth;validate' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Validate a config file (JSON, or `-` for stdin) instead of stored workloads')
            [CompletionResult]::new('--kind', '--kind', [CompletionResultType]::ParameterName, 'Kind of the config given with --file')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'berth;deploy' {
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'How many workloads to deploy at once')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'How many workloads to deploy at once')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Deploy every workload')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan (strategy and why, steps, container name, route change) without touching Docker or the router')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait for another deploy of the same workload to finish instead of exiting 5')
            [CompletionResult]::new('--no-adopt', '--no-adopt', [CompletionResultType]::ParameterName, 'Fail (exit 1) instead of adopting a running container of the workload that another berth store created')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'berth;history' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'How many deploys to list')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'berth;rollback' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Deploy id to go back to [default: the previous successful deploy]')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait for another deploy of the same workload to finish instead of exiting 5')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'berth;status' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'berth;reconcile' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'berth;proxy' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Save the router and its settings in the store (never NPM''s password: use BERTH_NPM_PASSWORD or BERTH_NPM_TOKEN)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the router and settings in effect and where each comes from')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'berth;proxy;set' {
            [CompletionResult]::new('--router', '--router', [CompletionResultType]::ParameterName, 'Which proxy routes the domains: npm (Nginx Proxy Manager), nginx (plain nginx), caddy (admin API)')
            [CompletionResult]::new('--nginx-dir', '--nginx-dir', [CompletionResultType]::ParameterName, 'nginx: the directory berth writes one server block per workload into (your config includes DIR/*.conf)')
            [CompletionResult]::new('--nginx-conf', '--nginx-conf', [CompletionResultType]::ParameterName, 'nginx: your main config file, passed as `-c` to `nginx -T` and `nginx -s reload` [default: nginx''s own]')
            [CompletionResult]::new('--nginx-bin', '--nginx-bin', [CompletionResultType]::ParameterName, 'nginx: the nginx binary [default: nginx]')
            [CompletionResult]::new('--nginx-reload', '--nginx-reload', [CompletionResultType]::ParameterName, 'nginx: a shell command that reloads nginx, e.g. "systemctl reload nginx" [default: nginx -s reload]')
            [CompletionResult]::new('--nginx-listen', '--nginx-listen', [CompletionResultType]::ParameterName, 'nginx: the `listen` parameters of berth''s server blocks [default: 80]')
            [CompletionResult]::new('--caddy-admin', '--caddy-admin', [CompletionResultType]::ParameterName, 'caddy: the admin API address [default: http://127.0.0.1:2019]')
            [CompletionResult]::new('--caddy-server', '--caddy-server', [CompletionResultType]::ParameterName, 'caddy: the HTTP server (apps.http.servers NAME) that gets berth''s routes [default: the only one]')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'NPM base URL, e.g. http://npm:81')
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'NPM login email')
            [CompletionResult]::new('--forward-by', '--forward-by', [CompletionResultType]::ParameterName, 'How NPM reaches containers: `name` (NPM in Docker on the workload network) or `ip`')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'berth;proxy;show' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'berth;proxy;help' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Save the router and its settings in the store (never NPM''s password: use BERTH_NPM_PASSWORD or BERTH_NPM_TOKEN)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the router and settings in effect and where each comes from')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'berth;proxy;help;set' {
            break
        }
        'berth;proxy;help;show' {
            break
        }
        'berth;proxy;help;help' {
            break
        }
        'berth;events' {
            [CompletionResult]::new('--severity', '--severity', [CompletionResultType]::ParameterName, 'Which events to show')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'How many events per page')
            [CompletionResult]::new('--before', '--before', [CompletionResultType]::ParameterName, 'Only events older than this event id (the next page)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only events newer than this: 30s, 15m, 2h, 7d')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('--errors', '--errors', [CompletionResultType]::ParameterName, 'Only errors (same as --severity errors)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep printing new events as they are written, until interrupted')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing new events as they are written, until interrupted')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'berth;logs' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only lines newer than this: 30s, 10m, 2h, 7d')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Only the last N lines')
            [CompletionResult]::new('--tail', '--tail', [CompletionResultType]::ParameterName, 'Only the last N lines')
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Compose workloads: this service instead of the routed one')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep printing new lines; follows the workload to its next container when a deploy replaces it')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep printing new lines; follows the workload to its next container when a deploy replaces it')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'Show Docker''s timestamp (RFC 3339, UTC) in front of each line')
            [CompletionResult]::new('--timestamps', '--timestamps', [CompletionResultType]::ParameterName, 'Show Docker''s timestamp (RFC 3339, UTC) in front of each line')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'berth;exec' {
            [CompletionResult]::new('--service', '--service', [CompletionResultType]::ParameterName, 'Compose workloads: this service instead of the routed one')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'berth;webhook' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a webhook: matching events are POSTed as JSON')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List webhooks (credentials in URLs are masked)')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a webhook')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'berth;webhook;add' {
            [CompletionResult]::new('--on', '--on', [CompletionResultType]::ParameterName, 'Only these actions (repeatable), e.g. --on deploy.failed [default: every action]')
            [CompletionResult]::new('--workload', '--workload', [CompletionResultType]::ParameterName, 'Only events of this workload')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Sign bodies with the secret in this environment variable (X-Berth-Signature-256)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'berth;webhook;list' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'berth;webhook;rm' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'berth;webhook;help' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a webhook: matching events are POSTed as JSON')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List webhooks (credentials in URLs are masked)')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a webhook')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'berth;webhook;help;add' {
            break
        }
        'berth;webhook;help;list' {
            break
        }
        'berth;webhook;help;rm' {
            break
        }
        'berth;webhook;help;help' {
            break
        }
        'berth;completions' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'berth;man' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'Path of the store [default: $XDG_DATA_HOME/berth/berth.db]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: `human` for people, `json` for pipelines (one document per command)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors, no status lines')
            [CompletionResult]::new('--no-color', '--no-color', [CompletionResultType]::ParameterName, 'Never color output (NO_COLOR is honoured too)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'berth;help' {
            [CompletionResult]::new('workload', 'workload', [CompletionResultType]::ParameterValue, 'Add, change, list, show and remove workloads')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Check workload configs without saving or deploying anything')
            [CompletionResult]::new('deploy', 'deploy', [CompletionResultType]::ParameterValue, 'Deploy workloads: prepare, start, gate, route, persist, reap')
            [CompletionResult]::new('history', 'history', [CompletionResultType]::ParameterValue, 'List a workload''s deploys, newest first')
            [CompletionResult]::new('rollback', 'rollback', [CompletionResultType]::ParameterValue, 'Redeploy an earlier artifact with the current config')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show what is deployed and whether it is running')
            [CompletionResult]::new('reconcile', 'reconcile', [CompletionResultType]::ParameterValue, 'Repair what an interrupted deploy left behind')
            [CompletionResult]::new('proxy', 'proxy', [CompletionResultType]::ParameterValue, 'Configure the router (Nginx Proxy Manager, nginx or Caddy) that routes workload domains')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'Show the event history, newest first')
            [CompletionResult]::new('logs', 'logs', [CompletionResultType]::ParameterValue, 'Print the live container''s logs (stdout and stderr kept apart; NDJSON with --output json)')
            [CompletionResult]::new('exec', 'exec', [CompletionResultType]::ParameterValue, 'Run a command in the live container; its exit code becomes berth''s')
            [CompletionResult]::new('webhook', 'webhook', [CompletionResultType]::ParameterValue, 'POST matching events to a URL')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the berth(1) man page')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'berth;help;workload' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a workload (its config is validated; an invalid config is never saved)')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Replace a workload''s config or switch its deploy strategy')
            [CompletionResult]::new('edit', 'edit', [CompletionResultType]::ParameterValue, 'Edit a workload''s config in $VISUAL / $EDITOR')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List workloads')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one workload (env and build_args values are masked)')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a workload')
            break
        }
        'berth;help;workload;add' {
            break
        }
        'berth;help;workload;set' {
            break
        }
        'berth;help;workload;edit' {
            break
        }
        'berth;help;workload;list' {
            break
        }
        'berth;help;workload;show' {
            break
        }
        'berth;help;workload;rm' {
            break
        }
        'berth;help;validate' {
            break
        }
        'berth;help;deploy' {
            break
        }
        'berth;help;history' {
            break
        }
        'berth;help;rollback' {
            break
        }
        'berth;help;status' {
            break
        }
        'berth;help;reconcile' {
            break
        }
        'berth;help;proxy' {
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Save the router and its settings in the store (never NPM''s password: use BERTH_NPM_PASSWORD or BERTH_NPM_TOKEN)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the router and settings in effect and where each comes from')
            break
        }
        'berth;help;proxy;set' {
            break
        }
        'berth;help;proxy;show' {
            break
        }
        'berth;help;events' {
            break
        }
        'berth;help;logs' {
            break
        }
        'berth;help;exec' {
            break
        }
        'berth;help;webhook' {
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Add a webhook: matching events are POSTed as JSON')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List webhooks (credentials in URLs are masked)')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove a webhook')
            break
        }
        'berth;help;webhook;add' {
            break
        }
        'berth;help;webhook;list' {
            break
        }
        'berth;help;webhook;rm' {
            break
        }
        'berth;help;completions' {
            break
        }
        'berth;help;man' {
            break
        }
        'berth;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}

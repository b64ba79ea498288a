# fish completion for irqctl (installed to fish's vendor_completions.d). Completes subcommands,
# their options and values, device names and IRQ numbers from the daemon (when it answers),
# rx-N/tx-N queue names and napi's NAME=VALUE settings, as irqctl.bash does.

function __irqctl_json_field
    # $argv[1]: irqctl subcommand, $argv[2]: key whose values to list (from --json, without jq)
    irqctl --timeout 2 $argv[1] --json 2>/dev/null | sed -n "s/^ *\"$argv[2]\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}\$/\1/p"
end

function __irqctl_queues
    irqctl --timeout 2 devices --json 2>/dev/null | sed -n 's/^ *"queue": "\([rt]x-[0-9]*\)",\{0,1\}$/\1/p' | sort -u
end

# The positional arguments after the subcommand (options and their values left out).
function __irqctl_args
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l out
    set -l skip 0
    for t in $tokens
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $t
            case --address --timeout --interval --iterations --irqs --size --sort --node --device --root
                set skip 1
            case '-*'
            case '*'
                set out $out $t
        end
    end
    printf '%s\n' $out
end

# True when the subcommand is $argv[1] and $argv[2] positional arguments follow it.
function __irqctl_at
    set -l args (__irqctl_args)
    test (count $args) -ge 1; and test $args[1] = $argv[1]; and test (count $args) -eq (math $argv[2] + 1)
end

set -l commands status irqs devices plan overrides config pin unpin pin-queue unpin-queue ban unban policy napi rebalance reload top metrics
complete -c irqctl -f
complete -c irqctl -n "not __fish_seen_subcommand_from $commands" -l address -r -d 'D-Bus address of the bus irqd is on'
complete -c irqctl -n "not __fish_seen_subcommand_from $commands" -l timeout -x -d 'Seconds to wait for each answer'
complete -c irqctl -l json -d 'JSON for scripts'
complete -c irqctl -l help -d 'Show help'
complete -c irqctl -n "not __fish_seen_subcommand_from $commands" -l version -d 'Show the version'

# The subcommands with their descriptions, one a line (name, tab, description).
function __irqctl_commands
    printf '%s\t%s\n' \
        status 'The daemon at a glance' \
        irqs 'Every IRQ irqd knows' \
        devices 'The NICs irqd manages' \
        plan 'What the next cycle would change' \
        overrides 'Pins and bans by origin, run-time overrides' \
        config 'The configuration in effect' \
        pin '(root) Pin an IRQ to CPUs' \
        unpin '(root) Drop an IRQ pin' \
        pin-queue '(root) Pin a queue to CPUs' \
        unpin-queue '(root) Drop a queue pin' \
        ban '(root) Keep IRQs off CPUs' \
        unban '(root) Lift run-time bans' \
        policy 'Show or (root) set the policy of a device' \
        napi 'Show or (root) set NAPI settings' \
        rebalance '(root) Run a cycle now' \
        reload '(root) Re-read the configuration' \
        top 'Live view of interrupt load per CPU' \
        metrics 'Prometheus text format' \
        history 'The last changes irqd made, with their reasons' \
        explain 'Where an IRQ is, where the plan wants it, and why'
end
complete -c irqctl -n "not __fish_seen_subcommand_from $commands" -a '(__irqctl_commands)'

complete -c irqctl -n '__irqctl_at pin 0; or __irqctl_at unpin 0' -a '(__irqctl_json_field irqs irq)' -d IRQ
complete -c irqctl -n '__irqctl_at pin-queue 0; or __irqctl_at unpin-queue 0; or __irqctl_at policy 0; or __irqctl_at napi 0' -a '(__irqctl_json_field devices name)' -d device
complete -c irqctl -n '__irqctl_at pin-queue 1; or __irqctl_at unpin-queue 1' -a '(__irqctl_queues)' -d queue
complete -c irqctl -n '__irqctl_at policy 1' -a 'spread balanced' -d policy
complete -c irqctl -n '__fish_seen_subcommand_from policy napi' -l reset -d 'Back to the default'
complete -c irqctl -n '__fish_seen_subcommand_from napi; and not __irqctl_at napi 0' -a 'threaded=keep threaded=on threaded=off thread_cpus=sibling thread_cpus=same-cpu thread_cpus=same-core thread_cpus=same-l3 defer_hard_irqs= gro_flush_timeout= irq_suspend_timeout=' -d setting

complete -c irqctl -n '__fish_seen_subcommand_from top' -l once -d 'Print one frame and exit'
complete -c irqctl -n '__fish_seen_subcommand_from top' -l iterations -x -d 'Print N frames'
complete -c irqctl -n '__fish_seen_subcommand_from top' -l interval -x -d 'Seconds between refreshes'
complete -c irqctl -n '__fish_seen_subcommand_from top' -l irqs -x -d 'Busiest IRQs listed'
complete -c irqctl -n '__fish_seen_subcommand_from top' -l size -x -a '80x24 200x50' -d 'COLSxROWS of plain frames'
complete -c irqctl -n '__fish_seen_subcommand_from top' -l sort -x -a 'load rate cpu' -d 'Order of the CPU lines'
complete -c irqctl -n '__fish_seen_subcommand_from top' -l node -x -d 'Only this NUMA node'
complete -c irqctl -n '__fish_seen_subcommand_from top' -l device -x -a '(__irqctl_json_field devices name)' -d 'Only this device'
complete -c irqctl -n '__fish_seen_subcommand_from history' -l irq -x -a '(__irqctl_json_field irqs irq)' -d 'Only this IRQ'
complete -c irqctl -n '__fish_seen_subcommand_from history' -l device -x -a '(__irqctl_json_field devices name)' -d 'Only this device'
complete -c irqctl -n '__fish_seen_subcommand_from history' -l limit -x -d 'The last N changes'
complete -c irqctl -n '__irqctl_at explain 0' -a '(__irqctl_json_field irqs irq)' -d IRQ
complete -c irqctl -n '__fish_seen_subcommand_from top metrics' -l root -x -a '(__fish_complete_directories)' -d 'Topology under DIR for an older daemon'

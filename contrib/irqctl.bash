# bash completion for irqctl (installed to bash-completion's completions directory).
# Completes subcommands, their options, device names (from `irqctl devices --json`, when the
# daemon answers), IRQ numbers (from `irqctl irqs --json`), rx-N/tx-N queue names and napi's
# NAME=VALUE settings.

_irqctl_json_field() {
    # $1: irqctl subcommand, $2: jq-less extraction pattern for "key": value
    irqctl --timeout 2 "$1" --json 2>/dev/null | sed -n "s/^ *\"$2\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p"
}

_irqctl_devices() { _irqctl_json_field devices name; }
_irqctl_irqs() { _irqctl_json_field irqs irq; }

# Queue names of every device (the JSON is not parsed per device without jq; the daemon checks).
_irqctl_queues() {
    irqctl --timeout 2 devices --json 2>/dev/null |
        sed -n 's/^ *"queue": "\([rt]x-[0-9]*\)",\{0,1\}$/\1/p' | sort -u
}

_irqctl() {
    local cur prev words cword
    # '=' does not split a word: napi's settings are NAME=VALUE.
    if declare -F _init_completion >/dev/null; then
        _init_completion -n = || return
    else  # works without the bash-completion package too
        local line=${COMP_LINE:0:COMP_POINT}
        read -ra words <<<"$line"
        [[ $line == *[[:space:]] ]] && words+=("")
        cword=$((${#words[@]} - 1))
        cur=${words[cword]}
        prev=${words[cword - 1]}
    fi

    local commands="status irqs devices plan history explain overrides config pin unpin pin-queue
        unpin-queue ban unban policy napi rebalance reload top metrics"
    local global_opts="--address --timeout --json --help --version"

    # Find the subcommand and the positional index after it.
    local cmd="" i arg=0
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            --address | --timeout | --irq | --device | --limit) ((i++)) ;;
            -*) ;;
            *)
                if [[ -z $cmd ]]; then
                    cmd=${words[i]}
                else
                    ((arg++))
                fi
                ;;
        esac
    done

    case $prev in
        --address) COMPREPLY=($(compgen -W "unix:path=/run/dbus/system_bus_socket" -- "$cur")); return ;;
        --timeout | --interval | --iterations | --irqs | --node | --limit) return ;;
        --size) COMPREPLY=($(compgen -W "80x24 200x50" -- "$cur")); return ;;
        --sort) COMPREPLY=($(compgen -W "load rate cpu" -- "$cur")); return ;;
        --irq) COMPREPLY=($(compgen -W "$(_irqctl_irqs)" -- "$cur")); return ;;
        --device) COMPREPLY=($(compgen -W "$(_irqctl_devices)" -- "$cur")); return ;;
        --root) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    esac

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$global_opts" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        fi
        return
    fi

    if [[ $cur == -* ]]; then
        local opts="--help --json"
        case $cmd in
            top) opts+=" --once --iterations --interval --irqs --size --sort --node --device --root" ;;
            metrics) opts+=" --root" ;;
            history) opts+=" --irq --device --limit" ;;
            policy | napi) opts+=" --reset" ;;
        esac
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi

    case $cmd in
        pin | unpin | explain)
            [[ $arg -eq 0 ]] && COMPREPLY=($(compgen -W "$(_irqctl_irqs)" -- "$cur")) ;;
        pin-queue | unpin-queue)
            case $arg in
                0) COMPREPLY=($(compgen -W "$(_irqctl_devices)" -- "$cur")) ;;
                1) COMPREPLY=($(compgen -W "$(_irqctl_queues)" -- "$cur")) ;;
            esac
            ;;
        policy)
            case $arg in
                0) COMPREPLY=($(compgen -W "$(_irqctl_devices)" -- "$cur")) ;;
                1) COMPREPLY=($(compgen -W "spread balanced" -- "$cur")) ;;
            esac
            ;;
        napi)
            if [[ $arg -eq 0 ]]; then
                COMPREPLY=($(compgen -W "$(_irqctl_devices)" -- "$cur"))
            elif [[ $cur == *=* ]]; then
                local name=${cur%%=*} values="default"
                case $name in
                    threaded) values+=" keep on off" ;;
                    thread_cpus) values+=" sibling same-cpu same-core same-l3" ;;
                esac
                # readline's word starts after the '=' when '=' breaks words (the default).
                local prefix="$name="
                [[ $COMP_WORDBREAKS == *=* ]] && prefix=""
                COMPREPLY=($(compgen -P "$prefix" -W "$values" -- "${cur#*=}"))
            else
                compopt -o nospace 2>/dev/null
                COMPREPLY=($(compgen -W "threaded= thread_cpus= defer_hard_irqs= gro_flush_timeout=
                    irq_suspend_timeout=" -- "$cur"))
            fi
            ;;
    esac
}
complete -F _irqctl irqctl

#compdef irqctl
# zsh completion for irqctl (installed as _irqctl in zsh's vendor-completions). Completes
# subcommands, their options and values, device names and IRQ numbers from the daemon (when it
# answers), rx-N/tx-N queue names and napi's NAME=VALUE settings, as irqctl.bash does.

_irqctl_json_field() {
  # $1: irqctl subcommand, $2: key whose values to list (from --json, without jq)
  irqctl --timeout 2 "$1" --json 2>/dev/null |
    sed -n "s/^ *\"$2\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p"
}
_irqctl_devices() { local -a d; d=(${(f)"$(_irqctl_json_field devices name)"}); _describe device d; }
_irqctl_irqs() { local -a i; i=(${(f)"$(_irqctl_json_field irqs irq)"}); _describe IRQ i; }
_irqctl_queues() {
  local -a q
  q=(${(f)"$(irqctl --timeout 2 devices --json 2>/dev/null |
    sed -n 's/^ *"queue": "\([rt]x-[0-9]*\)",\{0,1\}$/\1/p' | sort -u)"})
  _describe queue q
}
_irqctl_napi_settings() {
  local -a s
  s=('threaded=:keep on off default' 'thread_cpus=:sibling same-cpu same-core same-l3 default'
     'defer_hard_irqs=:count or default' 'gro_flush_timeout=:nanoseconds or default'
     'irq_suspend_timeout=:nanoseconds or default')
  if compset -P 'threaded='; then _values value keep on off default
  elif compset -P 'thread_cpus='; then _values value sibling same-cpu same-core same-l3 default
  elif compset -P '*='; then _message 'a number, or default'
  else _describe -S '' setting s
  fi
}

_irqctl() {
  local curcontext=$curcontext state line ret=1
  local -A opt_args
  local -a commands
  commands=(
    'status:the daemon at a glance'
    'irqs:every IRQ irqd knows'
    'devices:the NICs irqd manages and their queues'
    'plan:what the next cycle would change'
    'overrides:pins and bans by origin, run-time overrides'
    'config:the configuration in effect'
    'pin:(root) pin an IRQ to CPUs'
    'unpin:(root) drop an IRQ pin'
    'pin-queue:(root) pin a queue RPS/XPS to CPUs'
    'unpin-queue:(root) drop a queue pin'
    'ban:(root) keep IRQs off CPUs'
    'unban:(root) lift run-time bans'
    'policy:show or (root) set the policy of a device'
    'napi:show or (root) set the NAPI settings of a device'
    'rebalance:(root) run a cycle now'
    'reload:(root) re-read the configuration'
    'top:live view of interrupt load per CPU'
    'metrics:Prometheus text format'
    'history:the last changes irqd made, with their reasons'
    'explain:where an IRQ is, where the plan wants it, and why'
  )
  _arguments -C \
    '--address[D-Bus address of the bus irqd is on]:address:(unix\:path=/run/dbus/system_bus_socket)' \
    '--timeout[seconds to wait for each answer]:seconds' \
    '--json[JSON for scripts]' \
    '(- *)--help[show help]' \
    '(- *)--version[show the version]' \
    '1:command:->command' \
    '*::argument:->argument' && ret=0
  case $state in
    command) _describe command commands && ret=0 ;;
    argument)
      case $words[1] in
        pin) _arguments '--json' '--help' '1:IRQ:_irqctl_irqs' '2:cpulist' && ret=0 ;;
        unpin) _arguments '--json' '--help' '1:IRQ:_irqctl_irqs' && ret=0 ;;
        pin-queue) _arguments '--json' '--help' '1:device:_irqctl_devices' '2:queue:_irqctl_queues' '3:cpulist' && ret=0 ;;
        unpin-queue) _arguments '--json' '--help' '1:device:_irqctl_devices' '2:queue:_irqctl_queues' && ret=0 ;;
        ban|unban) _arguments '--json' '--help' '1:cpulist' && ret=0 ;;
        policy) _arguments '--json' '--help' '--reset[back to the default policy]' '1:device:_irqctl_devices' '2:policy:(spread balanced)' && ret=0 ;;
        napi) _arguments '--json' '--help' '--reset[drop every run-time NAPI setting]' '1:device:_irqctl_devices' '*:setting:_irqctl_napi_settings' && ret=0 ;;
        top)
          _arguments '--json' '--help' \
            '--once[print one frame and exit]' \
            '--iterations[print N frames]:N' \
            '--interval[seconds between refreshes]:seconds' \
            '--irqs[busiest IRQs listed]:N' \
            '--size[COLSxROWS of plain frames]:size:(80x24 200x50)' \
            '--sort[order of the CPU lines]:order:(load rate cpu)' \
            '--node[only this NUMA node]:node' \
            '--device[only this device]:device:_irqctl_devices' \
            '--root[topology under DIR for an older daemon]:directory:_files -/' && ret=0 ;;
        metrics) _arguments '--json' '--help' '--root[topology under DIR for an older daemon]:directory:_files -/' && ret=0 ;;
        history) _arguments '--json' '--help' '--irq[only this IRQ]:IRQ:_irqctl_irqs' '--device[only this device]:device:_irqctl_devices' '--limit[the last N changes]:N' && ret=0 ;;
        explain) _arguments '--json' '--help' '1:IRQ:_irqctl_irqs' && ret=0 ;;
        *) _arguments '--json' '--help' && ret=0 ;;
      esac
      ;;
  esac
  return ret
}

_irqctl "$@"

# SPDX-License-Identifier: MIT
# bash completion for tessera(1): commands, each command's options, trees
# (.dts/.dtb), logs, files and directories where they are expected.
_tessera()
{
    local cur prev cmd
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    if ((COMP_CWORD == 1)); then
        mapfile -t COMPREPLY < <(compgen -W "check esp image run timeline --help --version --paths" -- "$cur")
        return
    fi
    cmd=${COMP_WORDS[1]}
    if [[ $prev == -o || $prev == --output ]]; then
        # esp -o DIR, image -o IMAGE, timeline -o SVG
        if [[ $cmd == esp ]]; then mapfile -t COMPREPLY < <(compgen -d -- "$cur")
        else mapfile -t COMPREPLY < <(compgen -f -- "$cur"); fi
        return
    fi
    case $prev in
        --module-path|--log-dir)
            mapfile -t COMPREPLY < <(compgen -d -- "$cur"); return ;;
        --loader|--hypervisor|--log|--grub-module)
            mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return ;;
        --cpus|--mem|--ram-map|--smp|--timeout|--size)
            return ;;
    esac
    local opts
    case $cmd in
        check) opts="--cpus --mem --ram-map --module-path --grub-module --json --quiet --help" ;;
        esp) opts="--output --loader --hypervisor --module-path --cpus --mem --help" ;;
        image) opts="--output --grub --size --loader --hypervisor --module-path --cpus --mem --help" ;;
        timeline) opts="--output --help" ;;
        run) opts="--smp --mem --timeout --log --log-dir --loader --hypervisor --module-path --help" ;;
        *) return ;;
    esac
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
    else
        compopt -o filenames 2>/dev/null
        if [[ $cmd == timeline ]]; then
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        else
            mapfile -t COMPREPLY < <(compgen -f -X '!*.@(dts|dtb)' -- "$cur"; compgen -d -- "$cur")
        fi
    fi
}
complete -F _tessera tessera

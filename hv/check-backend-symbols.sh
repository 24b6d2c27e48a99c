#!/bin/sh
# Fails if an object outside a virtualisation back-end's directory
# (hv/arch/x86/<name>/) defines or references one of its symbols (<name>_*):
# common code and hvm/ reach a back-end only through its struct hvm_backend
# (docs/architecture.md, "Virtualization back-ends and domain types").
# Usage: check-backend-symbols.sh NM OBJECT...
backends="svm vmx"
nm=$1
shift
status=0
for obj in "$@"; do
    syms=$("$nm" "$obj" | awk '{ print $NF }')
    for be in $backends; do
        case $obj in
        */arch/x86/$be/*) continue ;;
        esac
        found=$(printf '%s\n' "$syms" | grep "^${be}_" | tr '\n' ' ')
        if [ -n "$found" ]; then
            echo "$obj: $be back-end symbols outside $be/: $found"
            status=1
        fi
    done
done
[ $status -eq 0 ] && echo "no back-end symbol outside its directory ($# objects)"
exit $status

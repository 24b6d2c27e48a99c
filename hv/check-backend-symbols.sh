#!/bin/sh
# Fails if an object outside a virtualisation back-end's directory defines or
# references one of its symbols (svm_*): common code and hvm/ reach a
# back-end only through its struct hvm_backend (docs/architecture.md).
# Usage: check-backend-symbols.sh NM OBJECT...
nm=$1
shift
status=0
for obj in "$@"; do
    case $obj in
    */arch/x86/svm/*) continue ;;
    esac
    found=$("$nm" "$obj" | awk '$NF ~ /^svm_/ { print $NF }')
    if [ -n "$found" ]; then
        echo "$obj: SVM back-end symbols outside svm/: $found"
        status=1
    fi
done
[ $status -eq 0 ] && echo "no back-end symbol outside its directory ($# objects)"
exit $status

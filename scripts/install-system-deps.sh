#!/usr/bin/env bash
# Install the system programs kaoping's test suite and benchmarks need on Debian 12 (bookworm):
#
#   libreoffice-writer-nogui  soffice, to convert the generated .docx memos to PDF in tests
#   fonts-noto-cjk            CJK fonts, so the Chinese text in those PDFs is rendered (and extractable)
#   postgresql                initdb / pg_ctl for the throwaway test clusters of (tests/support/postgres.py)
#   wrk                       HTTP load generator used by bench/
#   chromium, chromium-driver headless Chromium and its WebDriver, for the browser tests of the pages (tests/web)
#
# Idempotent: when every package is already installed it does nothing (pass --force to run apt anyway).
# It never starts a service: package post-install scripts are told not to start PostgreSQL (policy-rc.d),
# and the tests start their own private clusters.  Runs as root, or through sudo when not root.
#
# Usage: bash scripts/install-system-deps.sh [--force]
set -euo pipefail

PACKAGES=(libreoffice-writer-nogui fonts-noto-cjk postgresql wrk curl chromium chromium-driver)

force=0
for arg in "$@"; do
    case "$arg" in
        --force) force=1 ;;
        -h | --help)
            sed -n '2,14p' "$0"
            exit 0
            ;;
        *)
            echo "install-system-deps: unknown argument: $arg" >&2
            exit 2
            ;;
    esac
done

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-system-deps: apt-get not found; this script supports Debian 12 only." >&2
    echo "install-system-deps: install by hand: ${PACKAGES[*]}" >&2
    exit 1
fi

if [[ ${EUID:-$(id -u)} -eq 0 ]]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "install-system-deps: must run as root (or have sudo)." >&2
    exit 1
fi

is_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

# A desktop with the full LibreOffice Writer already has soffice; libreoffice-writer-nogui conflicts with
# libreoffice-writer, so installing it would remove the desktop one.  Keep what is there.
if is_installed libreoffice-writer; then
    PACKAGES=("${PACKAGES[@]/#libreoffice-writer-nogui/libreoffice-writer}")
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
done

start=$SECONDS
if [[ ${#missing[@]} -eq 0 && $force -eq 0 ]]; then
    echo "install-system-deps: already installed: ${PACKAGES[*]}"
else
    echo "install-system-deps: installing: ${PACKAGES[*]} (missing: ${missing[*]:-none})"

    # Keep package scripts from starting services (PostgreSQL's 'main' cluster) while we install.
    # Only add a policy-rc.d when there is none, and only remove the one we added.
    policy=/usr/sbin/policy-rc.d
    added_policy=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\n# added by kaoping scripts/install-system-deps.sh\nexit 101\n' |
            "${SUDO[@]}" tee "$policy" >/dev/null
        "${SUDO[@]}" chmod 755 "$policy"
        added_policy=1
    fi
    # shellcheck disable=SC2317  # called by the EXIT trap
    cleanup() {
        if [[ $added_policy -eq 1 ]]; then
            "${SUDO[@]}" rm -f "$policy"
        fi
    }
    trap cleanup EXIT

    "${SUDO[@]}" apt-get update
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${PACKAGES[@]}"
fi

# Report what is there.  (Nothing below starts a service.)
echo "install-system-deps: installed versions:"
for pkg in "${PACKAGES[@]}"; do
    printf '  %-26s %s\n' "$pkg" "$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || echo MISSING)"
done

status=0
soffice_bin=$(command -v soffice || command -v libreoffice || true)
if [[ -z $soffice_bin && -x /usr/lib/libreoffice/program/soffice ]]; then
    soffice_bin=/usr/lib/libreoffice/program/soffice
fi
if [[ -n $soffice_bin ]]; then
    echo "  soffice:    $soffice_bin"
else
    echo "  soffice:    NOT FOUND" >&2
    status=1
fi

pg_bindir=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -type d -name bin 2>/dev/null | sort -V | tail -n 1)
if [[ -n $pg_bindir && -x $pg_bindir/initdb && -x $pg_bindir/pg_ctl ]]; then
    echo "  postgresql: $pg_bindir ($("$pg_bindir/initdb" --version))"
else
    echo "  postgresql: initdb/pg_ctl NOT FOUND under /usr/lib/postgresql/*/bin" >&2
    status=1
fi

if command -v wrk >/dev/null 2>&1; then
    echo "  wrk:        $(command -v wrk)"
else
    echo "  wrk:        NOT FOUND" >&2
    status=1
fi

for program in /usr/bin/chromium /usr/bin/chromedriver; do
    if [[ -x $program ]]; then
        echo "  $(basename "$program"): $program ($("$program" --version 2>/dev/null | head -n 1))"
    else
        echo "  $(basename "$program"): $program NOT FOUND" >&2
        status=1
    fi
done

if command -v fc-list >/dev/null 2>&1; then
    echo "  CJK fonts:  $(fc-list :lang=zh family | wc -l) font faces with Chinese coverage"
fi

echo "install-system-deps: done in $((SECONDS - start))s"
exit "$status"

#!/usr/bin/env bash
# Finds a JDK of at least version TALLY_MIN_JAVA (default 21) on this machine.
#
# Source it and call `tally_find_jdk`, which prints the JDK's home directory (or prints an
# error to stderr and returns 1), or run it directly: `scripts/find-jdk.sh` prints the home.
#
# Order of preference, so an explicit choice always wins:
#   1. $JAVA_HOME, if it is a JDK >= the minimum
#   2. `java` on PATH, if it is >= the minimum
#   3. the newest JDK >= the minimum under the usual install places: /usr/lib/jvm, SDKMAN,
#      ~/.jdks (IntelliJ), /opt/java, /opt, /usr/local, /usr/java, macOS JavaVirtualMachines
# Needs only bash and coreutils; safe under `set -euo pipefail`.

TALLY_MIN_JAVA="${TALLY_MIN_JAVA:-21}"

# Prints the major version of the java binary $1 (17, 21, 25; 8 for "1.8.0_x"), or nothing.
tally_java_major() {
    local java_bin="$1" output line version
    [[ -x "$java_bin" ]] || return 1
    # `java -version` writes to stderr; its first line holds the quoted version. The output is
    # read whole: piping it into `head` could kill java with SIGPIPE, failing under pipefail.
    output="$("$java_bin" -version 2>&1)" || return 1
    line="${output%%$'\n'*}"
    version="$(sed -n 's/.*version "\([^"]*\)".*/\1/p' <<<"$line")"
    [[ -n "$version" ]] || return 1
    if [[ "$version" == 1.* ]]; then
        version="${version#1.}"
    fi
    version="${version%%[.+-]*}"
    [[ "$version" =~ ^[0-9]+$ ]] || return 1
    echo "$version"
}

# Prints the home of the JDK that holds the java binary $1 (resolving symlinks such as
# /usr/bin/java -> /etc/alternatives/java -> /usr/lib/jvm/x/bin/java).
tally_java_home_of() {
    local real
    real="$(readlink -f "$1" 2>/dev/null || echo "$1")"
    dirname "$(dirname "$real")"
}

# Whether the directory $1 is a JDK (not just a JRE): it has bin/java and bin/javac.
tally_is_jdk_home() {
    [[ -x "$1/bin/java" && -x "$1/bin/javac" ]]
}

# Prints the home of a JDK >= TALLY_MIN_JAVA, or explains on stderr and returns 1.
tally_find_jdk() {
    local major home best_home="" best_major=0 candidate
    if [[ -n "${JAVA_HOME:-}" ]] && tally_is_jdk_home "$JAVA_HOME"; then
        major="$(tally_java_major "$JAVA_HOME/bin/java" || true)"
        if [[ -n "$major" && "$major" -ge "$TALLY_MIN_JAVA" ]]; then
            echo "$JAVA_HOME"
            return 0
        fi
    fi
    if command -v java >/dev/null 2>&1; then
        major="$(tally_java_major "$(command -v java)" || true)"
        home="$(tally_java_home_of "$(command -v java)")"
        if [[ -n "$major" && "$major" -ge "$TALLY_MIN_JAVA" ]] && tally_is_jdk_home "$home"; then
            echo "$home"
            return 0
        fi
    fi
    shopt -s nullglob
    for candidate in /usr/lib/jvm/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* /opt/java/* \
        /opt/*jdk* /opt/*java* /usr/local/*jdk* /usr/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        # SDKMAN's "current" is a link to a version that is listed anyway.
        [[ "$candidate" != */current ]] || continue
        tally_is_jdk_home "$candidate" || continue
        major="$(tally_java_major "$candidate/bin/java" || true)"
        if [[ -n "$major" && "$major" -ge "$TALLY_MIN_JAVA" && "$major" -gt "$best_major" ]]; then
            best_major="$major"
            best_home="$candidate"
        fi
    done
    shopt -u nullglob
    if [[ -n "$best_home" ]]; then
        echo "$best_home"
        return 0
    fi
    {
        echo "tally: no JDK ${TALLY_MIN_JAVA} or newer found."
        echo "  looked at: JAVA_HOME (${JAVA_HOME:-unset}), java on PATH, /usr/lib/jvm, ~/.sdkman/candidates/java,"
        echo "             ~/.jdks, /opt/java, /opt, /usr/local, /usr/java, /Library/Java/JavaVirtualMachines"
        echo "  install one (e.g. 'apt-get install openjdk-21-jdk' or 'sdk install java 21-tem'),"
        echo "  or set JAVA_HOME to a JDK ${TALLY_MIN_JAVA}+."
    } >&2
    return 1
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    tally_find_jdk
fi

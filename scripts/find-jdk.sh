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
# A JDK's version is read from its `release` file, not by running its java (see tally_jdk_major).
# Needs only bash and coreutils; safe under `set -euo pipefail`.

TALLY_MIN_JAVA="${TALLY_MIN_JAVA:-21}"

# Turns a Java version string ("25.0.3", "21", "23-ea", "1.8.0_392") into its major version
# (25, 21, 23, 8), or prints nothing and returns 1.
tally_version_major() {
    tally_version_major_into "$1" || return 1
    echo "$TALLY_MAJOR"
}

# Like tally_version_major, but sets TALLY_MAJOR instead of printing (no subshell).
tally_version_major_into() {
    local version="$1"
    TALLY_MAJOR=""
    if [[ "$version" == 1.* ]]; then
        version="${version#1.}"
    fi
    version="${version%%[.+_-]*}"
    [[ "$version" =~ ^[0-9]+$ ]] || return 1
    TALLY_MAJOR="$version"
}

# Prints the major version of the JDK whose home is $1, read from its `release` file
# (JAVA_VERSION="25.0.3"), which every JDK since 9 (and most 8 builds) ships. Reading a file
# costs no process: running `java -version` on each candidate took 0.1-0.2 s a JDK, and the
# launcher pays this search on every command. Only a home without a readable `release` file
# falls back to running its java.
tally_jdk_major() {
    tally_jdk_major_into "$1" || return 1
    echo "$TALLY_MAJOR"
}

# Like tally_jdk_major, but sets TALLY_MAJOR instead of printing: called in the shell itself, not
# in a $(...) subshell, it starts no process when the `release` file answers. The launcher runs on
# every command, and on a busy machine each process it started cost tens of milliseconds.
tally_jdk_major_into() {
    local home="$1" line version=""
    TALLY_MAJOR=""
    if [[ -r "$home/release" ]]; then
        while IFS= read -r line || [[ -n "$line" ]]; do
            if [[ "$line" == JAVA_VERSION=* ]]; then
                version="${line#JAVA_VERSION=}"
                version="${version//\"/}"
                break
            fi
        done <"$home/release"
        if [[ -n "$version" ]]; then
            tally_version_major_into "$version"
            return
        fi
    fi
    TALLY_MAJOR="$(tally_java_major "$home/bin/java")"
    [[ -n "$TALLY_MAJOR" ]]
}

# Prints the major version of the java binary $1 by running `java -version`, or nothing: the
# fallback for a JDK without a `release` file.
tally_java_major() {
    local java_bin="$1" output line version
    [[ -x "$java_bin" ]] || return 1
    # `java -version` writes to stderr; its first line holds the quoted version. The output is
    # read whole: piping it into `head` could kill java with SIGPIPE, failing under pipefail.
    output="$("$java_bin" -version 2>&1)" || return 1
    line="${output%%$'\n'*}"
    [[ "$line" =~ version\ \"([^\"]*)\" ]] || return 1
    tally_version_major "${BASH_REMATCH[1]}"
}

# Prints the home of the JDK that holds the java binary $1 (resolving symlinks such as
# /usr/bin/java -> /etc/alternatives/java -> /usr/lib/jvm/x/bin/java).
tally_java_home_of() {
    local real
    real="$(readlink -f "$1" 2>/dev/null || echo "$1")"
    real="${real%/*}"
    echo "${real%/*}"
}

# Whether the directory $1 is a JDK (not just a JRE): it has bin/java and bin/javac.
tally_is_jdk_home() {
    [[ -x "$1/bin/java" && -x "$1/bin/javac" ]]
}

# Prints the home of a JDK >= TALLY_MIN_JAVA, or explains on stderr and returns 1.
tally_find_jdk() {
    tally_find_jdk_into || return 1
    echo "$TALLY_JDK_HOME"
}

# Like tally_find_jdk, but sets TALLY_JDK_HOME instead of printing: called in the shell itself,
# it starts at most one process (readlink, for java on PATH) when JAVA_HOME does not answer.
tally_find_jdk_into() {
    local home best_home="" best_major=0 candidate java_bin
    TALLY_JDK_HOME=""
    if [[ -n "${JAVA_HOME:-}" ]] && tally_is_jdk_home "$JAVA_HOME" \
        && tally_jdk_major_into "$JAVA_HOME" && [[ "$TALLY_MAJOR" -ge "$TALLY_MIN_JAVA" ]]; then
        TALLY_JDK_HOME="$JAVA_HOME"
        return 0
    fi
    if java_bin="$(command -v java)"; then
        home="$(readlink -f "$java_bin" 2>/dev/null || echo "$java_bin")"
        home="${home%/*}"
        home="${home%/*}"
        if tally_is_jdk_home "$home" && tally_jdk_major_into "$home" && [[ "$TALLY_MAJOR" -ge "$TALLY_MIN_JAVA" ]]; then
            TALLY_JDK_HOME="$home"
            return 0
        fi
    fi
    shopt -s nullglob
    for candidate in /usr/lib/jvm/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* /opt/java/* \
        /opt/*jdk* /opt/*java* /usr/local/*jdk* /usr/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        # SDKMAN's "current" is a link to a version that is listed anyway.
        [[ "$candidate" != */current ]] || continue
        tally_is_jdk_home "$candidate" || continue
        tally_jdk_major_into "$candidate" || continue
        if [[ "$TALLY_MAJOR" -ge "$TALLY_MIN_JAVA" && "$TALLY_MAJOR" -gt "$best_major" ]]; then
            best_major="$TALLY_MAJOR"
            best_home="$candidate"
        fi
    done
    shopt -u nullglob
    if [[ -n "$best_home" ]]; then
        TALLY_JDK_HOME="$best_home"
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

package dev.tally.cli.witness;

import java.util.Locale;
import java.util.Objects;

/**
 * Something a witness found wrong with one chain: the log no longer extends what was seen before.
 *
 * @param chain the chain
 * @param kind what kind of problem
 * @param message what exactly, for a person: the sizes, roots or key ids involved
 */
public record Finding(String chain, Kind kind, String message) {

    /** The kinds of problem, each a way the log was rewritten or cut. */
    public enum Kind {
        /** The chain's tree is smaller than the saved one: entries were cut from its end. */
        ROLLBACK,
        /** The chain's tree does not extend the saved one: history was rewritten. */
        FORK,
        /** The chain is gone from the log. */
        VANISHED,
        /** The new head's signature does not check out under a trusted key. */
        BAD_SIGNATURE;

        /** The wire name, e.g. {@code rollback}. */
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Finding {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }

    /** The one line printed to standard error: {@code WITNESS ALARM chain gw-1: rollback: ...}. */
    public String line() {
        return "WITNESS ALARM chain " + chain + ": " + kind.wire() + ": " + message;
    }
}

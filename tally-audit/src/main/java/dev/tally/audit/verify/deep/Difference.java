package dev.tally.audit.verify.deep;

import java.util.Objects;

/**
 * One place where derived data disagrees with what the entries say: a column of a rollup or tag
 * row whose stored value is not the recomputed one, a row that should exist and does not
 * ({@code stored} is {@link #ABSENT}), a row that should not exist ({@code recomputed} is
 * {@link #ABSENT}), or a pruned range whose rollups no longer match the signed digest.
 * Immutable, thread-safe.
 *
 * @param chain the chain the row belongs to ({@code ""} for rows of no chain)
 * @param table the table ({@code model_rollups}, ..., {@code call_tags})
 * @param row the row's key as {@code column=value} pairs (times in ISO-8601 UTC), or a description
 * @param column the column that differs, or {@code (row)} when the whole row is missing or extra
 * @param stored the stored value
 * @param recomputed the value recomputed from the retained entries (or the signed digest)
 */
public record Difference(String chain, String table, String row, String column, String stored, String recomputed) {

    /** The value of a row that does not exist. */
    public static final String ABSENT = "(no row)";

    public Difference {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(row, "row");
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(stored, "stored");
        Objects.requireNonNull(recomputed, "recomputed");
    }

    /** One line for people: {@code chain gw-1, rollups [hour=..., ...] cost_micros: stored 0, recomputed 18700}. */
    @Override
    public String toString() {
        return "chain " + chain + ", " + table + " [" + row + "] " + column + ": stored " + stored + ", recomputed "
                + recomputed;
    }
}

package dev.tally.audit.rollup;

import dev.tally.audit.chain.EntryHasher;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The digest a retention run signs over the rollups it leaves behind, so that rows no entry
 * can recompute any more (their calls were pruned) are still checked.
 *
 * <h2>What it covers</h2>
 * {@code until} is a UTC day start: the ceiling to a whole day of the run's cut-off, and never
 * less than the previous run's {@code until}, so every call ever pruned from the chain (its time
 * is before the cut-off) adds only to rows whose hour or day lies entirely before {@code until}.
 * For each rollup row of the chain in every table whose bucket starts before {@code until}, the
 * <em>residual</em> is the stored row minus what the chain's retained call records add to it
 * ({@link RollupRow#residual}): exactly what the pruned calls added. Residuals are used, not the
 * stored rows, so the digest stays true when a retained or later call (a replayed spill, an
 * import) adds to an old row. Rows whose residual is empty are left out.
 *
 * <h2>Bytes hashed</h2>
 * <pre>
 * sha256 = SHA-256( UTF-8( "tally-rollup-digest-v1\n"
 *                          + "chain " + chain + "\n"
 *                          + "until " + until (decimal epoch ms) + "\n"
 *                          + for each residual row: RollupRow.line() + "\n" ) )
 * </pre>
 * with the lines sorted by their UTF-8 bytes, compared as unsigned bytes. The text form,
 * {@link #text()}, is {@code v1:<until>:<sha256 hex>}: what the retention anchor signs and the
 * {@code retention_run} event carries as {@code rollup_digest}.
 *
 * <p>Immutable, thread-safe.
 *
 * @param until epoch ms of a UTC day start: rows with a bucket before it are covered
 * @param sha256 64 lower-case hex digits
 */
public record RollupDigest(long until, String sha256) {

    private static final String DOMAIN = "tally-rollup-digest-v1\n";
    private static final HexFormat HEX = HexFormat.of();

    public RollupDigest {
        Objects.requireNonNull(sha256, "sha256");
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("rollup digest sha256: '" + sha256 + "' (expected: 64 lower-case hex)");
        }
        if (Math.floorMod(until, RollupKey.DAY_MS) != 0) {
            throw new IllegalArgumentException("rollup digest until: " + until + " (expected: a UTC day start in ms)");
        }
    }

    /** The text form {@code v1:<until>:<sha256>}. */
    public String text() {
        return "v1:" + until + ":" + sha256;
    }

    /**
     * Reads {@link #text()}.
     *
     * @throws IllegalArgumentException naming the value and the expected form
     */
    public static RollupDigest parse(String text) {
        String[] parts = text == null ? new String[0] : text.split(":", -1);
        if (parts.length != 3 || !parts[0].equals("v1")) {
            throw new IllegalArgumentException("rollup_digest: '" + text + "' (expected: v1:<until ms>:<64 hex>)");
        }
        try {
            return new RollupDigest(Long.parseLong(parts[1]), parts[2]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("rollup_digest: '" + text + "' (expected: v1:<until ms>:<64 hex>)", e);
        }
    }

    /** The {@code until} of a run with cut-off {@code beforeMillis} after a run that covered {@code previousUntil}. */
    public static long until(long beforeMillis, long previousUntil) {
        return Math.max(RollupTable.Grain.DAY.ceil(beforeMillis), previousUntil);
    }

    /** The digest over {@code residuals} (empty ones are skipped), each a row of {@code chain} before {@code until}. */
    public static RollupDigest of(String chain, long until, Iterable<RollupRow> residuals) {
        List<byte[]> lines = new ArrayList<>();
        for (RollupRow row : residuals) {
            if (row.key().hour() >= until || !row.key().chain().equals(chain)) {
                throw new IllegalArgumentException("rollup digest row: " + row.line() + " (expected: chain " + chain
                        + ", bucket before " + until + ")");
            }
            if (!row.isEmpty()) {
                lines.add((row.line() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        lines.sort(Arrays::compareUnsigned);
        MessageDigest digest = EntryHasher.sha256();
        digest.update((DOMAIN + "chain " + chain + "\n" + "until " + until + "\n").getBytes(StandardCharsets.UTF_8));
        for (byte[] line : lines) {
            digest.update(line);
        }
        return new RollupDigest(until, HEX.formatHex(digest.digest()));
    }
}

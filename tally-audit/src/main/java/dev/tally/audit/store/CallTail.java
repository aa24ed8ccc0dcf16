package dev.tally.audit.store;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.json.Json;
import dev.tally.audit.query.CallQuery;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Call records in the order they were committed, after a position: what {@code tally logs
 * --follow} and {@code GET /v1/admin/tail} print.
 *
 * <p>Why seq and not time: the log is indexed by when a call <em>started</em>, but a record is
 * committed when the call <em>ends</em>, so a two-minute stream is written after shorter calls
 * that started later. A window on start times either misses long calls or prints old records
 * again. A chain's seq is gap-free and assigned at commit, so "every entry with seq above the
 * position" is exactly what was committed since, each once. A position holds the last seq seen
 * of every chain; a chain that is not in it (a gateway instance that started later) is read from
 * its first entry.
 *
 * <p>Order: by chain, then seq. Within one chain (one gateway instance) this is commit order;
 * between instances there is no common clock, so a batch lists one chain's new records after
 * the other's. Each read costs one {@link AuditStore#scanFrom} per chain over the entries
 * committed since the position; the filters of a {@link CallQuery} are applied to the stored
 * index columns (and, for tags, to the record), as the store's own query would.
 *
 * <p>Stateless and thread-safe; positions are immutable strings.
 */
public final class CallTail {

    private static final String PREFIX = "t1:";

    /**
     * New call records, by chain then seq, each with its stored canonical bytes, and the position
     * to read from next time.
     */
    public record Batch(List<ChainedEntry> records, String position) {
        public Batch {
            records = List.copyOf(records);
            Objects.requireNonNull(position, "position");
        }
    }

    private CallTail() {
    }

    /** The position at the end of every chain now: reading after it returns only what is committed later. */
    public static String head(AuditStore store) {
        Map<String, Long> seqs = new TreeMap<>();
        for (String chain : store.chains()) {
            seqs.put(chain, store.head(chain).seq());
        }
        return encode(seqs);
    }

    /**
     * The call records committed after {@code position} that match {@code filters}
     * ({@code since}, key, model, provider, status, user, tags; its {@code until}, limit and cursor
     * are ignored), at most {@code max}; the returned position is after the last entry read, so
     * records beyond {@code max} come in the next batch.
     *
     * @throws IllegalArgumentException naming the position when it is not one {@link #head} or a batch made
     */
    public static Batch after(AuditStore store, String position, CallQuery filters, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max: " + max + " (expected: >= 1)");
        }
        Map<String, Long> seqs = decode(position);
        List<ChainedEntry> found = new ArrayList<>();
        for (String chain : store.chains()) {
            long from = seqs.getOrDefault(chain, 0L);
            seqs.put(chain, from);
            if (found.size() >= max) {
                continue; // the chain's new entries come in the next batch
            }
            long[] last = {from};
            store.scanFrom(chain, from + 1, row -> {
                if (found.size() >= max) {
                    return; // the scan cannot be stopped; the rest is read again next time
                }
                last[0] = row.seq();
                if (matches(row.columns(), filters)) {
                    AuditEntry entry = EntryHasher.parse(row.body());
                    if (entry instanceof CallRecord call && call.tags().entrySet().containsAll(filters.tags().entrySet())) {
                        found.add(new ChainedEntry(row.chain(), row.seq(), row.prevHash(), row.hash(), call, row.body()));
                    }
                }
            });
            seqs.put(chain, last[0]);
        }
        return new Batch(found, encode(seqs));
    }

    private static boolean matches(IndexColumns c, CallQuery q) {
        return "call".equals(c.kind())
                && (q.since() == null || c.ts() >= q.since().toEpochMilli())
                && same(q.keyId(), c.keyId())
                && same(q.model(), c.model())
                && same(q.provider(), c.provider())
                && same(q.status() == null ? null : Json.wire(q.status()), c.status())
                && same(q.user(), c.user());
    }

    private static boolean same(String wanted, String actual) {
        return wanted == null || wanted.equals(actual);
    }

    /** URL-safe base64 of {@code t1:<seq>:<chain>} lines, so chain ids need no escaping. */
    static String encode(Map<String, Long> seqs) {
        StringBuilder text = new StringBuilder(PREFIX);
        seqs.forEach((chain, seq) -> text.append('\n').append(seq).append(':').append(chain));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, Long> decode(String position) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(position), StandardCharsets.UTF_8);
            String[] lines = text.split("\n", -1);
            if (!lines[0].equals(PREFIX)) {
                throw new IllegalArgumentException("bad prefix");
            }
            Map<String, Long> seqs = new TreeMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                long seq = Long.parseLong(lines[i].substring(0, colon));
                if (seq < 0 || colon == lines[i].length() - 1) {
                    throw new IllegalArgumentException("bad line");
                }
                seqs.put(lines[i].substring(colon + 1), seq);
            }
            return seqs;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("position: '" + clip(position)
                    + "' (expected: a position returned by a previous tail read)", e);
        }
    }

    private static String clip(String value) {
        return value == null || value.length() <= 40 ? String.valueOf(value) : value.substring(0, 40) + "…";
    }
}

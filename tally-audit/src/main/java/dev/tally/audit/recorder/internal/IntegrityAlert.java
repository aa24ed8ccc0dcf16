package dev.tally.audit.recorder.internal;

import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.SecurityEvent;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.id.IdSource;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.List;

/**
 * What the writer does when its chain does not check out at start ({@link ChainResume} found
 * problems): it never signs over that silently. It appends an {@code integrity_alert} security
 * event naming the seq range and the problems (so every verifier reports the chain as not OK at
 * the alert's seq, and every later head signs the alert itself), and logs one ERROR line saying
 * what happened and what to do. Then it continues: refusing to start would stop the gateway
 * without removing whatever was found.
 *
 * <p>Not thread-safe: used by the writer at start, before its thread runs.
 */
final class IntegrityAlert {

    private static final System.Logger LOG = System.getLogger(IntegrityAlert.class.getName());
    private static final int MAX_DETAIL = 2_000;

    private IntegrityAlert() {
    }

    static void record(ChainResume.Result found, String chain, IdSource ids, Clock clock, ChainWriter writer,
            ChainCursor cursor) {
        String range = "seq " + found.checkedFrom() + ".." + found.seq();
        String detail = "chain " + chain + " " + range + " after the last signed head (seq " + found.signedSeq()
                + "): " + String.join("; ", found.problems());
        if (detail.length() > MAX_DETAIL) {
            detail = detail.substring(0, MAX_DETAIL - 3) + "...";
        }
        SecurityEvent alert = new SecurityEvent(ids.next(), clock.instant(), SecurityEventType.INTEGRITY_ALERT, null,
                null, null, null, null, null, null, detail);
        List<AuditEntry> entries = List.of(alert);
        writer.commitBuilt(cursor.build(List.of(), entries, List.of(), false));
        LOG.log(Level.ERROR, "audit chain {0}: INTEGRITY ALERT at seq {1}: {2}. The chain was changed while the"
                + " gateway was stopped, by someone other than this gateway; an integrity_alert event was recorded"
                + " and the gateway continues. Run `tally verify` on this data, and compare the chain with the heads"
                + " a witness saved (`tally verify --since <heads.json>`) to see what was removed or rewritten.",
                chain, Long.toString(cursor.seq()), detail);
    }
}

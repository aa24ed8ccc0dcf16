package dev.tally.cli.export;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on standard error for {@code tally export}, redrawn in place with a
 * carriage return: {@code [#########...........]  45%  45,000 of 100,000 records}. Without a
 * known total it shows the count only. Used only when a terminal is attached, so scripts and log
 * files never see the carriage returns. Not thread-safe.
 */
final class Progress {

    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final Long total;
    private int lastLength;

    /**
     * @param total the number of records expected, or null when unknown
     */
    Progress(PrintWriter err, Long total) {
        this.err = err;
        this.total = total;
    }

    /** Redraws the bar for {@code done} records. */
    void update(long done) {
        String line;
        if (total != null && total > 0) {
            long shown = Math.min(done, total);
            int filled = (int) (WIDTH * shown / total);
            line = String.format(Locale.ROOT, "[%s%s] %3d%%  %,d of %,d records", "#".repeat(filled),
                    ".".repeat(WIDTH - filled), 100 * shown / total, done, total);
        } else {
            line = String.format(Locale.ROOT, "%,d records", done);
        }
        err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        lastLength = line.length();
        err.flush();
    }

    /** Ends the bar's line with a summary. */
    void finish(long done, String where) {
        String line = String.format(Locale.ROOT, "exported %,d records to %s", done, where);
        err.println("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        err.flush();
    }
}

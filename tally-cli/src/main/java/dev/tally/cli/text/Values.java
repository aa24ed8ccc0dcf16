package dev.tally.cli.text;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * How the commands show values to people: times in UTC, exact dollars, milliseconds, token
 * counts. An absent value is shown as {@code -}, never as 0 (an unknown cost is not free).
 * Stateless and thread-safe.
 */
public final class Values {

    /** Shown for an absent value. */
    public static final String NONE = "-";

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private Values() {
    }

    /** {@code 2026-03-02 10:00:00.123} (UTC). */
    public static String time(Instant at) {
        return at == null ? NONE : TIME.format(at);
    }

    /** Micro-USD as exact dollars with at least two decimals: 150 → {@code $0.00015}, 2500000 → {@code $2.50}. */
    public static String usd(Long micros) {
        if (micros == null) {
            return NONE;
        }
        BigDecimal usd = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
        return "$" + usd.setScale(Math.max(2, usd.scale())).toPlainString();
    }

    /** {@code 250ms} below a second, {@code 1.25s} above. */
    public static String millis(Long ms) {
        if (ms == null) {
            return NONE;
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        return BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString() + "s";
    }

    /** {@code 250ms}/{@code 1.25s} for a fractional average, rounded to the millisecond. */
    public static String millis(Double ms) {
        return ms == null ? NONE : millis(Math.round(ms));
    }

    /** A count, or {@code -}. */
    public static String count(Long n) {
        return n == null ? NONE : n.toString();
    }
}

package dev.tally.cli.keys;

import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.keys.VirtualKey.BudgetPeriod;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * Parsing and printing of the values {@code tally keys} takes and shows. Parsers throw
 * {@link IllegalArgumentException} naming the option, the bad value and what is expected; the
 * commands turn that into a usage error. Stateless.
 */
final class KeyValues {

    private KeyValues() {
    }

    /** Dollars to exact micro-USD: {@code 25} → 25000000; more than 6 decimals is an error. */
    static long usdToMicros(BigDecimal usd) {
        try {
            return usd.movePointRight(6).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("--budget-usd: " + usd.toPlainString()
                    + " (expected: dollars with at most 6 decimals, e.g. 25 or 0.50)");
        }
    }

    static BudgetPeriod period(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "day" -> BudgetPeriod.DAY;
            case "month" -> BudgetPeriod.MONTH;
            default -> throw new IllegalArgumentException("--budget-period: '" + value + "' (expected: day or month)");
        };
    }

    /** An ISO-8601 instant ({@code 2027-01-01T00:00:00Z}), date-time with offset, or date (midnight UTC). */
    static Instant expiry(String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeException notInstant) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeException notOffset) {
                try {
                    return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
                } catch (DateTimeException notDate) {
                    throw new IllegalArgumentException("--expires: '" + value
                            + "' (expected: ISO-8601 like 2027-01-01T00:00:00Z, 2027-01-01T09:00:00+02:00"
                            + " or 2027-01-01)");
                }
            }
        }
    }

    /** {@code revoked}, {@code disabled}, {@code expired} or {@code active}, in that order of precedence. */
    static String status(VirtualKey key, Instant now) {
        if (key.revokedAt() != null) {
            return "revoked";
        }
        if (!key.enabled()) {
            return "disabled";
        }
        if (key.expiresAt() != null && !now.isBefore(key.expiresAt())) {
            return "expired";
        }
        return "active";
    }

    /** {@code $25.00/month}, exact, or {@code -} for none. */
    static String budget(Long micros, BudgetPeriod period) {
        if (micros == null) {
            return "-";
        }
        BigDecimal usd = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
        return "$" + usd.setScale(Math.max(2, usd.scale())).toPlainString()
                + (period == null ? "" : "/" + period.name().toLowerCase(Locale.ROOT));
    }
}

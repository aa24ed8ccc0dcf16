package dev.tally.cli.options;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the time and duration values the commands take. Stateless and thread-safe.
 *
 * <p>A time is what the admin API accepts (an ISO-8601 instant such as
 * {@code 2026-03-02T10:00:00Z}, or epoch milliseconds such as {@code 1772445600000}), plus what
 * people type: a date-time with an offset, a date-time without one (UTC), a date (midnight UTC),
 * or an age back from now ({@code 90s}, {@code 15m}, {@code 2h}, {@code 7d}). The commands turn
 * every form into an instant before asking the store or the API, so both see the same value.
 */
public final class TimeArgument {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    private static final String TIME_FORMS = "ISO-8601 like 2026-03-02T10:00:00Z, a date like 2026-03-02,"
            + " epoch milliseconds, or an age like 15m, 2h, 7d";

    private TimeArgument() {
    }

    /**
     * An instant from {@code value}; ages count back from {@code now}.
     *
     * @throws IllegalArgumentException naming {@code option}, the value and the accepted forms
     */
    public static Instant parse(String option, String value, Instant now) {
        String v = value.strip();
        if (!v.isEmpty() && v.chars().allMatch(Character::isDigit) && v.length() <= 15) {
            return Instant.ofEpochMilli(Long.parseLong(v));
        }
        Matcher age = DURATION.matcher(v.toLowerCase(Locale.ROOT));
        if (age.matches()) {
            return now.minus(duration(option, v));
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeException notInstant) {
            // try the next form
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeException notOffset) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
        } catch (DateTimeException notLocal) {
            // try the next form
        }
        try {
            return LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeException notDate) {
            throw new IllegalArgumentException(option + ": '" + value + "' (expected: " + TIME_FORMS + ")");
        }
    }

    /**
     * A positive duration: a number and a unit, {@code ms}, {@code s}, {@code m}, {@code h} or {@code d}.
     *
     * @throws IllegalArgumentException naming {@code option}, the value and the accepted forms
     */
    public static Duration duration(String option, String value) {
        Matcher m = DURATION.matcher(value.strip().toLowerCase(Locale.ROOT));
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException(option + ": '" + value
                    + "' (expected: a positive number and a unit ms, s, m, h or d, e.g. 500ms, 2s, 15m)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> throw new IllegalStateException("unit " + m.group(2));
        };
    }
}

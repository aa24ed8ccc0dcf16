package dev.tally.gateway.admin;

import dev.tally.gateway.proxy.ErrorCode;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.json.Json;
import io.helidon.common.parameters.Parameters;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The query parameters of one admin request, checked as they are read. Every problem is an
 * {@link ApiException} (400) naming the parameter, the value (clipped to
 * {@value #SHOWN_CHARS} characters) and what is expected. Unknown parameter names are refused,
 * so a misspelt filter never silently widens a result; an empty value counts as absent (what an
 * empty form field sends). Values longer than {@value #MAX_VALUE} characters are refused before
 * they reach a query. Not thread-safe; one per request.
 */
final class Params {

    /** Longest value accepted for a filter. */
    static final int MAX_VALUE = 256;
    /** Longest value accepted for a cursor. */
    static final int MAX_CURSOR = 200;
    /** Longest value accepted for a tail position (one line per chain). */
    static final int MAX_POSITION = 4096;
    /** Characters of a bad value repeated in an error message. */
    static final int SHOWN_CHARS = 40;

    private final Parameters query;

    /**
     * @throws ApiException when a parameter outside {@code allowed} was given
     */
    Params(Parameters query, Set<String> allowed) {
        this.query = query;
        for (String name : query.names()) {
            if (!allowed.contains(name)) {
                throw new ApiException(ErrorCode.UNKNOWN_PARAMETER, clip(name), clip(name) + ": unknown parameter (expected"
                        + (allowed.isEmpty() ? ": none)" : " one of: " + String.join(", ", new TreeSet<>(allowed)) + ")"));
            }
        }
    }

    /** The one value of {@code name}, or null when absent or empty. */
    String text(String name) {
        return text(name, MAX_VALUE);
    }

    private String text(String name, int maxLength) {
        List<String> values = query.all(name, List::of);
        if (values.size() > 1) {
            throw ApiException.badParam(name, name + ": given " + values.size() + " times (expected: once)");
        }
        if (values.isEmpty() || values.getFirst().isEmpty()) {
            return null;
        }
        String value = values.getFirst();
        if (value.length() > maxLength) {
            throw ApiException.badParam(name, name + ": " + value.length() + " characters (expected: at most "
                    + maxLength + ")");
        }
        return value;
    }

    /** Every non-empty value of a repeatable parameter, each checked for length. */
    List<String> all(String name) {
        List<String> values = query.all(name, List::of).stream().filter(v -> !v.isEmpty()).toList();
        for (String value : values) {
            if (value.length() > MAX_VALUE) {
                throw ApiException.badParam(name, name + ": " + value.length() + " characters (expected: at most "
                        + MAX_VALUE + ")");
            }
        }
        if (values.size() > 20) {
            throw ApiException.badParam(name, name + ": given " + values.size() + " times (expected: at most 20)");
        }
        return values;
    }

    /**
     * An instant: epoch milliseconds ({@code 1763900000000}), an ISO-8601 instant
     * ({@code 2026-11-23T10:00:00Z}), a date-time with offset or a date (midnight UTC); null when absent.
     */
    Instant instant(String name) {
        String value = text(name);
        if (value == null) {
            return null;
        }
        if (value.chars().allMatch(Character::isDigit)) {
            try {
                return Instant.ofEpochMilli(Long.parseLong(value));
            } catch (NumberFormatException | DateTimeException tooLarge) {
                throw badInstant(name, value);
            }
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeException notInstant) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeException notOffset) {
                try {
                    return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
                } catch (DateTimeException notDate) {
                    throw badInstant(name, value);
                }
            }
        }
    }

    /** A time range; either end may be null (unbounded). */
    record Range(Instant since, Instant until) {
    }

    /** {@code since} and {@code until}, checked to form a non-empty range. */
    Range range() {
        Instant since = instant("since");
        Instant until = instant("until");
        if (since != null && until != null && !until.isAfter(since)) {
            throw ApiException.badParam("until", "until: " + until + " (expected: after since, " + since + ")");
        }
        return new Range(since, until);
    }

    /** A page size or top-N: {@code fallback} when absent, else 1..{@code max}. */
    int limit(int fallback, int max) {
        String value = text("limit");
        if (value == null) {
            return fallback;
        }
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.badParam("limit", "limit: '" + clip(value) + "' (expected: an integer 1.." + max + ")");
        }
        if (n < 1 || n > max) {
            throw ApiException.badParam("limit", "limit: " + n + " (expected: 1.." + max + ")");
        }
        return (int) n;
    }

    /** The opaque cursor of a previous page, or null; only its length and alphabet are checked here. */
    String cursor() {
        String value = text("cursor", MAX_CURSOR);
        if (value != null && !value.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_'))) {
            throw badCursor(value);
        }
        return value;
    }

    /**
     * The opaque tail position {@code after} of a previous tail read, or null; only its length
     * (at most {@value #MAX_POSITION}) and alphabet are checked here.
     */
    String position() {
        String value = text("after", MAX_POSITION);
        if (value != null && !value.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_'))) {
            throw badPosition(value);
        }
        return value;
    }

    static ApiException badPosition(String value) {
        return ApiException.badParam("after", "after: '" + clip(value)
                + "' (expected: the position of a previous GET /v1/admin/tail answer)");
    }

    /** A call status ({@code success}, {@code error}, ...), or null. */
    CallStatus status() {
        String value = text("status");
        if (value == null) {
            return null;
        }
        try {
            return Json.parseEnum(CallStatus.class, "status", value);
        } catch (IllegalArgumentException e) {
            throw ApiException.badParam("status", "status: '" + clip(value)
                    + "' (expected one of: success, error, refused, cancelled, interrupted)");
        }
    }

    /** Repeated {@code tag=name:value} filters, by name. */
    Map<String, String> tags() {
        Map<String, String> tags = new TreeMap<>();
        for (String pair : all("tag")) {
            int colon = pair.indexOf(':');
            if (colon <= 0) {
                throw ApiException.badParam("tag", "tag: '" + clip(pair) + "' (expected: name:value)");
            }
            String name = pair.substring(0, colon);
            if (tags.containsKey(name)) {
                throw ApiException.badParam("tag", "tag: '" + clip(name) + "' given twice (expected: one value per tag name)");
            }
            tags.put(name, pair.substring(colon + 1));
        }
        return tags;
    }

    static ApiException badCursor(String value) {
        return ApiException.badParam("cursor", "cursor: '" + clip(value)
                + "' (expected: the next_cursor of a previous page of the same query)");
    }

    /** A value as shown in a message: at most {@value #SHOWN_CHARS} characters. */
    static String clip(String value) {
        return value.length() <= SHOWN_CHARS ? value : value.substring(0, SHOWN_CHARS) + "…";
    }

    private static ApiException badInstant(String name, String value) {
        return ApiException.badParam(name, name + ": '" + clip(value)
                + "' (expected: ISO-8601 like 2026-11-23T10:00:00Z or 2026-11-23, or epoch milliseconds)");
    }
}

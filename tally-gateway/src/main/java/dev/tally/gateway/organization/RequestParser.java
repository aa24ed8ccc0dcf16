package dev.tally.gateway.organization;

import dev.tally.gateway.proxy.ErrorCode;
import io.helidon.common.parameters.Parameters;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the query parameters of an organization route into a {@link UsageRequest}, refusing
 * every problem with a {@link BadParameter} that names the parameter, the value and what is
 * expected. Array parameters ({@code group_by}, {@code models}, ...) are taken repeated, under
 * their name or with {@code []} appended (what the official SDKs send). Unknown names are refused,
 * so a misspelt filter never silently widens a result. Stateless.
 */
final class RequestParser {

    /** Latest accepted time: 9999-12-31T23:59:59Z. */
    static final long MAX_TIME = 253_402_300_799L;
    /** Most values of one filter. */
    static final int MAX_VALUES = 100;
    /** Longest filter value. */
    static final int MAX_VALUE = 256;

    private RequestParser() {
    }

    /**
     * Parses {@code query} for {@code report}; {@code now} (unix seconds) is the end of a range
     * without {@code end_time} on its first page.
     */
    static UsageRequest parse(Report report, Parameters query, long now) {
        Set<String> allowed = new TreeSet<>(List.of("start_time", "end_time", "bucket_width", "group_by", "limit", "page"));
        report.filters().forEach(f -> allowed.add(f.filter()));
        for (String name : query.names()) {
            String plain = name.endsWith("[]") ? name.substring(0, name.length() - 2) : name;
            if (!allowed.contains(plain)) {
                throw new BadParameter(ErrorCode.UNKNOWN_PARAMETER, BadParameter.clip(name), BadParameter.clip(name)
                        + ": unknown parameter (expected one of: " + String.join(", ", allowed) + ")");
            }
        }
        Long start = integer(query, "start_time");
        if (start == null) {
            throw new BadParameter("start_time", "start_time: missing (expected: unix seconds, the inclusive start)");
        }
        inRange("start_time", start);
        Long endGiven = integer(query, "end_time");
        if (endGiven != null) {
            inRange("end_time", endGiven);
        }
        String widthText = one(query, "bucket_width");
        BucketWidth width = BucketWidth.DAY;
        if (widthText != null) {
            width = report.widths().stream().filter(w -> w.wire().equals(widthText)).findFirst()
                    .orElseThrow(() -> new BadParameter("bucket_width", "bucket_width: '" + BadParameter.clip(widthText)
                            + "' (expected one of: " + String.join(", ", report.widths().stream().map(BucketWidth::wire)
                                    .toList()) + ")"));
        }
        List<Field> groupBy = groupBy(report, many(query, "group_by"));
        Map<Field, Set<String>> filters = new EnumMap<>(Field.class);
        Boolean batch = null;
        for (Field f : report.filters()) {
            if (f == Field.BATCH) {
                batch = bool(query, f.filter());
            } else {
                List<String> values = many(query, f.filter());
                if (!values.isEmpty()) {
                    filters.put(f, new LinkedHashSet<>(values));
                }
            }
        }
        int max = report.maxLimit(width);
        Long limitGiven = integer(query, "limit");
        if (limitGiven != null && (limitGiven < 1 || limitGiven > max)) {
            throw new BadParameter("limit", "limit: " + limitGiven + " (expected: 1.." + max + " for bucket_width "
                    + width.wire() + ")");
        }
        int limit = limitGiven == null ? width.defaultLimit() : limitGiven.intValue();
        String page = one(query, "page");
        long end = endGiven != null ? endGiven : now;
        long pageStart = start;
        UsageRequest request = new UsageRequest(report, start, end, width, groupBy, filters, batch, limit, start);
        if (page != null) {
            PageCursor cursor = PageCursor.decode(page);
            if (!cursor.fingerprint().equals(request.fingerprint())
                    || (endGiven != null && endGiven != cursor.end())) {
                throw new BadParameter("page", "page: '" + BadParameter.clip(page)
                        + "' (expected: the next_page of an answer to the same query)");
            }
            end = cursor.end();
            pageStart = cursor.next();
            if (pageStart <= start || pageStart >= end || width.floor(pageStart) != pageStart) {
                throw new BadParameter("page", "page: '" + BadParameter.clip(page)
                        + "' (expected: the next_page of an answer to the same query)");
            }
        }
        if (end <= start && endGiven == null) {
            throw new BadParameter("start_time", "start_time: " + start + " (expected: before the current time " + now
                    + " when end_time is absent)");
        }
        if (end <= start) {
            throw new BadParameter("end_time", "end_time: " + end + " (expected: after start_time " + start + ")");
        }
        return new UsageRequest(report, start, end, width, groupBy, filters, batch, limit, pageStart);
    }

    private static List<Field> groupBy(Report report, List<String> values) {
        Set<Field> chosen = new LinkedHashSet<>();
        for (String v : values) {
            Field f = report.groups().stream().filter(g -> g.wire().equals(v)).findFirst()
                    .orElseThrow(() -> new BadParameter("group_by", "group_by: '" + BadParameter.clip(v)
                            + "' (expected any of: " + String.join(", ", report.groups().stream().map(Field::wire).toList())
                            + ")"));
            chosen.add(f);
        }
        // The report's order, so equal queries have equal fingerprints however the client ordered them.
        return report.groups().stream().filter(chosen::contains).toList();
    }

    private static void inRange(String name, long value) {
        if (value < 0 || value > MAX_TIME) {
            throw new BadParameter(name, name + ": " + value + " (expected: unix seconds, 0.." + MAX_TIME + ", "
                    + Instant.ofEpochSecond(MAX_TIME) + ")");
        }
    }

    private static Long integer(Parameters query, String name) {
        String text = one(query, name);
        if (text == null) {
            return null;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new BadParameter(name, name + ": '" + BadParameter.clip(text) + "' (expected: an integer)");
        }
    }

    private static Boolean bool(Parameters query, String name) {
        String text = one(query, name);
        if (text == null) {
            return null;
        }
        return switch (text) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new BadParameter(name, name + ": '" + BadParameter.clip(text) + "' (expected: true or false)");
        };
    }

    /** The one value of a scalar parameter, or null when absent or empty. */
    private static String one(Parameters query, String name) {
        List<String> values = query.all(name, List::of);
        if (values.size() > 1) {
            throw new BadParameter(name, name + ": given " + values.size() + " times (expected: once)");
        }
        return values.isEmpty() || values.getFirst().isEmpty() ? null : values.getFirst();
    }

    /** Every non-empty value of an array parameter, under {@code name} and {@code name[]}. */
    private static List<String> many(Parameters query, String name) {
        List<String> values = new ArrayList<>(query.all(name, List::of));
        values.addAll(query.all(name + "[]", List::of));
        values.removeIf(String::isEmpty);
        if (values.size() > MAX_VALUES) {
            throw new BadParameter(name, name + ": " + values.size() + " values (expected: at most " + MAX_VALUES + ")");
        }
        for (String v : values) {
            if (v.length() > MAX_VALUE) {
                throw new BadParameter(name, name + ": a value of " + v.length() + " characters (expected: at most "
                        + MAX_VALUE + ")");
            }
        }
        return values;
    }
}

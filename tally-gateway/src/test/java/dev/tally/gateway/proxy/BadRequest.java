package dev.tally.gateway.proxy;

import static dev.tally.gateway.proxy.BadInputProperties.utf8;
import static dev.tally.gateway.proxy.BadInputProperties.concat;

import dev.tally.gateway.proxy.BadInputProperties.Malformation;
import dev.tally.gateway.proxy.BadInputProperties.Route;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One malformed request of {@link BadInputProperties}, built from a route, a kind of damage and a
 * seed (so a failing try is reproduced exactly by its seed).
 *
 * @param bytes the whole request as sent
 * @param halfClose whether the client closes its sending side after it (a body shorter than declared)
 */
record BadRequest(byte[] bytes, boolean halfClose) {

    private static final String[] BAD_UTF8 = {"\u00c3\u0028", "\u00ff", "\u0080", "\u00c0\u00af", "\u00ed\u00a0\u0080",
        "\u00f0\u0028\u008c\u0028", "\u00e2\u0082"};
    private static final String[] WRONG_VALUES = {"123", "[]", "{}", "true", "null", "-1.5e300", "\"\"", "[\"a\"]"};

    static BadRequest of(Route route, Malformation kind, int seed, int n, GatewayFixture gw, String victimKeyId) {
        Random r = new Random(seed);
        String path = route.path.contains("%s") ? route.path.formatted(victimKeyId) : route.path;
        byte[] body = utf8(route.body.contains("%d") ? route.body.formatted(n) : route.body);
        String base = new String(body, java.nio.charset.StandardCharsets.UTF_8);
        List<String> headers = new ArrayList<>();
        String credential = route.admin() ? GatewayFixture.ADMIN_TOKEN : gw.clientKey;
        headers.add("Authorization: Bearer " + credential);
        Integer contentLength = null;
        byte[] chunked = null;
        String lengthValue = null;
        boolean halfClose = false;
        switch (kind) {
            case TRUNCATED_JSON -> body = base.isEmpty() ? utf8("{\"model\":") : utf8(base.substring(0, r.nextInt(base.length())));
            case GARBAGE -> {
                byte[] garbage = new byte[1 + r.nextInt(200)];
                r.nextBytes(garbage);
                if (r.nextBoolean()) {
                    for (int i = 0; i < garbage.length; i++) {
                        garbage[i] = (byte) "{}[]\",:0123456789.eE-+truefalsnul \\/x".charAt(Math.floorMod(garbage[i], 37));
                    }
                }
                body = garbage;
            }
            case DEEP_NESTING -> {
                int depth = 257 + r.nextInt(4000);
                String deep = r.nextBoolean() ? "[".repeat(depth) + "]".repeat(depth) : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
                body = utf8(member(base, "\"deep\":" + deep));
            }
            case HUGE_NUMBER -> {
                StringBuilder digits = new StringBuilder(r.nextBoolean() ? "-" : "");
                int length = 101 + r.nextInt(5000);
                digits.append(1 + r.nextInt(9));
                for (int i = 1; i < length; i++) {
                    digits.append(r.nextInt(10));
                }
                if (r.nextBoolean()) {
                    digits.append('.').append("9".repeat(1 + r.nextInt(200)));
                }
                body = utf8(member(base, "\"temperature\":" + digits));
            }
            case WRONG_TYPES -> {
                String value = WRONG_VALUES[r.nextInt(WRONG_VALUES.length)];
                String[] members = route.admin()
                        ? new String[] {"name", "requests_per_minute", "enabled", "tags", "allowed_models", "expires_at", "budget_micros"}
                        : new String[] {"model", "stream", "user", "stream_options", "metadata", "messages"};
                body = utf8(replaceMember(base, members[r.nextInt(members.length)], value));
            }
            case TRAILING_DATA -> {
                String[] tails = {" x", base, "]", "}", "\u0000", " // c", ",{}", "\n{\"model\":\"gpt-4o\"}", "null", " 1"};
                body = utf8((base.isEmpty() ? "{}" : base) + tails[r.nextInt(tails.length)]);
            }
            case BAD_UTF8_BODY -> {
                String bad = BAD_UTF8[r.nextInt(BAD_UTF8.length)];
                String withBad = base.isEmpty() ? "{\"x\":\"hi\"}" : base;
                body = concat(latin1(withBad.substring(0, withBad.indexOf("hi"))), latin1(bad),
                        latin1(withBad.substring(withBad.indexOf("hi") + 2)));
            }
            case BAD_UTF8_HEADER -> {
                String name = r.nextBoolean() ? "x-tally-user" : "x-tally-tag-team";
                String value = r.nextInt(4) == 0 ? "\u00c3\u00a5lice" : "a" + BAD_UTF8[r.nextInt(BAD_UTF8.length)] + "b";
                headers.add(name + ": " + value); // latin-1 below: each char one byte, so these are raw bytes
            }
            case OVERSIZED_USER -> {
                String user = "u".repeat(257 + r.nextInt(3000));
                if (r.nextBoolean()) {
                    headers.add("x-tally-user: " + user);
                } else if (route == Route.MESSAGE) {
                    body = utf8(member(base, "\"metadata\":{\"user_id\":\"" + user + "\"}"));
                } else {
                    body = utf8(member(base, "\"user\":\"" + user + "\""));
                }
            }
            case BAD_TAGS -> {
                switch (r.nextInt(4)) {
                    case 0 -> {
                        for (int i = 0; i < 33 + r.nextInt(20); i++) {
                            headers.add("x-tally-tag-t" + i + ": v");
                        }
                    }
                    case 1 -> headers.add("x-tally-tag-" + "n".repeat(65 + r.nextInt(6000)) + ": v");
                    case 2 -> headers.add("x-tally-tag-" + new String[] {"A+B", "a*b", "a!b", "a'b", "a~b", "a^b"}[r.nextInt(6)] + ": v");
                    default -> headers.add("x-tally-tag-team: " + "v".repeat(257 + r.nextInt(3000)));
                }
            }
            case DUPLICATE_AUTH -> {
                String other = r.nextBoolean() ? credential : "tk-" + "x".repeat(40);
                switch (r.nextInt(3)) {
                    case 0 -> headers.add("Authorization: Bearer " + other);
                    case 1 -> {
                        headers.set(0, "x-api-key: " + credential);
                        headers.add("x-api-key: " + other);
                    }
                    default -> headers.add("x-api-key: tk-" + "y".repeat(40));
                }
            }
            case SHORT_BODY -> {
                contentLength = body.length + 1 + r.nextInt(1000);
                halfClose = true;
            }
            case LONG_BODY -> {
                if (body.length == 0) {
                    body = utf8("{}");
                }
                contentLength = r.nextInt(body.length);
            }
            case BAD_CHUNKS -> {
                String json = base.isEmpty() ? "{}" : base;
                String size = Integer.toHexString(json.length());
                switch (r.nextInt(5)) {
                    case 0 -> chunked = latin1(new String[] {"zz", "-1", "ffffffffffffffffff", "", "0x1b", " "}[r.nextInt(6)]
                            + "\r\n" + json + "\r\n0\r\n\r\n");
                    case 1 -> { // the client stops before the last chunk
                        chunked = latin1(size + "\r\n" + json.substring(0, r.nextInt(json.length())));
                        halfClose = true;
                    }
                    case 2 -> { // a chunk announced longer than what follows
                        chunked = latin1(Integer.toHexString(json.length() + 1 + r.nextInt(500)) + "\r\n" + json + "\r\n0\r\n\r\n");
                        halfClose = true;
                    }
                    case 3 -> chunked = latin1(size + "\r\n" + json + "\r\n0\r\ngarbage\r\n\r\n");
                    default -> {
                        chunked = latin1(size + "\r\n" + json + "\r\n");
                        halfClose = true;
                    }
                }
            }
            case BAD_FRAMING -> {
                switch (r.nextInt(5)) {
                    case 0 -> lengthValue = new String[] {"-1", "abc", "1e3", "0x10", "99999999999999999999", "", "+5"}[r.nextInt(7)];
                    case 1 -> headers.add("Content-Length: " + (body.length + 1 + r.nextInt(10))); // two that disagree
                    case 2 -> headers.add("X-Big: " + "h".repeat(20_000 + r.nextInt(80_000)));
                    case 3 -> headers.add("Transfer-Encoding: " + new String[] {"gzip", "chunked, chunked", "identity", "x"}[r.nextInt(4)]);
                    default -> {
                        for (int i = 0; i < 200 + r.nextInt(2000); i++) {
                            headers.add("X-H" + i + ": v");
                        }
                    }
                }
            }
            case BAD_QUERY -> {
                String[] queries = {"limit=abc", "limit=0", "since=notatime", "until=2020-13-45", "unknown=1", "limit=%zz",
                    "tag=" + "t".repeat(300), "group_by=nothing", "cursor=" + "c".repeat(500), "since=1&since=2", "%00=1"};
                path = path + "?" + queries[r.nextInt(queries.length)];
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(latin1(route.method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\n"));
        for (String h : headers) {
            out.writeBytes(latin1(h + "\r\n"));
        }
        if (chunked != null) {
            out.writeBytes(latin1("Transfer-Encoding: chunked\r\n\r\n"));
            out.writeBytes(chunked);
        } else {
            String length = lengthValue != null ? lengthValue : String.valueOf(contentLength != null ? contentLength : body.length);
            out.writeBytes(latin1("Content-Length: " + length + "\r\n\r\n"));
            out.writeBytes(body);
        }
        return new BadRequest(out.toByteArray(), halfClose);
    }

    /** {@code json} with {@code member} added as its first member (or a new object holding it). */
    private static String member(String json, String member) {
        if (!json.startsWith("{")) {
            return "{" + member + "}";
        }
        return json.equals("{}") ? "{" + member + "}" : "{" + member + "," + json.substring(1);
    }

    /** {@code json} with {@code name} set to {@code value} (added first; a duplicate of an existing member is also bad input). */
    private static String replaceMember(String json, String name, String value) {
        String quoted = "\"" + name + "\":";
        int at = json.indexOf(quoted);
        if (at < 0) {
            return member(json, quoted + value);
        }
        int start = at + quoted.length();
        int end = valueEnd(json, start);
        return json.substring(0, start) + value + json.substring(end);
    }

    private static int valueEnd(String json, int start) {
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                    if (depth == 0) {
                        return i + 1;
                    }
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    return i;
                }
                depth--;
                if (depth == 0) {
                    return i + 1;
                }
            } else if (c == ',' && depth == 0) {
                return i;
            }
        }
        return json.length();
    }

    private static byte[] latin1(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}

package dev.tally.gateway.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * How the gateway reads JSON a client sent (proxy bodies, admin key bodies): within limits, one
 * value and nothing after it, and with an error message that always names what was wrong.
 *
 * <p>Limits ({@link StreamReadConstraints}): nesting at most {@value #MAX_DEPTH} arrays and
 * objects deep, a number at most {@value #MAX_NUMBER_LENGTH} characters, a string at most
 * {@value #MAX_STRING_LENGTH} characters (the body limit of 32 MiB bounds it anyway). Jackson's
 * own defaults are 1,000 / 1,000 / 20 M; past them it threw an exception without a location,
 * which the gateway turned into a NullPointerException and a 500 (issue 15). The limits are far
 * above what an LLM request needs (a deeply nested tool schema is a few dozen levels) and low
 * enough that parsing a hostile body stays cheap.
 *
 * <p>Thread-safe: the mappers are immutable once configured here.
 */
public final class ClientJson {

    /** Deepest nesting of arrays and objects. */
    public static final int MAX_DEPTH = 256;
    /** Longest number literal, in characters. */
    public static final int MAX_NUMBER_LENGTH = 100;
    /** Longest string, in characters. */
    public static final int MAX_STRING_LENGTH = 32 * 1024 * 1024;

    private ClientJson() {
    }

    /** A new mapper for client input: {@link GatewayJson#newMapper()} with the limits and no trailing tokens. */
    public static ObjectMapper newMapper() {
        ObjectMapper mapper = GatewayJson.newMapper();
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .maxStringLength(MAX_STRING_LENGTH)
                .build());
        return mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /**
     * What is wrong with a body Jackson refused, for a client: the limit passed, or the syntax
     * error and where it is, with one expectation ({@code expected} for a syntax error, e.g.
     * {@code "a JSON object"}). Never fails, also when Jackson knows no location (it knows none
     * for a limit passed).
     */
    public static String problem(JsonProcessingException e, String expected) {
        String where = where(e.getLocation());
        if (e instanceof StreamConstraintsException) {
            String text = String.valueOf(e.getOriginalMessage());
            if (text.contains("nesting depth")) {
                return "nested deeper than " + MAX_DEPTH + " levels" + where + " (expected: at most " + MAX_DEPTH
                        + " levels of arrays and objects)";
            }
            if (text.contains("Number value length") || text.contains("Number length")) {
                return "a number longer than " + MAX_NUMBER_LENGTH + " characters" + where + " (expected: at most "
                        + MAX_NUMBER_LENGTH + ")";
            }
            if (text.contains("String value length") || text.contains("String length")) {
                return "a string longer than " + MAX_STRING_LENGTH + " characters" + where + " (expected: at most "
                        + MAX_STRING_LENGTH + ")";
            }
            return "past a parser limit" + where + ": " + clip(text) + " (expected: " + expected + ")";
        }
        String text = String.valueOf(e.getOriginalMessage());
        if (text.startsWith("Trailing token")) {
            return "more data after the JSON value" + where + " (expected: exactly one JSON value)";
        }
        return "not valid JSON" + where + ": " + clip(firstLine(text)) + " (expected: " + expected + ")";
    }

    private static String where(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    private static String clip(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }
}

package dev.tally.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in every string of a parsed YAML tree
 * with the value of environment variable {@code NAME}, so secrets stay out of the file.
 * {@code $${} writes a literal {@code ${}. An unset variable without a default is an error naming
 * the key and the variable, never its (absent) value, except under the keys a caller marks as not
 * needed (a reading CLI command needs no provider key): there it reads {@code (not set on this host: ${NAME})}.
 * Stateless.
 */
final class EnvInterpolation {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private EnvInterpolation() {
    }

    static JsonNode apply(JsonNode node, String path, Map<String, String> env) {
        return apply(node, path, env, key -> false);
    }

    /**
     * Like {@link #apply(JsonNode, String, Map)}, but a reference to an unset variable under a key
     * {@code unneeded} accepts (e.g. {@code providers[0].api_key}) becomes
     * {@code (not set on this host: ${NAME})} instead of an error.
     */
    static JsonNode apply(JsonNode node, String path, Map<String, String> env, Predicate<String> unneeded) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(interpolate(path, node.asText(), env, unneeded.test(path)));
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(e -> out.set(e.getKey(),
                    apply(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), env, unneeded)));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < node.size(); i++) {
                out.add(apply(node.get(i), path + "[" + i + "]", env, unneeded));
            }
            return out;
        }
        return node;
    }

    static String interpolate(String key, String text, Map<String, String> env) {
        return interpolate(key, text, env, false);
    }

    private static String interpolate(String key, String text, Map<String, String> env, boolean keepUnset) {
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().equals("$${")) {
                replacement = "${";
            } else {
                String value = env.get(m.group(1));
                if (value == null || value.isEmpty()) {
                    value = m.group(2);
                }
                if (value == null && keepUnset) {
                    // long enough for any length check a secret has; never used, never printed
                    value = "(not set on this host: " + m.group() + ")";
                }
                if (value == null) {
                    throw new IllegalArgumentException(key + ": '${" + m.group(1)
                            + "}' is not set (expected: the environment variable " + m.group(1)
                            + " to be set, or a default as ${" + m.group(1) + ":-value})");
                }
                replacement = value;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}

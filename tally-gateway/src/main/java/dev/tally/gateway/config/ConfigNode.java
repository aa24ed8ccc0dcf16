package dev.tally.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A YAML mapping being read, with its dotted path, so every error names the full key, the bad
 * value and what was expected: {@code server.port: 'abc' (expected: an integer 0..65535)}.
 * Values have already been through {@code ${ENV}} interpolation. Not thread-safe; used once.
 */
final class ConfigNode {

    private final String path;
    private final JsonNode node;

    ConfigNode(String path, JsonNode node) {
        this.path = path;
        this.node = node == null || node.isNull() ? MissingNode.getInstance() : node;
        if (!this.node.isMissingNode() && !this.node.isObject()) {
            throw new IllegalArgumentException(label() + ": '" + this.node + "' (expected: a mapping of keys)");
        }
    }

    String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private String label() {
        return path.isEmpty() ? "(top level)" : path;
    }

    /** Rejects keys outside {@code allowed}, so a typo is an error rather than a silent default. */
    void allowOnly(String... allowed) {
        Set<String> known = new TreeSet<>(List.of(allowed));
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                throw new IllegalArgumentException(key(name) + ": unknown key (expected one of: " + String.join(", ", known) + ")");
            }
        }
    }

    /** The keys of this mapping, in file order (for free-form mappings such as headers). */
    List<String> names() {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    boolean has(String name) {
        JsonNode value = node.get(name);
        return value != null && !value.isNull();
    }

    /** Whether {@code name} holds a list (rather than a mapping or a value). */
    boolean isList(String name) {
        return has(name) && node.get(name).isArray();
    }

    ConfigNode child(String name) {
        return new ConfigNode(key(name), node.get(name));
    }

    Optional<String> optionalString(String name) {
        if (!has(name)) {
            return Optional.empty();
        }
        JsonNode value = node.get(name);
        if (!value.isValueNode()) {
            throw new IllegalArgumentException(key(name) + ": '" + value + "' (expected: a single value)");
        }
        return Optional.of(value.asText());
    }

    String string(String name, String fallback) {
        return optionalString(name).orElse(fallback);
    }

    String requiredString(String name, String expectation) {
        return optionalString(name).filter(s -> !s.isBlank())
                .orElseThrow(() -> new IllegalArgumentException(key(name) + ": missing (expected: " + expectation + ")"));
    }

    int integer(String name, int fallback, int min, int max) {
        Optional<String> text = optionalString(name);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.get().strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the expectation
        }
        throw new IllegalArgumentException(key(name) + ": '" + text.get() + "' (expected: an integer " + min + ".." + max + ")");
    }

    boolean bool(String name, boolean fallback) {
        Optional<String> text = optionalString(name);
        if (text.isEmpty()) {
            return fallback;
        }
        return switch (text.get().strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key(name) + ": '" + text.get() + "' (expected: true or false)");
        };
    }

    Duration duration(String name, Duration fallback, Duration min, Duration max) {
        Optional<String> text = optionalString(name);
        if (text.isEmpty()) {
            return fallback;
        }
        Duration value = Durations.parse(key(name), text.get());
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(key(name) + ": '" + text.get() + "' (expected: "
                    + Durations.format(min) + ".." + Durations.format(max) + ")");
        }
        return value;
    }

    /** A list of plain strings; absent means empty. */
    List<String> strings(String name) {
        if (!has(name)) {
            return List.of();
        }
        JsonNode value = node.get(name);
        if (!value.isArray()) {
            throw new IllegalArgumentException(key(name) + ": '" + value + "' (expected: a list)");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (!item.isValueNode() || item.isNull()) {
                throw new IllegalArgumentException(key(name) + "[" + i + "]: '" + item + "' (expected: a string)");
            }
            out.add(item.asText());
        }
        return out;
    }

    /** A list of mappings; absent means empty. */
    List<ConfigNode> mappings(String name) {
        if (!has(name)) {
            return List.of();
        }
        JsonNode value = node.get(name);
        if (!value.isArray()) {
            throw new IllegalArgumentException(key(name) + ": '" + value + "' (expected: a list)");
        }
        List<ConfigNode> out = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            out.add(new ConfigNode(key(name) + "[" + i + "]", value.get(i)));
        }
        return out;
    }

    /** The entries of a mapping whose keys are names (e.g. {@code models}), in file order. */
    Map<String, ConfigNode> namedMappings(String name) {
        Map<String, ConfigNode> out = new LinkedHashMap<>();
        if (!has(name)) {
            return out;
        }
        JsonNode value = node.get(name);
        if (!value.isObject()) {
            throw new IllegalArgumentException(key(name) + ": '" + value + "' (expected: a mapping of names)");
        }
        value.fields().forEachRemaining(e -> out.put(e.getKey(), new ConfigNode(key(name) + "." + e.getKey(), e.getValue())));
        return out;
    }
}

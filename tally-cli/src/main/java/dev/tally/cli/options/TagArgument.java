package dev.tally.cli.options;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parses {@code --tag name=value}, the one tag syntax of every command (filters of {@code logs},
 * {@code usage} and {@code export}, settings of {@code keys create/update}). The value is
 * everything after the first {@code =}, so it may itself hold {@code =} or {@code :}. The old
 * filter form {@code name:value} is refused with a message that shows the value rewritten,
 * rather than read by a guess (a value such as {@code url=http://x} would be split wrongly).
 * Stateless and thread-safe.
 */
public final class TagArgument {

    private TagArgument() {
    }

    /**
     * The tags given, by name.
     *
     * @param option the option's name as typed, for messages ({@code --tag})
     * @throws IllegalArgumentException naming the option, the value and {@code name=value}
     */
    public static Map<String, String> parse(String option, List<String> values) {
        Map<String, String> tags = new TreeMap<>();
        for (String value : values) {
            int equals = value.indexOf('=');
            if (equals <= 0) {
                int colon = value.indexOf(':');
                String hint = colon > 0 && equals < 0
                        ? "; use " + value.substring(0, colon) + "=" + value.substring(colon + 1)
                                + ", the name:value form is not accepted"
                        : "";
                throw new IllegalArgumentException(option + ": '" + value + "' (expected: name=value, e.g. "
                        + option + " team=docs" + hint + ")");
            }
            String name = value.substring(0, equals);
            if (tags.containsKey(name)) {
                throw new IllegalArgumentException(option + ": '" + name + "' given twice (expected: one value per tag name)");
            }
            tags.put(name, value.substring(equals + 1));
        }
        return tags;
    }
}

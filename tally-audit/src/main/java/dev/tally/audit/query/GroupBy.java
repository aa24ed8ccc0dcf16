package dev.tally.audit.query;

import java.util.Locale;

/**
 * One dimension of a usage report: a fixed dimension or a tag.
 * Wire names: {@code model}, {@code key}, {@code provider}, {@code status}, {@code user},
 * {@code hour}, {@code day}, {@code hour_of_day}, {@code tag:<name>}.
 */
public sealed interface GroupBy {

    /** The name used in group objects and in {@code group_by}. */
    String wireName();

    /** A fixed dimension. */
    enum Dimension implements GroupBy {
        MODEL, KEY, PROVIDER, STATUS, USER, HOUR, DAY, HOUR_OF_DAY;

        @Override
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Grouping by the value of one tag; records without it group under an absent value. */
    record Tag(String name) implements GroupBy {
        public Tag {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("group_by: 'tag:' (expected: tag:<name>)");
            }
        }

        @Override
        public String wireName() {
            return "tag:" + name;
        }
    }

    /**
     * Parses one {@code group_by} item.
     *
     * @throws IllegalArgumentException naming the value and what is accepted
     */
    static GroupBy parse(String value) {
        String v = value.strip();
        if (v.startsWith("tag:")) {
            return new Tag(v.substring(4));
        }
        for (Dimension d : Dimension.values()) {
            if (d.wireName().equals(v)) {
                return d;
            }
        }
        throw new IllegalArgumentException("group_by: '" + value
                + "' (expected: model, key, provider, status, user, hour, day, hour_of_day or tag:<name>)");
    }
}

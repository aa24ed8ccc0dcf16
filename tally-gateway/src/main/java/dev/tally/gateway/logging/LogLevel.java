package dev.tally.gateway.logging;

import java.util.Locale;
import java.util.logging.Level;

/**
 * The levels an operator writes in {@code logging.level} and {@code logging.levels}, and prints in
 * each line, mapped onto {@code java.util.logging}'s (which SLF4J and {@code System.Logger} log
 * through): {@code error} is SEVERE, {@code warn} WARNING, {@code info} INFO, {@code debug}
 * CONFIG and FINE, {@code trace} FINER and FINEST; {@code off} prints nothing.
 */
public enum LogLevel {
    OFF(Level.OFF), ERROR(Level.SEVERE), WARN(Level.WARNING), INFO(Level.INFO), DEBUG(Level.FINE), TRACE(Level.FINEST);

    private final Level jul;

    LogLevel(Level jul) {
        this.jul = jul;
    }

    /** The {@code java.util.logging} threshold that lets this level and the ones above it through. */
    public Level jul() {
        return jul;
    }

    /** The name as written in the configuration: {@code info}, {@code warn}, ... */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The level of a JUL record as printed: ERROR, WARN, INFO, DEBUG or TRACE. */
    public static LogLevel of(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return ERROR;
        }
        if (value >= Level.WARNING.intValue()) {
            return WARN;
        }
        if (value >= Level.INFO.intValue()) {
            return INFO;
        }
        if (value >= Level.FINE.intValue()) {
            return DEBUG;
        }
        return TRACE;
    }

    /**
     * Parses a configured level, case-insensitively.
     *
     * @throws IllegalArgumentException naming {@code key}, the value and the expectation
     */
    public static LogLevel parse(String key, String text) {
        for (LogLevel level : values()) {
            if (level.configName().equalsIgnoreCase(text.strip())) {
                return level;
            }
        }
        throw new IllegalArgumentException(key + ": '" + text + "' (expected: one of error, warn, info, debug, trace, off)");
    }
}

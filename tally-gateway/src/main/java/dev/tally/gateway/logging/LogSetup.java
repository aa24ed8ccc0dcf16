package dev.tally.gateway.logging;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Installs Tally's one logging set-up into {@code java.util.logging}, the backend every logger in
 * the process ends in: Tally's {@code System.Logger}s (the JDK maps them to JUL), Helidon's JUL
 * loggers, and SLF4J's (Flyway, the JDBC drivers), which the {@code slf4j-jdk14} binding on the
 * class path hands to JUL. The root logger gets one handler, writing {@link LineFormatter} lines
 * to standard error (standard output stays the command's own), and the configured levels; JUL's
 * default two-line console handler is removed.
 *
 * <p>Thread-safe: {@link #install} may be called again (the CLI installs its quiet set-up at
 * start, {@code serve} its configured one once the configuration is read); each call replaces
 * the previous one. The configured loggers are held here, because JUL keeps loggers only weakly
 * and a level set on one that is collected would be lost.
 */
public final class LogSetup {

    private static final List<Logger> CONFIGURED = new ArrayList<>(); // guarded by LogSetup.class

    private LogSetup() {
    }

    /** Installs {@code settings}, writing to {@code System.err}. */
    public static void install(LogSettings settings) {
        install(settings, System.err);
    }

    /** Installs {@code settings}, writing to {@code out} (tests pass their own stream). */
    public static synchronized void install(LogSettings settings, OutputStream out) {
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler old : root.getHandlers()) {
            root.removeHandler(old);
            if (old instanceof LineHandler) {
                old.flush();
            }
        }
        for (Logger logger : CONFIGURED) {
            logger.setLevel(null);
        }
        CONFIGURED.clear();
        root.setLevel(settings.level().jul());
        for (Map.Entry<String, LogLevel> level : settings.effectiveLevels().entrySet()) {
            Logger logger = Logger.getLogger(level.getKey());
            logger.setLevel(level.getValue().jul());
            CONFIGURED.add(logger);
        }
        LineHandler handler = new LineHandler(new LineFormatter(settings.format()),
                out instanceof PrintStream print ? print : new PrintStream(out, true));
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
    }

    /** Writes each entry and flushes at once, so a line is never held back from the operator. */
    private static final class LineHandler extends StreamHandler {

        LineHandler(LineFormatter formatter, OutputStream out) {
            super(out, formatter);
        }

        @Override
        public synchronized void publish(java.util.logging.LogRecord entry) {
            super.publish(entry);
            flush();
        }

        @Override
        public synchronized void close() {
            flush(); // never closes System.err
        }
    }
}

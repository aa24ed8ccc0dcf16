package dev.tally.gateway.server;

import io.helidon.webserver.http.HttpRouting;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;

/**
 * Start-up work that {@link GatewayRuntime#start} needs only late, done early on a thread of its
 * own while the starting thread reads the configuration, opens the store and starts the recorder:
 * the JDK's default TLS context (reading the trust store, which the upstream client needs) and
 * Helidon's routing and service registry (initialised by the first {@link HttpRouting#builder()}).
 * Measured on the starting thread, these took about 0.1-0.3 s and 0.4-0.6 s of a 2-3 s start on a
 * 2-core machine; here they overlap with the rest. Nothing here is kept: it only initialises
 * classes and JDK-wide defaults that the starting thread would initialise anyway, and a failure
 * is left for the starting thread to meet and report where it would have.
 *
 * <p>Thread-safe; {@link #start()} is idempotent (the first call in a process starts the thread).
 */
public final class StartupWarmUp {

    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private StartupWarmUp() {
    }

    /** Starts the warm-up thread, once per process; returns at once. */
    public static void start() {
        if (STARTED.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("tally-startup-warmup").start(StartupWarmUp::run);
        }
    }

    private static void run() {
        try {
            SSLContext.getDefault();
            StartupTimeline.mark("TLS context");
        } catch (NoSuchAlgorithmException | RuntimeException e) {
            // The upstream client asks again, and reports it.
        }
        try {
            HttpRouting.builder();
            StartupTimeline.mark("Helidon routing");
        } catch (RuntimeException | LinkageError e) {
            // The server's start meets it again (a failed class initialisation keeps its cause), and reports it.
        }
    }
}

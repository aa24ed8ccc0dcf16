package dev.tally.gateway.server;

import io.helidon.webserver.http.HttpRouting;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;

/**
 * Start-up work that {@link GatewayRuntime#start} needs only late, done early on a thread of its
 * own while the starting thread reads the configuration, opens the store and starts the recorder:
 * Helidon's routing and service registry (initialised by the first {@link HttpRouting#builder()}).
 * Measured on the starting thread, this took about 0.4-0.6 s of a 2-3 s start on a 2-core
 * machine; here it overlaps with the rest. The JDK's default TLS context, which only an https
 * provider's first connection needs, is made once the server listens ({@link #tls()}). Nothing here is kept: it only initialises
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

    /**
     * Makes the JDK's default TLS context (reading the trust store), which the upstream client
     * needs on its first https connection only: run once the server listens, so that first call
     * does not pay for it, and the start does not either. Blocking; call it on a thread of its own.
     */
    public static void tls() {
        try {
            SSLContext.getDefault();
        } catch (NoSuchAlgorithmException | RuntimeException e) {
            // The upstream client asks again, and reports it.
        }
    }

    private static void run() {
        try {
            HttpRouting.builder();
            StartupTimeline.mark("Helidon routing");
        } catch (RuntimeException | LinkageError e) {
            // The server's start meets it again (a failed class initialisation keeps its cause), and reports it.
        }
    }
}

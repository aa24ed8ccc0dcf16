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

    /** How long after the server listens {@link #afterStart} waits: past a start's first health checks. */
    static final java.time.Duration AFTER_START = java.time.Duration.ofSeconds(1);

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

    /**
     * Runs {@code tasks}, one after the other, on a virtual thread of their own once
     * {@link #AFTER_START} has passed; returns at once. For what a gateway needs soon but not to
     * answer its first requests: the tokenizer's vocabulary (some 50 MB allocated, and the
     * collections that causes stop every thread) and the default TLS context. Run as soon as
     * the server listened, they took about 0.15 s from the first {@code GET /health} on a 2-core
     * machine ({@code bench/startup}: healthy at 0.99 s median with them, 0.82 s without). A
     * call that needs either before then makes it itself, as it would without a warm-up.
     */
    public static void afterStart(Runnable... tasks) {
        Thread.ofVirtual().name("tally-warmup").start(() -> {
            try {
                Thread.sleep(AFTER_START);
            } catch (InterruptedException e) {
                return;
            }
            for (Runnable task : tasks) {
                task.run();
            }
        });
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

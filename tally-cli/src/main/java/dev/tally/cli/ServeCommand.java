package dev.tally.cli;

import dev.tally.cli.options.HelpOption;
import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.logging.LogSetup;
import dev.tally.gateway.server.GatewayRuntime;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tally serve}: starts the store, the recorder and the gateway, prints where it listens
 * (and, on the first start without a configured admin token, the generated token, once), then
 * runs until SIGTERM or SIGINT, when it stops taking calls and drains the audit log within
 * {@code server.shutdown_timeout}, prints how many entries could not be made durable, and exits
 * 0 when there were none, else 1.
 * Blocking: {@link #call()} returns only after that shutdown. Not thread-safe (one per run).
 */
@Command(name = "serve",
        description = {"Run the gateway: proxy OpenAI and Anthropic calls and record every one of them.",
            "Stops cleanly on SIGTERM or Ctrl-C, draining the audit log first."})
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Option(names = "--config", paramLabel = "<file>",
            description = "tally.yaml to read (default: none; everything from defaults and the environment).")
    Path config;

    @Option(names = "--data", paramLabel = "<dir>", defaultValue = "./data",
            description = "Data directory: store, signing keys, spill journal, admin token (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--port", paramLabel = "<port>",
            description = "TCP port to listen on, 0 for a free one (overrides server.port).")
    Integer port;

    @Option(names = "--host", paramLabel = "<host>",
            description = "Interface to listen on, e.g. 127.0.0.1 or 0.0.0.0 (overrides server.host).")
    String host;

    @Override
    public Integer call() throws InterruptedException {
        dev.tally.gateway.server.StartupTimeline.mark("command line");
        if (port != null && (port < 0 || port > 65_535)) {
            throw new UsageFailure("--port: " + port + " (expected: 0..65535)");
        }
        if (host != null && (host.isBlank() || host.chars().anyMatch(Character::isWhitespace))) {
            throw new UsageFailure("--host: '" + host + "' (expected: a host name or an IP address, e.g. 127.0.0.1)");
        }
        GatewayConfig settings;
        try {
            settings = ConfigLoader.load(config, data, System.getenv());
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(e.getMessage());
        }
        dev.tally.gateway.server.StartupTimeline.mark("config");
        LogSetup.install(settings.logging());
        dev.tally.gateway.server.StartupTimeline.mark("logging");
        GatewayConfig.Server server = settings.server();
        settings = settings.withServer(new GatewayConfig.Server(host == null ? server.host() : host,
                port == null ? server.port() : port, server.instanceId(), server.shutdownTimeout()));
        GatewayRuntime runtime;
        try {
            runtime = GatewayRuntime.start(settings, data, Clock.systemUTC());
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration timeout = settings.server().shutdownTimeout();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            int code = stop(runtime, timeout, out, err);
            stopped.countDown();
            // A hook cannot choose the exit code; halting is the only way to tell the supervisor
            // whether every entry was made durable (everything else is stopped by now).
            Runtime.getRuntime().halt(code);
        }, "tally-shutdown"));
        ServeBanner.lines(settings, runtime.port(), runtime.chain(), data).forEach(out::println);
        if (runtime.admin().generated()) {
            out.println("admin token (shown once; kept in " + data.resolve("admin-token") + "): " + runtime.admin().token().reveal());
        }
        out.flush();
        dev.tally.gateway.server.StartupTimeline.report();
        stopped.await();
        return TallyCommand.OK;
    }

    /**
     * Stops {@code runtime} within {@code timeout} and prints how it went: one line on stdout when
     * every audit entry was made durable (returns 0), on stderr with the count otherwise (returns
     * 1). A watchdog halts the JVM with 1 one second after the timeout if the stop itself hangs.
     */
    static int stop(GatewayRuntime runtime, Duration timeout, PrintWriter out, PrintWriter err) {
        Thread watchdog = Thread.ofPlatform().daemon().name("tally-shutdown-watchdog").start(() -> {
            try {
                Thread.sleep(timeout.plusSeconds(1));
            } catch (InterruptedException done) {
                return;
            }
            err.println("tally: shutdown did not finish within server.shutdown_timeout (" + timeout.toMillis()
                    + " ms); exiting, entries still in memory are lost");
            err.flush();
            Runtime.getRuntime().halt(TallyCommand.FAILURE);
        });
        GatewayRuntime.Shutdown result = runtime.shutdown(timeout);
        watchdog.interrupt();
        long notDurable = result.audit().notDurable();
        PrintWriter to = notDurable == 0 ? out : err;
        to.printf("tally stopped in %d ms: %d audit entries stored, %d kept in the spill journal, %d could not be made durable%s%n",
                result.took().toMillis(), result.audit().stored(), result.audit().journaled(), notDurable,
                result.callsDrained() ? "" : " (calls still in flight at the deadline were cut off)");
        to.flush();
        return notDurable == 0 ? TallyCommand.OK : TallyCommand.FAILURE;
    }
}

package dev.tally.cli;

import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.server.GatewayRuntime;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tally serve}: starts the store, the recorder and the gateway, prints where it listens
 * (and, on the first start without a configured admin token, the generated token, once), then
 * runs until SIGTERM or SIGINT, when it stops taking calls, drains the audit log and exits 0.
 * Blocking: {@link #call()} returns only after that shutdown. Not thread-safe (one per run).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the gateway: proxy OpenAI and Anthropic calls and record every one of them.",
            "Stops cleanly on SIGTERM or Ctrl-C, draining the audit log first."})
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "<file>",
            description = "tally.yaml to read (default: none; everything from defaults and the environment).")
    Path config;

    @Option(names = "--data", paramLabel = "<dir>", defaultValue = "./data",
            description = "Data directory: store, signing keys, spill journal, admin token (default: ${DEFAULT-VALUE}).")
    Path data;

    @Override
    public Integer call() throws InterruptedException {
        GatewayConfig settings;
        try {
            settings = ConfigLoader.load(config, data, System.getenv());
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(e.getMessage());
        }
        GatewayRuntime runtime;
        try {
            runtime = GatewayRuntime.start(settings, data, Clock.systemUTC());
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runtime.close();
            stopped.countDown();
        }, "tally-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.printf("tally listening on http://%s:%d (audit: %s, store: %s, chain: %s)%n", settings.server().host(),
                runtime.port(), settings.audit().durability().name().toLowerCase(java.util.Locale.ROOT),
                settings.store().url(), runtime.chain());
        out.printf("providers: %s; models: %s%n", settings.providers().isEmpty() ? "none (set OPENAI_API_KEY or ANTHROPIC_API_KEY)"
                : String.join(", ", settings.providers().keySet()),
                settings.models().isEmpty() ? "any name, passed through" : String.join(", ", settings.models().keySet()));
        if (runtime.admin().generated()) {
            out.println("admin token (shown once; kept in " + data.resolve("admin-token") + "): " + runtime.admin().token().reveal());
        }
        out.flush();
        stopped.await();
        return TallyCommand.OK;
    }
}

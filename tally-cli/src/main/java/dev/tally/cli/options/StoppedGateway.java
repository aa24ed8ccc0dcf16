package dev.tally.cli.options;

import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.StoreException;
import dev.tally.cli.CommandFailure;
import dev.tally.gateway.config.GatewayConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * A stopped gateway's own chain, opened by a command that changes the log as that gateway would
 * (rotating its signing key, re-pricing): the store {@code --data}/{@code --config} names and a
 * {@link Recorder} on the gateway's chain ({@code server.instance_id}, else
 * {@code <data>/gateway/instance-id}) with its signing key. The recorder refuses a chain that a
 * running gateway holds, and the message then says to stop it or use {@code --url}. Close it to
 * drain the recorder and close the store. Not thread-safe; one per command run.
 */
public final class StoppedGateway implements AutoCloseable {

    private final AuditStore store;
    private final Recorder recorder;

    private StoppedGateway(AuditStore store, Recorder recorder) {
        this.store = store;
        this.recorder = recorder;
    }

    /**
     * Opens the chain of the gateway whose data directory and configuration {@code source} names.
     *
     * @param action what the command does, for the message when the gateway still runs (e.g. "re-price")
     * @throws CommandFailure when the chain cannot be named or opened
     */
    public static StoppedGateway open(SourceOptions source, Optional<GatewayConfig> settings, String action) {
        Path own = source.dataDir().resolve("gateway");
        String chain = settings.flatMap(c -> c.server().instanceId()).orElseGet(() -> instanceId(own));
        Path keyFile = settings.flatMap(c -> c.audit().integrity().signingKeyFile()).orElse(null);
        AuditStore store = source.openStore(false);
        try {
            return new StoppedGateway(store, Recorder.start(store,
                    RecorderConfig.defaults(chain, own).withSigningKeyFile(keyFile), Clock.systemUTC()));
        } catch (UncheckedIOException | StoreException e) {
            store.close();
            throw new CommandFailure("cannot open the gateway's chain " + chain + ": " + e.getMessage()
                    + (e.getMessage() != null && e.getMessage().contains("held by another recorder")
                            ? " (expected: the gateway stopped, or --url to " + action + " through it)" : ""), e);
        }
    }

    public AuditStore store() {
        return store;
    }

    public Recorder recorder() {
        return recorder;
    }

    /** Drains and closes the recorder (writing a signed head), then closes the store. */
    @Override
    public void close() {
        try {
            recorder.close();
        } finally {
            store.close();
        }
    }

    private static String instanceId(Path own) {
        Path file = own.resolve("instance-id");
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new CommandFailure("data: " + file + " cannot be read (" + e.getMessage() + "; expected: the data"
                    + " directory of a gateway that has run, or server.instance_id in --config)", e);
        }
    }
}

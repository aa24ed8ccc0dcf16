package dev.tally.gateway.server;

import dev.tally.audit.chain.SignedHeadJson;
import dev.tally.audit.id.IdSource;
import dev.tally.audit.recorder.CloseResult;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.AuditStore;
import dev.tally.audit.alert.AlertOutbox;
import dev.tally.gateway.alerts.AlertDispatcher;
import dev.tally.gateway.audit.RecorderAuditSink;
import dev.tally.gateway.config.AdminTokenFile;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.config.Integrity;
import dev.tally.gateway.heads.HeadPublisher;
import dev.tally.gateway.retention.RetentionRun;
import dev.tally.gateway.store.AuditStores;
import dev.tally.gateway.retention.RetentionScheduler;
import dev.tally.gateway.retention.RetentionStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Everything {@code tally serve} runs, started in order and stopped in reverse: the audit store
 * (from {@code store.url}, through {@link AuditStores}), the recorder on this instance's chain (recovery of interrupted calls
 * happens here), a {@code config_changed} event when the audit settings differ from the last
 * run's ({@link AuditSettingsLog}), the admin token, the gateway, then the retention schedule
 * ({@link RetentionScheduler}: entries past {@code audit.retention} and payloads past
 * {@code audit.payload_retention}, at start and hourly). Every signed head is also handed to the
 * {@link HeadPublisher} when {@code audit.publish_heads} is set. The store gets the budget-alert
 * rules before the recorder's first commit, and an {@link AlertDispatcher} sends the alerts when
 * {@code alerts.url} is set (stopped before the recorder). {@link #shutdown(Duration)} (and
 * {@link #close()}, within {@code server.shutdown_timeout}) stops the retention schedule and
 * taking calls first, then drains the recorder (final checkpoint), then the head publisher, then
 * closes the store, and returns within its timeout whatever hangs. Thread-safe; closing is
 * idempotent.
 *
 * <p>On disk, under the data directory: {@code gateway/instance-id} (this instance's chain id,
 * made on first start), {@code gateway/} also holds the recorder's spill journal and, unless
 * {@code audit.signing_key_file} puts it elsewhere, the signing key pair; {@code admin-token} when
 * the token is generated.
 */
public final class GatewayRuntime implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(GatewayRuntime.class.getName());

    private final AuditStore store;
    private final Recorder recorder;
    private final Gateway gateway;
    private final AdminTokenFile.Resolved admin;
    private final String chain;
    private final Optional<RetentionScheduler> retention;
    private final Optional<HeadPublisher> publisher;
    private final Optional<AlertDispatcher> alerts;
    private final Duration shutdownTimeout;
    private Shutdown shutdown; // guarded by this

    private GatewayRuntime(AuditStore store, Recorder recorder, Gateway gateway, AdminTokenFile.Resolved admin, String chain,
            Optional<RetentionScheduler> retention, Optional<HeadPublisher> publisher, Optional<AlertDispatcher> alerts,
            Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
        this.alerts = alerts;
        this.store = store;
        this.recorder = recorder;
        this.gateway = gateway;
        this.admin = admin;
        this.chain = chain;
        this.retention = retention;
        this.publisher = publisher;
    }

    /**
     * Starts everything; returns once the server listens (the first retention run then begins in the background).
     *
     * @throws IllegalStateException with one line naming the problem and the fix when the port is taken or the
     *     data directory cannot be written ({@link StartupCheck}; then nothing was created)
     */
    public static GatewayRuntime start(GatewayConfig config, Path dataDir, Clock clock) {
        StartupWarmUp.start(); // serve starts it earlier, before its command line is parsed
        StartupCheck.check(config, dataDir);
        AdminTokenFile.Resolved admin = AdminTokenFile.resolve(config.admin().token(), dataDir);
        Path own = dataDir.resolve("gateway");
        String chain = config.server().instanceId().orElseGet(() -> instanceId(own, dataDir));
        StartupTimeline.mark("admin token and instance id");
        AuditStore store = AuditStores.open(config.store());
        StartupTimeline.mark("store open");
        if (store instanceof AlertOutbox outbox) {
            outbox.alertRules(config.alerts().rules()); // before the first commit, recovery's included
        }
        Recorder recorder = null;
        Optional<HeadPublisher> publisher = Optional.empty();
        try {
            GatewayConfig.Audit audit = config.audit();
            Integrity integrity = audit.integrity();
            publisher = integrity.publishHeads().map(target -> HeadPublisher.start(target, clock));
            Optional<HeadPublisher> publishing = publisher;
            recorder = Recorder.start(store, RecorderConfig.defaults(chain, own)
                    .withDurability(audit.durability())
                    .withBatch(audit.flushInterval(), audit.batchSize())
                    .withCheckpointEvery(audit.checkpointEvery())
                    .withSignInterval(integrity.signInterval())
                    .withSigningKeyFile(integrity.signingKeyFile().orElse(null))
                    .withWhenUnrecordable(audit.whenUnrecordable())
                    .withJournalMaxBytes(audit.journalMaxBytes()), clock,
                    // On the writer thread: the publisher only queues the head.
                    head -> publishing.ifPresent(p -> p.publish(SignedHeadJson.write(head))));
            StartupTimeline.mark("recorder (recovery, signing key)");
            warnWhenOwnKeyIsNotPinned(integrity, recorder.publicKeyBase64());
            AuditSettingsLog.record(audit, store, recorder::commitChange, new IdSource(clock, new SecureRandom()), clock);
            StartupTimeline.mark("settings event");
            Gateway gateway = Gateway.start(config, store, recorder, new RecorderAuditSink(recorder, audit.durability()), clock,
                    d -> Thread.sleep(d.toMillis()), admin.token(), routing -> { });
            if (gateway.port() < 0) {
                // Helidon logs a failed bind and goes on without a listener: taken since the check.
                gateway.close();
                throw new IllegalStateException(StartupCheck.inUse(config.server().port()));
            }
            StartupTimeline.mark("gateway");
            RetentionRun run = new RetentionRun(recorder, store, audit.retention(), audit.payloadRetention(),
                    new IdSource(clock, new SecureRandom()), clock);
            Optional<RetentionScheduler> retention = run.prunesAnything()
                    ? Optional.of(RetentionScheduler.start(run, RetentionScheduler.DEFAULT_INTERVAL))
                    : Optional.empty();
            retention.ifPresent(scheduler -> gateway.telemetry().metrics().retention(scheduler::stats));
            publisher.ifPresent(p -> gateway.telemetry().metrics().headPublishing(p::stats));
            if (store instanceof dev.tally.audit.store.postgres.PostgresAuditStore postgres) {
                gateway.telemetry().metrics().rollupFolds(postgres::foldFailures);
            }
            Recorder events = recorder;
            Optional<AlertDispatcher> alerts = config.alerts().enabled() && store instanceof AlertOutbox outbox
                    ? Optional.of(AlertDispatcher.start(outbox, config.alerts(), events::recordAndWait, clock,
                            new IdSource(clock, new SecureRandom()), chain))
                    : Optional.empty();
            alerts.ifPresent(dispatcher -> gateway.telemetry().metrics().alerts(dispatcher.stats()));
            return new GatewayRuntime(store, recorder, gateway, admin, chain, retention, publisher, alerts,
                    config.server().shutdownTimeout());
        } catch (RuntimeException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (recorder != null) {
                recorder.close();
            }
            publisher.ifPresent(HeadPublisher::close);
            store.close();
            throw e instanceof RuntimeException r ? r : new IllegalStateException("interrupted while starting", e);
        }
    }

    /**
     * With {@code audit.trusted_keys} set, this gateway's own verify checks against those keys only:
     * if its own signing key is not among them, its chain will show as unpinned, so say so now.
     */
    private static void warnWhenOwnKeyIsNotPinned(Integrity integrity, String ownPublicKey) {
        if (integrity.trustedKeys().isEmpty()) {
            return;
        }
        String ownId = dev.tally.audit.chain.SigningKeys.keyIdOf(dev.tally.audit.chain.SigningKeys.parsePublicKey(ownPublicKey));
        if (!integrity.trustedKeys().containsKey(ownId)) {
            LOG.log(System.Logger.Level.WARNING, "audit.trusted_keys does not pin this gateway's own signing key (key id "
                    + ownId + "): GET /v1/admin/verify will report its chain as unpinned; add its signing.pub to"
                    + " audit.trusted_keys unless the key is being replaced");
        }
    }

    /** {@link #instanceId(Path, Path)} for {@code <data dir>/gateway}: the data directory is its parent. */
    static String instanceId(Path dir) {
        Path parent = dir.toAbsolutePath().getParent();
        return instanceId(dir, parent == null ? dir : parent);
    }

    /**
     * This instance's chain id when {@code server.instance_id} is not set: {@code gw-<host>-<8 hex>},
     * made once and kept in {@code dir/instance-id} ({@link InstanceIds}).
     */
    static String instanceId(Path dir, Path dataDir) {
        return InstanceIds.idIn(dir, dataDir, "gw", null);
    }

    /** {@code gw-<host>-<8 hex of SHA-256 of the data directory's absolute path>}. */
    static String derivedInstanceId(String host, Path dataDir) {
        return InstanceIds.derived("gw", host, dataDir);
    }

    public int port() {
        return gateway.port();
    }

    public String chain() {
        return chain;
    }

    /** The retention scheduler's counters; empty when entries and payloads are both kept forever. */
    public Optional<RetentionStats> retention() {
        return retention.map(RetentionScheduler::stats);
    }

    /** The admin token and whether it was generated on this start (then print it once). */
    public AdminTokenFile.Resolved admin() {
        return admin;
    }

    /** {@link #shutdown(Duration)} within {@code server.shutdown_timeout}. */
    @Override
    public void close() {
        shutdown(shutdownTimeout);
    }

    /**
     * Stops everything within {@code timeout}, whatever hangs: the retention schedule, then the
     * server (waiting for calls in flight, for at most half the time), then the recorder
     * ({@link Recorder#close(Duration)}: drains what it can into the store and fsyncs the rest into
     * the spill journal, within most of what is left), then the store. Steps that outlive their
     * share are left behind on their own threads; entries the recorder could not make durable by
     * the deadline are counted in the result. Idempotent: a second call returns the first result.
     */
    public synchronized Shutdown shutdown(Duration timeout) {
        if (shutdown != null) {
            return shutdown;
        }
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long half = start + timeout.toNanos() / 2;
        Bounded.run("retention", () -> retention.ifPresent(RetentionScheduler::close), half); // before the recorder it prunes through
        Bounded.run("alerts", () -> alerts.ifPresent(AlertDispatcher::close), half); // before the recorder it records through
        boolean drained = Bounded.run("gateway", gateway::close, half); // calls in flight hand their records over
        long left = Math.max(0, deadline - System.nanoTime());
        CloseResult audit = recorder.close(Duration.ofNanos(left - left / 10));
        // After the recorder: its closing head is published too.
        Bounded.run("head publisher", () -> publisher.ifPresent(HeadPublisher::close), deadline);
        Bounded.run("store", store::close, deadline);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        shutdown = new Shutdown(audit, drained, took);
        LOG.log(audit.notDurable() == 0 ? System.Logger.Level.INFO : System.Logger.Level.ERROR,
                "tally stopped in " + took.toMillis() + " ms (chain " + chain + "): " + audit.stored() + " entries stored, "
                        + audit.journaled() + " kept in the spill journal, " + audit.notDurable() + " could not be made durable"
                        + (drained ? "" : "; calls still in flight at the deadline were cut off"));
        return shutdown;
    }

    /**
     * How a shutdown went.
     *
     * @param audit what the recorder made durable, and what it could not
     * @param callsDrained whether every call in flight ended before its share of the timeout
     * @param took how long the shutdown took
     */
    public record Shutdown(CloseResult audit, boolean callsDrained, Duration took) {
    }
}

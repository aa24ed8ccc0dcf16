package dev.tally.gateway.metrics;

import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.SecurityEvent;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.json.Json;
import dev.tally.audit.recorder.RecorderStats;
import dev.tally.gateway.audit.OutageGate;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.retention.RetentionStats;
import dev.tally.gateway.trace.TracerStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The gateway's metrics, in one Micrometer registry exposed in the Prometheus text format. Counted
 * from what reaches the audit log ({@link #recorded}, fed by {@link MetricsAuditSink}): calls,
 * tokens, cost, latency and time to first token, upstream attempts, fallbacks and errors,
 * refusals, security events; read from the recorder at scrape time: queue depth,
 * writer lag, committed, spilled, replayed, lost, store errors, payloads dropped, chain head
 * (see {@link AuditGauges}); the retention scheduler's counters when it runs; plus JVM metrics. Every metric, type and label is listed in
 * {@code docs/metrics.md}.
 *
 * <p>Label values come from closed sets ({@link Labels}): no key, user, tag, IP or free text is
 * ever a label, and a model name no one configured is {@code other}.
 *
 * <p>Thread-safe. Counting a call costs two map reads and a few adder increments (meters are
 * resolved once per label pair, {@link CallMeters}); nothing blocks.
 */
public final class GatewayMetrics implements AutoCloseable {

    /** Content type of the Prometheus text format 0.0.4. */
    public static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
    /** Content type of the OpenMetrics text format 1.0.0. */
    public static final String OPENMETRICS_FORMAT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final Labels labels;
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, CallMeters>> calls = new ConcurrentHashMap<>();
    private final Counter[] securityEvents;
    private final ConcurrentHashMap<String, Counter> refusals = new ConcurrentHashMap<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final AuditGauges audit;
    private final JvmGcMetrics gc;
    private volatile Supplier<RetentionStats> retention;
    private volatile Supplier<dev.tally.gateway.heads.PublishStats> headPublishing;
    private volatile dev.tally.gateway.alerts.AlertStats alertStats;
    private volatile OutageGate gate;
    private volatile dev.tally.gateway.limits.SharedRates sharedRates;
    private volatile LongSupplier rollupFoldFailures;

    /**
     * Metrics for a gateway serving {@code config}.
     *
     * @param recorderStats the audit recorder's counters ({@code Recorder::stats})
     * @param payloadsDropped payloads dropped by the recorder ({@code Recorder::payloadsDropped})
     * @param tracerStats span export counts, or null when no spans are exported
     */
    public GatewayMetrics(GatewayConfig config, Supplier<RecorderStats> recorderStats, LongSupplier payloadsDropped,
            Supplier<TracerStats> tracerStats) {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.labels = new Labels(config);
        SecurityEventType[] securityTypes = SecurityEventType.values();
        this.securityEvents = new Counter[securityTypes.length];
        for (SecurityEventType type : securityTypes) {
            securityEvents[type.ordinal()] = Counter.builder("tally.security.events")
                    .description("Security events: auth failures by reason, refusals, admin auth failures")
                    .tag("type", Json.wire(type)).register(registry);
        }
        io.micrometer.core.instrument.Gauge.builder("tally.calls.in.flight", inFlight, Set::size)
                .description("Calls whose opening marker was written and whose record was not yet")
                .strongReference(true).register(registry);
        this.audit = new AuditGauges(registry, recorderStats, payloadsDropped, tracerStats);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        this.gc = new JvmGcMetrics();
        gc.bindTo(registry);
    }

    /**
     * Adds the retention scheduler's counters (runs, failed runs, entries and payloads deleted),
     * read at each scrape. Call once, when retention is scheduled.
     */
    public void retention(Supplier<RetentionStats> stats) {
        // Micrometer holds the measured object weakly: the supplier is kept here, strongly.
        this.retention = stats;
        retentionCounter("tally.retention.runs", "Retention runs finished, failed ones included", RetentionStats::runs);
        retentionCounter("tally.retention.failed.runs", "Retention runs in which pruning failed (logged; retried at the next run)",
                RetentionStats::failedRuns);
        retentionCounter("tally.retention.entries.deleted", "Audit log entries pruned behind a signed anchor",
                RetentionStats::entriesDeleted);
        retentionCounter("tally.retention.payloads.deleted", "Kept payloads pruned on their own retention",
                RetentionStats::payloadsDeleted);
    }

    /**
     * Adds the outage counters ({@code audit.when_unrecordable}): summaries of refused calls
     * written, calls forwarded under {@code allow} while the log could not be written, and whether
     * it can take a write now (the refused calls themselves are counted by the recorder,
     * {@link AuditGauges}). Call once.
     */
    public void outage(OutageGate gate) {
        this.gate = gate; // Micrometer holds the measured object weakly
        FunctionCounter.builder("tally.audit.refusal.summaries", this, m -> m.gate.summaries().summariesWritten())
                .description("calls_refused_unrecordable summaries handed to the audit log (one per second of refusals)")
                .register(registry);
        FunctionCounter.builder("tally.audit.forwarded.unrecordable", this, m -> m.gate.forwardedUnrecordable())
                .description("Calls forwarded under when_unrecordable: allow while nothing durable could take their record")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder("tally.audit.recordable", this, m -> m.gate.recordableNow() ? 1 : 0)
                .description("1 when the store or the spill journal can take a write now, else 0")
                .strongReference(true).register(registry);
    }

    /**
     * Adds the fleet-wide rate limits' counters (a PostgreSQL store): leases taken, leases that
     * failed, calls decided by the local bucket while no lease could be had, and whether the
     * shared buckets are reachable now. Read at each scrape; call once.
     */
    public void sharedRates(dev.tally.gateway.limits.SharedRates rates) {
        this.sharedRates = rates; // held strongly here: Micrometer holds the measured object weakly
        FunctionCounter.builder("tally.limits.shared.leases", this, m -> m.sharedRates.leases())
                .description("Slices of a shared rate limit leased from the store").register(registry);
        FunctionCounter.builder("tally.limits.shared.lease.failures", this, m -> m.sharedRates.leaseFailures())
                .description("Leases that failed because the store could not be reached (logged once per outage)")
                .register(registry);
        FunctionCounter.builder("tally.limits.shared.local.decisions", this, m -> m.sharedRates.localDecisions())
                .description("Calls decided by this instance's own bucket because no lease could be had (fail-open)")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder("tally.limits.shared.reachable", this,
                m -> m.sharedRates.reachable() ? 1 : 0)
                .description("1 while the store's shared rate buckets answer leases, else 0")
                .strongReference(true).register(registry);
    }

    /**
     * Adds the count of failed background rollup folds (a PostgreSQL store folds calls into its
     * usage rollups after their commit; a failed round is logged once per outage and retried, and
     * reads stay exact meanwhile). Read at each scrape; call once.
     */
    public void rollupFolds(LongSupplier failures) {
        this.rollupFoldFailures = failures; // held strongly here: Micrometer holds the measured object weakly
        FunctionCounter.builder("tally.audit.rollup.fold.failures", this, m -> m.rollupFoldFailures.getAsLong())
                .description("Background rounds folding calls into the usage rollups that failed (retried; reads stay exact)")
                .register(registry);
    }

    private void retentionCounter(String name, String description, ToLongFunction<RetentionStats> value) {
        FunctionCounter.builder(name, this, m -> value.applyAsLong(m.retention.get())).description(description).register(registry);
    }

    /**
     * Adds the head publisher's counters ({@code audit.publish_heads}): heads published, failed
     * attempts, heads dropped from a full queue, heads waiting. Read at each scrape; call once.
     */
    public void headPublishing(Supplier<dev.tally.gateway.heads.PublishStats> stats) {
        this.headPublishing = stats; // held strongly here: Micrometer holds the measured object weakly
        FunctionCounter.builder("tally.heads.published", this, m -> m.headPublishing.get().published())
                .description("Signed heads published to audit.publish_heads").register(registry);
        FunctionCounter.builder("tally.heads.publish.failures", this, m -> m.headPublishing.get().failures())
                .description("Failed attempts to publish a signed head (each retry counts; logged once a minute at most)")
                .register(registry);
        FunctionCounter.builder("tally.heads.publish.dropped", this, m -> m.headPublishing.get().dropped())
                .description("Signed heads dropped unpublished from a full queue (a later head covers them)")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder("tally.heads.publish.pending", this,
                m -> m.headPublishing.get().pending())
                .description("Signed heads waiting to be published").register(registry);
    }

    /** Registers the budget-alert dispatcher's counters (when {@code alerts.url} is set). */
    public void alerts(dev.tally.gateway.alerts.AlertStats stats) {
        this.alertStats = stats; // held strongly here: Micrometer holds the measured object weakly
        FunctionCounter.builder("tally.alerts.delivered", this, m -> m.alertStats.delivered())
                .description("Budget alerts delivered (the webhook answered 2xx)").register(registry);
        FunctionCounter.builder("tally.alerts.retried", this, m -> m.alertStats.retried())
                .description("Budget-alert attempts that failed and will be retried").register(registry);
        FunctionCounter.builder("tally.alerts.failed", this, m -> m.alertStats.failed())
                .description("Budget alerts given up after alerts.max_attempts").register(registry);
        FunctionCounter.builder("tally.alerts.store.errors", this, m -> m.alertStats.storeErrors())
                .description("Outbox reads or writes of the alert dispatcher that failed (retried at the next poll)")
                .register(registry);
    }

    /** A call's opening marker was handed to the audit log: the call is in flight. */
    public void opened(CallOpening opening) {
        inFlight.add(opening.id());
    }

    /** An entry was handed to the audit log. */
    public void recorded(AuditEntry entry) {
        switch (entry) {
            case CallRecord call -> {
                inFlight.remove(call.id());
                meters(call).count(call);
                if (call.status() == dev.tally.audit.entry.CallStatus.REFUSED) {
                    String reason = labels.code(call.errorCode());
                    refusals.computeIfAbsent(reason, r -> Counter.builder("tally.refusals")
                            .description("Calls refused before any upstream call (limits, budget, unknown model, scope)")
                            .tag("reason", r).register(registry)).increment();
                }
            }
            case SecurityEvent event -> securityEvents[event.type().ordinal()].increment();
            case AdminEvent ignored -> {
                // Admin changes are committed with their event by the recorder, not through the sink.
            }
        }
    }

    /**
     * The current values in the format {@code accept} asks for: OpenMetrics when it names
     * {@code application/openmetrics-text}, else the Prometheus text format 0.0.4.
     */
    public Scrape scrape(String accept) {
        String contentType = accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS_FORMAT : TEXT_FORMAT;
        audit.refresh();
        return new Scrape(contentType, registry.scrape(contentType));
    }

    /**
     * One scrape's answer.
     *
     * @param contentType the format's content type
     * @param body the metrics text
     */
    public record Scrape(String contentType, String body) {
    }

    private CallMeters meters(CallRecord call) {
        String model = labels.model(call.model());
        String provider = labels.provider(call.provider());
        ConcurrentHashMap<String, CallMeters> byProvider = calls.get(model);
        if (byProvider == null) {
            byProvider = calls.computeIfAbsent(model, m -> new ConcurrentHashMap<>());
        }
        CallMeters meters = byProvider.get(provider);
        if (meters == null) {
            meters = byProvider.computeIfAbsent(provider, p -> new CallMeters(registry, labels, model, p));
        }
        return meters;
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}

package dev.tally.gateway.metrics;

import dev.tally.audit.id.IdSource;
import dev.tally.audit.recorder.Recorder;
import dev.tally.gateway.audit.AuditSink;
import dev.tally.gateway.auth.Sleeper;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.config.Secret;
import dev.tally.gateway.trace.CallTracer;
import dev.tally.gateway.trace.OtlpCallTracer;
import io.helidon.webserver.http.HttpRouting;
import java.time.Clock;

/**
 * What a gateway wires for metrics and tracing, in one place: the {@link GatewayMetrics}, the audit
 * sink that counts into them ({@link #sink()}, to be used instead of the plain one everywhere),
 * the span exporter ({@link #tracer()}, {@link CallTracer#NONE} unless
 * {@code telemetry.otlp_endpoint} is set), and the {@code GET /metrics} route (unless
 * {@code metrics.enabled} is false). Thread-safe; {@link #close()} exports queued spans, then
 * releases the metrics.
 */
public final class GatewayTelemetry implements AutoCloseable {

    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final AuditSink sink;
    private final CallTracer tracer;
    private final ScrapeAuth scrapeAuth;

    private GatewayTelemetry(GatewayConfig config, GatewayMetrics metrics, AuditSink sink, CallTracer tracer, ScrapeAuth scrapeAuth) {
        this.config = config;
        this.metrics = metrics;
        this.sink = sink;
        this.tracer = tracer;
        this.scrapeAuth = scrapeAuth;
    }

    /**
     * Starts metrics (and span export when configured) for a gateway recording into {@code recorder}
     * through {@code sink}.
     *
     * @param adminToken the admin token a scrape must present when {@code metrics.require_admin_token}
     *     is on (null: none configured, every scrape is then refused)
     */
    public static GatewayTelemetry start(GatewayConfig config, Recorder recorder, AuditSink sink, Secret adminToken,
            IdSource ids, Clock clock) {
        CallTracer tracer = OtlpCallTracer.start(config, recorder.chain());
        GatewayMetrics metrics = new GatewayMetrics(config, recorder::stats, recorder::payloadsDropped,
                tracer instanceof OtlpCallTracer otlp ? otlp::stats : null);
        AuditSink counted = new MetricsAuditSink(sink, metrics);
        ScrapeAuth auth = config.metrics().requireAdminToken()
                ? new ScrapeAuth(adminToken, config.audit(), counted, ids, clock, Sleeper.SYSTEM)
                : null;
        return new GatewayTelemetry(config, metrics, counted, tracer, auth);
    }

    /** The audit sink that counts what it records; use it for every entry the gateway writes. */
    public AuditSink sink() {
        return sink;
    }

    /** Told about every finished call. */
    public CallTracer tracer() {
        return tracer;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    /** Adds {@code GET /metrics} unless metrics are switched off. */
    public void routes(HttpRouting.Builder routing) {
        if (config.metrics().enabled()) {
            routing.get("/metrics", new MetricsHandler(metrics, scrapeAuth));
        }
    }

    @Override
    public void close() {
        try {
            if (tracer instanceof OtlpCallTracer otlp) {
                otlp.close();
            }
        } finally {
            metrics.close();
        }
    }
}

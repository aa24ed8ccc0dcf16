package dev.tally.gateway.trace;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.config.Secret;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Exports one OpenTelemetry span per call over OTLP/HTTP (protobuf), when
 * {@code telemetry.otlp_endpoint} is set.
 *
 * <p>The span is made when the call's record is: it starts at the record's {@code started_at},
 * lasts its {@code duration_ms}, has the record's trace id, the client's span as parent (when the
 * call continued a trace) and the span id that went upstream in {@code traceparent}
 * ({@link TraceContext}), so the client's, the gateway's and the provider's spans join in one
 * trace. Attributes follow the GenAI semantic conventions ({@link GenAiAttributes}); no payload
 * or secret is ever put on a span. A continued trace keeps the client's sampled flag (parent-based
 * sampling); a new trace is always exported.
 *
 * <p>Export never slows a call: {@link #finished} only builds the span and puts it on the SDK's
 * {@link BatchSpanProcessor} queue (bounded; a full queue drops the span), and a background thread
 * posts batches. Failures are logged by the SDK and counted in {@link #stats()}.
 *
 * <p>Thread-safe. {@link #close()} exports what is queued (waiting at most the export timeout
 * plus a few seconds) and stops the export thread.
 */
public final class OtlpCallTracer implements CallTracer, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OtlpCallTracer.class.getName());
    private static final String SCOPE = "dev.tally.gateway";
    /** How long queued spans wait before a batch goes out. */
    private static final Duration SCHEDULE_DELAY = Duration.ofSeconds(2);

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final PinnedIds ids;
    private final GenAiAttributes attributes;
    private final Duration exportTimeout;
    private final LongAdder ended = new LongAdder();
    private final LongAdder exported = new LongAdder();
    private final LongAdder failed = new LongAdder();

    private OtlpCallTracer(GatewayConfig config, String instanceId) {
        GatewayConfig.Telemetry telemetry = config.telemetry();
        this.exportTimeout = telemetry.otlpTimeout();
        this.ids = new PinnedIds();
        this.attributes = new GenAiAttributes(config);
        OtlpHttpSpanExporterBuilder exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(telemetry.otlpEndpoint().orElseThrow().toString())
                .setTimeout(telemetry.otlpTimeout())
                .setMeterProvider(MeterProvider::noop);
        for (Map.Entry<String, Secret> header : telemetry.otlpHeaders().entrySet()) {
            exporter.addHeader(header.getKey(), header.getValue().reveal());
        }
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
                AttributeKey.stringKey("service.name"), telemetry.serviceName(),
                AttributeKey.stringKey("service.instance.id"), instanceId)));
        this.provider = SdkTracerProvider.builder()
                .setResource(resource)
                .setIdGenerator(ids)
                .setSampler(Sampler.parentBased(Sampler.alwaysOn()))
                .addSpanProcessor(BatchSpanProcessor.builder(new Counting(exporter.build()))
                        .setScheduleDelay(SCHEDULE_DELAY)
                        .setExporterTimeout(telemetry.otlpTimeout())
                        .setMeterProvider(MeterProvider::noop)
                        .build())
                .build();
        this.tracer = provider.get(SCOPE);
    }

    /**
     * The tracer for {@code config}, or {@link CallTracer#NONE} when no {@code otlp_endpoint} is set.
     *
     * @param instanceId this instance's chain id, the {@code service.instance.id} resource attribute
     */
    public static CallTracer start(GatewayConfig config, String instanceId) {
        return config.telemetry().otlpEndpoint().isPresent() ? new OtlpCallTracer(config, instanceId) : NONE;
    }

    @Override
    public void finished(TraceContext trace, CallRecord record) {
        Context parent = Context.root();
        if (trace.continued()) {
            parent = parent.with(Span.wrap(SpanContext.createFromRemoteParent(trace.traceId(), trace.parentSpanId(),
                    trace.sampled() ? TraceFlags.getSampled() : TraceFlags.getDefault(), TraceState.getDefault())));
        }
        Instant start = record.startedAt();
        long startNanos = TimeUnit.SECONDS.toNanos(start.getEpochSecond()) + start.getNano();
        long durationMs = record.durationMs() == null ? 0 : record.durationMs();
        Span span = ids.start(tracer.spanBuilder(GenAiAttributes.spanName(record))
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setStartTimestamp(startNanos, TimeUnit.NANOSECONDS)
                .setAllAttributes(attributes.of(record)), trace);
        if (record.status() == CallStatus.ERROR || record.status() == CallStatus.INTERRUPTED) {
            // The error code only: the message can quote the request.
            span.setStatus(StatusCode.ERROR, record.errorCode() == null ? "" : record.errorCode());
        }
        span.end(startNanos + TimeUnit.MILLISECONDS.toNanos(durationMs), TimeUnit.NANOSECONDS);
        if (span.getSpanContext().isSampled()) {
            ended.increment();
        }
    }

    /** Export counts since start. */
    public TracerStats stats() {
        return new TracerStats(ended.sum(), exported.sum(), failed.sum());
    }

    /** Exports what is queued; returns when done or after the export timeout. */
    public void flush() {
        provider.forceFlush().join(exportTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        CompletableResultCode done = provider.shutdown().join(exportTimeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
        if (!done.isSuccess()) {
            LOG.log(Level.WARNING, "telemetry: spans still queued at shutdown may not have been exported");
        }
    }

    /** Counts what the real exporter accepted and what failed. */
    private final class Counting implements SpanExporter {

        private final SpanExporter delegate;

        Counting(SpanExporter delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            int count = spans.size();
            CompletableResultCode result = delegate.export(spans);
            result.whenComplete(() -> (result.isSuccess() ? exported : failed).add(count));
            return result;
        }

        @Override
        public CompletableResultCode flush() {
            return delegate.flush();
        }

        @Override
        public CompletableResultCode shutdown() {
            return delegate.shutdown();
        }
    }
}

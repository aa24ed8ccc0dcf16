package dev.tally.gateway.metrics;

import dev.tally.audit.recorder.RecorderStats;
import dev.tally.gateway.trace.TracerStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The audit recorder's state as metrics: queue depth, writer lag, chain head, store health
 * (writes really committing) and journal size as gauges; committed, spilled, replayed, lost,
 * store errors, payloads dropped and calls refused as unrecordable as counters
 * (the recorder counts them since start); span export counts when tracing is on. All of them
 * read one snapshot taken by {@link #refresh()} at the start of each scrape, so the numbers of
 * one scrape agree with each other. Thread-safe (the snapshot is a volatile immutable value).
 */
final class AuditGauges {

    private record Snapshot(RecorderStats recorder, long payloadsDropped, TracerStats tracer) {
    }

    private final Supplier<RecorderStats> recorderStats;
    private final LongSupplier payloadsDropped;
    private final Supplier<TracerStats> tracerStats;
    private volatile Snapshot snapshot;

    AuditGauges(MeterRegistry registry, Supplier<RecorderStats> recorderStats, LongSupplier payloadsDropped,
            Supplier<TracerStats> tracerStats) {
        this.recorderStats = recorderStats;
        this.payloadsDropped = payloadsDropped;
        this.tracerStats = tracerStats;
        refresh();
        gauge(registry, "tally.audit.queue.depth", "Entries waiting for the audit writer", s -> s.recorder().queueDepth());
        TimeGauge.builder("tally.audit.writer.lag", this, TimeUnit.MILLISECONDS, g -> g.snapshot.recorder().writerLagMillis())
                .description("Age of the oldest entry still waiting for the writer (0 when the queue is empty)")
                .strongReference(true).register(registry);
        gauge(registry, "tally.audit.chain.head.seq", "Last seq assigned on this instance's chain", s -> s.recorder().headSeq());
        gauge(registry, "tally.audit.store.healthy", "1 only while writes really commit to the store, else 0",
                s -> s.recorder().writesCommitting() ? 1 : 0);
        gauge(registry, "tally.audit.journal.bytes", "Bytes in the spill journal waiting to be replayed",
                s -> s.recorder().journalBytes());
        counter(registry, "tally.audit.refused.unrecordable",
                "Calls refused with 503 audit_unavailable because nothing durable could take their record",
                s -> s.recorder().refusedUnrecordable());
        counter(registry, "tally.audit.committed", "Entries committed to the store", s -> s.recorder().committed());
        counter(registry, "tally.audit.spilled", "Entries written to the spill journal because the store could not take them",
                s -> s.recorder().spilled());
        counter(registry, "tally.audit.replayed", "Entries replayed from the spill journal into the store", s -> s.recorder().replayed());
        counter(registry, "tally.audit.lost", "Entries that reached neither the store nor the spill journal (must stay 0)",
                s -> s.recorder().lost());
        counter(registry, "tally.audit.store.errors", "Failed store commits", s -> s.recorder().storeErrors());
        counter(registry, "tally.audit.payloads.dropped", "Kept payloads dropped because their record was spilled or refused",
                Snapshot::payloadsDropped);
        if (tracerStats != null) {
            counter(registry, "tally.trace.spans.ended", "Call spans handed to the export queue", s -> s.tracer().ended());
            counter(registry, "tally.trace.spans.exported", "Call spans the OTLP receiver accepted", s -> s.tracer().exported());
            counter(registry, "tally.trace.spans.failed", "Call spans in exports that failed", s -> s.tracer().failed());
        }
    }

    /** Takes a new snapshot; called before every scrape. */
    void refresh() {
        snapshot = new Snapshot(recorderStats.get(), payloadsDropped.getAsLong(),
                tracerStats == null ? null : tracerStats.get());
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<Snapshot> value) {
        Gauge.builder(name, this, g -> value.applyAsDouble(g.snapshot)).description(description)
                .strongReference(true).register(registry);
    }

    private void counter(MeterRegistry registry, String name, String description, ToDoubleFunction<Snapshot> value) {
        FunctionCounter.builder(name, this, g -> value.applyAsDouble(g.snapshot)).description(description)
                .register(registry);
    }
}

package dev.tally.gateway.metrics;

import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.recorder.Durability;
import dev.tally.audit.store.StoredPayload;
import dev.tally.gateway.audit.AuditSink;
import java.lang.System.Logger.Level;
import java.util.Objects;

/**
 * An {@link AuditSink} that counts what it passes on: every opening marker, call record and
 * security or admin event handed to the audit log is seen by {@link GatewayMetrics} right after
 * the sink underneath took it (in sync mode: after it was made durable). Metrics are counted from
 * exactly what is recorded, so they cannot disagree with the log. A fault while counting is
 * logged and never fails the call. Thread-safe when the sink underneath is.
 */
public final class MetricsAuditSink implements AuditSink {

    private static final System.Logger LOG = System.getLogger(MetricsAuditSink.class.getName());

    private final AuditSink delegate;
    private final GatewayMetrics metrics;

    public MetricsAuditSink(AuditSink delegate, GatewayMetrics metrics) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public Durability durability() {
        return delegate.durability();
    }

    @Override
    public boolean open(CallOpening opening) throws InterruptedException {
        boolean stored = delegate.open(opening);
        try {
            metrics.opened(opening);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "metrics: counting the opening of " + opening.id() + " failed: " + e);
        }
        return stored;
    }

    @Override
    public void record(AuditEntry entry) throws InterruptedException {
        delegate.record(entry);
        count(entry);
    }

    @Override
    public void record(AuditEntry entry, StoredPayload payload) throws InterruptedException {
        delegate.record(entry, payload);
        count(entry);
    }

    @Override
    public boolean storeHealthy() {
        return delegate.storeHealthy();
    }

    @Override
    public boolean recordable() {
        return delegate.recordable();
    }

    @Override
    public void countRefused() {
        delegate.countRefused();
    }

    private void count(AuditEntry entry) {
        try {
            metrics.recorded(entry);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "metrics: counting entry " + entry.id() + " failed: " + e);
        }
    }
}

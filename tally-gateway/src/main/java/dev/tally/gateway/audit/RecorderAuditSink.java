package dev.tally.gateway.audit;

import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.recorder.Durability;
import dev.tally.audit.recorder.Receipt;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.store.StoredPayload;
import java.util.Objects;

/** {@link AuditSink} on the audit core's {@link Recorder}. Thread-safe (the recorder is). */
public final class RecorderAuditSink implements AuditSink {

    private final Recorder recorder;
    private final Durability durability;

    public RecorderAuditSink(Recorder recorder, Durability durability) {
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.durability = Objects.requireNonNull(durability, "durability");
    }

    @Override
    public Durability durability() {
        return durability;
    }

    @Override
    public boolean open(CallOpening opening) throws InterruptedException {
        return switch (durability) {
            case ASYNC -> {
                recorder.open(opening);
                yield true;
            }
            case SYNC -> recorder.storeHealthy() && recorder.openAndWait(opening) == Receipt.STORED;
        };
    }

    @Override
    public void record(AuditEntry entry) throws InterruptedException {
        switch (durability) {
            case ASYNC -> recorder.record(entry);
            case SYNC -> recorder.recordAndWait(entry);
        }
    }

    @Override
    public void record(AuditEntry entry, StoredPayload payload) throws InterruptedException {
        switch (durability) {
            case ASYNC -> recorder.record(entry, payload);
            case SYNC -> recorder.recordAndWait(entry, payload);
        }
    }

    @Override
    public boolean storeHealthy() {
        return recorder.storeHealthy();
    }

    @Override
    public boolean recordable() {
        return recorder.recordable();
    }

    @Override
    public void countRefused() {
        recorder.countRefused();
    }
}

package dev.tally.gateway.proxy;

import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.PayloadMode;
import dev.tally.audit.store.StoredPayload;
import dev.tally.audit.entry.UsageSource;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.pricing.Cost;
import dev.tally.audit.pricing.TokenUsage;
import java.util.Optional;

/**
 * The one record of one call past authentication, being filled in as the call goes. Whatever
 * path the call takes, {@link #finish} writes exactly one {@link CallRecord}: a second call is
 * ignored, and the proxy's outer {@code finally} finishes a scope nobody finished (as an internal
 * error) so no call is ever left without a record. Not thread-safe: owned by the call's thread.
 */
public final class CallScope {

    private final CallRecords records;
    private final RequestMeta meta;
    private final VirtualKey key;
    private final CallRecord.Builder builder;
    private TokenUsage usage;
    private UsageSource usageSource = UsageSource.UNKNOWN;
    private String pricedModel;
    private boolean finished;
    private final PayloadMode payloadMode;
    private byte[] requestBody;
    private byte[] responseBody;

    CallScope(CallRecords records, RequestMeta meta, VirtualKey key, CallRecord.Builder builder, PayloadMode payloadMode) {
        this.records = records;
        this.meta = meta;
        this.key = key;
        this.builder = builder;
        this.payloadMode = payloadMode;
    }

    /** Whether this call keeps any payload (so relays know whether to hand over bodies). */
    public boolean keepsPayload() {
        return payloadMode != PayloadMode.NONE;
    }

    /** The request body as received; kept only under a payload policy. */
    public void requestBody(byte[] body) {
        if (keepsPayload()) {
            this.requestBody = body;
        }
    }

    /** The response as sent, or for a stream as assembled by its observer; kept only under a payload policy. */
    public void responseBody(byte[] body) {
        if (keepsPayload()) {
            this.responseBody = body;
        }
    }

    public RequestMeta meta() {
        return meta;
    }

    public VirtualKey key() {
        return key;
    }

    /** The record under construction; fill in facts as they become known. */
    public CallRecord.Builder builder() {
        return builder;
    }

    /** Sets the usage and where it came from. */
    public void usage(TokenUsage value, UsageSource source) {
        this.usage = value;
        this.usageSource = value == null ? UsageSource.UNKNOWN : source;
    }

    /** The public model whose price applies (the one that served the call). */
    public void pricedModel(String model) {
        this.pricedModel = model;
    }

    public boolean finished() {
        return finished;
    }

    /**
     * Ends the scope without a record of its own: the call was refused because the audit log
     * could not be written, and is counted in a summary instead (the one exception to one record
     * per call; see {@link dev.tally.gateway.audit.RefusalSummaries}). Nothing was sent upstream,
     * so no limit is settled.
     */
    void counted() {
        finished = true;
    }

    /** The opening marker for this call: what is known now, as recovery would show it. */
    public CallOpening opening() {
        return new CallOpening(builder.status(CallStatus.INTERRUPTED).build());
    }

    /**
     * Completes and writes the record, settles the key's limits. In sync mode returns once the
     * record is durable. Idempotent.
     */
    public void finish(CallEnd end) throws InterruptedException {
        if (finished) {
            return;
        }
        finished = true;
        builder.status(CallEnd.status(end)).httpStatus(end.httpStatus())
                .durationMs(Math.max(0, (System.nanoTime() - meta.startNanos()) / 1_000_000));
        switch (end) {
            case CallEnd.Completed ignored -> builder.errorCode(null).errorMessage(null);
            case CallEnd.Failed f -> builder.errorCode(f.code()).errorMessage(f.message());
            case CallEnd.Refused r -> builder.errorCode(r.code()).errorMessage(r.message());
            case CallEnd.Cancelled c -> builder.errorCode(ErrorCode.CLIENT_CANCELLED.code()).errorMessage(c.message());
        }
        Optional<Cost> cost = Optional.empty();
        if (usage != null) {
            usage.applyTo(builder);
            cost = records.cost(pricedModel, usage);
        }
        builder.usageSource(usageSource);
        cost.ifPresent(c -> c.applyTo(builder));
        // A payload needs at least the request: a call cut off before its body arrived keeps none.
        boolean keep = keepsPayload() && requestBody != null;
        builder.payload(keep ? payloadMode : PayloadMode.NONE);
        CallRecord record = builder.build();
        StoredPayload payload = keep ? records.payloads().keep(record.id(), payloadMode, requestBody, responseBody) : null;
        records.write(record, payload);
        records.traced(meta, record);
        if (key != null) {
            long total = (usage == null || usage.input() == null ? 0 : usage.input())
                    + (usage == null || usage.output() == null ? 0 : usage.output());
            records.settle(key, total, cost.map(Cost::micros).orElse(null));
        }
    }
}

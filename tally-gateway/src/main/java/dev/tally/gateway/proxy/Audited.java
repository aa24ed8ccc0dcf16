package dev.tally.gateway.proxy;

import dev.tally.audit.store.StoreException;
import dev.tally.gateway.audit.AuditSink;
import dev.tally.gateway.keys.KeySettings;
import dev.tally.gateway.trace.CallTracer;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;

/**
 * The audit hook: every authenticated call leaves exactly one record (or, refused because
 * nothing durable could take it, is counted in a summary instead). It asks the wrapped
 * {@link CallService} for the call's {@link CallOutcome}, has the {@link CallAssembler} build the
 * record, hands it to the sink (sync mode: returns once durable), tells the tracer, writes the
 * security event of a refusal, and only then completes the client's response, so a client that
 * has its answer always finds the record. A call with a bad header is recorded here without
 * going further. A fault inside the gateway is recorded as an internal error and answered 500,
 * or, when the answer was already under way or its record could not be made durable, by
 * closing the connection: the client never sees a complete answer whose record is not durable.
 * Every answer of a call that gets a record, errors and refusals included, carries
 * {@code x-tally-record-id} (equal to {@code x-request-id}) unless the key's {@code return_cost}
 * is off; a call refused because its record could not be written does not.
 * Thread-safe (stateless).
 */
final class Audited implements CallHandler {

    private static final System.Logger LOG = System.getLogger(Audited.class.getName());
    /** One per process: the log is, too. */
    private static final UnrecordedCalls UNRECORDED = new UnrecordedCalls(LOG, System::nanoTime);

    private final CallService service;
    private final CallAssembler assembler;
    private final AuditSink sink;
    private final CallTracer tracer;
    private final SecurityEvents events;

    Audited(CallService service, CallAssembler assembler, AuditSink sink, CallTracer tracer, SecurityEvents events) {
        this.service = service;
        this.assembler = assembler;
        this.sink = sink;
        this.tracer = tracer;
        this.events = events;
    }

    @Override
    public void handle(Call call, ServerRequest req, ServerResponse res) throws Exception {
        var protocol = call.meta().route().protocol();
        if (KeySettings.returnsCost(call.key())) {
            // Set before anything is sent: a streamed or sync-mode answer's head goes out before its record is written.
            res.header(CostOut.RECORD_ID, call.meta().id());
        }
        if (call.problem() != null) {
            complete(call, res, CallOutcome.Recorded.ended(new CallEnd.Failed(ErrorCode.INVALID_HEADER, call.problem()),
                    RequestFacts.NONE, null, Reply.error(res, protocol, ErrorCode.INVALID_HEADER, call.problem(), null)));
            return;
        }
        CallOutcome outcome;
        try {
            outcome = service.serve(call, req, res);
        } catch (InterruptedException | CloseConnectionException | Error e) {
            writeQuietly(call, failure(new CallEnd.Failed(ErrorCode.INTERNAL_ERROR, "the call ended without an answer")));
            throw e;
        } catch (RuntimeException | IOException e) {
            failedInside(call, res, e);
            return;
        }
        complete(call, res, outcome);
    }

    /** Writes the outcome's record (if it has one), then completes the client's response. */
    private void complete(Call call, ServerResponse res, CallOutcome outcome) throws InterruptedException {
        if (outcome instanceof CallOutcome.Counted) {
            noRecordId(res);
        }
        if (outcome instanceof CallOutcome.Recorded recorded) {
            try {
                write(call, recorded);
            } catch (RuntimeException e) {
                unwritten(call, res, e);
                return;
            }
        }
        try {
            outcome.reply().complete();
        } catch (IOException | UncheckedIOException | io.helidon.webserver.ServerConnectionException clientGone) {
            // The record is written: the provider's work was done (and paid for) whether or not
            // the client stayed for the end of its answer.
        }
    }

    private void write(Call call, CallOutcome.Recorded outcome) throws InterruptedException {
        CallAssembler.Assembled assembled = assembler.record(call, outcome, System.nanoTime());
        sink.record(assembled.record(), assembled.payload());
        try {
            tracer.finished(call.meta().trace(), assembled.record());
        } catch (RuntimeException e) {
            // Tracing is best effort by contract; a fault there must not fail a recorded call.
            LOG.log(Level.WARNING, "tracing call " + call.meta().id() + " failed: " + e);
        }
        if (outcome.refusal() != null) {
            events.refused(call, outcome.refusal());
        }
    }

    /** Writes a record whose write may fail (sync mode, nowhere to write): logged, not thrown. */
    private void writeQuietly(Call call, CallOutcome.Recorded outcome) throws InterruptedException {
        try {
            write(call, outcome);
        } catch (RuntimeException e) {
            UNRECORDED.failed(call.meta().id(), e.toString());
        }
    }

    private static CallOutcome.Recorded failure(CallEnd end) {
        return CallOutcome.Recorded.ended(end, RequestFacts.NONE, null, Reply.NONE);
    }

    /** A fault inside the gateway while serving: recorded as such, answered 500 (503 when the store failed). */
    private void failedInside(Call call, ServerResponse res, Exception e) throws InterruptedException {
        boolean unrecordable = e instanceof StoreException;
        if (unrecordable) {
            UNRECORDED.failed(call.meta().id(), e.getMessage());
        } else {
            LOG.log(Level.ERROR, "call " + call.meta().id() + " failed inside the gateway", e);
        }
        writeQuietly(call, failure(unrecordable ? new CallEnd.Failed(ErrorCode.AUDIT_UNAVAILABLE, Forwarder.UNAVAILABLE_MESSAGE)
                : new CallEnd.Failed(ErrorCode.INTERNAL_ERROR, "the gateway failed: " + e.getClass().getSimpleName())));
        answerFailure(call, res, unrecordable);
    }

    /** The record could not be written (sync mode: neither stored nor spilled): the answer must not complete. */
    private void unwritten(Call call, ServerResponse res, RuntimeException e) {
        boolean unrecordable = e instanceof StoreException;
        if (unrecordable) {
            UNRECORDED.failed(call.meta().id(), e.getMessage());
        } else {
            LOG.log(Level.ERROR, "call " + call.meta().id() + ": writing its record failed", e);
        }
        answerFailure(call, res, unrecordable);
    }

    private static void answerFailure(Call call, ServerResponse res, boolean unrecordable) {
        var protocol = call.meta().route().protocol();
        try {
            if (!res.isSent()) {
                if (unrecordable) {
                    noRecordId(res);
                    res.header(HeaderNames.RETRY_AFTER, "1");
                    Replies.error(res, protocol, ErrorCode.AUDIT_UNAVAILABLE, Forwarder.UNAVAILABLE_MESSAGE, null);
                } else {
                    Replies.error(res, protocol, ErrorCode.INTERNAL_ERROR,
                            "the gateway failed; see x-request-id " + call.meta().id(), null);
                }
                return;
            }
        } catch (RuntimeException alreadyStreaming) {
            // the answer's status and part of its body are out: fall through and cut the connection
        }
        throw new CloseConnectionException("call " + call.meta().id() + " failed after its answer began");
    }

    /** A call without a record names none (its answer's head has not gone out yet). */
    private static void noRecordId(ServerResponse res) {
        if (!res.isSent()) {
            res.headers().remove(CostOut.RECORD_ID);
        }
    }
}

package dev.tally.audit.recorder.internal;

import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.UsageSource;

/**
 * Turns an opening marker that survived a stop into the call's closing record. Everything the
 * marker knew at the call's start is kept; what only the end would have known (duration, status
 * code, tokens, cost) is unknown, so absent, never 0.
 */
public final class InterruptedCalls {

    /** The error code of a call cut off by a gateway stop. */
    public static final String ERROR_CODE = "gateway_interrupted";

    private InterruptedCalls() {
    }

    /** The interrupted record closing {@code marker}. */
    public static CallRecord close(CallOpening marker) {
        return marker.record().toBuilder()
                .status(CallStatus.INTERRUPTED)
                .errorCode(ERROR_CODE)
                .errorMessage("the gateway stopped before the call finished; its outcome is unknown")
                .httpStatus(null)
                .durationMs(null)
                .ttftMs(null)
                .upstreamMs(null)
                .inputTokens(null)
                .cachedInputTokens(null)
                .cacheWriteTokens(null)
                .outputTokens(null)
                .reasoningTokens(null)
                .usageSource(UsageSource.UNKNOWN)
                .costMicros(null)
                .finishReason(null)
                .responseBytes(null)
                .build();
    }
}

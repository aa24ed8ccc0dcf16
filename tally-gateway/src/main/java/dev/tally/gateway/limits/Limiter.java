package dev.tally.gateway.limits;

import dev.tally.audit.keys.VirtualKey;

/**
 * Applies a key's model scope, requests-per-minute, tokens-per-minute and spend budget.
 * Thread-safe; never blocks on the network (budget spend is read from the store's rollups
 * and cached briefly).
 */
public interface Limiter {

    /**
     * Decides whether {@code key} may call {@code model} now, and if so counts the request.
     *
     * @param model the public model name asked for; the caller has already checked it exists
     * @param estimatedInputTokens a local estimate of the request's input tokens, for the TPM check
     */
    Admission admit(VirtualKey key, String model, long estimatedInputTokens);

    /** Reports what a finished call really used, so TPM and budget stay accurate. */
    void settle(VirtualKey key, long totalTokens, Long costMicros);
}

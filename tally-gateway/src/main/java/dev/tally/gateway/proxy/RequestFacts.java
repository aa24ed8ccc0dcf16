package dev.tally.gateway.proxy;

/**
 * What a call's record says about the client's request body: known once it was read (and, for
 * the model, stream flag and user, once it was parsed). Immutable; {@code body} is the received
 * array itself (not copied: nobody writes to it after it was read).
 *
 * @param requestBytes bytes received, or null when none were read
 * @param stream whether a stream was asked for, or null when unknown
 * @param model the public model asked for, or null
 * @param user the body's user field, or null
 * @param body the body as received, kept only for a payload policy, or null
 * @param serviceTier the body's {@code service_tier}, or null
 */
record RequestFacts(Long requestBytes, Boolean stream, String model, String user, byte[] body, String serviceTier) {

    /** Nothing known about the body (it was never read). */
    static final RequestFacts NONE = new RequestFacts(null, null, null, null, null, null);

    /** A body that was read but not (or not successfully) parsed. */
    static RequestFacts unparsed(byte[] raw) {
        return new RequestFacts((long) raw.length, false, null, null, raw, null);
    }

    /** A body that was read and parsed. */
    static RequestFacts of(ClientRequest request) {
        return new RequestFacts(request.requestBytes(), request.stream(), request.model(), request.user(), request.raw(),
                request.serviceTier());
    }
}

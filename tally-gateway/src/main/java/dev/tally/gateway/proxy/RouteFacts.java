package dev.tally.gateway.proxy;

/**
 * What a call's record says about where it was sent: known once it was routed (provider), and
 * once the upstream attempts ended (the provider that answered, how many attempts, the model
 * that served). Immutable.
 *
 * @param provider the provider name
 * @param attempts upstream attempts made, or null before any
 * @param servedModel the upstream model name of the target that answered, or null
 * @param pricedModel the public model whose price applies, or null
 * @param upstreamMs time spent on upstream attempts that all failed, or null
 */
record RouteFacts(String provider, Integer attempts, String servedModel, String pricedModel, Long upstreamMs) {

    /** Routed to {@code provider}, nothing sent yet. */
    static RouteFacts routed(String provider) {
        return new RouteFacts(provider, null, null, null, null);
    }
}

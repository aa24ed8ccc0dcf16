package dev.tally.gateway.reprice;

import dev.tally.audit.entry.CallRecord;
import dev.tally.gateway.config.GatewayConfig;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The public model whose price applied to a stored call. The gateway prices a call under the
 * public model of the target that answered ({@code Forwarder}); the record keeps the requested
 * {@code model}, the {@code provider} that answered and the {@code served_model}. So for a call
 * whose requested model has fallbacks, the model that answered is the first of the requested
 * model's attempt order configured with the record's provider and its served model as upstream
 * model, else the first with the record's provider (a provider may report a dated model name),
 * else the requested model. Immutable and thread-safe.
 */
public final class PricedModels implements Function<CallRecord, String> {

    private final Map<String, GatewayConfig.Model> models;

    private PricedModels(Map<String, GatewayConfig.Model> models) {
        this.models = Map.copyOf(models);
    }

    /** The priced models of {@code config}'s model routes. */
    public static PricedModels of(GatewayConfig config) {
        return new PricedModels(config.models());
    }

    @Override
    public String apply(CallRecord call) {
        GatewayConfig.Model requested = models.get(call.model());
        if (requested == null || requested.fallbacks().isEmpty() || call.provider() == null) {
            return call.model();
        }
        for (String name : requested.attemptOrder()) {
            GatewayConfig.Model m = models.get(name);
            if (m != null && m.provider().equals(call.provider()) && Objects.equals(m.upstreamModel(), call.servedModel())) {
                return name;
            }
        }
        for (String name : requested.attemptOrder()) {
            GatewayConfig.Model m = models.get(name);
            if (m != null && m.provider().equals(call.provider())) {
                return name;
            }
        }
        return call.model();
    }
}

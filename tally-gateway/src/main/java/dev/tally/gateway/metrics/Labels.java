package dev.tally.gateway.metrics;

import dev.tally.gateway.config.GatewayConfig;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Keeps every label value from a closed, small set, so no client can grow the number of series:
 * {@code model} is a configured public model name (anything a client made up is {@code other}),
 * {@code provider} a configured provider name, and an error or refusal {@code code} one of the
 * first {@link #MAX_CODES} distinct codes seen (provider codes arrive from outside), then
 * {@code other}. An absent value is {@code none}. Keys, users, tags and IPs are never labels.
 * Thread-safe.
 */
final class Labels {

    /** Label value for a value that is not in the closed set. */
    static final String OTHER = "other";
    /** Label value for an absent value. */
    static final String NONE = "none";
    /** Most distinct error codes kept as label values. */
    static final int MAX_CODES = 100;

    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    private final Map<String, GatewayConfig.Model> models;
    private final Set<String> providers;
    private final Set<String> codes = ConcurrentHashMap.newKeySet();

    Labels(GatewayConfig config) {
        this.models = Map.copyOf(config.models());
        this.providers = Set.copyOf(config.providers().keySet());
    }

    String model(String model) {
        return model == null ? NONE : models.containsKey(model) ? model : OTHER;
    }

    String provider(String provider) {
        return provider == null ? NONE : providers.contains(provider) ? provider : OTHER;
    }

    /** An error or refusal code, bounded. */
    String code(String code) {
        if (code == null) {
            return NONE;
        }
        if (codes.contains(code)) {
            return code;
        }
        if (!CODE.matcher(code).matches()) {
            return OTHER;
        }
        // Racing threads may admit a few codes past the cap; the bound stays small either way.
        if (codes.size() >= MAX_CODES) {
            return OTHER;
        }
        codes.add(code);
        return code;
    }

    /**
     * Whether a call for public model {@code model} that was answered by {@code provider} with
     * {@code servedModel} was answered by a fallback: not by the requested model's own provider
     * and upstream model.
     */
    boolean answeredByFallback(String model, String provider, String servedModel) {
        GatewayConfig.Model own = model == null ? null : models.get(model);
        return own != null && provider != null && servedModel != null
                && !(own.provider().equals(provider) && own.upstreamModel().equals(servedModel));
    }
}

package dev.tally.gateway.upstream;

import dev.tally.audit.entry.Protocol;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.config.GatewayConfig.Model;
import dev.tally.gateway.config.GatewayConfig.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Maps a public model name to the ordered targets to try: the model itself, then its fallbacks.
 *
 * <p>With no {@code models} configured (the zero-config start), every model name is passed
 * through to the first provider that speaks the endpoint's protocol, under the same name. Such
 * calls are unpriced. Immutable, thread-safe.
 */
public final class Router {

    private final GatewayConfig config;

    public Router(GatewayConfig config) {
        this.config = config;
    }

    /** Whether any configured provider speaks {@code protocol}. */
    public boolean serves(Protocol protocol) {
        return config.providers().values().stream().anyMatch(p -> p.kind() == protocol);
    }

    /**
     * The targets for {@code model}, first choice first, or empty when the model is unknown.
     * Targets are returned even when their protocol differs from {@code protocol}; the caller
     * reports that mismatch as a client error.
     */
    public Optional<List<Target>> route(String model, Protocol protocol) {
        if (config.models().isEmpty()) {
            return config.providers().values().stream()
                    .filter(p -> p.kind() == protocol)
                    .findFirst()
                    .or(() -> config.providers().values().stream().findFirst())
                    .map(p -> List.of(new Target(model, p, model)));
        }
        Model first = config.models().get(model);
        if (first == null) {
            return Optional.empty();
        }
        List<Target> targets = new ArrayList<>();
        for (String name : first.attemptOrder()) {
            Model m = config.models().get(name);
            Provider provider = config.providers().get(m.provider());
            targets.add(new Target(m.name(), provider, m.upstreamModel()));
        }
        return Optional.of(List.copyOf(targets));
    }
}

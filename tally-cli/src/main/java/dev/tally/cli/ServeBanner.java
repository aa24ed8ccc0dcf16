package dev.tally.cli;

import dev.tally.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code tally serve} prints once it listens: where (the API and the dashboard), with which
 * data directory and store, and which providers and models, e.g.
 * <pre>
 * tally listening on http://0.0.0.0:8080 (audit: async, chain: gw-host-1a2b3c4d)
 *   dashboard  http://localhost:8080/dashboard
 *   data       /srv/tally/data
 *   store      sqlite:/srv/tally/data/tally.db
 *   provider   openai (openai) https://api.openai.com/v1, api key ****
 *   models     gpt-4o, gpt-4o-mini
 * </pre>
 * The first line's form is kept as it was: scripts and tests read the port from it. No secret is
 * printed: provider keys show as {@code ****}, a store URL never carries user info, and a
 * PostgreSQL store shows its user but not its password. Stateless.
 */
final class ServeBanner {

    private ServeBanner() {
    }

    static List<String> lines(GatewayConfig settings, int port, String chain, Path data) {
        String host = settings.server().host();
        List<String> lines = new ArrayList<>();
        lines.add("tally listening on http://" + urlHost(host) + ":" + port + " (audit: "
                + settings.audit().durability().name().toLowerCase(Locale.ROOT) + ", chain: " + chain + ")");
        lines.add("  dashboard  http://" + urlHost(browsable(host)) + ":" + port + "/dashboard");
        lines.add("  data       " + data.toAbsolutePath().normalize());
        GatewayConfig.Store store = settings.store();
        String url = store.url().startsWith("sqlite:")
                ? "sqlite:" + Path.of(store.url().substring("sqlite:".length())).toAbsolutePath().normalize()
                : store.url().replaceAll("//[^@/]*@", "//");
        lines.add("  store      " + url
                + store.user().map(user -> " (user " + user + (store.password().isPresent() ? ", password ****" : "") + ")")
                        .orElse(""));
        if (settings.providers().isEmpty()) {
            lines.add("  providers  none (set OPENAI_API_KEY or ANTHROPIC_API_KEY, or list them under providers)");
        }
        for (GatewayConfig.Provider provider : settings.providers().values()) {
            lines.add("  provider   " + provider.name() + " (" + provider.kind().name().toLowerCase(Locale.ROOT) + ") "
                    + provider.baseUrl() + ", api key ****");
        }
        lines.add("  models     " + (settings.models().isEmpty() ? "any name, passed through"
                : String.join(", ", settings.models().keySet())));
        return lines;
    }

    /** A host as written in a URL: an IPv6 address in brackets. */
    private static String urlHost(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** A listener on every interface is reached in a browser on this machine as localhost. */
    private static String browsable(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? "localhost" : host;
    }
}

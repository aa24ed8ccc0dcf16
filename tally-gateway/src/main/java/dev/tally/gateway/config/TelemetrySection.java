package dev.tally.gateway.config;

import dev.tally.gateway.config.GatewayConfig.Metrics;
import dev.tally.gateway.config.GatewayConfig.Telemetry;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the {@code metrics} and {@code telemetry} sections of {@code tally.yaml} for
 * {@link ConfigLoader}, with the same error style: key, bad value (never a header's value, which
 * is a secret), expectation. Stateless.
 */
final class TelemetrySection {

    /** An HTTP header name (RFC 9110 token). */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}");

    private TelemetrySection() {
    }

    static Metrics metrics(ConfigNode n) {
        n.allowOnly("enabled", "require_admin_token");
        return new Metrics(n.bool("enabled", Metrics.DEFAULTS.enabled()),
                n.bool("require_admin_token", Metrics.DEFAULTS.requireAdminToken()));
    }

    static Telemetry telemetry(ConfigNode n) {
        n.allowOnly("otlp_endpoint", "otlp_headers", "service_name", "otlp_timeout");
        Optional<URI> endpoint = n.optionalString("otlp_endpoint").filter(s -> !s.isBlank())
                .map(text -> endpoint(n.key("otlp_endpoint"), text));
        Map<String, Secret> headers = new LinkedHashMap<>();
        ConfigNode headerNode = n.child("otlp_headers");
        for (String name : headerNode.names()) {
            if (!HEADER_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(headerNode.key(name) + ": unusable header name (expected: letters, digits and -)");
            }
            headers.put(name.toLowerCase(Locale.ROOT), new Secret(headerNode.string(name, "")));
        }
        String serviceName = n.string("service_name", Telemetry.DEFAULT_SERVICE_NAME).strip();
        if (serviceName.isEmpty() || serviceName.length() > 100) {
            throw new IllegalArgumentException(n.key("service_name") + ": '" + serviceName
                    + "' (expected: 1..100 characters)");
        }
        return new Telemetry(endpoint, headers, serviceName,
                n.duration("otlp_timeout", Telemetry.DEFAULT_OTLP_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(5)));
    }

    /**
     * The traces URL: taken as written when it has a path, else {@code /v1/traces} is added (so a
     * collector's base address such as {@code http://collector:4318} works too).
     */
    private static URI endpoint(String key, String text) {
        try {
            URI uri = new URI(text.strip());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getUserInfo() == null && uri.getQuery() == null && uri.getFragment() == null) {
                String path = uri.getRawPath();
                return path == null || path.isEmpty() || "/".equals(path)
                        ? URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + "/v1/traces")
                        : uri;
            }
        } catch (URISyntaxException e) {
            // reported below with the expectation
        }
        // The URL is shown without any user info, which could carry a credential.
        throw new IllegalArgumentException(key + ": '" + text.replaceAll("//[^@/]*@", "//****@")
                + "' (expected: an http:// or https:// URL without user info, query or fragment,"
                + " e.g. http://localhost:4318/v1/traces)");
    }
}

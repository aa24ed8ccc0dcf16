package dev.tally.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tally.audit.entry.Protocol;
import dev.tally.audit.json.Json;
import dev.tally.audit.recorder.Durability;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.recorder.WhenUnrecordable;
import dev.tally.gateway.config.GatewayConfig.Admin;
import dev.tally.gateway.config.GatewayConfig.Audit;
import dev.tally.gateway.config.GatewayConfig.Model;
import dev.tally.gateway.config.GatewayConfig.PayloadPolicy;
import dev.tally.gateway.config.GatewayConfig.Provider;
import dev.tally.gateway.config.GatewayConfig.Retries;
import dev.tally.gateway.config.GatewayConfig.Server;
import dev.tally.gateway.config.GatewayConfig.Store;
import dev.tally.gateway.config.GatewayConfig.Timeouts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Builds the one {@link GatewayConfig} from {@code tally.yaml} and the environment, validating
 * every key once. Errors are {@link IllegalArgumentException}s whose message names the key, the
 * bad value (never a secret's value) and the expectation. Unknown keys are errors. Stateless.
 *
 * <p>Environment variables used when the file does not say otherwise: {@code OPENAI_API_KEY}
 * and {@code OPENAI_BASE_URL}, {@code ANTHROPIC_API_KEY} and {@code ANTHROPIC_BASE_URL} (when
 * the file has no {@code providers}), {@code TALLY_ADMIN_TOKEN} (when it has no
 * {@code admin.token}).
 */
public final class ConfigLoader {

    private static final Duration MAX_TIMEOUT = Duration.ofHours(1);

    private ConfigLoader() {
    }

    /**
     * Loads {@code file} (or nothing when null) with {@code dataDir} as the default store location.
     *
     * @throws IllegalArgumentException when the file is missing, unreadable YAML, or invalid
     */
    public static GatewayConfig load(Path file, Path dataDir, Map<String, String> env) {
        if (file == null) {
            return parse("", dataDir, env);
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--config: '" + file + "' (expected: an existing YAML file)");
        }
        try {
            return parse(Files.readString(file), dataDir, env);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Loads {@code file} for a command that only reads the store (the CLI's {@code --config}): an
     * unset {@code ${VAR}} in a provider's key, the admin token, an alert's or telemetry's secrets,
     * which such a command never uses,
     * is a placeholder instead of an error; everything else is read and checked as by {@link #load}.
     *
     * @throws IllegalArgumentException when the file is missing, unreadable YAML, or invalid
     */
    public static GatewayConfig loadForReading(Path file, Path dataDir, Map<String, String> env) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--config: '" + file + "' (expected: an existing YAML file)");
        }
        try {
            return parse(Files.readString(file), dataDir, env, ConfigLoader::secretNotNeededForReading);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The keys whose secrets only a serving gateway uses: provider keys, admin token, alert and telemetry secrets. */
    static boolean secretNotNeededForReading(String key) {
        return key.matches("providers\\[\\d+]\\.api_key") || key.matches("alerts\\.(.*\\.)?secret")
                || key.equals("admin.token") || key.startsWith("telemetry.otlp_headers.");
    }

    /** Parses YAML text; an empty text means "all defaults". */
    public static GatewayConfig parse(String yaml, Path dataDir, Map<String, String> env) {
        return parse(yaml, dataDir, env, key -> false);
    }

    private static GatewayConfig parse(String yaml, Path dataDir, Map<String, String> env,
            java.util.function.Predicate<String> unneeded) {
        JsonNode tree;
        try {
            tree = yaml.isBlank() ? null : new YAMLMapper().readTree(yaml);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("tally.yaml: not valid YAML at line " + e.getLocation().getLineNr()
                    + " (expected: a YAML mapping): " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the YAML text", e);
        }
        ConfigNode root = new ConfigNode("", EnvInterpolation.apply(tree, "", env, unneeded));
        root.allowOnly("server", "admin", "store", "audit", "providers", "models", "metrics", "telemetry", "logging",
                "alerts", "budgets");
        Map<String, Provider> providers = root.has("providers") ? providers(root) : providersFromEnv(env);
        return new GatewayConfig(server(root.child("server")), admin(root.child("admin"), env),
                store(root.child("store"), dataDir, env), audit(root.child("audit")), providers,
                models(root, providers), TelemetrySection.metrics(root.child("metrics")),
                TelemetrySection.telemetry(root.child("telemetry")), LoggingSection.logging(root.child("logging")),
                AlertsSection.alerts(root.child("alerts"), root.mappings("budgets"), root.key("budgets")));
    }

    private static Server server(ConfigNode n) {
        n.allowOnly("host", "port", "instance_id", "shutdown_timeout");
        Optional<String> instanceId = n.optionalString("instance_id");
        instanceId.ifPresent(id -> {
            if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException(n.key("instance_id") + ": '" + id
                        + "' (expected: 1-64 characters of A-Z a-z 0-9 . _ -)");
            }
        });
        return new Server(n.string("host", Server.DEFAULT_HOST), n.integer("port", Server.DEFAULT_PORT, 0, 65_535),
                instanceId, n.duration("shutdown_timeout", Server.DEFAULT_SHUTDOWN_TIMEOUT, Duration.ofSeconds(1),
                        Duration.ofHours(1)));
    }

    private static Admin admin(ConfigNode n, Map<String, String> env) {
        n.allowOnly("token");
        Optional<String> token = n.optionalString("token").or(() -> Optional.ofNullable(env.get("TALLY_ADMIN_TOKEN")))
                .filter(t -> !t.isBlank());
        token.ifPresent(t -> {
            if (t.length() < 16) {
                throw new IllegalArgumentException(n.key("token") + ": a " + t.length()
                        + "-character token (expected: at least 16 characters)");
            }
        });
        return new Admin(token.map(Secret::new));
    }

    private static Store store(ConfigNode n, Path dataDir, Map<String, String> env) {
        n.allowOnly("url", "user", "password");
        String url = n.string("url", "sqlite:" + dataDir.resolve("tally.db"));
        if (!url.startsWith("sqlite:") && !url.startsWith("postgresql:")) {
            throw new IllegalArgumentException(n.key("url") + ": '" + url
                    + "' (expected: sqlite:<path> or postgresql://host[:port]/database)");
        }
        Optional<String> user = n.optionalString("user")
                .or(() -> Optional.ofNullable(env.get("TALLY_STORE_USER"))).filter(u -> !u.isBlank());
        Optional<Secret> password = n.optionalString("password")
                .or(() -> Optional.ofNullable(env.get("TALLY_STORE_PASSWORD"))).filter(p -> !p.isEmpty())
                .map(Secret::new);
        if (url.startsWith("postgresql:")) {
            try {
                dev.tally.audit.store.postgres.PostgresOptions.jdbcUrl(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage().replaceFirst("^store\\.url", n.key("url")), e);
            }
        } else if (n.has("user") || n.has("password")) {
            throw new IllegalArgumentException(n.key(n.has("user") ? "user" : "password")
                    + ": set (expected: only with a postgresql:// store.url)");
        } else {
            user = Optional.empty(); // TALLY_STORE_* speak to a PostgreSQL store only
            password = Optional.empty();
        }
        return new Store(url, user, password);
    }

    private static Audit audit(ConfigNode n) {
        List<String> known = new java.util.ArrayList<>(List.of("durability", "flush_interval", "batch_size", "checkpoint_every",
                "payload", "redaction_patterns", "log_client_ip", "log_key_prefix", "retention", "payload_retention",
                "payload_max_bytes", "when_unrecordable", "journal_max_bytes"));
        known.addAll(IntegritySection.KEYS);
        n.allowOnly(known.toArray(String[]::new));
        Durability durability = Json.parseEnum(Durability.class, n.key("durability"), n.string("durability", "async"));
        String payloadText = n.string("payload", "off");
        // YAML 1.1 reads a bare `off` as the boolean false: that is what the user wrote.
        PayloadPolicy payload = Json.parseEnum(PayloadPolicy.class, n.key("payload"),
                "false".equals(payloadText) ? "off" : payloadText);
        List<String> patterns = n.strings("redaction_patterns");
        for (int i = 0; i < patterns.size(); i++) {
            try {
                Pattern.compile(patterns.get(i));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(n.key("redaction_patterns") + "[" + i + "]: '" + patterns.get(i)
                        + "' (expected: a Java regular expression; " + e.getDescription() + ")");
            }
        }
        Optional<Duration> retention = n.has("retention") ? retention(n, "retention") : Optional.empty();
        Optional<Duration> payloadRetention = n.has("payload_retention") ? retention(n, "payload_retention")
                : Audit.defaultPayloadRetention(retention);
        return new Audit(durability,
                n.duration("flush_interval", Audit.DEFAULT_FLUSH_INTERVAL, Duration.ofMillis(1), Duration.ofSeconds(60)),
                n.integer("batch_size", Audit.DEFAULT_BATCH_SIZE, 1, 100_000),
                n.integer("checkpoint_every", Audit.DEFAULT_CHECKPOINT_EVERY, 1, Integer.MAX_VALUE),
                payload, patterns, n.bool("log_client_ip", true), n.bool("log_key_prefix", true), retention,
                payloadRetention,
                n.integer("payload_max_bytes", Audit.DEFAULT_PAYLOAD_MAX_BYTES, Audit.MIN_PAYLOAD_MAX_BYTES,
                        Audit.MAX_PAYLOAD_MAX_BYTES),
                Json.parseEnum(WhenUnrecordable.class, n.key("when_unrecordable"), n.string("when_unrecordable", "refuse")),
                bytes(n, "journal_max_bytes", RecorderConfig.DEFAULT_JOURNAL_MAX_BYTES, RecorderConfig.MIN_JOURNAL_MAX_BYTES),
                IntegritySection.integrity(n));
    }

    /**
     * A size in bytes: a plain integer, or an integer with a binary suffix {@code KiB}, {@code MiB},
     * {@code GiB} (e.g. {@code 256MiB}); at least {@code min}.
     */
    private static long bytes(ConfigNode n, String name, long fallback, long min) {
        String text = n.string(name, "").strip();
        if (text.isEmpty()) {
            return fallback;
        }
        java.util.regex.Matcher m = Pattern.compile("(\\d{1,19})\\s*(KiB|MiB|GiB)?").matcher(text);
        long value = -1;
        if (m.matches()) {
            int shift = m.group(2) == null ? 0 : switch (m.group(2)) {
                case "KiB" -> 10;
                case "MiB" -> 20;
                default -> 30;
            };
            try {
                long base = Long.parseLong(m.group(1));
                value = base <= (Long.MAX_VALUE >> shift) ? base << shift : -1;
            } catch (NumberFormatException tooLarge) {
                value = -1;
            }
        }
        if (value < min) {
            throw new IllegalArgumentException(n.key(name) + ": '" + text + "' (expected: a size of at least " + min
                    + " bytes, e.g. 268435456 or 256MiB)");
        }
        return value;
    }

    /** A retention key that is present: empty for {@code forever}, else a duration of at least {@link Audit#MIN_RETENTION}. */
    private static Optional<Duration> retention(ConfigNode n, String name) {
        String text = n.string(name, "");
        if (text.strip().equals("forever")) {
            return Optional.empty();
        }
        Duration d = Durations.parse(n.key(name), text);
        if (d.compareTo(Audit.MIN_RETENTION) < 0) {
            throw new IllegalArgumentException(n.key(name) + ": '" + text + "' (expected: at least 1h, or forever)");
        }
        return Optional.of(d);
    }

    private static Map<String, Provider> providers(ConfigNode root) {
        Map<String, Provider> out = new LinkedHashMap<>();
        for (ConfigNode n : root.mappings("providers")) {
            n.allowOnly("name", "kind", "base_url", "api_key", "timeouts", "retries", "http_client");
            String name = n.requiredString("name", "a unique provider name");
            if (out.containsKey(name)) {
                throw new IllegalArgumentException(n.key("name") + ": '" + name + "' (expected: a name not used by another provider)");
            }
            Protocol kind = Json.parseEnum(Protocol.class, n.key("kind"), n.requiredString("kind", "openai or anthropic"));
            URI defaultUrl = kind == Protocol.OPENAI ? Provider.OPENAI_DEFAULT_URL : Provider.ANTHROPIC_DEFAULT_URL;
            URI baseUrl = url(n.key("base_url"), n.string("base_url", defaultUrl.toString()));
            Secret apiKey = new Secret(n.requiredString("api_key", "the provider's API key, e.g. ${OPENAI_API_KEY}"));
            GatewayConfig.HttpClient client = Json.parseEnum(GatewayConfig.HttpClient.class, n.key("http_client"),
                    n.string("http_client", "socket"));
            out.put(name, new Provider(name, kind, baseUrl, apiKey, timeouts(n.child("timeouts")), retries(n.child("retries")),
                    client));
        }
        return out;
    }

    private static Timeouts timeouts(ConfigNode n) {
        n.allowOnly("connect", "first_byte", "idle", "total");
        Timeouts d = Timeouts.DEFAULTS;
        Duration min = Duration.ofMillis(1);
        Timeouts t = new Timeouts(n.duration("connect", d.connect(), min, MAX_TIMEOUT),
                n.duration("first_byte", d.firstByte(), min, MAX_TIMEOUT),
                n.duration("idle", d.idle(), min, MAX_TIMEOUT),
                n.duration("total", d.total(), min, MAX_TIMEOUT));
        if (t.total().compareTo(t.firstByte()) < 0) {
            throw new IllegalArgumentException(n.key("total") + ": '" + Durations.format(t.total())
                    + "' (expected: at least first_byte, " + Durations.format(t.firstByte()) + ")");
        }
        return t;
    }

    private static Retries retries(ConfigNode n) {
        n.allowOnly("max", "backoff", "max_backoff");
        Retries d = Retries.DEFAULTS;
        Retries r = new Retries(n.integer("max", d.max(), 0, 10),
                n.duration("backoff", d.backoff(), Duration.ofMillis(1), Duration.ofMinutes(1)),
                n.duration("max_backoff", d.maxBackoff(), Duration.ofMillis(1), Duration.ofMinutes(5)));
        if (r.maxBackoff().compareTo(r.backoff()) < 0) {
            throw new IllegalArgumentException(n.key("max_backoff") + ": '" + Durations.format(r.maxBackoff())
                    + "' (expected: at least backoff, " + Durations.format(r.backoff()) + ")");
        }
        return r;
    }

    private static Map<String, Model> models(ConfigNode root, Map<String, Provider> providers) {
        Map<String, ConfigNode> nodes = root.namedMappings("models");
        Map<String, Model> out = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigNode> e : nodes.entrySet()) {
            ConfigNode n = e.getValue();
            n.allowOnly("provider", "upstream_model", "fallbacks", "price");
            String provider = n.requiredString("provider", "the name of a configured provider");
            if (!providers.containsKey(provider)) {
                throw new IllegalArgumentException(n.key("provider") + ": '" + provider + "' (expected one of the configured providers: "
                        + (providers.isEmpty() ? "none configured" : String.join(", ", providers.keySet())) + ")");
            }
            out.put(e.getKey(), new Model(e.getKey(), provider, n.string("upstream_model", e.getKey()),
                    n.strings("fallbacks"), PriceSection.read(n, e.getKey())));
        }
        for (Model model : out.values()) {
            List<String> fallbacks = model.fallbacks();
            for (int i = 0; i < fallbacks.size(); i++) {
                String key = "models." + model.name() + ".fallbacks[" + i + "]";
                Model fallback = out.get(fallbacks.get(i));
                if (fallback == null || fallback.name().equals(model.name())) {
                    throw new IllegalArgumentException(key + ": '" + fallbacks.get(i)
                            + "' (expected: another configured model name)");
                }
                Protocol own = providers.get(model.provider()).kind();
                Protocol other = providers.get(fallback.provider()).kind();
                if (own != other) {
                    throw new IllegalArgumentException(key + ": '" + fallback.name() + "' is served by a "
                            + Json.wire(other) + " provider (expected: a " + Json.wire(own) + " model, the same protocol)");
                }
            }
        }
        return out;
    }

    private static Map<String, Provider> providersFromEnv(Map<String, String> env) {
        Map<String, Provider> out = new LinkedHashMap<>();
        String openAi = env.get("OPENAI_API_KEY");
        if (openAi != null && !openAi.isBlank()) {
            URI url = url("OPENAI_BASE_URL", env.getOrDefault("OPENAI_BASE_URL", Provider.OPENAI_DEFAULT_URL.toString()));
            out.put("openai", new Provider("openai", Protocol.OPENAI, url, new Secret(openAi), Timeouts.DEFAULTS, Retries.DEFAULTS));
        }
        String anthropic = env.get("ANTHROPIC_API_KEY");
        if (anthropic != null && !anthropic.isBlank()) {
            URI url = url("ANTHROPIC_BASE_URL", env.getOrDefault("ANTHROPIC_BASE_URL", Provider.ANTHROPIC_DEFAULT_URL.toString()));
            out.put("anthropic", new Provider("anthropic", Protocol.ANTHROPIC, url, new Secret(anthropic), Timeouts.DEFAULTS,
                    Retries.DEFAULTS));
        }
        return out;
    }

    private static URI url(String key, String text) {
        try {
            URI uri = new URI(text.strip());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                String s = uri.toString();
                return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
            }
        } catch (java.net.URISyntaxException ignored) {
            // reported below with the expectation
        }
        throw new IllegalArgumentException(key + ": '" + text + "' (expected: an absolute http:// or https:// URL)");
    }
}

package dev.tally.gateway.config;

import dev.tally.audit.entry.Protocol;
import dev.tally.audit.pricing.PriceVersion;
import dev.tally.audit.recorder.Durability;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.recorder.WhenUnrecordable;
import dev.tally.gateway.logging.LogSettings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole gateway configuration: one immutable tree, built and validated once by
 * {@link ConfigLoader} from {@code tally.yaml} (or from the environment alone), never changed
 * afterwards. Every key is documented in {@code docs/configuration.md}. Secrets are
 * {@link Secret}s, so printing this object never prints them. Thread-safe (immutable).
 *
 * @param server where the HTTP server listens
 * @param admin the admin API's token
 * @param store where the audit log lives
 * @param audit how calls are recorded
 * @param providers upstream providers by name, in file order
 * @param models public model names by name, in file order
 * @param metrics the Prometheus endpoint
 * @param telemetry OpenTelemetry span export (off unless configured)
 * @param logging the log's format and levels ({@code logging})
 * @param alerts budget alerts by webhook ({@code alerts} and {@code budgets}; off unless configured)
 */
public record GatewayConfig(
        Server server,
        Admin admin,
        Store store,
        Audit audit,
        Map<String, Provider> providers,
        Map<String, Model> models,
        Metrics metrics,
        Telemetry telemetry,
        LogSettings logging,
        AlertSettings alerts) {

    public GatewayConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(audit, "audit");
        providers = Collections.unmodifiableMap(new LinkedHashMap<>(providers));
        models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(telemetry, "telemetry");
        Objects.requireNonNull(logging, "logging");
        Objects.requireNonNull(alerts, "alerts");
    }

    /** This configuration with {@code server} in place of its own (e.g. {@code serve --port}). */
    public GatewayConfig withServer(Server server) {
        return new GatewayConfig(server, admin, store, audit, providers, models, metrics, telemetry, logging, alerts);
    }

    /** A provider by name. */
    public Optional<Provider> provider(String name) {
        return Optional.ofNullable(providers.get(name));
    }

    /** A public model by name. */
    public Optional<Model> model(String name) {
        return Optional.ofNullable(models.get(name));
    }

    /**
     * {@code server}: the listener and this instance's identity.
     *
     * @param host interface to bind, default {@code 0.0.0.0}
     * @param port TCP port, default 8080; 0 picks a free port
     * @param instanceId this instance's chain id; empty = the one kept in the data directory,
     *     made on first start from the host name and the data directory
     * @param shutdownTimeout longest time from SIGTERM to exit: stop taking calls, drain the audit
     *     log, fsync the rest into the spill journal (default 30s)
     */
    public record Server(String host, int port, Optional<String> instanceId, Duration shutdownTimeout) {
        public static final String DEFAULT_HOST = "0.0.0.0";
        public static final int DEFAULT_PORT = 8080;
        public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

        public Server {
            Objects.requireNonNull(instanceId, "instance_id");
            Objects.requireNonNull(shutdownTimeout, "shutdown_timeout");
        }

        /** A listener with the default shutdown timeout. */
        public Server(String host, int port, Optional<String> instanceId) {
            this(host, port, instanceId, DEFAULT_SHUTDOWN_TIMEOUT);
        }

        /** A listener without a configured instance id. */
        public Server(String host, int port) {
            this(host, port, Optional.empty());
        }
    }

    /**
     * {@code admin}: the admin token from the file or {@code TALLY_ADMIN_TOKEN}; absent means
     * "generate one on first start and keep it in the data directory".
     */
    public record Admin(Optional<Secret> token) {
        public Admin {
            Objects.requireNonNull(token, "token");
        }
    }

    /**
     * {@code store}: where the audit log lives.
     *
     * @param url {@code sqlite:<path>} (default {@code sqlite:./data/tally.db}) or
     *     {@code postgresql://host[:port]/database}
     * @param user PostgreSQL login role ({@code store.user} or {@code TALLY_STORE_USER})
     * @param password its password ({@code store.password} or {@code TALLY_STORE_PASSWORD}), masked
     */
    public record Store(String url, Optional<String> user, Optional<Secret> password) {
        public static final String DEFAULT_URL = "sqlite:./data/tally.db";

        public Store {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
        }

        /** A store without login settings (SQLite, or PostgreSQL with the driver's defaults). */
        public Store(String url) {
            this(url, Optional.empty(), Optional.empty());
        }

        /** Whether this is the PostgreSQL store. */
        public boolean postgres() {
            return url.startsWith("postgresql:");
        }
    }

    /** What is kept of request and response bodies. */
    public enum PayloadPolicy {
        OFF, HASH, REDACTED, FULL
    }

    /**
     * {@code audit}: durability, batching, checkpoints, payloads, privacy switches, retention.
     *
     * @param durability async (default) or sync
     * @param flushInterval longest wait before a group commit (default 10ms)
     * @param batchSize most records per commit (default 1000)
     * @param checkpointEvery a signed checkpoint every N entries (default 10000)
     * @param payload payload policy (default off)
     * @param redactionPatterns extra regular expressions redacted under {@code redacted}
     * @param logClientIp whether records and events carry the client IP (default true)
     * @param logKeyPrefix whether records and events carry the key prefix (default true)
     * @param retention how long entries are kept; empty = forever (default)
     * @param payloadRetention how long kept payloads are kept; empty = forever, only allowed when
     *     {@code retention} is forever; never longer than {@code retention} (default 30d, or
     *     {@code retention} when that is shorter)
     * @param payloadMaxBytes most UTF-8 bytes kept per body under redacted and full (default 64 KiB)
     * @param integrity signed heads: how often, with which key, checked against which keys, published where
     * @param whenUnrecordable what happens to new calls while nothing durable can take a write:
     *     refuse them with 503 (default) or forward them and count their records as lost (async only)
     * @param journalMaxBytes the spill journal's size cap (default 256 MiB); at the cap the log
     *     counts as unrecordable
     */
    public record Audit(
            Durability durability,
            Duration flushInterval,
            int batchSize,
            int checkpointEvery,
            PayloadPolicy payload,
            List<String> redactionPatterns,
            boolean logClientIp,
            boolean logKeyPrefix,
            Optional<Duration> retention,
            Optional<Duration> payloadRetention,
            int payloadMaxBytes,
            WhenUnrecordable whenUnrecordable,
            long journalMaxBytes,
            Integrity integrity) {

        public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(10);
        public static final int DEFAULT_BATCH_SIZE = 1000;
        public static final int DEFAULT_CHECKPOINT_EVERY = 10_000;
        /** The shortest retention of entries or payloads: a run every hour could not honour less. */
        public static final Duration MIN_RETENTION = Duration.ofHours(1);
        /** Payloads are kept this long unless {@code audit.retention} is shorter or one is configured. */
        public static final Duration DEFAULT_PAYLOAD_RETENTION = Duration.ofDays(30);
        public static final int DEFAULT_PAYLOAD_MAX_BYTES = 64 * 1024;
        public static final int MIN_PAYLOAD_MAX_BYTES = 1024;
        public static final int MAX_PAYLOAD_MAX_BYTES = 16 * 1024 * 1024;

        public Audit {
            Objects.requireNonNull(integrity, "integrity");
            Objects.requireNonNull(whenUnrecordable, "when_unrecordable");
            if (journalMaxBytes < RecorderConfig.MIN_JOURNAL_MAX_BYTES) {
                throw new IllegalArgumentException("audit.journal_max_bytes: " + journalMaxBytes
                        + " (expected: at least " + RecorderConfig.MIN_JOURNAL_MAX_BYTES + ")");
            }
            if (whenUnrecordable == WhenUnrecordable.ALLOW && durability == Durability.SYNC) {
                throw new IllegalArgumentException("audit.when_unrecordable: 'allow' (expected: refuse with audit.durability: "
                        + "sync; sync mode never answers a call it could not record)");
            }
            redactionPatterns = List.copyOf(redactionPatterns);
            Objects.requireNonNull(retention, "retention");
            Objects.requireNonNull(payloadRetention, "payload_retention");
            if (retention.isPresent() && (payloadRetention.isEmpty() || payloadRetention.get().compareTo(retention.get()) > 0)) {
                throw new IllegalArgumentException("audit.payload_retention: '"
                        + payloadRetention.map(Durations::format).orElse("forever") + "' (expected: at most audit.retention, "
                        + Durations.format(retention.get()) + "; a payload never outlives its record)");
            }
        }

        /** Audit settings with the default outage ({@code refuse}, a 256 MiB journal cap) and {@link Integrity} settings. */
        public Audit(Durability durability, Duration flushInterval, int batchSize, int checkpointEvery, PayloadPolicy payload,
                List<String> redactionPatterns, boolean logClientIp, boolean logKeyPrefix, Optional<Duration> retention,
                Optional<Duration> payloadRetention, int payloadMaxBytes) {
            this(durability, flushInterval, batchSize, checkpointEvery, payload, redactionPatterns, logClientIp, logKeyPrefix,
                    retention, payloadRetention, payloadMaxBytes, WhenUnrecordable.REFUSE, RecorderConfig.DEFAULT_JOURNAL_MAX_BYTES,
                    Integrity.DEFAULTS);
        }

        /** The default payload retention for an entry retention: 30 days, or the entry retention when shorter. */
        public static Optional<Duration> defaultPayloadRetention(Optional<Duration> retention) {
            return Optional.of(retention.filter(r -> r.compareTo(DEFAULT_PAYLOAD_RETENTION) < 0)
                    .orElse(DEFAULT_PAYLOAD_RETENTION));
        }
    }

    /**
     * {@code providers[]}: one upstream.
     *
     * @param name unique name used by models
     * @param kind wire protocol: openai or anthropic
     * @param baseUrl for openai the URL that ends before {@code /chat/completions} (e.g.
     *     {@code https://api.openai.com/v1}); for anthropic the URL before {@code /v1/messages}
     * @param apiKey the provider's secret, sent upstream only
     * @param timeouts connect, first byte, idle between stream events, total
     * @param retries retry policy on connect errors, 429 and 5xx
     * @param httpClient which HTTP client calls this provider (default {@link HttpClient#SOCKET})
     */
    public record Provider(String name, Protocol kind, URI baseUrl, Secret apiKey, Timeouts timeouts, Retries retries,
            HttpClient httpClient) {
        public static final URI OPENAI_DEFAULT_URL = URI.create("https://api.openai.com/v1");
        public static final URI ANTHROPIC_DEFAULT_URL = URI.create("https://api.anthropic.com");

        /** A provider called with the default HTTP client. */
        public Provider(String name, Protocol kind, URI baseUrl, Secret apiKey, Timeouts timeouts, Retries retries) {
            this(name, kind, baseUrl, apiKey, timeouts, retries, HttpClient.SOCKET);
        }
    }

    /**
     * {@code providers[].http_client}: which client calls the provider.
     * {@code socket} (default): HTTP/1.1 over pooled keep-alive sockets, on the call's own thread
     * (measured fastest by {@code bench/gateway}); {@code jdk}: the JDK's {@code HttpClient},
     * which speaks HTTP/2 to https providers that offer it (one multiplexed connection).
     */
    public enum HttpClient {
        SOCKET, JDK
    }

    /**
     * {@code providers[].timeouts}.
     *
     * @param connect TCP/TLS connect (default 10s)
     * @param firstByte until the response headers arrive (default 120s: a non-streamed answer
     *     only starts once it is complete)
     * @param idle longest silence between two stream events or body reads (default 60s)
     * @param total whole upstream exchange, body included (default 600s)
     */
    public record Timeouts(Duration connect, Duration firstByte, Duration idle, Duration total) {
        public static final Timeouts DEFAULTS = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(120),
                Duration.ofSeconds(60), Duration.ofSeconds(600));
    }

    /**
     * {@code providers[].retries}.
     *
     * @param max retries after the first attempt (default 2; 0 disables)
     * @param backoff first wait, doubled each retry (default 200ms)
     * @param maxBackoff cap on any wait; a {@code retry-after} longer than this is not waited
     *     for and the call moves on to its fallbacks (default 5s)
     */
    public record Retries(int max, Duration backoff, Duration maxBackoff) {
        public static final Retries DEFAULTS = new Retries(2, Duration.ofMillis(200), Duration.ofSeconds(5));
    }

    /**
     * {@code models.<public name>}.
     *
     * @param name the public name clients ask for
     * @param provider the provider's name
     * @param upstreamModel the provider's model name (default: the public name)
     * @param fallbacks public model names tried in order when this one fails
     * @param prices the versions of its price, oldest first, or empty when unpriced (cost stays
     *     absent, never $0); a single price is one version in force since ever
     */
    public record Model(String name, String provider, String upstreamModel, List<String> fallbacks, List<PriceVersion> prices) {
        public Model {
            fallbacks = List.copyOf(fallbacks);
            prices = List.copyOf(prices);
        }

        /** Whether the model has any price. */
        public boolean priced() {
            return !prices.isEmpty();
        }

        /** The chain of models to try: this one, then the fallbacks in order. */
        public List<String> attemptOrder() {
            List<String> order = new ArrayList<>(fallbacks.size() + 1);
            order.add(name);
            order.addAll(fallbacks);
            return order;
        }
    }

    /**
     * {@code metrics}: {@code GET /metrics} in the Prometheus text format.
     *
     * @param enabled whether the route is served (default true)
     * @param requireAdminToken whether a scrape must send {@code Authorization: Bearer <admin token>}
     *     (default false: Prometheus scrapers usually send none, and the metrics carry no secret,
     *     no key and no payload)
     */
    public record Metrics(boolean enabled, boolean requireAdminToken) {
        public static final Metrics DEFAULTS = new Metrics(true, false);
    }

    /**
     * {@code telemetry}: one OpenTelemetry span per call, exported over OTLP/HTTP (protobuf).
     * Off unless {@code otlp_endpoint} is set. Every new trace is exported; a call that continues a
     * client's trace follows the client's sampled flag.
     *
     * @param otlpEndpoint where spans are posted, e.g. {@code http://localhost:4318/v1/traces};
     *     empty: no export (default)
     * @param otlpHeaders extra headers sent with each export, e.g. a vendor's API key (secrets)
     * @param serviceName the {@code service.name} resource attribute (default {@code tally})
     * @param otlpTimeout longest wait for one export (default 10s); export never delays a call
     */
    public record Telemetry(Optional<URI> otlpEndpoint, Map<String, Secret> otlpHeaders, String serviceName,
            Duration otlpTimeout) {
        public static final String DEFAULT_SERVICE_NAME = "tally";
        public static final Duration DEFAULT_OTLP_TIMEOUT = Duration.ofSeconds(10);
        public static final Telemetry DEFAULTS = new Telemetry(Optional.empty(), Map.of(), DEFAULT_SERVICE_NAME,
                DEFAULT_OTLP_TIMEOUT);

        public Telemetry {
            Objects.requireNonNull(otlpEndpoint, "otlp_endpoint");
            otlpHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(otlpHeaders));
            Objects.requireNonNull(serviceName, "service_name");
            Objects.requireNonNull(otlpTimeout, "otlp_timeout");
        }
    }
}

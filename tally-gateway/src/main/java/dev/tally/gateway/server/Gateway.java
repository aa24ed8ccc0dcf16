package dev.tally.gateway.server;

import dev.tally.audit.id.IdSource;
import dev.tally.audit.pricing.PriceBook;
import dev.tally.audit.pricing.PriceVersion;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.store.AuditStore;
import dev.tally.gateway.admin.AdminRoutes;
import dev.tally.gateway.organization.OrganizationRoutes;
import dev.tally.gateway.admin.AdminServices;
import dev.tally.gateway.audit.AuditSink;
import dev.tally.gateway.audit.OutageGate;
import dev.tally.gateway.audit.RecorderAuditSink;
import dev.tally.gateway.audit.RefusalSummaries;
import dev.tally.gateway.auth.BruteForcePolicy;
import dev.tally.gateway.auth.KeyAuthenticator;
import dev.tally.gateway.auth.Sleeper;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.config.Secret;
import dev.tally.gateway.keys.BudgetWarnings;
import dev.tally.gateway.keys.KeyCache;
import dev.tally.gateway.keys.KeyService;
import dev.tally.gateway.limits.KeyLimiter;
import dev.tally.gateway.limits.SharedRates;
import dev.tally.gateway.limits.SpendReader;
import dev.tally.gateway.metrics.GatewayTelemetry;
import dev.tally.gateway.payload.PayloadKeeper;
import dev.tally.gateway.payload.Redactor;
import dev.tally.gateway.proxy.CallAssembler;
import dev.tally.gateway.proxy.ErrorCode;
import dev.tally.gateway.proxy.ProxyServices;
import dev.tally.gateway.proxy.SecurityEvents;
import dev.tally.gateway.upstream.ProviderUpstreamClient;
import dev.tally.gateway.upstream.Router;
import dev.tally.gateway.upstream.SocketUpstreamClient;
import dev.tally.gateway.upstream.UpstreamCaller;
import dev.tally.gateway.upstream.UpstreamClient;
import dev.tally.gateway.usage.TokenEstimator;
import io.helidon.webserver.http.HttpRouting;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A running gateway: wires the configuration, the audit store and recorder, keys, limits, the
 * upstream client and the HTTP server together. The store and recorder are owned by the caller
 * (who starts them before and closes them after, so the recorder drains last).
 * Everything recorded goes through {@link GatewayTelemetry}'s counting sink (metrics, span export).
 * Thread-safe; {@link #close()} stops the server, then the upstream client, writes the summaries
 * of refused calls, then exports the last spans.
 */
public final class Gateway implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());

    /**
     * How long a key looked up by secret is trusted before it is read again: the bound within
     * which a key revoked or disabled elsewhere (e.g. by {@code tally keys}) stops working.
     */
    public static final Duration KEY_CACHE_TTL = KeyCache.DEFAULT_TTL;
    /** How long a key's spend read from the rollups is used for budget checks. */
    public static final Duration SPEND_TTL = Duration.ofSeconds(5);

    private final GatewayServer server;
    private final UpstreamClient upstream;
    private final KeyService keys;
    private final GatewayTelemetry telemetry;

    private final OutageGate gate;

    private Gateway(GatewayServer server, UpstreamClient upstream, KeyService keys, GatewayTelemetry telemetry, OutageGate gate) {
        this.server = server;
        this.upstream = upstream;
        this.keys = keys;
        this.telemetry = telemetry;
        this.gate = gate;
    }

    /**
     * Starts serving {@code config}; returns once the port is bound.
     *
     * @param sink the audit sink (a {@link RecorderAuditSink} on {@code recorder} in production)
     * @param retrySleeper waits between upstream retries ({@code Thread::sleep} outside tests)
     */
    public static Gateway start(GatewayConfig config, AuditStore store, Recorder recorder, AuditSink sink, Clock clock,
            UpstreamCaller.Sleeper retrySleeper, Consumer<HttpRouting.Builder> extraRoutes) {
        return start(config, store, recorder, sink, clock, retrySleeper, config.admin().token().orElse(null), extraRoutes);
    }

    /**
     * Starts serving {@code config} with {@code adminToken} guarding the admin API (null: no token,
     * every admin request is refused); returns once the port is bound.
     */
    public static Gateway start(GatewayConfig config, AuditStore store, Recorder recorder, AuditSink sink, Clock clock,
            UpstreamCaller.Sleeper retrySleeper, Secret adminToken, Consumer<HttpRouting.Builder> extraRoutes) {
        IdSource ids = IdSource.fast(clock);
        // Everything recorded goes through the counting sink, so metrics match the log.
        GatewayTelemetry telemetry = GatewayTelemetry.start(config, recorder, sink, adminToken, ids, clock);
        sink = telemetry.sink();
        StartupTimeline.mark("telemetry");
        KeyService keys = new KeyService(store, recorder::commitChange, ids, new SecureRandom(), clock, KEY_CACHE_TTL);
        KeyAuthenticator authenticator = new KeyAuthenticator(keys, clock, BruteForcePolicy.DEFAULT, Sleeper.SYSTEM);
        Optional<SharedRates> sharedRates = SharedRates.of(store, clock);
        sharedRates.ifPresent(rates -> telemetry.metrics().sharedRates(rates));
        KeyLimiter limiter = new KeyLimiter(SpendReader.fromStore(store), clock, SPEND_TTL, sharedRates);
        TokenEstimator estimator = new TokenEstimator();
        UpstreamClient upstream = new ProviderUpstreamClient(new SocketUpstreamClient());
        OutageGate gate = new OutageGate(config.audit().whenUnrecordable(), sink, new RefusalSummaries(sink, sink::recordable,
                ErrorCode.AUDIT_UNAVAILABLE.code(), IdSource.fast(clock), clock));
        gate.summaries().start();
        telemetry.metrics().outage(gate);
        CallAssembler assembler = new CallAssembler(config.audit(), new PayloadKeeper(config.audit().payload(),
                new Redactor(config.audit().redactionPatterns()), config.audit().payloadMaxBytes(), clock));
        StartupTimeline.mark("keys, limiter, tokenizer, upstream");
        PriceBook prices = priceBook(config);
        ProxyServices services = new ProxyServices(authenticator, limiter, new Router(config),
                new UpstreamCaller(upstream, retrySleeper, clock), assembler, sink, gate,
                prices, telemetry.tracer(),
                new SecurityEvents(config.audit(), sink, ids, clock), estimator, ids, clock);
        BudgetWarnings budgetWarnings = new BudgetWarnings(config.models());
        warnAboutBudgets(keys, budgetWarnings);
        AdminServices admin = new AdminServices(config.audit(), store, sink, keys, authenticator, limiter, adminToken,
                BruteForcePolicy.DEFAULT, Sleeper.SYSTEM, ids, clock, budgetWarnings, config.models());
        // Re-pricing prices stored calls as the proxy priced them when they ran (see PricedModels).
        dev.tally.audit.adjust.Repricer repricer = new dev.tally.audit.adjust.Repricer(store, recorder,
                new dev.tally.audit.adjust.RecordPricer(prices,
                        dev.tally.gateway.reprice.PricedModels.of(config)), clock);
        StartupTimeline.mark("services");
        GatewayServer server = GatewayServer.start(config, services, sink, routing -> {
            OrganizationRoutes.register(routing, AdminRoutes.register(routing, admin, recorder, repricer), admin);
            telemetry.routes(routing);
            extraRoutes.accept(routing);
        });
        StartupTimeline.mark("server started");
        // Not during the start, nor while the first health checks come in (see StartupWarmUp.afterStart).
        StartupWarmUp.afterStart(estimator::warmUp, StartupWarmUp::tls);
        return new Gateway(server, upstream, keys, telemetry, gate);
    }

    /** Logs, once at start, every active key's budget that the configured prices cannot count. */
    private static void warnAboutBudgets(KeyService keys, BudgetWarnings budgetWarnings) {
        for (dev.tally.audit.keys.VirtualKey key : keys.list()) {
            if (key.revokedAt() == null) {
                budgetWarnings.of(key).forEach(w -> LOG.log(System.Logger.Level.WARNING, w));
            }
        }
    }

    /** The price book of the configured models (public name → price versions). */
    public static PriceBook priceBook(GatewayConfig config) {
        Map<String, List<PriceVersion>> prices = new LinkedHashMap<>();
        config.models().values().forEach(m -> {
            if (m.priced()) {
                prices.put(m.name(), m.prices());
            }
        });
        return PriceBook.of(prices);
    }

    public int port() {
        return server.port();
    }

    /** The key service this gateway authenticates with. */
    public KeyService keys() {
        return keys;
    }

    /** The gateway's metrics and span export. */
    public GatewayTelemetry telemetry() {
        return telemetry;
    }

    /** {@code audit.when_unrecordable} and the summaries of calls refused under it. */
    public OutageGate gate() {
        return gate;
    }

    /**
     * Stops the server (waiting for calls in flight), the upstream client, writes the pending
     * summaries of refused calls (when the log can take them), then exports the last spans.
     */
    @Override
    public void close() {
        try {
            server.close();
            upstream.close();
        } finally {
            try {
                gate.close();
            } finally {
                telemetry.close();
            }
        }
    }
}

package dev.tally.gateway.metrics;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics}: the gateway's metrics in the Prometheus text format (or OpenMetrics when
 * the scraper's {@code Accept} asks for it). Open by default, as Prometheus scrapers usually send
 * no credentials; with {@code metrics.require_admin_token} a {@link ScrapeAuth} asks for the admin
 * token first. Writes no audit entry for a scrape. Thread-safe; returns once the answer was sent.
 */
public final class MetricsHandler implements Handler {

    private final GatewayMetrics metrics;
    private final ScrapeAuth auth;

    /** @param auth checks the admin token, or null when scrapes need none */
    public MetricsHandler(GatewayMetrics metrics, ScrapeAuth auth) {
        this.metrics = metrics;
        this.auth = auth;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) throws InterruptedException {
        if (auth != null && !auth.allows(req, res)) {
            return;
        }
        GatewayMetrics.Scrape scrape = metrics.scrape(req.headers().first(HeaderNames.ACCEPT).orElse(null));
        res.header(HeaderNames.CONTENT_TYPE, scrape.contentType());
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(scrape.body().getBytes(StandardCharsets.UTF_8));
    }
}
